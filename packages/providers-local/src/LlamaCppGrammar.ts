/**
 * Which JSON Schemas node-llama-cpp's JSON-schema grammar can express, rewritten into the form it reads. Its grammar
 * knows `type` (one or several scalar types, `object`, `array`), `const`, `enum`, `oneOf`, `$ref` into `$defs`,
 * `properties`, `additionalProperties`, `items`, `prefixItems`, the size bounds, and three string formats. What it
 * does not know it turns silently into `null` or "any JSON" (with a `console.warn`), so a schema with anything else
 * that shapes the answer (`allOf`, `not`, `if`, `patternProperties`, an empty schema, ...) is refused here and the
 * engine uses the generic JSON grammar instead. Keywords that only bound values (`minimum`, `pattern`,
 * `uniqueItems`, ...) keep the grammar for the shape: the contract's structured-output check enforces the bounds.
 */

type JsonObject = Readonly<Record<string, unknown>>

const isObject = (value: unknown): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value)

/** Words that describe a schema and change nothing in the answer. */
const annotations = new Set(["$schema", "$id", "$comment", "title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly", "nullable"])
/** Bounds on values the grammar cannot express; the answer is still validated against them. */
const valueBounds = new Set(["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "pattern", "uniqueItems", "contentEncoding", "contentMediaType"])
const scalarTypes = new Set(["string", "number", "integer", "boolean", "null"])
const grammarFormats = new Set(["date-time", "time", "date"])
const refPrefix = "#/$defs/"

const allowedKeys: Readonly<Record<string, ReadonlySet<string>>> = {
  object: new Set(["type", "properties", "additionalProperties", "required", "minProperties", "maxProperties", "$defs"]),
  array: new Set(["type", "items", "prefixItems", "minItems", "maxItems", "$defs"]),
  string: new Set(["type", "minLength", "maxLength", "format", "$defs"]),
  scalar: new Set(["type", "$defs"])
}

const count = (value: unknown): number | undefined => typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : undefined

const onlyKeys = (schema: JsonObject, allowed: ReadonlySet<string>): boolean =>
  Object.keys(schema).every((key) => allowed.has(key) || annotations.has(key) || valueBounds.has(key))

const translate = (schema: unknown, defs: ReadonlySet<string>): Record<string, unknown> | undefined => {
  if (!isObject(schema)) return undefined
  let scope = defs
  let ownDefs: Record<string, unknown> | undefined
  if (schema.$defs !== undefined) {
    if (!isObject(schema.$defs)) return undefined
    scope = new Set([...defs, ...Object.keys(schema.$defs)])
    ownDefs = {}
    for (const [name, def] of Object.entries(schema.$defs)) {
      const translated = translate(def, scope)
      if (translated === undefined) return undefined
      ownDefs[name] = translated
    }
  }
  const withDefs = (result: Record<string, unknown>): Record<string, unknown> => ownDefs === undefined ? result : { ...result, $defs: ownDefs }

  if (schema.$ref !== undefined) {
    const ref = schema.$ref
    if (typeof ref !== "string" || !ref.startsWith(refPrefix) || !scope.has(ref.slice(refPrefix.length))) return undefined
    return onlyKeys(schema, new Set(["$ref", "$defs"])) ? withDefs({ $ref: ref }) : undefined
  }
  const alternatives = schema.oneOf ?? schema.anyOf
  if (alternatives !== undefined) {
    // The grammar accepts any one alternative, which is what both `oneOf` and `anyOf` allow (the check decides "exactly one").
    if (schema.oneOf !== undefined && schema.anyOf !== undefined) return undefined
    if (!Array.isArray(alternatives) || alternatives.length === 0 || !onlyKeys(schema, new Set(["oneOf", "anyOf", "$defs"]))) return undefined
    const translated = alternatives.map((alternative) => translate(alternative, scope))
    return translated.every((t) => t !== undefined) ? withDefs({ oneOf: translated }) : undefined
  }
  if (schema.const !== undefined) {
    const value = schema.const
    return value === null || ["string", "number", "boolean"].includes(typeof value) ? withDefs({ const: value }) : undefined
  }
  if (schema.enum !== undefined) {
    const values = schema.enum
    if (!Array.isArray(values) || values.length === 0 || values.some((v) => v !== null && !["string", "number", "boolean"].includes(typeof v))) return undefined
    return onlyKeys(schema, new Set(["enum", "type", "$defs"])) ? withDefs({ enum: values }) : undefined
  }

  const type = schema.type
  if (type === "object") {
    if (!onlyKeys(schema, allowedKeys.object as ReadonlySet<string>)) return undefined
    const properties = schema.properties ?? {}
    if (!isObject(properties)) return undefined
    const translated: Record<string, unknown> = {}
    for (const [name, property] of Object.entries(properties)) {
      const t = translate(property, scope)
      if (t === undefined) return undefined
      translated[name] = t
    }
    // The grammar writes every property; a required key it does not know would never be written.
    const required = schema.required ?? []
    if (!Array.isArray(required) || required.some((key) => typeof key !== "string" || !(key in translated))) return undefined
    const names = Object.keys(translated).length
    const minProperties = count(schema.minProperties)
    const maxProperties = count(schema.maxProperties)
    if ((schema.minProperties !== undefined && minProperties === undefined) || (schema.maxProperties !== undefined && maxProperties === undefined)) return undefined
    if (maxProperties !== undefined && (maxProperties < names || maxProperties < (minProperties ?? 0))) return undefined
    let additional: unknown = schema.additionalProperties
    if (isObject(additional)) {
      additional = translate(additional, scope)
      if (additional === undefined) return undefined
    } else if (additional !== undefined && typeof additional !== "boolean") return undefined
    return withDefs({
      type: "object",
      properties: translated,
      ...(additional !== undefined ? { additionalProperties: additional } : {}),
      ...(minProperties !== undefined ? { minProperties } : {}),
      ...(maxProperties !== undefined ? { maxProperties } : {})
    })
  }
  if (type === "array") {
    if (!onlyKeys(schema, allowedKeys.array as ReadonlySet<string>)) return undefined
    const items = schema.items === undefined ? undefined : translate(schema.items, scope)
    if (schema.items !== undefined && items === undefined) return undefined
    let prefixItems: Array<Record<string, unknown>> | undefined
    if (schema.prefixItems !== undefined) {
      if (!Array.isArray(schema.prefixItems)) return undefined
      const translated = schema.prefixItems.map((item) => translate(item, scope))
      if (translated.some((t) => t === undefined)) return undefined
      prefixItems = translated as Array<Record<string, unknown>>
    }
    const minItems = count(schema.minItems)
    const maxItems = count(schema.maxItems)
    if ((schema.minItems !== undefined && minItems === undefined) || (schema.maxItems !== undefined && maxItems === undefined)) return undefined
    if (maxItems !== undefined && (maxItems < (prefixItems?.length ?? 0) || maxItems < (minItems ?? 0))) return undefined
    return withDefs({
      type: "array",
      ...(items !== undefined ? { items } : {}),
      ...(prefixItems !== undefined ? { prefixItems } : {}),
      ...(minItems !== undefined ? { minItems } : {}),
      ...(maxItems !== undefined ? { maxItems } : {})
    })
  }
  if (type === "string") {
    if (!onlyKeys(schema, allowedKeys.string as ReadonlySet<string>)) return undefined
    if (typeof schema.format === "string" && grammarFormats.has(schema.format)) return withDefs({ type: "string", format: schema.format })
    const minLength = count(schema.minLength)
    const maxLength = count(schema.maxLength)
    if ((schema.minLength !== undefined && minLength === undefined) || (schema.maxLength !== undefined && maxLength === undefined)) return undefined
    if (maxLength !== undefined && maxLength < (minLength ?? 0)) return undefined
    // Another format (email, uri, ...) is a plain string to the grammar; the check validates the format.
    return withDefs({ type: "string", ...(minLength !== undefined ? { minLength } : {}), ...(maxLength !== undefined ? { maxLength } : {}) })
  }
  const types = typeof type === "string" ? [type] : type
  if (Array.isArray(types) && types.length > 0 && types.every((t) => typeof t === "string" && scalarTypes.has(t))) {
    // Several scalar types: string bounds would apply to one branch only, which the grammar cannot say.
    const keys = types.length === 1 ? allowedKeys.scalar : new Set(["type", "$defs"])
    return onlyKeys(schema, keys as ReadonlySet<string>) ? withDefs({ type }) : undefined
  }
  // No type (any JSON), a type list with object or array, or a boolean schema: not expressible.
  return undefined
}

/**
 * The schema in the form node-llama-cpp's `createGrammarForJsonSchema` reads, or undefined when its grammar cannot
 * express the schema's shape (use the generic JSON grammar then).
 */
export const llamaGrammarSchema = (schema: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> | undefined =>
  translate(schema, new Set())
