// `orch serve` as a subprocess for the end-to-end tests: started from the repository root with Node 24 and an explicit
// environment, resolved once it printed its `listening` line (rejected with its output when it exits first). Its stdin
// is a pipe closed at once: a server started by a process manager or with `< /dev/null` sees stdin end, and must serve on.
import { type ChildProcess, spawn } from "node:child_process"
import http from "node:http"
import type { Behavior, WireServer } from "@orch/testing"
import { repoRoot } from "./OrchProcess.ts"

/** A running `orch serve`. */
export interface Served {
  readonly child: ChildProcess
  /** `http://HOST:PORT` from its `listening` line. */
  readonly url: string
  readonly stdout: () => string
  readonly stderr: () => string
  /** Its exit code (null when a signal killed it). */
  readonly exited: Promise<number | null>
}

/** What a failed start carries: how it exited and what it printed. */
export interface StartFailure extends Error {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Start `orch serve ARGS` with exactly `env` (plus PATH); resolves once it printed its line. */
export const startServe = (args: ReadonlyArray<string>, env: Record<string, string>): Promise<Served> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=@orch/source", "apps/demo/src/bin.ts", "serve", ...args], {
      cwd: repoRoot,
      stdio: ["pipe", "pipe", "pipe"],
      env: { PATH: process.env["PATH"] ?? "", ...env }
    })
    child.stdin!.end()
    let stdout = ""
    let stderr = ""
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)))
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString()
      const match = /^listening (http:\/\/\S+)\n/.exec(stdout)
      if (match !== null) resolve({ child, url: match[1]!, stdout: () => stdout, stderr: () => stderr, exited })
    })
    child.stderr!.on("data", (chunk: Buffer) => { stderr += chunk.toString() })
    void exited.then((code) => reject(Object.assign(new Error(`orch serve exited (${code}): ${stdout}${stderr}`), { code, stdout, stderr })))
  })

/** A plain HTTP exchange's outcome: status, headers and body, or the transport error's code. */
export interface Exchange {
  readonly status: number
  readonly headers: http.IncomingHttpHeaders
  readonly body: string
}

/**
 * One HTTP request with exactly the headers given (no client adds or normalises any), on `agent` when given;
 * resolves with the whole answer, or with `{ error }` when the connection fails or is cut.
 */
export const exchange = (url: string, options: { readonly method?: string; readonly headers?: Record<string, string>; readonly body?: string; readonly agent?: http.Agent }): Promise<Exchange | { readonly error: string }> =>
  new Promise((resolve) => {
    const request = http.request(url, { method: options.method ?? "GET", headers: options.headers ?? {}, agent: options.agent ?? false }, (response) => {
      let body = ""
      response.setEncoding("utf8")
      response.on("data", (chunk: string) => { body += chunk })
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }))
      response.on("error", (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }))
    })
    request.on("error", (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }))
    request.end(options.body)
  })

/**
 * The wire server answers its next generation requests with `behavior` (when its queue is empty); the promise resolves
 * when the first of them arrives: the event a test waits on, with no polling.
 */
export const nextArrival = (server: WireServer, behavior: Behavior): Promise<void> =>
  new Promise((resolve) => {
    server.setDefault(() => {
      resolve()
      return behavior
    })
  })
