// Where a gateway process spends its time, from a V8 CPU profile (`node --cpu-prof`): each sample is given to the
// layer of the innermost frame that belongs to one (the gateway's own code, the node:http server it runs on, the core
// with its strategies, cost tracker and the Effect runtime, or the upstream client: the provider package, the OpenAI
// SDK, undici's fetch and web streams), so a socket write inside the HTTP server counts as the server's and a JSON
// parse inside the SDK as the SDK's. Samples with no such frame are the event loop and V8 (GC counted apart); module
// loading and idle time are left out.
import fs from "node:fs"

interface ProfileNode {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string }
  readonly children?: ReadonlyArray<number>
}
interface Profile {
  readonly nodes: ReadonlyArray<ProfileNode>
  readonly samples: ReadonlyArray<number>
  readonly timeDeltas: ReadonlyArray<number>
}

/** The layers a sample can belong to, in the order they are printed. */
export const layers = ["gateway code", "node:http server", "core + Effect", "upstream client (provider, SDK, fetch)", "event loop, sockets, V8", "GC"] as const
export type Layer = (typeof layers)[number]

const layerOfUrl = (url: string): Layer | undefined => {
  if (url.includes("/packages/gateway/src/")) return "gateway code"
  if (/^node:_http_(server|incoming|outgoing|common)$/.test(url)) return "node:http server"
  if (/\/packages\/(core|strategies|cost-tracker|task-router|provider)\/|\/node_modules\/effect\//.test(url)) return "core + Effect"
  if (/\/packages\/(providers-cloud|providers-local|openai-compat)\/|\/node_modules\/openai\/|node:internal\/deps\/undici|node:internal\/webstreams/.test(url)) return "upstream client (provider, SDK, fetch)"
  return undefined
}

/** Milliseconds of samples per layer (idle and module loading left out). */
export const profileSplit = (file: string): Record<Layer, number> => {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as Profile
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const layerOf = new Map<number, Layer | "skip">()
  const classify = (id: number): Layer | "skip" => {
    const known = layerOf.get(id)
    if (known !== undefined) return known
    const frame = byId.get(id)!.callFrame
    let layer: Layer | "skip"
    if (frame.functionName === "(idle)" || frame.url.startsWith("node:internal/modules/")) layer = "skip"
    else if (frame.functionName === "(garbage collector)") layer = "GC"
    else {
      const own = layerOfUrl(frame.url)
      const up = parent.get(id)
      const outer = up !== undefined ? classify(up) : "event loop, sockets, V8"
      // Module loading anywhere up the stack marks start-up work; otherwise the innermost known layer wins.
      layer = outer === "skip" ? "skip" : own ?? outer
    }
    layerOf.set(id, layer)
    return layer
  }
  const split = Object.fromEntries(layers.map((layer) => [layer, 0])) as Record<Layer, number>
  for (let i = 0; i < profile.samples.length; i++) {
    const layer = classify(profile.samples[i]!)
    if (layer !== "skip") split[layer] += (profile.timeDeltas[i] ?? 0) / 1000
  }
  return split
}
