// `onLog` receives each line @orch logs as one line of text: the message, then the cause it was logged with, by what
// failed (a ProviderError's reason and message), never a stack. Without `onLog`, nothing is printed.
import { providerError } from "@orch/provider"
import { Cause, Effect } from "effect"
import { describe, expect, it, vi } from "vitest"
import { onLogLayer } from "../src/index.ts"

const ledgerDown = providerError({ _tag: "Unavailable", cause: "Redis ledger: connect ECONNREFUSED", component: "ledger" }, "The Redis cost ledger failed: connect ECONNREFUSED")

describe("onLog", () => {
  it("gets the message and its cause on one line, without a stack", async () => {
    const lines: Array<{ readonly level: string; readonly message: string }> = []
    await Effect.runPromise(Effect.logError("@orch/core: could not record an attempt in the ledger", Cause.fail(ledgerDown)).pipe(
      Effect.provide(onLogLayer({ onLog: (entry: { readonly level: string; readonly message: string }) => lines.push(entry) }))
    ))
    expect(lines).toEqual([{ level: "Error", message: "@orch/core: could not record an attempt in the ledger ProviderError[Unavailable]: The Redis cost ledger failed: connect ECONNREFUSED" }])
    await Effect.runPromise(Effect.logWarning("a defect", Cause.die(new TypeError("boom"))).pipe(
      Effect.provide(onLogLayer({ onLog: (entry: { readonly level: string; readonly message: string }) => lines.push(entry) }))
    ))
    expect(lines[1]).toEqual({ level: "Warn", message: "a defect TypeError: boom" })
    // Data logged with a line reads as JSON.
    await Effect.runPromise(Effect.logError("could not write 1 ledger record", [{ requestId: "r1", costNanos: 5 }]).pipe(
      Effect.provide(onLogLayer({ onLog: (entry: { readonly level: string; readonly message: string }) => lines.push(entry) }))
    ))
    expect(lines[2]).toEqual({ level: "Error", message: 'could not write 1 ledger record [{"requestId":"r1","costNanos":5}]' })
  })

  it("without onLog, prints nothing", async () => {
    const printed = [vi.spyOn(console, "error"), vi.spyOn(console, "log"), vi.spyOn(console, "warn"), vi.spyOn(console, "info")]
    await Effect.runPromise(Effect.logError("nobody hears this", Cause.fail(ledgerDown)).pipe(Effect.provide(onLogLayer({}))))
    for (const spy of printed) {
      expect(spy).not.toHaveBeenCalled()
      spy.mockRestore()
    }
  })
})
