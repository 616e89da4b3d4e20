// The names of answering models: the metrics' label and the x-orch-model header, remembered up to a bound.
import { describe, expect, it } from "vitest"
import { makeModelNames, modelHeader } from "../src/ModelNames.ts"

describe("model names", () => {
  it("label provider/model; the header keeps printable ASCII only, cut to 200 characters", () => {
    const nameOf = makeModelNames()
    expect(nameOf("openai", "gpt-4o-mini")).toEqual({ label: "openai/gpt-4o-mini", header: "openai/gpt-4o-mini" })
    expect(nameOf("openai", "gpt-4o-mini\r\nx-injected: 1 ✓")).toEqual({ label: "openai/gpt-4o-mini\r\nx-injected: 1 ✓", header: "openai/gpt-4o-mini??x-injected: 1 ?" })
    const long = nameOf("ollama", "m".repeat(300))
    expect(long.label).toHaveLength(307)
    expect(long.header).toBe(`ollama/${"m".repeat(193)}`)
    expect(modelHeader("a/b")).toBe("a/b")
  })

  it("remembers a name once built, and past its bound builds each name again, still right", () => {
    const nameOf = makeModelNames(3)
    const first = nameOf("openai", "a")
    expect(nameOf("openai", "a")).toBe(first)
    nameOf("openai", "b")
    nameOf("ollama", "a")
    expect(nameOf("ollama", "a")).toBe(nameOf("ollama", "a"))
    // The bound is reached: a fourth model is named right, but not remembered.
    const fourth = nameOf("anthropic", "c\n")
    expect(fourth).toEqual({ label: "anthropic/c\n", header: "anthropic/c?" })
    expect(nameOf("anthropic", "c\n")).not.toBe(fourth)
    expect(nameOf("openai", "a")).toBe(first)
  })

  it("keeps provider and model apart: the same label from different splits is named alike", () => {
    const nameOf = makeModelNames()
    expect(nameOf("a/b", "c").label).toBe(nameOf("a", "b/c").label)
  })
})
