// A client that stops reading cannot hold a connection and an answer's bytes forever: once its call has ended (a whole
// answer written, or a stream cut at its deadline), it has `drainTimeoutMs` to read the rest, then the gateway closes
// the connection. The client here never reads; the test waits for the server's side of the connection to close (an
// event, no timer: a client that does not read would not see the close itself).
import http from "node:http"
import net from "node:net"
import { scriptedModel, scriptedProvider } from "@orch/testing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createGateway, type Gateway } from "../src/index.ts"

// 16 MB of answer: far more than the kernel's socket buffers on loopback take.
const word = "w".repeat(2_000)
const text = `${word} `.repeat(8_000)

let gateway: Gateway
let server: http.Server
let port = 0

beforeAll(async () => {
  const model = scriptedModel({ id: "openai/gpt-4o-mini", kind: "cloud", script: () => ({ text }) })
  gateway = await createGateway({ orchestrator: { providers: [scriptedProvider("openai", "cloud", [model])], deadlineMs: 2_000 }, drainTimeoutMs: 50 })
  server = http.createServer(gateway.handle)
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  port = (server.address() as { port: number }).port
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await gateway.close({ graceMs: 0 })
})

/** Send a request and never read the answer; resolves with the answer's head once the server closed its side. */
const neverRead = (stream: boolean): Promise<{ readonly head: string }> =>
  new Promise((resolve) => {
    const serverSide = new Promise<void>((closed) => server.once("connection", (side: net.Socket) => side.once("close", () => closed())))
    const socket = net.connect(port, "127.0.0.1")
    const body = JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "everything" }], stream })
    let head = ""
    socket.once("data", (chunk: Buffer) => {
      head = chunk.toString("latin1", 0, 200)
      socket.pause()
    })
    void serverSide.then(() => {
      resolve({ head })
      socket.destroy()
    })
    socket.on("error", () => undefined)
    socket.on("connect", () => socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`))
  })

describe("a client that stops reading", () => {
  it("of a whole answer: its connection is closed once the answer has waited drainTimeoutMs", async () => {
    const { head } = await neverRead(false)
    expect(head).toMatch(/^HTTP\/1\.1 200 /)
    expect(gateway.inFlight()).toBe(0)
  })

  it("of a stream: the call ends at its deadline, then the connection is closed", async () => {
    const { head } = await neverRead(true)
    expect(head).toMatch(/^HTTP\/1\.1 200 /)
    expect(head).toMatch(/text\/event-stream/)
    expect(gateway.inFlight()).toBe(0)
  })
})
