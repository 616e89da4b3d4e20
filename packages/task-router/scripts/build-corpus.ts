/**
 * Compose the training corpus from the hand-written pieces in `scripts/corpus/`: standalone prompts, framed
 * prompts, and requests put around pasted payloads (before, after or around them, fenced or not), in several
 * tones. Deterministic (fixed seed); writes one `corpus/<type>.jsonl` per task type, each line
 * `{ "text", "label", "domain", "source" }` (source: the hand-written phrasing it comes from, for grouped
 * cross-validation). The dev set in ../shared/eval is never read here.
 *
 * Run from the repo root: `node --conditions=@orch/source packages/task-router/scripts/build-corpus.ts [--check]`
 */
import { readFileSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { code, stubs } from "./corpus/Code.ts"
import { dialogues, documents, processes, specs, tables, workflows } from "./corpus/Documents.ts"
import { errorLogs, healthyEndings, logEndings, longLog, outputs, tracebacks } from "./corpus/Logs.ts"
import type { Payload } from "./corpus/Payload.ts"
import {
  codeGenerationStandalone, codeGenerationWithPayload, codeReviewStandalone, codeReviewWithPayload, errorStandalone,
  errorWithPayload, type PayloadRequest, type Standalone
} from "./corpus/RequestsCode.ts"
import {
  dataStandalone, dataWithPayload, generalStandalone, generalWithPayload, reasoningStandalone, reasoningWithPayload,
  codeReviewLast, errorLast, generalOverDocument, summarizationLast, codeSpecs, fermiQuestions, whatIfQuestions, workflowNarrative, codeReviewMore, errorCodeMore, generalExtra, summarizationMore, codeHowTo, dataAnalysisQuestions, documentRequests, formattedTableQuestions, workflowEditQuestions, errorReports, generalMore, reasoningDomains, dataNamed, jsonTableQuestions, jsonTables, rolePrompts, summarizationStandalone, summarizationWithPayload,
  workflowHowTo, workflowStandalone, workflowWithPayload
} from "./corpus/RequestsText.ts"
import { algorithmicCode, condenseRequests, generalNotReasoning, inlineTextGeneral, logRecaps, reasoningVaried, reworkRequests, summarizeInline } from "./corpus/Boundaries.ts"
import { realVoicePosts, toolNames, type Post } from "./corpus/RealVoices.ts"
import { stylePosts } from "./corpus/Styles.ts"
import { toolDefinitions, toolFailures } from "./corpus/ToolPayloads.ts"
import { codeGenerationTemplated, dataTemplated, errorTemplated, generalTemplated, reasoningTemplated, workflowTemplated } from "./corpus/Templates.ts"
import { seededRandom } from "./Training.ts"
import { taskTypes, type TaskType } from "../src/TaskType.ts"

interface Row {
  readonly text: string
  readonly label: TaskType
  readonly domain: string
  /** The hand-written phrasing the prompt comes from (tone variants and payload pairings share it). */
  readonly source: string
}

const random = seededRandom(16)
const pick = <A>(items: ReadonlyArray<A>): A => {
  const item = items[Math.floor(random() * items.length)]
  if (item === undefined) throw new Error("pick from an empty list")
  return item
}

const greetings = ["Hi! ", "hey, ", "Hello, ", "Quick question: ", "Newbie here. ", "Sorry if this is obvious, but ", "Hi all, ", "Good morning. "]
const endings = [" Thanks!", " thx", " Any help appreciated.", " Please be concise.", " (I'm new to this.)", " Thanks in advance.", " Cheers"]

/** One or two slips of the keyboard in longer words (two letters swapped, or one dropped), never inside a {slot}. */
const typos = (text: string): string => {
  const words = [...text.matchAll(/(?<![{\w])[A-Za-z]{5,}(?![}\w])/g)]
  if (words.length === 0) return text
  let out = text
  const count = random() < 0.6 ? 1 : 2
  for (let n = 0; n < count; n++) {
    const word = words[Math.floor(random() * words.length)]
    if (word === undefined) continue
    const w = word[0]
    const at = 1 + Math.floor(random() * (w.length - 2))
    const slipped = random() < 0.5 ? `${w.slice(0, at)}${w.charAt(at + 1)}${w.charAt(at)}${w.slice(at + 2)}` : `${w.slice(0, at)}${w.slice(at + 1)}`
    out = out.replace(new RegExp(`(?<![{\\w])${w}(?![}\\w])`), slipped)
  }
  return out
}

const toneOnly = (text: string): string => {
  const roll = random()
  if (roll < 0.4) return text
  if (roll < 0.52) return text.toLowerCase().replace(/[.!]$/, "")
  if (roll < 0.66) return `${pick(greetings)}${text.charAt(0).toLowerCase()}${text.slice(1)}`
  if (roll < 0.8) return `${text}${pick(endings)}`
  if (roll < 0.9) return text.replace(/\byou\b/g, "u").replace(/\bplease\b/gi, "pls").replace(/\bare\b/g, "r")
  return `${pick(greetings)}${text}${pick(endings)}`
}

/**
 * A request in one of several tones: as written, lowercase, with a greeting, with a sign-off, in chat shorthand; and
 * about one time in seven with a typo or two, as people type.
 */
const tone = (text: string): string => (random() < 0.14 ? typos(toneOnly(text)) : toneOnly(text))

const fenceTags: Readonly<Record<string, string>> = {
  Python: "python", JavaScript: "js", TypeScript: "ts", Go: "go", Java: "java", Rust: "rust", R: "r", Bash: "bash", SQL: "sql",
  React: "jsx", PHP: "php", Kotlin: "kotlin", "C++": "cpp", CSS: "css", Dockerfile: "dockerfile", Terraform: "hcl"
}

/** The payload as pasted: fenced (with or without a language tag) or bare. */
const pasted = (payload: Payload): string => {
  const roll = random()
  if (roll < 0.45) return payload.text
  const tag = roll < 0.75 ? (payload.kind === "workflow" ? pick(["", "yaml", "python", "snakemake", "groovy", "bash"]) : fenceTags[payload.lang ?? ""] ?? "") : ""
  return `\`\`\`${tag}\n${payload.text}\n\`\`\``
}

const pools: Readonly<Record<Payload["kind"], ReadonlyArray<Payload>>> = {
  code, code_stub: stubs, traceback: tracebacks, error_log: errorLogs, output: outputs, table: tables, workflow: workflows, document: documents, dialogue: dialogues
}

/** A long log payload for the kinds that take one, about one time in six. */
const maybeLongLog = (kind: Payload["kind"], index: number): Payload | undefined => {
  if (index % 6 !== 0) return undefined
  if (kind === "error_log") {
    const ending = pick(logEndings)
    return { kind, domain: ending.domain, text: longLog(index, ending.source, ending.lines) }
  }
  if (kind === "output") {
    const ending = pick(healthyEndings)
    return { kind, domain: ending.domain, text: longLog(index, ending.source, ending.lines) }
  }
  return undefined
}

const dataCaptions = ["Summary of alignment:", "QC summary:", "Summary statistics", "Results summary (batch 3):", "Here is the summary table:", "Run summary", "Metrics:"]
const logCaptions = ["Summary of the failed run:", "Log summary:", "Output:", "Console:", "Error summary"]

/** Put a request around a payload: before it, after it, or split around it. */
const compose = (request: PayloadRequest, index: number): { readonly text: string; readonly domain: string } | undefined => {
  if (request.kinds.length === 0) return { text: tone(request.text), domain: "everyday" }
  const kind = pick(request.kinds)
  const payload = maybeLongLog(kind, index) ?? pick(pools[kind])
  const ask = tone(request.text.replace("{lang}", payload.lang ?? "this"))
  const caption = kind === "table" || kind === "output" ? (random() < 0.25 ? pick(dataCaptions) : "") : kind === "error_log" && random() < 0.2 ? pick(logCaptions) : ""
  const body = caption === "" ? pasted(payload) : `${caption}\n${pasted(payload)}`
  const roll = random()
  if (roll < 0.6) return { text: `${ask}\n\n${body}`, domain: payload.domain }
  if (roll < 0.85) return { text: `${body}\n\n${ask}`, domain: payload.domain }
  const lead = pick(["Here's what I have:", "Context below.", "I'm working on this:", "So I have the following:", "This is from our project."])
  return { text: `${lead}\n${body}\n${ask}`, domain: payload.domain }
}

const rows: Array<Row> = []
const addStandalone = (label: TaskType, items: ReadonlyArray<Standalone>, variants: number, list: string): void => {
  items.forEach(([domain, text, frame], i) => {
    const source = `${list} ${frame ?? i}`
    rows.push({ text, label, domain, source })
    for (let v = 0; v < variants; v++) {
      const varied = tone(text)
      if (varied !== text) rows.push({ text: varied, label, domain, source })
    }
  })
}
const addComposed = (label: TaskType, requests: ReadonlyArray<PayloadRequest>, count: number, list: string): void => {
  for (let i = 0; i < count; i++) {
    const request = requests[i % requests.length]
    const composed = request === undefined ? undefined : compose(request, i)
    if (composed !== undefined) rows.push({ text: composed.text, label, domain: composed.domain, source: `${list} ${i % requests.length}` })
  }
}

addStandalone("code_generation", codeGenerationStandalone, 1, "codeGenerationStandalone")
addStandalone("code_generation", codeGenerationTemplated(140), 0, "codeGenerationTemplated")
addComposed("code_generation", codeGenerationWithPayload, 150, "codeGenerationWithPayload")
stubs.forEach((stub, i) => rows.push({ text: stub.text, label: "code_generation", domain: stub.domain, source: `bare stub ${i}` }))

addStandalone("code_review", codeReviewStandalone, 2, "codeReviewStandalone")
addComposed("code_review", codeReviewWithPayload, 360, "codeReviewWithPayload")

addStandalone("error_diagnosis", errorStandalone, 1, "errorStandalone")
addStandalone("error_diagnosis", errorTemplated(100), 0, "errorTemplated")
addComposed("error_diagnosis", errorWithPayload, 260, "errorWithPayload")
;[...tracebacks, ...errorLogs].forEach((trace, i) => rows.push({ text: trace.text, label: "error_diagnosis", domain: trace.domain, source: `bare trace ${i}` }))

addStandalone("reasoning", reasoningStandalone, 2, "reasoningStandalone")
addStandalone("reasoning", reasoningTemplated(180), 0, "reasoningTemplated")
addComposed("reasoning", reasoningWithPayload, 60, "reasoningWithPayload")

addStandalone("summarization", summarizationStandalone, 2, "summarizationStandalone")
addComposed("summarization", summarizationWithPayload, 330, "summarizationWithPayload")

addStandalone("data_interpretation", dataStandalone, 2, "dataStandalone")
addStandalone("data_interpretation", dataTemplated(60), 0, "dataTemplated")
addComposed("data_interpretation", dataWithPayload, 280, "dataWithPayload")

addStandalone("workflow_generation", workflowStandalone, 2, "workflowStandalone")
addStandalone("workflow_generation", workflowTemplated(84), 0, "workflowTemplated")
addComposed("workflow_generation", workflowWithPayload, 200, "workflowWithPayload")

addStandalone("general", generalStandalone, 2, "generalStandalone")
addStandalone("general", generalTemplated(160), 0, "generalTemplated")
addComposed("general", generalWithPayload, 50, "generalWithPayload")

addStandalone("workflow_generation", workflowHowTo, 2, "workflowHowTo")
addStandalone("reasoning", reasoningDomains, 2, "reasoningDomains")
addStandalone("code_generation", codeHowTo, 2, "codeHowTo")
addStandalone("data_interpretation", dataAnalysisQuestions, 2, "dataAnalysisQuestions")
addStandalone("general", generalMore, 2, "generalMore")
addStandalone("error_diagnosis", errorReports, 2, "errorReports")
addStandalone("data_interpretation", dataNamed, 2, "dataNamed")
addComposed("summarization", summarizationMore, 100, "summarizationMore")
addStandalone("general", generalExtra, 1, "generalExtra")
addComposed("code_review", codeReviewMore, 80, "codeReviewMore")
addComposed("error_diagnosis", errorCodeMore, 48, "errorCodeMore")
addStandalone("reasoning", fermiQuestions, 2, "fermiQuestions")
addComposed("code_review", codeReviewLast, 40, "codeReviewLast")
addComposed("error_diagnosis", errorLast, 40, "errorLast")
addComposed("general", generalOverDocument, 50, "generalOverDocument")
addStandalone("summarization", summarizationLast, 2, "summarizationLast")
addStandalone("general", whatIfQuestions, 2, "whatIfQuestions")
addStandalone("code_generation", codeSpecs, 2, "codeSpecs")
for (let i = 0; i < 48; i++) {
  const payload = pick(workflows)
  const ask = tone(workflowNarrative[i % workflowNarrative.length] ?? "")
  rows.push({ text: random() < 0.7 ? `${ask}\n\n${pasted(payload)}` : `${pasted(payload)}\n\n${ask}`, label: "workflow_generation", domain: payload.domain, source: `workflowNarrative ${i % workflowNarrative.length}` })
}
rolePrompts.forEach(([label, domain, text], i) => {
  const type = taskTypes.find((t) => t === label) ?? "general"
  rows.push({ text, label: type, domain, source: `rolePrompts ${i}` })
  rows.push({ text: tone(text), label: type, domain, source: `rolePrompts ${i}` })
})
for (let i = 0; i < 40; i++) {
  const [domain, table] = jsonTables[i % jsonTables.length] ?? ["datasci", ""]
  const question = tone(jsonTableQuestions[(i * 3) % jsonTableQuestions.length] ?? "")
  rows.push({ text: i % 2 === 0 ? `${question}\n${table}` : `${table}\n\nQuestion: ${question}`, label: "data_interpretation", domain, source: `jsonTableQuestions ${(i * 3) % jsonTableQuestions.length}` })
}
for (let i = 0; i < documentRequests.length * 6; i++) {
  const [label, request, source] = documentRequests[i % documentRequests.length] ?? ["general", "", "document"]
  const payload = pick(source === "spec" ? specs : source === "process" ? processes : documents)
  const ask = tone(request)
  const type = taskTypes.find((t) => t === label) ?? "general"
  rows.push({ text: random() < 0.6 ? `${ask}\n\n${payload.text}` : `${payload.text}\n\n${ask}`, label: type, domain: payload.domain, source: `documentRequests ${i % documentRequests.length}` })
}
for (let i = 0; i < 50; i++) {
  const question = formattedTableQuestions[i % formattedTableQuestions.length] ?? ""
  const json = i % 2 === 0
  const [domain, table] = json ? jsonTables[i % jsonTables.length] ?? ["datasci", ""] : [tables[i % tables.length]?.domain ?? "datasci", tables[i % tables.length]?.text ?? ""]
  rows.push({ text: i % 3 === 0 ? `${question}\n\n${table}` : `${question.split("\n")[0] ?? ""}\n${table}\n${question.split("\n").slice(1).join("\n")}`, label: "data_interpretation", domain, source: `formattedTableQuestions ${i % formattedTableQuestions.length}` })
}
for (let i = 0; i < 60; i++) {
  const payload = pick(workflows)
  const ask = tone(workflowEditQuestions[i % workflowEditQuestions.length] ?? "")
  rows.push({ text: random() < 0.5 ? `${ask}\n\n${pasted(payload)}` : `${pasted(payload)}\n\n${ask}`, label: "workflow_generation", domain: payload.domain, source: `workflowEditQuestions ${i % workflowEditQuestions.length}` })
}

// Real-voice posts: each written post is composed a few times, with other tools and other payloads in its slots.
const toolDomains: Readonly<Record<string, string>> = { snakemake: "bioinfo", nextflow: "bioinfo", slurm: "bioinfo", cwl: "bioinfo", wdl: "bioinfo", prefect: "datasci", dagster: "datasci", dbt: "datasci", make: "datasci" }
const slotPools: Readonly<Record<string, ReadonlyArray<Payload>>> = {
  code, stub: stubs, traceback: tracebacks, error_log: errorLogs, output: outputs, table: tables, document: documents, dialogue: dialogues
}
const postVariants: Readonly<Record<string, number>> = {
  workflowPosts: 5, errorPosts: 4, reviewPosts: 4, codeGenerationPosts: 3, reasoningPosts: 2, summarizationPosts: 3, dataPosts: 3, generalPosts: 2, morePosts: 3, boundaryPosts: 3, composerPosts: 4, chatPosts: 3, workflowWithFailurePosts: 5, inlineReviewPosts: 4,
  ...Object.fromEntries(stylePosts.map(([list, , variants]) => [list, variants]))
}
const composePost = (post: Post): { readonly text: string; readonly domain: string } => {
  const needsFailure = post.text.includes("{fail}")
  const candidates = (post.tools ?? Object.keys(toolNames)).filter((tool) => !needsFailure || toolFailures[tool] !== undefined)
  const tool = pick(candidates.length > 0 ? candidates : Object.keys(toolFailures))
  const [name, unit, step] = toolNames[tool] ?? ["make", "Makefile", "target"]
  let domain = post.domain ?? toolDomains[tool] ?? "devops"
  let first = true
  const text = tone(post.text).replace(/\{(\w+)\}/g, (slot: string, key: string) => {
    if (key === "tool") return name
    if (key === "unit") return unit
    if (key === "step") return step
    const pool = key === "def" ? toolDefinitions[tool] : key === "fail" ? toolFailures[tool] : slotPools[key]
    if (pool === undefined) return slot
    const payload = pick(pool)
    if (first && key !== "def" && key !== "fail") domain = payload.domain
    first = false
    return pasted(payload)
  })
  return { text, domain }
}
for (const [list, posts] of [...realVoicePosts, ...stylePosts]) {
  posts.forEach((post, i) => {
    const uses = post.text.match(/\{(?:tool|unit|step|def|fail|code|stub|traceback|error_log|output|table|document|dialogue)\}/) !== null
    const variants = uses ? postVariants[list] ?? 2 : Math.min(2, postVariants[list] ?? 2)
    for (let v = 0; v < variants; v++) {
      const composed = composePost(post)
      rows.push({ text: composed.text, label: post.label, domain: composed.domain, source: `${list} ${i}` })
    }
  })
}

// Contrast lists for the reasoning / general / code generation / summarization boundaries (Boundaries.ts).
addStandalone("code_generation", algorithmicCode, 1, "algorithmicCode")
addStandalone("general", generalNotReasoning, 1, "generalNotReasoning")
addStandalone("reasoning", reasoningVaried, 1, "reasoningVaried")
addComposed("summarization", condenseRequests, 48, "condenseRequests")
addComposed("general", reworkRequests, 42, "reworkRequests")
addComposed("summarization", logRecaps, 32, "logRecaps")
addStandalone("summarization", summarizeInline, 2, "summarizeInline")
addStandalone("general", inlineTextGeneral, 2, "inlineTextGeneral")

const check = process.argv.includes("--check")
let differs = false
for (const type of taskTypes) {
  const file = fileURLToPath(new URL(`../corpus/${type}.jsonl`, import.meta.url))
  const text = rows.filter((row) => row.label === type).map((row) => JSON.stringify(row)).join("\n") + "\n"
  if (check) differs ||= readFileSync(file, "utf8") !== text
  else writeFileSync(file, text)
}
const counts = taskTypes.map((type) => `${type}=${rows.filter((row) => row.label === type).length}`).join(" ")
console.log(`${check ? (differs ? "corpus differs from the script's output" : "corpus matches the script") : "wrote corpus"}: ${rows.length} prompts (${counts})`)
if (check && differs) process.exit(1)
