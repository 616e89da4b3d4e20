/**
 * The gateway: the orchestrator behind OpenAI's HTTP API as one `node:http` request handler, to mount in any Node
 * server (or run with `serve`). Per request: key check (constant time), admission (a bound on calls in flight and on
 * those waiting), a bounded body, the `model` field routed (real model, virtual strategy model or alias), one
 * orchestrator call under the request's deadline, and the answer in OpenAI's shape. A client that goes away cancels
 * its call, which aborts the upstream requests. All state that matters lives in the ledger, so gateways over one
 * shared ledger (Redis) are interchangeable.
 */
import { randomUUID } from "node:crypto"
import type http from "node:http"
import { type CallOptions, ModelOrchestrator, type ModelOrchestratorShape, onLogLayer, type OrchestratedResponse, type OrchestratedStreamPart, type OrchestratorOptions } from "@orch/core"
import { cancelled, isProviderError, type ModelInfo, providerError, type ProviderError } from "@orch/provider"
import { Cause, Effect, Exit, type Fiber, Layer, ManagedRuntime, Stream } from "effect"
import { type ApiKeyEntry, makeKeyRing, parseKeys } from "./ApiKeys.ts"
import { chatChunks, chatCompletionBody, type ChatRequest, readChatRequest } from "./ChatCompletions.ts"
import { type GatewayMetrics, makeGatewayMetrics } from "./GatewayMetrics.ts"
import { makeModelNames } from "./ModelNames.ts"
import { aliasScope, type ModelAlias, normalizeStrategy, parseAliases, routeModel, virtualModels } from "./ModelDirectory.ts"
import { errorBody, fromProviderError, type GatewayError, gatewayError, isGatewayError, methodNotAllowed } from "./OpenAiError.ts"
import { maxTimerMs, timerMs, wholeNumberIssue } from "./Limits.ts"
import { bodyStillArriving, readJsonBody } from "./RequestBody.ts"
import { readResponsesRequest, responseEvents, type ResponseFrame, responseObject, type ResponsesRequest } from "./Responses.ts"

/** What a gateway is built from. */
export interface GatewayOptions {
  /** The orchestrator behind it: providers, strategy, routes, costs, ledger (Redis for several gateways), deadline. */
  readonly orchestrator: OrchestratorOptions
  /** API keys; with none, no key is asked for (`serve` then listens on loopback only). Each key's budget is its own scope. */
  readonly keys?: ReadonlyArray<ApiKeyEntry>
  /** Model aliases: a name for a strategy, its models and its budget. */
  readonly aliases?: Readonly<Record<string, ModelAlias>>
  /** The largest request body in bytes (default 4 MiB); larger is a 413. */
  readonly maxBodyBytes?: number
  /** The deadline of one request in ms (default the orchestrator's `deadlineMs`, else 120 s); past it, a 504. */
  readonly deadlineMs?: number
  /** Calls served at once (default 256); more wait in line. */
  readonly maxConcurrent?: number
  /** Calls waiting for a slot (default 1024); more are answered 503 with `retry-after`. */
  readonly maxQueued?: number
  /**
   * How long a client may take to read the rest of an answer once its call has ended (default 10 s); then its
   * connection is closed, so a client that stops reading cannot hold a connection and the answer's bytes forever.
   */
  readonly drainTimeoutMs?: number
  /** Wall-clock time in epoch ms, for the `created` fields (default `Date.now`). */
  readonly now?: () => number
  /** A monotonic clock in ms, for latencies (default `performance.now`). */
  readonly monotonicNow?: () => number
}

/** A running gateway: the handler to mount, and its lifecycle. */
export interface Gateway {
  /** The `node:http` request handler: `http.createServer(gateway.handle)` or call it from your own router. */
  readonly handle: (request: http.IncomingMessage, response: http.ServerResponse) => void
  /** Requests being served now. */
  readonly inFlight: () => number
  /** The Prometheus text of `GET /metrics`. */
  readonly metrics: () => string
  /**
   * Stop: new calls get 503, calls in flight may finish within `graceMs` (default 10 s), the rest are cancelled
   * (their upstream requests aborted) and answered 503 `gateway_stopping` (a begun stream gets it as its last event),
   * then the orchestrator is disposed (ledger closed, models released).
   */
  readonly close: (options?: { readonly graceMs?: number }) => Promise<void>
}

/** A configuration the gateway cannot run with (bad keys, aliases or orchestrator options). */
export class GatewayConfigError extends Error {
  override readonly name = "GatewayConfigError"
}

const defaultMaxBodyBytes = 4 * 1024 * 1024
const defaultDeadlineMs = 120_000

/** The issues of the gateway's own limits (a NaN body limit would be no limit; a zero slot count, calls never served). */
const limitIssues = (options: GatewayOptions): ReadonlyArray<string> => [
  wholeNumberIssue("maxBodyBytes", options.maxBodyBytes, 1, 1024 * 1024 * 1024),
  wholeNumberIssue("deadlineMs", options.deadlineMs, 1, maxTimerMs),
  wholeNumberIssue("maxConcurrent", options.maxConcurrent, 1, 1_000_000),
  wholeNumberIssue("maxQueued", options.maxQueued, 0, 10_000_000),
  wholeNumberIssue("drainTimeoutMs", options.drainTimeoutMs, 1, maxTimerMs)
].filter((issue) => issue !== undefined)

type Endpoint = "chat" | "responses"

/** What routing a request answers when the request became a call: the call ends the request itself. */
const inCall = true

/** The ProviderError of a failed exit, Cancelled for an interruption, undefined for a defect. */
const failureOf = (cause: Cause.Cause<ProviderError>): ProviderError | undefined => {
  const failure = Cause.findErrorOption(cause)
  if (failure._tag === "Some") return failure.value
  if (Cause.hasInterruptsOnly(cause)) return cancelled()
  return undefined
}

const internalError: GatewayError = gatewayError(500, "server_error", "internal_error", "The gateway failed unexpectedly")
const overloaded: GatewayError = gatewayError(503, "server_error", "gateway_overloaded", "The gateway is at its limit of calls in flight; retry shortly", null, 1)
const stopping: GatewayError = gatewayError(503, "server_error", "gateway_stopping", "The gateway is stopping", null, 1)
const unknownKey: GatewayError = gatewayError(401, "invalid_request_error", "invalid_api_key", "Incorrect or missing API key: send Authorization: Bearer <key>")

/** The answer for a failed call: the ProviderError's, or a 500 for a defect (whose details may hold a prompt). */
const errorOf = (cause: Cause.Cause<ProviderError>): GatewayError => {
  const error = failureOf(cause)
  return error !== undefined ? fromProviderError(error) : internalError
}

/**
 * A call being served, one object for all its state (no closure per step): its request and response, cancelled when
 * its client goes away or the gateway stops, and the fiber running it, once started.
 */
interface Call {
  readonly endpoint: Endpoint
  readonly route: string
  readonly request: http.IncomingMessage
  readonly response: http.ServerResponse
  readonly keyName: string | undefined
  readonly requestId: string
  readonly started: number
  /** Holds one of the slots of calls in flight (and is in the set of calls). */
  admitted: boolean
  cancelled: boolean
  /** Cancelled because the gateway stopped (its grace period over): answered 503 `gateway_stopping`, not dropped. */
  stopped: boolean
  /** Answered (or failed) and its slot released: nothing more happens to it. */
  done: boolean
  fiber: Fiber.Fiber<unknown, unknown> | undefined
}

/** Cancel a call: its fiber is interrupted, which aborts its upstream requests. */
const cancel = (call: Call) => {
  call.cancelled = true
  call.fiber?.interruptUnsafe()
}

/**
 * Resumes when a response the socket could not take at once has drained (or closed): the wait of backpressure,
 * bounded by what is left of the request's deadline (past it, a Timeout: the stream is not pulled meanwhile, so
 * nothing else would end a call whose client stopped reading).
 */
const drained = (response: http.ServerResponse, withinMs: number): Effect.Effect<void, ProviderError> =>
  Effect.callback<void, ProviderError>((resume) => {
    const cleanup = () => {
      clearTimeout(timer)
      response.off("drain", done)
      response.off("close", done)
    }
    const done = () => {
      cleanup()
      resume(Effect.void)
    }
    // A client that stops reading holds the stream (the model is not pulled meanwhile): not past the deadline.
    const timer = setTimeout(() => {
      cleanup()
      resume(Effect.fail(providerError({ _tag: "Timeout", phase: "total", afterMs: withinMs }, `The client did not read the stream within the request's deadline`)))
    }, timerMs(withinMs))
    response.on("drain", done)
    response.on("close", done)
    return Effect.sync(cleanup)
  })

/**
 * OpenAI's path for one without its `/v1` (`/chat/completions`, `/responses`, `/models`), as llama.cpp's and
 * LiteLLM's servers take them, for clients whose base URL has no `/v1`; any other path as it is.
 */
const versioned = (path: string): string =>
  path.startsWith("/v1/") ? path
    : path === "/chat/completions" || path === "/responses" || path === "/models" || path.startsWith("/models/") ? `/v1${path}`
    : path

/** A header's trimmed value, or undefined when absent or blank. */
const header = (request: http.IncomingMessage, name: string): string | undefined => {
  const value = request.headers[name]
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined
}

/** The orchestrator options with each key's and each alias's budget added as its own hard, all-time scope. */
const withScopedBudgets = (options: GatewayOptions): OrchestratorOptions => {
  const keyBudgets = (options.keys ?? []).flatMap((key) =>
    key.budgetUsd !== undefined ? [{ name: `key-${key.name}`, limitUsd: key.budgetUsd, period: "total" as const, mode: "hard" as const, scope: { key: key.name } }] : [])
  const aliasBudgets = Object.entries(options.aliases ?? {}).flatMap(([name, alias]) =>
    alias.budgetUsd !== undefined ? [{ name: `alias-${name}`, limitUsd: alias.budgetUsd, period: "total" as const, mode: "hard" as const, scope: { key: aliasScope(name) } }] : [])
  if (keyBudgets.length === 0 && aliasBudgets.length === 0) return options.orchestrator
  const costs = options.orchestrator.costs ?? {}
  return { ...options.orchestrator, costs: { ...costs, budgets: [...(costs.budgets ?? []), ...keyBudgets, ...aliasBudgets] } }
}

/**
 * Build a gateway. Rejects with a `GatewayConfigError` when the keys or aliases are invalid, and with the
 * orchestrator's `ProviderError` (InvalidRequest, Unavailable for an unreachable Redis) when it cannot start.
 */
export const createGateway = async (options: GatewayOptions): Promise<Gateway> => {
  const limits = limitIssues(options)
  if (limits.length > 0) throw new GatewayConfigError(limits.join("; "))
  const keys = options.keys !== undefined ? parseKeys(options.keys) : undefined
  if (keys !== undefined && "problems" in keys) throw new GatewayConfigError(`keys: ${keys.problems.join("; ")}`)
  const aliasCheck = parseAliases(options.aliases)
  if ("problems" in aliasCheck) throw new GatewayConfigError(`aliases: ${aliasCheck.problems.join("; ")}`)
  const aliases = aliasCheck.aliases
  if (keys !== undefined && Object.values(aliases).some((alias) => alias.budgetUsd !== undefined)) {
    throw new GatewayConfigError("aliases: with API keys each call is counted against its key's budget; give the budgets to the keys, not to aliases")
  }
  const ring = keys !== undefined ? makeKeyRing(keys.keys) : undefined
  const now = options.now ?? Date.now
  const monotonicNow = options.monotonicNow ?? (() => performance.now())
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes
  const deadlineMs = options.deadlineMs ?? options.orchestrator.deadlineMs ?? defaultDeadlineMs
  const maxConcurrent = options.maxConcurrent ?? 256
  const maxQueued = options.maxQueued ?? 1024
  const drainTimeoutMs = options.drainTimeoutMs ?? 10_000

  // Log lines (the cost tracker's warnings, a record the ledger could not take, ...) go to the orchestrator options'
  // `onLog` (`orch serve` writes them to stderr); without one, nowhere: a mounted library prints nothing. Provided to
  // the orchestrator's layer too, so what its services log while built or closed (records the ledger could not
  // write by then) goes there as well.
  const runtime = ManagedRuntime.make(ModelOrchestrator.layer(withScopedBudgets(options)).pipe(Layer.provideMerge(onLogLayer(options.orchestrator))))
  const built = await runtime.runPromiseExit(Effect.service(ModelOrchestrator))
  if (Exit.isFailure(built)) {
    await runtime.dispose()
    throw failureOf(built.cause) ?? Cause.squash(built.cause)
  }
  const orchestrator: ModelOrchestratorShape = built.value
  // Calls run in the runtime's services, each in a fiber of its own that the gateway tracks (and, on close, cancels
  // and awaits before the runtime is disposed), so they need not also join the runtime's own fiber scope.
  const forkCall = Effect.runForkWith(await runtime.context())

  const calls = new Set<Call>()
  const waiting: Array<(admitted: boolean) => void> = []
  let active = 0
  let serving = 0
  let closing = false
  let idle: (() => void) | undefined
  const metrics: GatewayMetrics = makeGatewayMetrics(() => serving)
  const modelNameOf = makeModelNames()

  const acquire = (): Promise<boolean> | boolean => {
    if (active < maxConcurrent) { active++; return true }
    if (waiting.length >= maxQueued) return false
    return new Promise((resolve) => waiting.push((admitted) => {
      if (admitted) active++
      resolve(admitted)
    }))
  }
  const release = () => {
    active--
    const next = waiting.shift()
    if (next !== undefined) next(!closing)
  }

  /** A request answered: when none is left and the gateway is closing, `close` goes on. */
  const requestEnded = () => {
    serving--
    if (serving === 0) idle?.()
  }

  /** A defect in the gateway: answer 500 without its details (they may hold a prompt), or cut a begun answer; keep serving. */
  const answerDefect = (response: http.ServerResponse, requestId: string, error: unknown) => {
    if (!response.headersSent) sendError(response, requestId, isProviderError(error) ? fromProviderError(error) : internalError)
    else response.destroy()
  }

  /** The end of a call, once: its slot released, the request counted as answered. */
  const callEnded = (call: Call) => {
    if (call.done) return
    call.done = true
    if (call.admitted) {
      calls.delete(call)
      release()
    }
    // Bytes of the answer still waiting for a client that does not read: it has `drainTimeoutMs` to take them.
    if (call.response.writableLength > 0 && !call.response.destroyed) boundDrain(call.response)
    requestEnded()
  }

  /** Close the connection of an answer not sent whole within `drainTimeoutMs` (its bytes are then freed). */
  const boundDrain = (response: http.ServerResponse) => {
    const timer = setTimeout(() => {
      if (!response.writableFinished) response.destroy()
    }, drainTimeoutMs)
    timer.unref()
    const cleared = () => clearTimeout(timer)
    response.once("finish", cleared)
    response.once("close", cleared)
  }

  /** A step of a call that threw: a defect, answered as one; the call ends. */
  const callDefect = (call: Call, error: unknown) => {
    if (call.done) return
    answerDefect(call.response, call.requestId, error)
    callEnded(call)
  }

  /** A call that failed: its error answered (or, for a client gone, counted as 499), and its end. */
  const callFailed = (call: Call, failure: GatewayError) => {
    if (call.cancelled && !call.stopped) observe(call.route, call.started, 499)
    else {
      const error = call.stopped ? stopping : failure
      sendError(call.response, call.requestId, error)
      observe(call.route, call.started, error.status, undefined, error)
    }
    callEnded(call)
  }

  /**
   * One fiber on the runtime per orchestrator call (the runtime's services are built once, at start); `onExit` runs
   * when it ends (its finalizers, such as releasing a reservation, done). The call's cancellation interrupts it, which
   * aborts its upstream requests.
   */
  const runCall = <A>(call: Call, effect: Effect.Effect<A, ProviderError>, onExit: (call: Call, exit: Exit.Exit<A, ProviderError>) => void): void => {
    const fiber = forkCall(effect)
    call.fiber = fiber
    if (call.cancelled) fiber.interruptUnsafe()
    fiber.addObserver((exit) => {
      try {
        onExit(call, exit)
      } catch (error) {
        callDefect(call, error)
      }
    })
  }

  const sendError = (response: http.ServerResponse, requestId: string, error: GatewayError) => {
    if (response.headersSent || response.destroyed) return
    const body = errorBody(error)
    const headers: http.OutgoingHttpHeaders = { "content-type": "application/json", "content-length": Buffer.byteLength(body), "x-orch-request-id": requestId, "x-orch-cost-usd": "0" }
    if (error.retryAfterSeconds !== undefined) headers["retry-after"] = String(error.retryAfterSeconds)
    if (error.allow !== undefined) headers.allow = error.allow
    if (error.retryable === false) headers["x-should-retry"] = "false"
    // The rest of a body too large or too slow is not read: the connection ends with this answer.
    if (error.closeConnection === true) headers.connection = "close"
    response.writeHead(error.status, headers)
    response.end(body)
  }
  const sendAnswer = (response: http.ServerResponse, requestId: string, json: string, answer: OrchestratedResponse) => {
    if (response.headersSent || response.destroyed) return
    response.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(json),
      "x-orch-request-id": requestId,
      "x-orch-cost-usd": String(answer.costUsd),
      "x-orch-model": modelNameOf(answer.provider, answer.model).header,
      "x-orch-strategy": answer.strategy
    })
    response.end(json)
  }
  /** A small answer outside the orchestrator (health, metrics, models); the request's body is drained unread. */
  const sendSimple = (request: http.IncomingMessage, response: http.ServerResponse, requestId: string, started: number, route: string, status: number, body: string, contentType = "application/json") => {
    request.resume()
    if (!response.headersSent) {
      response.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(body), "x-orch-request-id": requestId, "x-orch-cost-usd": "0" })
      response.end(body)
    }
    metrics.request(route, status, (monotonicNow() - started) / 1000)
  }
  /**
   * What is left of a request's deadline, which runs from its arrival: the wait for a slot and the body's arrival
   * count against it, so a call cannot outlive it (at least 1 ms: a call already past it ends at once with a 504).
   */
  const remainingMs = (started: number): number => Math.max(1, deadlineMs - (monotonicNow() - started))
  /** An error answered before any call (unknown URL, key, method; stopping). */
  const refuse = (request: http.IncomingMessage, response: http.ServerResponse, requestId: string, started: number, route: string, error: GatewayError) => {
    request.resume()
    sendError(response, requestId, bodyStillArriving(request) ? { ...error, closeConnection: true } : error)
    metrics.request(route, error.status, (monotonicNow() - started) / 1000, error.type)
  }

  /**
   * The call options of a request: its model routed, the routing headers, the key's or alias's budget scope, and the
   * request id the client is told (so the answer's `orch.request_id`, the header and the ledger name the same call).
   */
  const callOptionsOf = (request: http.IncomingMessage, parsed: ChatRequest, keyName: string | undefined, requestId: string, started: number): CallOptions => {
    const route = routeModel(parsed.model, aliases)
    const strategyHeader = header(request, "x-orch-strategy")
    const taskHeader = header(request, "x-orch-task-type")
    const alias = route.alias !== undefined ? aliases[route.alias] : undefined
    const scopeKey = keyName ?? (alias?.budgetUsd !== undefined ? aliasScope(route.alias!) : undefined)
    // One object, filled field by field (the request's options are copied once).
    const options: { -readonly [K in keyof CallOptions]: CallOptions[K] } = { ...parsed.options, deadlineMs: remainingMs(started), requestId }
    if (scopeKey !== undefined) options.scopeKey = scopeKey
    if (route.model !== undefined) {
      // A real model: no classification (the task type is given, or "general"), no routing.
      options.taskType = taskHeader ?? "general"
      if (strategyHeader !== undefined) {
        options.models = [route.model]
        options.strategy = normalizeStrategy(strategyHeader)
      } else options.model = route.model
      return options
    }
    options.strategy = strategyHeader !== undefined ? normalizeStrategy(strategyHeader) : route.strategy ?? "auto"
    if (route.models !== undefined) options.models = route.models
    if (taskHeader !== undefined) options.taskType = taskHeader
    return options
  }

  const observe = (route: string, started: number, status: number, answer?: OrchestratedResponse, error?: GatewayError) => {
    metrics.request(route, status, (monotonicNow() - started) / 1000, error?.type)
    if (answer !== undefined) metrics.answered(modelNameOf(answer.provider, answer.model).label, answer.strategy, answer.usage.inputTokens, answer.usage.outputTokens, answer.costUsd)
  }

  /**
   * One call: admitted, body read and checked, routed, run (whole or streamed), answered. Each step hands the next
   * the call by callback (no promise, no async frame); a step that throws is a defect, answered as one.
   */
  const serveCall = (endpoint: Endpoint, request: http.IncomingMessage, response: http.ServerResponse, keyName: string | undefined, requestId: string, started: number): void => {
    const route = endpoint === "chat" ? "/v1/chat/completions" : "/v1/responses"
    const call: Call = { endpoint, route, request, response, keyName, requestId, started, admitted: false, cancelled: false, stopped: false, done: false, fiber: undefined }
    try {
      const admitted = acquire()
      if (admitted === true) return startCall(call)
      if (admitted === false) return refuseCall(call)
      admitted.then((ok) => {
        try {
          if (ok) startCall(call)
          else refuseCall(call)
        } catch (error) {
          callDefect(call, error)
        }
      }, (error: unknown) => callDefect(call, error))
    } catch (error) {
      callDefect(call, error)
    }
  }

  /** No slot for the call (at the limit, or stopping): 503. */
  const refuseCall = (call: Call) => {
    call.request.resume()
    const error = closing ? stopping : overloaded
    sendError(call.response, call.requestId, bodyStillArriving(call.request) ? { ...error, closeConnection: true } : error)
    observe(call.route, call.started, error.status, undefined, error)
    callEnded(call)
  }

  /** An admitted call: tracked, cancelled if its client goes away before the answer is written, its body read. */
  const startCall = (call: Call) => {
    call.admitted = true
    calls.add(call)
    // A client that went away while its call waited for a slot: nothing to read or answer, and the slot is freed now
    // (its body would never end, and the slot would be held until the body's deadline).
    if (call.response.destroyed) {
      call.cancelled = true
      observe(call.route, call.started, 499)
      return callEnded(call)
    }
    call.response.on("close", () => {
      if (!call.response.writableFinished) cancel(call)
    })
    readJsonBody(call.request, { maxBytes: maxBodyBytes, timeoutMs: remainingMs(call.started), response: call.response }, (error, json) => {
      try {
        if (error !== undefined) callFailed(call, error)
        else bodyRead(call, json)
      } catch (defect) {
        callDefect(call, defect)
      }
    })
  }

  /** The body read: checked, routed, run whole or streamed. */
  const bodyRead = (call: Call, json: unknown) => {
    const parsed = call.endpoint === "chat" ? readChatRequest(json) : readResponsesRequest(json)
    if (isGatewayError(parsed)) return callFailed(call, parsed)
    if (call.stopped) return callFailed(call, stopping)
    if (call.cancelled) {
      observe(call.route, call.started, 499)
      return callEnded(call)
    }
    const callOptions = callOptionsOf(call.request, parsed, call.keyName, call.requestId, call.started)
    const created = Math.floor(now() / 1000)
    if (parsed.stream) return streamCall(call, parsed, callOptions, created)
    runCall(call, orchestrator.complete(parsed.messages, callOptions), (call, exit) => {
      if (Exit.isFailure(exit)) return callFailed(call, errorOf(exit.cause))
      const answer = exit.value
      const json = call.endpoint === "chat"
        ? chatCompletionBody(`chatcmpl-${call.requestId}`, created, parsed.model, answer, parsed.singleToolCall)
        : JSON.stringify(responseObject(frameOf(call.requestId, created, parsed as ResponsesRequest), answer))
      sendAnswer(call.response, call.requestId, json, answer)
      observe(call.route, call.started, 200, answer)
      callEnded(call)
    })
  }

  const frameOf = (requestId: string, created: number, parsed: ResponsesRequest): ResponseFrame => {
    const compact = requestId.replace(/-/g, "")
    return { id: `resp_${compact}`, messageId: `msg_${compact}`, createdAt: created, model: parsed.model, request: parsed }
  }

  /**
   * A streamed call. Headers wait for the first text, so a call refused or failed before any text gets its proper
   * status; after that a failure is an error event. A write the socket cannot take pauses the upstream stream until
   * it drains (backpressure end to end).
   */
  const streamCall = (call: Call, parsed: ChatRequest, callOptions: CallOptions, created: number): void => {
    const { endpoint, response, requestId } = call
    const chat = endpoint === "chat" ? chatChunks(`chatcmpl-${requestId}`, created, parsed.model, parsed.includeUsage, parsed.singleToolCall) : undefined
    const events = endpoint === "responses" ? responseEvents(frameOf(requestId, created, parsed as ResponsesRequest)) : undefined
    let answer: OrchestratedResponse | undefined
    // Trailers need chunked encoding: an HTTP/1.0 client's stream ends when its connection closes, without one.
    const trailers = call.request.httpVersionMajor > 1 || call.request.httpVersionMinor >= 1
    /** The headers and the stream's opening event, sent with the first text (one socket write for the three). */
    const open = (first: string): boolean => {
      response.writeHead(200, trailers
        ? { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-orch-request-id": requestId, "x-accel-buffering": "no", trailer: "x-orch-cost-usd" }
        : { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-orch-request-id": requestId, "x-accel-buffering": "no" })
      return response.write((chat !== undefined ? chat.role : events!.start()) + first)
    }
    // One callback and one socket write per batch of parts the stream hands over, not per part.
    const onParts = (parts: ReadonlyArray<OrchestratedStreamPart>) => {
      let out = ""
      for (const part of parts) {
        if (part.type === "response") answer = part.response
        else if (part.type === "text-delta") out += chat !== undefined ? chat.delta(part.delta) : events!.delta(part.delta)
        else out += chat !== undefined ? chat.toolCall(part) : events!.toolCall(part)
      }
      if (out === "") return Effect.void
      return (response.headersSent ? response.write(out) : open(out)) ? Effect.void : drained(response, remainingMs(call.started))
    }
    runCall(call, Stream.runForEachArray(orchestrator.stream(parsed.messages, callOptions), onParts), (call, exit) => {
      if (response.destroyed || (call.cancelled && !call.stopped)) {
        observe(call.route, call.started, 499)
        return callEnded(call)
      }
      if (Exit.isFailure(exit) || answer === undefined) {
        const error = call.stopped ? stopping : Exit.isFailure(exit) ? errorOf(exit.cause) : internalError
        if (!response.headersSent) return callFailed(call, error)
        if (trailers) response.addTrailers({ "x-orch-cost-usd": "0" })
        response.end(chat !== undefined ? `data: ${errorBody(error)}\n\n` : events!.error(error))
        observe(call.route, call.started, error.status, undefined, error)
        return callEnded(call)
      }
      if (!response.headersSent) open("")
      if (trailers) response.addTrailers({ "x-orch-cost-usd": String(answer.costUsd) })
      response.end(chat !== undefined ? chat.end(answer) : events!.end(answer))
      observe(call.route, call.started, 200, answer)
      callEnded(call)
    })
  }

  const listModels = async (): Promise<ReadonlyArray<{ readonly id: string; readonly object: "model"; readonly created: number; readonly owned_by: string }>> => {
    const exit = await runtime.runPromiseExit(orchestrator.models)
    const real: ReadonlyArray<ModelInfo> = Exit.isSuccess(exit) ? exit.value : []
    return [
      ...real.map((m) => ({ id: m.id, object: "model" as const, created: 0, owned_by: m.provider })),
      ...Object.keys(virtualModels).map((id) => ({ id, object: "model" as const, created: 0, owned_by: "orch" })),
      ...Object.keys(aliases).map((id) => ({ id, object: "model" as const, created: 0, owned_by: "orch-alias" }))
    ]
  }

  /** The models endpoints: the list, or one model by id. */
  const serveModels = async (request: http.IncomingMessage, response: http.ServerResponse, requestId: string, started: number, path: string, method: string) => {
    if (method !== "GET" && method !== "HEAD") return refuse(request, response, requestId, started, "/v1/models", methodNotAllowed(method, path, "GET, HEAD"))
    const models = await listModels()
    if (path === "/v1/models") return sendSimple(request, response, requestId, started, "/v1/models", 200, JSON.stringify({ object: "list", data: models }))
    let id: string
    try {
      id = decodeURIComponent(path.slice("/v1/models/".length))
    } catch {
      return refuse(request, response, requestId, started, "/v1/models", gatewayError(400, "invalid_request_error", "invalid_model_id", "The model id in the URL is not valid percent-encoding", "model"))
    }
    const found = models.find((m) => m.id === id)
    return found !== undefined
      ? sendSimple(request, response, requestId, started, "/v1/models", 200, JSON.stringify(found))
      : refuse(request, response, requestId, started, "/v1/models", gatewayError(404, "invalid_request_error", "model_not_found", `The model "${id.slice(0, 200)}" does not exist or cannot answer now`, "model"))
  }

  /**
   * A request by its URL and method: `inCall` when it became a call (which ends the request itself), a promise for
   * the models endpoints, nothing when answered already.
   */
  const route = (request: http.IncomingMessage, response: http.ServerResponse, requestId: string, started: number): Promise<void> | typeof inCall | void => {
    const url = request.url ?? "/"
    const query = url.indexOf("?")
    const path = versioned(query >= 0 ? url.slice(0, query) : url)
    const method = request.method ?? "GET"
    if (path === "/v1/chat/completions" || path === "/v1/responses") {
      const keyName = ring?.identify(header(request, "authorization"))
      if (ring !== undefined && keyName === undefined) return refuse(request, response, requestId, started, path, unknownKey)
      if (method !== "POST") return refuse(request, response, requestId, started, path, methodNotAllowed(method, path, "POST"))
      if (closing) return refuse(request, response, requestId, started, path, stopping)
      serveCall(path === "/v1/chat/completions" ? "chat" : "responses", request, response, keyName, requestId, started)
      return inCall
    }
    // HEAD is GET without the body (node:http leaves the body out).
    const read = method === "GET" || method === "HEAD"
    if ((path === "/health" || path === "/metrics") && !read) return refuse(request, response, requestId, started, path, methodNotAllowed(method, path, "GET, HEAD"))
    if (path === "/health") return sendSimple(request, response, requestId, started, "/health", closing ? 503 : 200, JSON.stringify({ status: closing ? "stopping" : "ok", inFlight: active }))
    if (path === "/metrics") {
      // With keys, the metrics (spend by model and strategy) are for key holders, as the model list is; a scraper
      // sends one (Prometheus: `authorization: { credentials: ... }`). /health stays open for load balancers.
      if (ring !== undefined && ring.identify(header(request, "authorization")) === undefined) return refuse(request, response, requestId, started, "/metrics", unknownKey)
      return sendSimple(request, response, requestId, started, "/metrics", 200, metrics.render(), "text/plain; version=0.0.4; charset=utf-8")
    }
    if (path === "/v1/models" || path.startsWith("/v1/models/")) {
      if (ring !== undefined && ring.identify(header(request, "authorization")) === undefined) return refuse(request, response, requestId, started, "/v1/models", unknownKey)
      return serveModels(request, response, requestId, started, path, method)
    }
    return refuse(request, response, requestId, started, "other", gatewayError(404, "invalid_request_error", "unknown_url", `Unknown request URL: ${method} ${path.slice(0, 200)}`))
  }

  const handle = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    serving++
    // Random, not sequential: an id tells a client nothing about the gateway's other traffic.
    const requestId = randomUUID()
    let pending: Promise<void> | typeof inCall | void
    try {
      pending = route(request, response, requestId, monotonicNow())
    } catch (error) {
      answerDefect(response, requestId, error)
      return requestEnded()
    }
    if (pending === undefined) return requestEnded()
    if (pending === inCall) return
    pending.then(requestEnded, (error: unknown) => {
      answerDefect(response, requestId, error)
      requestEnded()
    })
  }

  let closed: Promise<void> | undefined
  const close = (closeOptions: { readonly graceMs?: number } = {}): Promise<void> => {
    closed ??= (async () => {
      closing = true
      // Not a number, or less than 0: no grace period (close must close, whatever it is given).
      const graceMs = closeOptions.graceMs === undefined ? 10_000 : Number.isFinite(closeOptions.graceMs) ? timerMs(closeOptions.graceMs) : closeOptions.graceMs > 0 ? maxTimerMs : 0
      if (serving > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, graceMs)
          idle = () => {
            clearTimeout(timer)
            resolve()
          }
        })
      }
      const ending: Array<Promise<unknown>> = []
      for (const call of calls) {
        call.stopped = true
        cancel(call)
        const fiber = call.fiber
        if (fiber !== undefined) ending.push(new Promise((resolve) => fiber.addObserver(resolve)))
      }
      for (const wake of waiting.splice(0)) wake(false)
      // Cancelled calls end (their upstream requests aborted, reservations released) before the ledger closes.
      await Promise.all(ending)
      await runtime.dispose()
    })()
    return closed
  }

  return { handle, inFlight: () => serving, metrics: metrics.render, close }
}
