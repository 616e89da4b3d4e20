// A real redis-server on a free loopback port for the Redis ledger tests, started and stopped by the test file.
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import fs from "node:fs"
import net from "node:net"
import os from "node:os"
import path from "node:path"

/** Whether redis-server is installed; CI must have it. */
export const hasRedis = spawnSync("redis-server", ["--version"]).status === 0
if (!hasRedis && process.env.CI) throw new Error("redis-server is not installed (apt-get install redis-server): the Redis ledger tests must run in CI")

/** A free loopback port. */
export const freePort = (): Promise<number> => new Promise((resolve, reject) => {
  const server = net.createServer()
  server.once("error", reject)
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    server.close(() => typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port")))
  })
})

/** A running redis-server: its URL, and how to stop it. */
export interface RedisServer {
  readonly url: string
  readonly stop: () => Promise<void>
}

/** Start redis-server without persistence and wait until it accepts connections. */
export const startRedis = async (): Promise<RedisServer> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orch-redis-"))
  const port = await freePort()
  const server: ChildProcess = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: ["ignore", "pipe", "pipe"] })
  await new Promise<void>((resolve, reject) => {
    let output = ""
    server.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes("Ready to accept connections")) resolve()
    })
    server.once("exit", (code) => reject(new Error(`redis-server exited (${code}): ${output}`)))
  })
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once("exit", resolve))
        server.kill("SIGTERM")
        await exited
      }
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}
