// A real redis-server on a free loopback port, for the tests of the Redis ledger and of what runs over it: started
// and stopped by the test file, stopped and started again on the same port to test an outage.
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import fs from "node:fs"
import net from "node:net"
import os from "node:os"
import path from "node:path"

/** Whether redis-server is installed. */
export const hasRedis: boolean = spawnSync("redis-server", ["--version"]).status === 0

/**
 * Whether the Redis tests of `what` can run: in CI a missing redis-server is an error (they must run there);
 * elsewhere they are skipped with a warning that says why.
 */
export const redisTestsRun = (what: string): boolean => {
  if (hasRedis) return true
  const message = "redis-server is not installed (apt-get install redis-server)"
  if (process.env["CI"]) throw new Error(`${message}: ${what} must run in CI`)
  process.emitWarning(`${message}; skipping ${what}`)
  return false
}

/** A free loopback port. */
export const freePort = (): Promise<number> => new Promise((resolve, reject) => {
  const server = net.createServer()
  server.once("error", reject)
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    server.close(() => typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port")))
  })
})

/** A running redis-server without persistence: its URL; stop it (and start it again on the same port). */
export interface RedisServer {
  readonly url: string
  readonly port: number
  /** Stop the server (SIGTERM, or SIGKILL with `{ kill: true }`, as a crash), keeping its port for `restart`. */
  readonly halt: (options?: { readonly kill?: boolean }) => Promise<void>
  /** Start it again on the same port, empty; resolves when it accepts connections. */
  readonly restart: () => Promise<void>
  /** Stop it for good and remove its directory. */
  readonly stop: () => Promise<void>
}

const launch = (port: number, dir: string): Promise<ChildProcess> => {
  const server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: ["ignore", "pipe", "pipe"] })
  return new Promise((resolve, reject) => {
    let output = ""
    server.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes("Ready to accept connections")) resolve(server)
    })
    server.once("exit", (code) => reject(new Error(`redis-server exited (${code}): ${output}`)))
  })
}

const halted = async (server: ChildProcess, signal: NodeJS.Signals): Promise<void> => {
  if (server.exitCode !== null || server.signalCode !== null) return
  const exited = new Promise((resolve) => server.once("exit", resolve))
  server.kill(signal)
  await exited
}

/** Start redis-server on a free loopback port and wait until it accepts connections. */
export const startRedis = async (): Promise<RedisServer> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orch-redis-"))
  const port = await freePort()
  let server = await launch(port, dir)
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    halt: (options) => halted(server, options?.kill === true ? "SIGKILL" : "SIGTERM"),
    restart: async () => {
      await halted(server, "SIGTERM")
      server = await launch(port, dir)
    },
    stop: async () => {
      await halted(server, "SIGTERM")
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}
