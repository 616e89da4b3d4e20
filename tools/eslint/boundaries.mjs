// @orch module boundaries as an ESLint rule: which kind of package may import which.
// Tags come from each package.json's `nx.tags`; the allowed edges are the architecture of docs/ARCHITECTURE.md.
import fs from "node:fs"
import path from "node:path"

/** For each tag, the tags it may import in library code, and extra tags it may import in tests only. */
export const allowedImports = {
  "type:contract": { lib: [], test: [] },
  "type:testing": { lib: ["type:contract"], test: [] },
  // A kit (the OpenAI chat wire) is what provider packages share: it depends on the contract only. A provider may
  // import a kit, never another provider.
  "type:kit": { lib: ["type:contract"], test: ["type:testing"] },
  "type:provider": { lib: ["type:contract", "type:kit"], test: ["type:testing"] },
  "type:strategy": { lib: ["type:contract"], test: ["type:testing"] },
  "type:router": { lib: ["type:contract"], test: ["type:testing"] },
  "type:cost": { lib: ["type:contract"], test: ["type:testing"] },
  "type:core": { lib: ["type:contract", "type:strategy", "type:router", "type:cost"], test: ["type:testing", "type:provider", "type:kit"] },
  "type:gateway": { lib: ["type:contract", "type:core"], test: ["type:testing", "type:provider", "type:kit", "type:cost", "type:strategy", "type:router"] },
  "type:app": { lib: ["type:contract", "type:strategy", "type:router", "type:cost", "type:core", "type:gateway", "type:provider", "type:kit", "type:testing"], test: [] }
}

const packageCache = new Map()
/** The nearest package.json above a file, with its name and tags. */
export function owningPackage(file) {
  let dir = path.dirname(path.resolve(file))
  while (dir !== path.dirname(dir)) {
    if (packageCache.has(dir)) return packageCache.get(dir)
    const manifest = path.join(dir, "package.json")
    if (fs.existsSync(manifest)) {
      const json = JSON.parse(fs.readFileSync(manifest, "utf8"))
      const info = { dir, name: json.name, tags: json.nx?.tags ?? [] }
      packageCache.set(dir, info)
      return info
    }
    dir = path.dirname(dir)
  }
  return undefined
}

let workspaceIndex
/** Every workspace package by name, read from the root package.json's workspaces. */
export function workspacePackages(root) {
  if (workspaceIndex) return workspaceIndex
  workspaceIndex = new Map()
  for (const group of ["packages", "apps"]) {
    const base = path.join(root, group)
    if (!fs.existsSync(base)) continue
    for (const entry of fs.readdirSync(base)) {
      const manifest = path.join(base, entry, "package.json")
      if (!fs.existsSync(manifest)) continue
      const json = JSON.parse(fs.readFileSync(manifest, "utf8"))
      workspaceIndex.set(json.name, { dir: path.join(base, entry), name: json.name, tags: json.nx?.tags ?? [] })
    }
  }
  return workspaceIndex
}

const isTestFile = (file) => /\.(test|bench)\.[cm]?[jt]s$/.test(file) || /[\\/](test|bench|scripts)[\\/]/.test(file)

function findRoot(from) {
  let dir = from
  while (dir !== path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "nx.json"))) return dir
    dir = path.dirname(dir)
  }
  return from
}

/** Why an import is not allowed, or undefined when it is. */
export function checkImport(file, source) {
  const from = owningPackage(file)
  if (!from) return undefined
  const root = findRoot(from.dir)
  if (source.startsWith(".")) {
    const target = path.resolve(path.dirname(file), source)
    const targetPackage = owningPackage(path.join(target, "x"))
    if (targetPackage && targetPackage.dir !== root && targetPackage.dir !== from.dir && !target.startsWith(from.dir + path.sep)) {
      return `relative import "${source}" leaves ${from.name}; import the package by its name`
    }
    return undefined
  }
  const match = /^(@orch\/[^/]+)(\/.*)?$/.exec(source)
  if (!match) return undefined
  const [, name, subpath] = match
  if (name === from.name) return `${from.name} imports itself by name; use a relative import`
  if (subpath && subpath !== "/package.json") return `deep import "${source}": use the public entry "${name}"`
  const target = workspacePackages(root).get(name)
  if (!target) return undefined
  const tests = isTestFile(file)
  for (const tag of from.tags) {
    const rule = allowedImports[tag]
    if (!rule) continue
    const allowed = tests ? [...rule.lib, ...rule.test] : rule.lib
    if (!target.tags.some((t) => allowed.includes(t))) {
      return `${from.name} (${tag}) may not import ${name} (${target.tags.join(", ") || "untagged"})${tests ? "" : " in library code"}`
    }
  }
  return undefined
}

const rule = {
  meta: { type: "problem", docs: { description: "Enforce @orch package boundaries by nx tags" }, schema: [] },
  create(context) {
    const file = context.filename ?? context.getFilename()
    const check = (node) => {
      if (!node.source || typeof node.source.value !== "string") return
      const problem = checkImport(file, node.source.value)
      if (problem) context.report({ node: node.source, message: problem })
    }
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression(node) {
        if (node.source.type === "Literal") check({ source: node.source })
      }
    }
  }
}

export default { meta: { name: "orch" }, rules: { "module-boundaries": rule } }
