// Fails on an import cycle, between packages or between modules of one package, and on a package.json
// dependency that breaks the layering (a provider depending on the core, the core on a provider).
import fs from "node:fs"
import path from "node:path"
import { allowedImports, workspacePackages } from "./eslint/boundaries.mjs"

const root = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, ".."))
const packages = workspacePackages(root)
const problems = []

/** Strongly connected components with more than one node (or a self loop): the cycles of a graph. */
export function findCycles(graph) {
  let index = 0
  const indices = new Map(), low = new Map(), stack = [], onStack = new Set(), cycles = []
  const visit = (node) => {
    indices.set(node, index); low.set(node, index); index++
    stack.push(node); onStack.add(node)
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) { visit(next); low.set(node, Math.min(low.get(node), low.get(next))) }
      else if (onStack.has(next)) low.set(node, Math.min(low.get(node), indices.get(next)))
    }
    if (low.get(node) === indices.get(node)) {
      const component = []
      let member
      do { member = stack.pop(); onStack.delete(member); component.push(member) } while (member !== node)
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.reverse())
    }
  }
  for (const node of graph.keys()) if (!indices.has(node)) visit(node)
  return cycles
}

const importPattern = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g
const sourceFiles = (dir) => {
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.[cm]?ts$/.test(e.name) && !e.name.endsWith(".d.ts"))
    .map((e) => path.join(e.parentPath, e.name))
}

// Package graph from package.json dependencies (runtime and peer), checked against the tag rules too.
const packageGraph = new Map()
for (const [name, info] of packages) {
  const manifest = JSON.parse(fs.readFileSync(path.join(info.dir, "package.json"), "utf8"))
  const deps = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies })
    .filter((d) => packages.has(d))
  packageGraph.set(name, deps)
  for (const dep of deps) {
    const target = packages.get(dep)
    for (const tag of info.tags) {
      const allowed = allowedImports[tag]?.lib ?? []
      if (allowedImports[tag] && !target.tags.some((t) => allowed.includes(t))) {
        problems.push(`${name} (${tag}) depends on ${dep} (${target.tags.join(", ")}) in package.json`)
      }
    }
  }
}
for (const cycle of findCycles(packageGraph)) problems.push(`package dependency cycle: ${cycle.join(" -> ")} -> ${cycle[0]}`)

// Module graph inside each package's src.
for (const [name, info] of packages) {
  const files = sourceFiles(path.join(info.dir, "src"))
  const graph = new Map()
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8")
    const edges = []
    for (const m of text.matchAll(importPattern)) {
      const spec = m[1] ?? m[2]
      if (!spec?.startsWith(".")) continue
      if (/^\s*import\s+type\b/.test(m[0]) || /^\s*export\s+type\b/.test(m[0].trimStart())) continue
      let target = path.resolve(path.dirname(file), spec).replace(/\.js$/, ".ts")
      if (!fs.existsSync(target) && fs.existsSync(path.join(target, "index.ts"))) target = path.join(target, "index.ts")
      if (files.includes(target)) edges.push(target)
    }
    graph.set(file, edges)
  }
  for (const cycle of findCycles(graph)) {
    problems.push(`module import cycle in ${name}: ${cycle.map((f) => path.relative(info.dir, f)).join(" -> ")}`)
  }
}

if (problems.length > 0) {
  for (const p of problems) console.error(`boundaries: ${p}`)
  process.exit(1)
}
console.log(`boundaries: ${packages.size} packages, no cycles, layering respected`)
