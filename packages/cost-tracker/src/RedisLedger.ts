/**
 * The Redis ledger store, for several processes or machines sharing one budget. Reservations, commits and
 * releases are Lua scripts, so Redis runs each one atomically on the server: two processes can never both
 * reserve the last of a hard budget. Records are an append-only list. A commit leaves a marker of its entry's id
 * (for a day), so the same entry sent again is not applied twice. `ioredis` is an optional peer dependency,
 * imported only when this store is opened.
 */
import { type ProviderError, providerError } from "@orch/provider"
import { Effect, Layer } from "effect"
import type { Redis as RedisClient } from "ioredis"
import { readRecord } from "./AttemptRecord.ts"
import {
  badAmount, type BudgetStanding, isLedgerAmount, LedgerStore, type LedgerStoreShape, ledgerUnavailable, type ReservationRequest
} from "./LedgerStore.ts"

/** Where the Redis ledger lives. */
export interface RedisLedgerOptions {
  /** A Redis URL, e.g. `redis://127.0.0.1:6379/0`. */
  readonly url: string
  /** The prefix of every key the ledger uses (default `orch:cost:`), to share a Redis with other data. */
  readonly prefix?: string
}

// The server's clock in milliseconds, in the Lua variable \`now\`. Expiry is judged by it alone: every process sharing
// the ledger sees the same clock, so a process whose own clock runs ahead cannot free others' live reservations.
const serverNow = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
`

// Frees the reservation whose hash key is in the Lua variable \`reservation\`, if it is still held, and forgets its
// expiry (the sorted set of held reservations is in the Lua variable \`expiries\`). Amounts are integers; a zero
// amount writes nothing (Redis refuses the increment "-0").
const freeReservation = `
local amount = tonumber(redis.call('HGET', reservation, 'amount') or '0') or 0
if amount ~= 0 then
  for _, key in ipairs(cjson.decode(redis.call('HGET', reservation, 'keys'))) do
    redis.call('HINCRBY', key, 'reserved', string.format('%d', 0 - amount))
  end
end
redis.call('DEL', reservation)
redis.call('ZREM', expiries, reservation)
`

// KEYS: reservation hash, the expiry sorted set, then one budget hash per window. ARGV: amount, reservation keys
// (JSON), time to live (ms, '' for none), then limit and hard flag per window. First reclaims reservations that
// expired on the server's clock (their process died before settling), then refuses on the first hard budget the
// amount would take past its limit. An amount of 0 is never refused.
const reserveScript = `
local expiries = KEYS[2]
${serverNow}
for _, reservation in ipairs(redis.call('ZRANGEBYSCORE', expiries, '-inf', '(' .. now)) do
${freeReservation}
end
local amount = tonumber(ARGV[1])
local soft = {}
for i = 3, #KEYS do
  local spent = tonumber(redis.call('HGET', KEYS[i], 'spent') or '0')
  local reserved = tonumber(redis.call('HGET', KEYS[i], 'reserved') or '0')
  local limit = tonumber(ARGV[4 + (i - 3) * 2])
  local hard = ARGV[5 + (i - 3) * 2] == '1'
  if amount > 0 and spent + reserved + amount > limit then
    if hard then return {'refused', i - 2, spent, reserved} end
    table.insert(soft, i - 2); table.insert(soft, spent); table.insert(soft, reserved)
  end
end
if amount > 0 then
  for i = 3, #KEYS do redis.call('HINCRBY', KEYS[i], 'reserved', ARGV[1]) end
end
redis.call('HSET', KEYS[1], 'amount', ARGV[1], 'keys', ARGV[2])
if ARGV[3] ~= '' then redis.call('ZADD', expiries, now + tonumber(ARGV[3]), KEYS[1]) end
local reply = {'reserved'}
for _, value in ipairs(soft) do table.insert(reply, value) end
return reply
`

/** How long a commit's id is remembered, so the same entry sent again is not applied twice: a day. */
const appliedTtlMs = 24 * 60 * 60 * 1000

// KEYS: records list, reservation hash, the expiry sorted set, the entry's applied marker, then budget hashes. ARGV:
// record JSON, cost in nano-dollars (a whole number >= 0, checked before the script runs), '1' when the entry has an
// id (then the marker is its key), and the marker's time to live (ms). An entry whose marker exists was applied
// before (a retry after a reply that never came back): nothing is done again.
const commitScript = `
if ARGV[3] == '1' then
  if redis.call('EXISTS', KEYS[4]) == 1 then return 0 end
  redis.call('SET', KEYS[4], '1', 'PX', ARGV[4])
end
redis.call('RPUSH', KEYS[1], ARGV[1])
local reservation = KEYS[2]
local expiries = KEYS[3]
${freeReservation}
if ARGV[2] ~= '0' then
  for i = 5, #KEYS do redis.call('HINCRBY', KEYS[i], 'spent', ARGV[2]) end
end
return 1
`

// KEYS: reservation hash, the expiry sorted set.
const releaseScript = `local reservation = KEYS[1]\nlocal expiries = KEYS[2]\n${freeReservation}\nreturn 1`

type RedisConstructor = new (url: string, options: Record<string, unknown>) => RedisClient

/** Import ioredis, or say clearly that it is missing. */
const importRedis = Effect.tryPromise({
  try: () => import("ioredis").then((module) => module.Redis as unknown as RedisConstructor),
  catch: () => providerError({ _tag: "Unavailable", cause: "ioredis is not installed", component: "ledger" },
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

/**
 * The time to live of a reservation in ms, for the script: `ttlMs`, or (from a caller that predates it) the span
 * between `nowMs` and `expiresAtMs`; '' when it never expires.
 */
const ttlOf = (request: ReservationRequest): string => {
  const ttl = request.ttlMs ?? (request.expiresAtMs !== undefined ? request.expiresAtMs - (request.nowMs ?? 0) : undefined)
  return ttl === undefined || !Number.isFinite(ttl) ? "" : String(Math.max(0, Math.ceil(ttl)))
}

const makeStore = (client: RedisClient, prefix: string): LedgerStoreShape => {
  const recordsKey = `${prefix}records`
  const budgetKey = (key: string): string => `${prefix}budget:${key}`
  const reservationKey = (id: string): string => `${prefix}reservation:${id}`
  const expiriesKey = `${prefix}reservation-expiries`
  const appliedKey = (id: string): string => `${prefix}applied:${id}`
  const call = <A>(run: () => Promise<A>): Effect.Effect<A, ProviderError> =>
    Effect.tryPromise({ try: run, catch: (cause) => ledgerUnavailable("Redis", cause) })
  let open = true

  return {
    reserve: (request) =>
      !isLedgerAmount(request.amountNanos) ? Effect.fail(badAmount("a reservation", request.amountNanos)) : Effect.map(
        call(() => client.eval(
          reserveScript, 2 + request.budgets.length,
          reservationKey(request.id), expiriesKey, ...request.budgets.map((window) => budgetKey(window.key)),
          String(request.amountNanos), JSON.stringify(request.budgets.map((window) => budgetKey(window.key))),
          ttlOf(request),
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
      !isLedgerAmount(entry.record.costNanos ?? 0) ? Effect.fail(badAmount("a cost", entry.record.costNanos)) : Effect.asVoid(call(() => client.eval(
        commitScript, 4 + entry.budgetKeys.length,
        recordsKey, reservationKey(entry.reservationId ?? "none"), expiriesKey, appliedKey(entry.id ?? "none"), ...entry.budgetKeys.map(budgetKey),
        JSON.stringify(entry.record), String(entry.record.costNanos ?? 0), entry.id !== undefined ? "1" : "0", String(appliedTtlMs)
      ))),
    release: (reservationId) => Effect.asVoid(call(() => client.eval(releaseScript, 2, reservationKey(reservationId), expiriesKey))),
    standings: (windows) =>
      Effect.forEach(windows, (window) =>
        Effect.map(call(() => client.hmget(budgetKey(window.key), "spent", "reserved")), ([spent, reserved]) => ({
          key: window.key, budget: window.budget, limitNanos: window.limitNanos,
          spentNanos: Number(spent ?? 0), reservedNanos: Number(reserved ?? 0)
        }))),
    records: Effect.map(call(() => client.lrange(recordsKey, 0, -1)), (rows) => rows.map((row, index) => readRecord(row, `Redis record ${index}`))),
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
