/**
 * The names of the models that answer: `provider/model`, the label of the gateway's metrics, and the same cut to 200
 * characters of printable ASCII for the `x-orch-model` header (the model name is the upstream's word; anything else
 * could split a header). Remembered by provider and model, so a call answered by a model seen before builds neither
 * again; an upstream that names its models oddly cannot make the memory grow past a bound.
 */

/** An answering model's `provider/model` name (the metrics' label) and its `x-orch-model` header. */
export interface ModelName {
  readonly label: string
  readonly header: string
}

const unprintable = /[^\x20-\x7e]/
const unprintableAll = /[^\x20-\x7e]/g

/** `x-orch-model` for a label: at most 200 characters, each not printable ASCII replaced with `?`. */
export const modelHeader = (label: string): string => {
  const cut = label.length > 200 ? label.slice(0, 200) : label
  return unprintable.test(cut) ? cut.replace(unprintableAll, "?") : cut
}

/** How many model names are remembered by default; past it, names are built each time. */
export const defaultMaxModelNames = 1024

/** A source of model names for one gateway, remembering up to `max` of them. */
export const makeModelNames = (max: number = defaultMaxModelNames): ((provider: string, model: string) => ModelName) => {
  const byProvider = new Map<string, Map<string, ModelName>>()
  let count = 0
  return (provider, model) => {
    let byModel = byProvider.get(provider)
    const known = byModel?.get(model)
    if (known !== undefined) return known
    const label = `${provider}/${model}`
    const name: ModelName = { label, header: modelHeader(label) }
    if (count < max) {
      if (byModel === undefined) {
        byModel = new Map()
        byProvider.set(provider, byModel)
      }
      byModel.set(model, name)
      count++
    }
    return name
  }
}
