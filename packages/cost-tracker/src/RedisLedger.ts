/**
 * The Redis ledger store, for several processes or machines sharing one budget. Reservations, commits and
 * releases are Lua scripts, so Redis runs each one atomically on the server: two processes can never both
 * reserve the last of a hard budget. Records are an append-only list. `ioredis` is an optional peer dependency,
 * imported only when this store is opened.
 */
import { type ProviderError, providerError } from "@orch/provider"
import { Effect, Layer, Result, Schema } from "effect"
import type { Redis as RedisClient } from "ioredis"
import { type AttemptRecord, AttemptRecordSchema } from "./AttemptRecord.ts"
import { type BudgetStanding, LedgerStore, type LedgerStoreShape, ledgerUnavailable } from "./LedgerStore.ts"

/** Where the Redis ledger lives. */
export interface RedisLedgerOptions {
  /** A Redis URL, e.g. `redis://127.0.0.1:6379/0`. */
  readonly url: string
  /** The prefix of every key the ledger uses (default `orch:cost:`), to share a Redis with other data. */
  readonly prefix?: string
}

// Frees the reservation whose hash key is in the Lua variable \`reservation\`, if it is still held, and forgets its
// expiry (the sorted set of held reservations is in the Lua variable \`expiries\`).
const freeReservation = `
local amount = redis.call('HGET', reservation, 'amount')
if amount then
  for _, key in ipairs(cjson.decode(redis.call('HGET', reservation, 'keys'))) do
    redis.call('HINCRBY', key, 'reserved', '-' .. amount)
  end
  redis.call('DEL', reservation)
end
redis.call('ZREM', expiries, reservation)
`

// KEYS: reservation hash, the expiry sorted set, then one budget hash per window. ARGV: amount, reservation keys
// (JSON), now (ms), expires at (ms), then limit and hard flag per window. First reclaims reservations that expired
// (their process died before settling), then refuses on the first hard budget the amount would take past its limit.
const reserveScript = `
local expiries = KEYS[2]
for _, reservation in ipairs(redis.call('ZRANGEBYSCORE', expiries, '-inf', '(' .. ARGV[3])) do
${freeReservation}
end
local amount = tonumber(ARGV[1])
local soft = {}
for i = 3, #KEYS do
  local spent = tonumber(redis.call('HGET', KEYS[i], 'spent') or '0')
  local reserved = tonumber(redis.call('HGET', KEYS[i], 'reserved') or '0')
  local limit = tonumber(ARGV[5 + (i - 3) * 2])
  local hard = ARGV[6 + (i - 3) * 2] == '1'
  if spent + reserved + amount > limit then
    if hard then return {'refused', i - 2, spent, reserved} end
    table.insert(soft, i - 2); table.insert(soft, spent); table.insert(soft, reserved)
  end
end
for i = 3, #KEYS do redis.call('HINCRBY', KEYS[i], 'reserved', ARGV[1]) end
redis.call('HSET', KEYS[1], 'amount', ARGV[1], 'keys', ARGV[2])
if ARGV[4] ~= '' then redis.call('ZADD', expiries, ARGV[4], KEYS[1]) end
local reply = {'reserved'}
for _, value in ipairs(soft) do table.insert(reply, value) end
return reply
`

// KEYS: records list, reservation hash, the expiry sorted set, then budget hashes. ARGV: record JSON, cost in nano-dollars.
const commitScript = `
redis.call('RPUSH', KEYS[1], ARGV[1])
local reservation = KEYS[2]
local expiries = KEYS[3]
${freeReservation}
for i = 4, #KEYS do redis.call('HINCRBY', KEYS[i], 'spent', ARGV[2]) end
return 1
`

// KEYS: reservation hash, the expiry sorted set.
const releaseScript = `local reservation = KEYS[1]\nlocal expiries = KEYS[2]\n${freeReservation}\nreturn 1`

const decodeRecord = Schema.decodeUnknownResult(Schema.fromJsonString(AttemptRecordSchema))

type RedisConstructor = new (url: string, options: Record<string, unknown>) => RedisClient

/** Import ioredis, or say clearly that it is missing. */
const importRedis = Effect.tryPromise({
  try: () => import("ioredis").then((module) => module.Redis as unknown as RedisConstructor),
  catch: () => providerError({ _tag: "Unavailable", cause: "ioredis is not installed" },
    "The Redis cost ledger needs the optional peer dependency ioredis: npm install ioredis")
})

/** Open a Redis ledger: connect, and fail with Unavailable when Redis cannot be reached. */
export const openRedisLedger = Effect.fnUntraced(function*(options: RedisLedgerOptions) {
  const Redis = yield* importRedis
  const client = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 5_000 })
  // ioredis reports connection errors as events too; they are surfaced through the failing commands instead.
  client.on("error", () => {})
  yield* Effect.tryPromise({ try: () => client.connect(), catch: (cause) => ledgerUnavailable("Redis", cause) }).pipe(
    Effect.tapError(() => Effect.sync(() => client.disconnect()))
  )
  return makeStore(client, options.prefix ?? "orch:cost:")
})

const makeStore = (client: RedisClient, prefix: string): LedgerStoreShape => {
  const recordsKey = `${prefix}records`
  const budgetKey = (key: string): string => `${prefix}budget:${key}`
  const reservationKey = (id: string): string => `${prefix}reservation:${id}`
  const expiriesKey = `${prefix}reservation-expiries`
  const call = <A>(run: () => Promise<A>): Effect.Effect<A, ProviderError> =>
    Effect.tryPromise({ try: run, catch: (cause) => ledgerUnavailable("Redis", cause) })
  let open = true

  return {
    reserve: (request) =>
      Effect.map(
        call(() => client.eval(
          reserveScript, 2 + request.budgets.length,
          reservationKey(request.id), expiriesKey, ...request.budgets.map((window) => budgetKey(window.key)),
          String(request.amountNanos), JSON.stringify(request.budgets.map((window) => budgetKey(window.key))),
          String(request.nowMs ?? 0), request.expiresAtMs === undefined ? "" : String(request.expiresAtMs),
          ...request.budgets.flatMap((window) => [String(window.limitNanos), window.hard ? "1" : "0"])
        ) as Promise<Array<string | number>>),
        (reply) => {
          const standing = (index: number, spent: number, reserved: number): BudgetStanding => {
            const window = request.budgets[index - 1]!
            return { key: window.key, budget: window.budget, limitNanos: window.limitNanos, spentNanos: spent, reservedNanos: reserved }
          }
          if (reply[0] === "refused") return { _tag: "Refused" as const, standing: standing(Number(reply[1]), Number(reply[2]), Number(reply[3])) }
          const softExceeded: Array<BudgetStanding> = []
          for (let i = 1; i + 2 < reply.length; i += 3) {
            softExceeded.push(standing(Number(reply[i]), Number(reply[i + 1]), Number(reply[i + 2])))
          }
          return { _tag: "Reserved" as const, softExceeded }
        }),
    commit: (entry) =>
      Effect.asVoid(call(() => client.eval(
        commitScript, 3 + entry.budgetKeys.length,
        recordsKey, reservationKey(entry.reservationId ?? "none"), expiriesKey, ...entry.budgetKeys.map(budgetKey),
        JSON.stringify(entry.record), String(entry.record.costNanos ?? 0)
      ))),
    release: (reservationId) => Effect.asVoid(call(() => client.eval(releaseScript, 2, reservationKey(reservationId), expiriesKey))),
    standings: (windows) =>
      Effect.forEach(windows, (window) =>
        Effect.map(call(() => client.hmget(budgetKey(window.key), "spent", "reserved")), ([spent, reserved]) => ({
          key: window.key, budget: window.budget, limitNanos: window.limitNanos,
          spentNanos: Number(spent ?? 0), reservedNanos: Number(reserved ?? 0)
        }))),
    records: Effect.flatMap(call(() => client.lrange(recordsKey, 0, -1)), (rows) => {
      const records: Array<AttemptRecord> = []
      for (const [index, row] of rows.entries()) {
        const decoded = decodeRecord(row)
        if (Result.isFailure(decoded)) return Effect.fail(ledgerUnavailable("Redis", `record ${index} is unreadable: ${decoded.failure.message}`))
        records.push(decoded.success)
      }
      return Effect.succeed(records)
    }),
    close: Effect.suspend(() => {
      if (!open) return Effect.void
      open = false
      return Effect.promise(() => client.quit().then(() => undefined, () => client.disconnect()))
    })
  }
}

/** The Redis ledger store as a layer; the connection is closed when the layer's scope ends. */
export const RedisLedger = {
  layer: (options: RedisLedgerOptions): Layer.Layer<LedgerStore, ProviderError> =>
    Layer.effect(LedgerStore, Effect.acquireRelease(openRedisLedger(options), (store) => store.close))
}
