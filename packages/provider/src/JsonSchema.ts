/**
 * A focused JSON Schema checker: is a schema well formed, and does a value match it. Tool parameters and structured
 * output schemas use it, so a bad schema is refused before anything is sent, and a model's JSON is checked against
 * the schema it was given.
 *
 * It checks the keywords tool and structured-output schemas use in practice (the subset OpenAI's strict mode,
 * Anthropic's tools and Effect's `Schema.toJsonSchemaDocument` produce):
 * `type` (a name or a list, `integer` included), `properties`, `required`, `additionalProperties` (boolean or schema),
 * `patternProperties`, `minProperties`, `maxProperties`, `items` (schema), `prefixItems`, `minItems`, `maxItems`,
 * `uniqueItems`, `enum`, `const`, `anyOf`, `oneOf`, `allOf`, `not`, `minimum`, `maximum`, `exclusiveMinimum`,
 * `exclusiveMaximum`, `multipleOf`, `minLength`, `maxLength` (in code points), `pattern` (JavaScript regex, `u` if it can),
 * `nullable` (OpenAPI), and `$ref` to a local pointer (`#`, `#/$defs/...`, `#/definitions/...`).
 * Annotations (`title`, `description`, `default`, `examples`, `format`, `$schema`, `$id`, `$comment`) are accepted
 * and not enforced; any other keyword is accepted and ignored.
 *
 * Callers supply the schemas, so checking a value must end quickly whatever the schema: each (schema node, value)
 * verdict is remembered for the length of one check (forty `$defs`, each an `anyOf` of two `$ref`s to the next, cost
 * forty steps, not 2^40), and a step budget ends any check that would still run long with one issue saying the schema
 * is too complex to check.
 */
import { canonicalJson } from "./CanonicalJson.ts"

/** A JSON Schema: an object, or `true` / `false`. */
export type JsonSchema = boolean | Readonly<Record<string, unknown>>

const typeNames = new Set(["string", "number", "integer", "boolean", "object", "array", "null"])
const maxDepth = 128
const maxIssues = 20
/** How many schema-node checks one `validateJson` call may make by default before it gives up. */
export const defaultMaxValidationSteps = 1_000_000

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === "object" && u !== null && !Array.isArray(u)
const isCount = (u: unknown): boolean => typeof u === "number" && Number.isInteger(u) && u >= 0
const isFiniteNumber = (u: unknown): boolean => typeof u === "number" && Number.isFinite(u)

const patternCache = new Map<string, RegExp | undefined>()

const tryRegExp = (pattern: string, flags: string): RegExp | undefined => {
  try {
    return new RegExp(pattern, flags)
  } catch {
    return undefined
  }
}

/**
 * A schema's pattern as a `u` regex (so `\p{L}` and astral characters work), or as a plain ECMA-262 regex when it
 * only compiles that way (`^\d{3}\-\d{4}$`: identity escapes such as `\-` and `\#` outside a class are legal
 * JavaScript, and common in schemas, but refused with `u`); undefined when neither compiles. Plain code, not an effect.
 */
const compilePattern = (pattern: string): RegExp | undefined => {
  if (patternCache.has(pattern)) return patternCache.get(pattern)
  const compiled = tryRegExp(pattern, "u") ?? tryRegExp(pattern, "")
  if (patternCache.size < 256) patternCache.set(pattern, compiled)
  return compiled
}

/** Resolve a local `$ref` (`#` or `#/a/b`) against the root schema. */
const resolveRef = (root: JsonSchema, ref: string): JsonSchema | undefined => {
  if (ref === "#") return root
  if (!ref.startsWith("#/")) return undefined
  let node: unknown = root
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~")
    if (!isRecord(node) && !Array.isArray(node)) return undefined
    node = (node as Record<string, unknown>)[key]
    if (node === undefined) return undefined
  }
  return typeof node === "boolean" || isRecord(node) ? node : undefined
}

/** The subschemas checked against the same value as `node` (no property or item in between), `$ref` followed. */
const inPlaceSubschemas = (root: JsonSchema, node: Readonly<Record<string, unknown>>): ReadonlyArray<Readonly<Record<string, unknown>>> => {
  const out: Array<unknown> = []
  const ref = node["$ref"]
  if (typeof ref === "string") out.push(resolveRef(root, ref))
  for (const key of ["allOf", "anyOf", "oneOf"] as const) {
    const list = node[key]
    if (Array.isArray(list)) out.push(...list)
  }
  out.push(node["not"])
  return out.filter(isRecord)
}

/**
 * Whether following `$ref`, `allOf`, `anyOf`, `oneOf` and `not` from one of `starts` can come back to a schema
 * without consuming any of the value (`{ "$ref": "#" }`, `{ "anyOf": [{ "$ref": "#" }, ...] }`): checking a value
 * against such a schema never ends, or ends only at the depth limit after exponential work. Only `$ref` can close
 * such a loop (a cyclic object is refused as too deep), so only schemas with one are walked. Iterative.
 */
const hasReferenceLoop = (root: JsonSchema, starts: ReadonlyArray<Readonly<Record<string, unknown>>>): boolean => {
  const done = new Set<object>()
  for (const start of starts) {
    if (done.has(start)) continue
    const onPath = new Set<object>([start])
    const stack: Array<{ readonly node: object; readonly next: ReadonlyArray<Readonly<Record<string, unknown>>>; i: number }> = [
      { node: start, next: inPlaceSubschemas(root, start), i: 0 }
    ]
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as (typeof stack)[number]
      const child = frame.next[frame.i++]
      if (child === undefined) {
        stack.pop()
        onPath.delete(frame.node)
        done.add(frame.node)
        continue
      }
      if (onPath.has(child)) return true
      if (done.has(child)) continue
      onPath.add(child)
      stack.push({ node: child, next: inPlaceSubschemas(root, child), i: 0 })
    }
  }
  return false
}

/**
 * What is wrong with a schema itself: not an object, an unknown `type`, `properties` that is not an object,
 * `required` that is not a list of names, a `pattern` that does not compile, a `$ref` that points nowhere or loops
 * back without consuming the value.
 * An empty list means the schema is usable.
 */
export const schemaIssues = (schema: unknown, where = "the schema"): ReadonlyArray<string> => {
  const issues: Array<string> = []
  if (!isRecord(schema) && typeof schema !== "boolean") return [`${where} must be a JSON Schema object`]
  const root = schema as JsonSchema
  const visit = (node: unknown, path: string, depth: number): void => {
    if (issues.length >= maxIssues) return
    if (typeof node === "boolean") return
    if (!isRecord(node)) {
      issues.push(`${where} at ${path} must be a JSON Schema object or a boolean`)
      return
    }
    if (depth > maxDepth) {
      issues.push(`${where} is nested too deeply`)
      return
    }
    if (node["$ref"] !== undefined) referring.push(node)
    const type = node["type"]
    if (type !== undefined) {
      const names = Array.isArray(type) ? type : [type]
      if (names.length === 0 || names.some((t) => typeof t !== "string" || !typeNames.has(t))) {
        issues.push(`${where} at ${path}: "type" must be one of ${[...typeNames].join(", ")} (or a list of them)`)
      }
    }
    const properties = node["properties"]
    if (properties !== undefined) {
      if (!isRecord(properties)) issues.push(`${where} at ${path}: "properties" must be an object`)
      else for (const [key, value] of Object.entries(properties)) visit(value, `${path}.properties.${key}`, depth + 1)
    }
    const patternProperties = node["patternProperties"]
    if (patternProperties !== undefined) {
      if (!isRecord(patternProperties)) issues.push(`${where} at ${path}: "patternProperties" must be an object`)
      else {
        for (const [key, value] of Object.entries(patternProperties)) {
          if (compilePattern(key) === undefined) issues.push(`${where} at ${path}: pattern ${JSON.stringify(key)} is not a valid regular expression`)
          visit(value, `${path}.patternProperties.${key}`, depth + 1)
        }
      }
    }
    const required = node["required"]
    if (required !== undefined && (!Array.isArray(required) || required.some((r) => typeof r !== "string"))) {
      issues.push(`${where} at ${path}: "required" must be a list of property names`)
    }
    const additional = node["additionalProperties"]
    if (additional !== undefined) visit(additional, `${path}.additionalProperties`, depth + 1)
    const items = node["items"]
    if (items !== undefined) {
      if (Array.isArray(items)) items.forEach((item, i) => visit(item, `${path}.items[${i}]`, depth + 1))
      else visit(items, `${path}.items`, depth + 1)
    }
    const prefixItems = node["prefixItems"]
    if (prefixItems !== undefined) {
      if (!Array.isArray(prefixItems)) issues.push(`${where} at ${path}: "prefixItems" must be a list of schemas`)
      else prefixItems.forEach((item, i) => visit(item, `${path}.prefixItems[${i}]`, depth + 1))
    }
    for (const key of ["anyOf", "oneOf", "allOf"] as const) {
      const list = node[key]
      if (list === undefined) continue
      if (!Array.isArray(list) || list.length === 0) issues.push(`${where} at ${path}: "${key}" must be a non-empty list of schemas`)
      else list.forEach((item, i) => visit(item, `${path}.${key}[${i}]`, depth + 1))
    }
    if (node["not"] !== undefined) visit(node["not"], `${path}.not`, depth + 1)
    if (node["enum"] !== undefined && (!Array.isArray(node["enum"]) || node["enum"].length === 0)) {
      issues.push(`${where} at ${path}: "enum" must be a non-empty list`)
    }
    for (const key of ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"] as const) {
      const value = node[key]
      if (value !== undefined && !isFiniteNumber(value) && !(typeof value === "boolean" && key.startsWith("exclusive"))) {
        issues.push(`${where} at ${path}: "${key}" must be a number`)
      }
    }
    if (node["multipleOf"] !== undefined && !(isFiniteNumber(node["multipleOf"]) && (node["multipleOf"] as number) > 0)) {
      issues.push(`${where} at ${path}: "multipleOf" must be a number above 0`)
    }
    for (const key of ["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"] as const) {
      if (node[key] !== undefined && !isCount(node[key])) issues.push(`${where} at ${path}: "${key}" must be a whole number of 0 or more`)
    }
    const pattern = node["pattern"]
    if (pattern !== undefined && (typeof pattern !== "string" || compilePattern(pattern) === undefined)) {
      issues.push(`${where} at ${path}: "pattern" must be a valid regular expression`)
    }
    for (const key of ["$defs", "definitions"] as const) {
      const defs = node[key]
      if (defs === undefined) continue
      if (!isRecord(defs)) issues.push(`${where} at ${path}: "${key}" must be an object`)
      else for (const [name, value] of Object.entries(defs)) visit(value, `${path}.${key}.${name}`, depth + 1)
    }
    const ref = node["$ref"]
    if (ref !== undefined && (typeof ref !== "string" || resolveRef(root, ref) === undefined)) {
      issues.push(`${where} at ${path}: "$ref" ${JSON.stringify(ref)} does not point into this schema (only local "#/..." references are followed)`)
    }
  }
  const referring: Array<Readonly<Record<string, unknown>>> = []
  visit(schema, "$", 0)
  if (issues.length === 0 && referring.length > 0 && hasReferenceLoop(root, referring)) {
    issues.push(`${where} refers to itself through "$ref" without going into a property or an item, so no value can be checked against it`)
  }
  return issues
}

const typeOf = (value: unknown): string => {
  if (value === null) return "null"
  if (Array.isArray(value)) return "array"
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number"
  return typeof value
}

const matchesType = (value: unknown, name: string): boolean => {
  const actual = typeOf(value)
  if (name === "number") return actual === "number" || actual === "integer"
  return actual === name
}

const describeValue = (value: unknown): string => {
  const text = canonicalJson(value)
  return text.length > 60 ? `${text.slice(0, 60)}…` : text
}

/** Options for `validateJson`. */
export interface ValidateJsonOptions {
  /**
   * How many schema-node checks the call may make before it stops with a single "too complex" issue (see
   * `isSchemaTooComplexIssue`); `defaultMaxValidationSteps` when not given.
   */
  readonly maxSteps?: number
}

const tooComplexPrefix = "$: the schema is too complex to check"

/** Whether an issue from `validateJson` says the check was given up because the schema is too complex to check. */
export const isSchemaTooComplexIssue = (issue: string): boolean => issue.startsWith(tooComplexPrefix)

/**
 * Where a value does not match a schema, as short sentences naming the path (`$.city: expected string, got 7`).
 * An empty list means the value matches. Assumes a schema that `schemaIssues` accepts; a `$ref` that points nowhere
 * is reported as a mismatch rather than thrown. A check that would take more than `maxSteps` steps ends with one
 * issue instead, `$: the schema is too complex to check ...` (`isSchemaTooComplexIssue`): the value is not accepted.
 */
export const validateJson = (schema: JsonSchema, value: unknown, options: ValidateJsonOptions = {}): ReadonlyArray<string> => {
  const maxSteps = options.maxSteps ?? defaultMaxValidationSteps
  const issues: Array<string> = []
  // Whether a schema node (by identity) matches a value (objects by identity, others by value), for this call only.
  const verdicts = new Map<object, Map<unknown, boolean>>()
  let steps = 0
  let exhausted = false
  // Verdicts reached at the depth limit depend on the depth, not only on the node and value: they are not kept.
  let depthLimits = 0
  const check = (node: JsonSchema, current: unknown, path: string, depth: number, out: Array<string>): void => {
    if (exhausted || out.length >= maxIssues) return
    if (++steps > maxSteps) {
      exhausted = true
      return
    }
    if (node === true) return
    if (node === false) {
      out.push(`${path}: no value is allowed here`)
      return
    }
    const known = verdicts.get(node)?.get(current)
    if (known === true) return
    if (known === false && out !== issues) {
      // Only whether it matches is asked (see `matches`): the wording is not needed.
      out.push(`${path}: does not match`)
      return
    }
    const before = out.length
    const limitsBefore = depthLimits
    checkNode(node, current, path, depth, out)
    if (exhausted || depthLimits !== limitsBefore) return
    let forNode = verdicts.get(node)
    if (forNode === undefined) verdicts.set(node, forNode = new Map())
    forNode.set(current, out.length === before)
  }
  const checkNode = (node: Readonly<Record<string, unknown>>, current: unknown, path: string, depth: number, out: Array<string>): void => {
    if (depth > maxDepth) {
      depthLimits++
      out.push(`${path}: the value is nested too deeply`)
      return
    }
    const ref = node["$ref"]
    if (typeof ref === "string") {
      const target = resolveRef(schema, ref)
      if (target === undefined) out.push(`${path}: the schema's $ref ${JSON.stringify(ref)} points nowhere`)
      else check(target, current, path, depth + 1, out)
    }
    if (current === null && node["nullable"] === true) return
    const type = node["type"]
    if (type !== undefined) {
      const names = (Array.isArray(type) ? type : [type]).filter((t): t is string => typeof t === "string")
      if (!names.some((name) => matchesType(current, name))) {
        out.push(`${path}: expected ${names.join(" or ")}, got ${typeOf(current) === "integer" ? "number" : typeOf(current)} ${describeValue(current)}`)
        return
      }
    }
    if (Array.isArray(node["enum"]) && !node["enum"].some((option) => canonicalJson(option) === canonicalJson(current))) {
      out.push(`${path}: ${describeValue(current)} is not one of ${describeValue(node["enum"])}`)
    }
    if ("const" in node && canonicalJson(node["const"]) !== canonicalJson(current)) {
      out.push(`${path}: expected ${describeValue(node["const"])}, got ${describeValue(current)}`)
    }
    if (Array.isArray(node["allOf"])) for (const sub of node["allOf"]) check(sub as JsonSchema, current, path, depth + 1, out)
    if (Array.isArray(node["anyOf"])) {
      const fits = node["anyOf"].some((sub) => matches(sub as JsonSchema, current, path, depth))
      if (!fits) out.push(`${path}: ${describeValue(current)} matches none of the allowed shapes (anyOf)`)
    }
    if (Array.isArray(node["oneOf"])) {
      const count = node["oneOf"].filter((sub) => matches(sub as JsonSchema, current, path, depth)).length
      if (count !== 1) out.push(`${path}: ${describeValue(current)} must match exactly one allowed shape (oneOf), it matches ${count}`)
    }
    if (node["not"] !== undefined && matches(node["not"] as JsonSchema, current, path, depth)) {
      out.push(`${path}: ${describeValue(current)} matches a shape that is not allowed (not)`)
    }
    if (typeof current === "number") checkNumber(node, current, path, out)
    else if (typeof current === "string") checkString(node, current, path, out)
    else if (Array.isArray(current)) {
      const min = node["minItems"]
      const max = node["maxItems"]
      if (typeof min === "number" && current.length < min) out.push(`${path}: expected at least ${min} items, got ${current.length}`)
      if (typeof max === "number" && current.length > max) out.push(`${path}: expected at most ${max} items, got ${current.length}`)
      if (node["uniqueItems"] === true && new Set(current.map(canonicalJson)).size !== current.length) out.push(`${path}: the items must be unique`)
      const prefix = Array.isArray(node["prefixItems"]) ? node["prefixItems"] : Array.isArray(node["items"]) ? node["items"] : []
      prefix.forEach((sub, i) => {
        if (i < current.length) check(sub as JsonSchema, current[i], `${path}[${i}]`, depth + 1, out)
      })
      const rest = node["items"]
      if (rest !== undefined && !Array.isArray(rest)) {
        for (let i = prefix.length; i < current.length; i++) check(rest as JsonSchema, current[i], `${path}[${i}]`, depth + 1, out)
      }
    } else if (isRecord(current)) checkObject(node, current, path, depth, out)
  }
  const matches = (node: JsonSchema, current: unknown, path: string, depth: number): boolean => {
    if (typeof node === "object") {
      const known = verdicts.get(node)?.get(current)
      if (known !== undefined) return known
    }
    const scratch: Array<string> = []
    check(node, current, path, depth + 1, scratch)
    return scratch.length === 0
  }
  const checkObject = (node: Readonly<Record<string, unknown>>, current: Readonly<Record<string, unknown>>, path: string, depth: number, out: Array<string>): void => {
    const properties = isRecord(node["properties"]) ? node["properties"] : {}
    const required = Array.isArray(node["required"]) ? node["required"] : []
    for (const key of required) if (typeof key === "string" && !Object.hasOwn(current, key)) out.push(`${path}: the property "${key}" is missing`)
    const keys = Object.keys(current)
    const min = node["minProperties"]
    const max = node["maxProperties"]
    if (typeof min === "number" && keys.length < min) out.push(`${path}: expected at least ${min} properties`)
    if (typeof max === "number" && keys.length > max) out.push(`${path}: expected at most ${max} properties`)
    const patterns = isRecord(node["patternProperties"])
      ? Object.entries(node["patternProperties"]).flatMap(([p, sub]) => {
        const compiled = compilePattern(p)
        return compiled === undefined ? [] : [[compiled, sub as JsonSchema] as const]
      })
      : []
    for (const key of keys) {
      const at = `${path}.${key}`
      let known = false
      if (Object.hasOwn(properties, key)) {
        known = true
        check(properties[key] as JsonSchema, current[key], at, depth + 1, out)
      }
      for (const [pattern, sub] of patterns) {
        if (pattern.test(key)) {
          known = true
          check(sub, current[key], at, depth + 1, out)
        }
      }
      if (!known && node["additionalProperties"] !== undefined) {
        const additional = node["additionalProperties"] as JsonSchema
        if (additional === false) out.push(`${path}: the property "${key}" is not allowed`)
        else check(additional, current[key], at, depth + 1, out)
      }
    }
  }
  check(schema, value, "$", 0, issues)
  if (exhausted) return [`${tooComplexPrefix} (it needs more than ${maxSteps} steps), so the value is not accepted`]
  return issues.slice(0, maxIssues)
}

const checkNumber = (node: Readonly<Record<string, unknown>>, value: number, path: string, out: Array<string>): void => {
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf } = node
  if (typeof minimum === "number" && (exclusiveMinimum === true ? value <= minimum : value < minimum)) out.push(`${path}: ${value} is below the minimum ${minimum}`)
  if (typeof maximum === "number" && (exclusiveMaximum === true ? value >= maximum : value > maximum)) out.push(`${path}: ${value} is above the maximum ${maximum}`)
  if (typeof exclusiveMinimum === "number" && value <= exclusiveMinimum) out.push(`${path}: ${value} must be above ${exclusiveMinimum}`)
  if (typeof exclusiveMaximum === "number" && value >= exclusiveMaximum) out.push(`${path}: ${value} must be below ${exclusiveMaximum}`)
  if (typeof multipleOf === "number" && multipleOf > 0) {
    const ratio = value / multipleOf
    if (Math.abs(ratio - Math.round(ratio)) > 1e-9) out.push(`${path}: ${value} is not a multiple of ${multipleOf}`)
  }
}

const checkString = (node: Readonly<Record<string, unknown>>, value: string, path: string, out: Array<string>): void => {
  const length = [...value].length
  const { minLength, maxLength, pattern } = node
  if (typeof minLength === "number" && length < minLength) out.push(`${path}: expected at least ${minLength} characters, got ${length}`)
  if (typeof maxLength === "number" && length > maxLength) out.push(`${path}: expected at most ${maxLength} characters, got ${length}`)
  if (typeof pattern === "string") {
    const compiled = compilePattern(pattern)
    if (compiled !== undefined && !compiled.test(value)) out.push(`${path}: ${describeValue(value)} does not match the pattern ${JSON.stringify(pattern)}`)
  }
}
