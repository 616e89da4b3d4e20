// Request ids: valid version 4 UUIDs, unique within a gateway and between gateways.
import { describe, expect, it } from "vitest"
import { makeRequestIds } from "../src/RequestIds.ts"

const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe("request ids", () => {
  it("are version 4 UUIDs, all different within one gateway", () => {
    const next = makeRequestIds()
    const ids = Array.from({ length: 5000 }, next)
    for (const id of ids) expect(id).toMatch(uuidV4)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it("differ between gateways (each draws its own random prefix)", () => {
    const firsts = Array.from({ length: 200 }, () => makeRequestIds()())
    expect(new Set(firsts).size).toBe(firsts.length)
    const a = makeRequestIds()
    const b = makeRequestIds()
    const fromA = new Set(Array.from({ length: 1000 }, a))
    expect(Array.from({ length: 1000 }, b).some((id) => fromA.has(id))).toBe(false)
  })
})
