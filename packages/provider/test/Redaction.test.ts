import { describe, expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { collectStream, invalidRequest, providerError, redact, redactUrl, redactValue, registerSecrets, secretsOfHeaders, secretsOfUrl, summarizeBody, truncate, type StreamPart } from "../src/index.ts"

describe("redact", () => {
  it("removes given secrets and key-shaped text", () => {
    expect(redact("key is my-secret-value!", ["my-secret-value"])).toBe("key is [REDACTED]!")
    expect(redact("Authorization: Bearer abcdefghijklmnop")).not.toContain("abcdefghijklmnop")
    expect(redact("sk-proj-AAAAAAAAAAAAAAAAAAAA leaked")).toBe("[REDACTED] leaked")
    expect(redact("x-api-key=supersecret123")).not.toContain("supersecret123")
    expect(summarizeBody(`{"error":"bad key sk-ant-api03-ABCDEFGHIJKLMNOP"}`)).not.toContain("ABCDEFGHIJ")
  })

  it("redacts a hostile megabyte in one pass: runs that almost match a pattern are not re-scanned from every character", () => {
    // Before, "a-a-a-…", "a.a.a.…" and "sk-sk-…" made the URL pattern backtrack over the rest of the run at every
    // character: a 1 MiB error body took minutes of blocked event loop. The limit of this test is the hang guard.
    for (const unit of ["a-", "a.", "sk-", "eyJ-", "sk-proj-", "ab***", "a*", "AIza-", "https://a"]) {
      const body = unit.repeat(Math.ceil(1_048_576 / unit.length))
      expect(redact(body).length).toBeGreaterThan(0)
    }
    expect(redact("https://user:pw@host.example/x and foo.https://u:p@h")).toBe("https://[REDACTED]@host.example/x and foo.https://[REDACTED]@h")
  })

  it("removes what is left of a key a service masked when it echoed it (its first and last characters)", () => {
    // OpenAI's 401 names the key it was sent with its middle starred out; proxies write sk-...abcd.
    const openAi = `Incorrect API key provided: sk-proj-${"*".repeat(60)}9e63. You can find your API key at https://platform.openai.com/account/api-keys.`
    expect(redact(openAi)).toBe("Incorrect API key provided: [REDACTED]. You can find your API key at https://platform.openai.com/account/api-keys.")
    expect(redact("key sk-...9e63 is invalid")).toBe("key [REDACTED] is invalid")
    expect(redact("key sk-canar****9e63 is invalid")).toBe("key [REDACTED] is invalid")
    expect(redact("token Zq7m••••1eUa expired")).toBe("token [REDACTED] expired")
    // Ordinary text with stars or dots is left alone.
    expect(redact("**bold** and a * b and loading... done and 5 * 3")).toBe("**bold** and a * b and loading... done and 5 * 3")
  })
})

describe("redaction before truncation, URLs, headers and pieces", () => {
  // 32 characters, shaped like no known key, so only the given or registered secret can find it.
  const key = "Zq7mW2xR9tLp4vKc8nHd3fJb6gYs1eUa"

  it("redacts before it cuts: a key straddling the 300-character limit leaves no piece behind", () => {
    for (let offset = 270; offset <= 300; offset++) {
      const body = `${"x".repeat(offset)}${key} trailing text`
      const summary = summarizeBody(body, [key])
      for (let i = 0; i + 4 <= key.length; i += 2) expect(summary).not.toContain(key.slice(i, i + 8).slice(0, 8))
      expect(summary.length).toBeLessThanOrEqual(301)
    }
    expect(truncate(`${"y".repeat(290)}${key}`, 300, [key])).toBe(`${"y".repeat(290)}[REDACTED]`)
  })

  it("redacts any piece of 8 characters or more of a known secret (an echo of half a key)", () => {
    expect(redact(`the server saw ${key.slice(0, 18)}...`, [key])).toBe("the server saw [REDACTED]...")
    expect(redact(`tail ${key.slice(-8)}`, [key])).toBe("tail [REDACTED]")
    expect(redact("an unrelated sentence", [key])).toBe("an unrelated sentence")
  })

  it("redacts the credentials of any URL, registered or not, and keeps the rest of it", () => {
    expect(redact("connect ECONNREFUSED http://alice:s3cr3t-pass@proxy.internal:8080/v1")).toBe("connect ECONNREFUSED http://[REDACTED]@proxy.internal:8080/v1")
    expect(redactUrl("https://tok3n-only@host.example/api?key=abcdef123&model=x")).toBe("https://[REDACTED]@host.example/api[REDACTED]&model=x")
    expect(secretsOfUrl("http://alice:s3cr3t-pass@h/x?token=zzzz9999")).toEqual(["alice", "s3cr3t-pass", "zzzz9999"])
    expect(secretsOfUrl("not a url")).toEqual([])
  })

  it("treats custom header values as secrets, with the credential of a Bearer value on its own", () => {
    expect(secretsOfHeaders({ "X-Proxy-Token": "pxy-0123456789", Authorization: "Bearer abc123def456" })).toEqual(["pxy-0123456789", "Bearer abc123def456", "abc123def456"])
  })

  it("removes registered secrets from every later redaction, percent-encoded forms too", () => {
    const proxyToken = "Qw9#Er8$Ty7%Ui6"
    expect(redact(`echo: ${proxyToken}`)).toContain(proxyToken)
    registerSecrets([proxyToken])
    expect(redact(`echo: ${proxyToken}`)).toBe("echo: [REDACTED]")
    expect(redact(`url: http://h/?x=${encodeURIComponent(proxyToken)}`)).not.toContain(encodeURIComponent(proxyToken).slice(0, 8))
  })

  it("builds every ProviderError redacted: message, issues and causes", () => {
    const secret = "Lm4Nb5Vc6Xz7As8D"
    registerSecrets([secret])
    const error = providerError({ _tag: "Unavailable", cause: `proxy said ${secret}` }, `failed at http://u:${secret}@h`)
    expect(JSON.stringify(error)).not.toContain(secret.slice(0, 8))
    expect(invalidRequest([`bad ${secret}`]).message).not.toContain(secret)
    expect(redactValue({ a: [`x ${secret}`], b: 3 })).toEqual({ a: ["x [REDACTED]"], b: 3 })
  })
})

describe("collectStream", () => {
  const finish: StreamPart = { type: "finish", finishReason: "stop", usage: { inputTokens: 3, outputTokens: 2, estimated: false }, provider: "p", model: "m", timings: { totalMs: 1 } }
  it("joins deltas and keeps the finish metadata", async () => {
    const parts: Array<StreamPart> = [{ type: "text-start" }, { type: "text-delta", delta: "he" }, { type: "text-delta", delta: "llo" }, { type: "text-end" }, finish]
    const completion = await Effect.runPromise(collectStream(Stream.fromIterable(parts)))
    expect(completion.text).toBe("hello")
    expect(completion.usage.outputTokens).toBe(2)
  })
  it("fails with StreamInterrupted and the partial text when no finish came", async () => {
    const error = await Effect.runPromise(Effect.flip(collectStream(Stream.fromIterable<StreamPart>([{ type: "text-delta", delta: "part" }]))))
    expect(error.reason).toEqual({ _tag: "StreamInterrupted", partialText: "part" })
  })
})
