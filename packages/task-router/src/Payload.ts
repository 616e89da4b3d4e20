/**
 * Request and payload: a prompt is split into the words that ask (the request) and what is pasted for the model to
 * work on (the payload: fenced blocks, code, logs, tracebacks, tables, workflow definitions, dialogues and long
 * quoted documents). The classifier decides mostly from the request and uses only the payload's kind as evidence,
 * so words inside a pasted log or Snakefile cannot outvote what the user asks.
 */

/** The kinds of payload the splitter recognises. */
export type PayloadKind =
  | "code"
  | "code_stub"
  | "traceback"
  | "log"
  | "error_log"
  | "table"
  | "workflow"
  | "document"
  | "dialogue"
  | "inline_error"

/** Every payload kind, in a fixed order. */
export const payloadKinds: ReadonlyArray<PayloadKind> = [
  "code", "code_stub", "traceback", "log", "error_log", "table", "workflow", "document", "dialogue", "inline_error"
]

/** One block of payload: its kind and how many lines it spans. */
export interface PayloadBlock {
  readonly kind: PayloadKind
  readonly lines: number
}

/** A prompt split into request and payload. */
export interface SplitPrompt {
  /** The asking words: prose outside payload blocks (for long prose, its first and last sentences). */
  readonly request: string
  /** The payload blocks found, in order. */
  readonly payloads: ReadonlyArray<PayloadBlock>
  /** Whether the request comes before the first payload block (false when the payload comes first or there is none). */
  readonly requestFirst: boolean
}

type LineKind = "prose" | "blank" | "code" | "traceback" | "log" | "table" | "workflow" | "dialogue"

const tracebackLine = new RegExp([
  "^\\s*traceback \\(most recent call last\\)",
  "^\\s*File \"[^\"]+\", line \\d+",
  "^\\s+at [\\w.$<>\\[\\]/@-]+ ?\\(.*:\\d+",
  "^\\s+at .+:\\d+(?::\\d+)?\\)?$",
  "^\\s*at (?:async )?[\\w.$<>]+ \\(",
  "^\\s*(?:[\\w.]+\\.)?[A-Z]\\w*(?:Error|Exception|Fault|Failure)(?::|$)",
  "^\\s*Caused by: ",
  "^\\s*\\.\\.\\. \\d+ more$",
  "^\\s*raise \\w+",
  "^\\s*\\^+\\s*$",
  "^\\s*thread '.*' panicked at",
  "^\\s*goroutine \\d+ \\[",
  "^\\s*Segmentation fault",
  "^\\s*#\\d+ 0x[0-9a-f]+ in "
].join("|"), "i")

const logLine = new RegExp([
  "^\\s*\\[?\\d{4}-\\d\\d-\\d\\d[ T]\\d\\d:\\d\\d",
  "^\\s*\\[?\\d\\d:\\d\\d:\\d\\d",
  "^\\s*\\[?(?:INFO|WARN|WARNING|ERROR|DEBUG|TRACE|FATAL|CRITICAL|NOTICE|SEVERE)\\b[\\]:\\s]",
  "^\\s*\\[[\\w\\s:./-]{2,40}\\]\\s",
  "^\\s*(?:> \\S|\\w+ error:|\\.?/?[\\w./-]+\\.\\w+:\\d+(?::\\d+)?\\s*$|npm (?:ERR!|WARN)|error(?:\\[\\w+\\])?:|warning:|fatal:|E: |W: |ERROR ~|WARN: |Error: |panic: |make(?:\\[\\d\\])?: \\*\\*\\*)",
  "^\\s*(?:executor >|\\[[0-9a-f]{2}/[0-9a-f]{6}\\]|process > |Job \\d+|rule \\w+:$|localrule \\w+:|Finished job|Select jobs|Building DAG|Activating conda|Error in rule|slurmstepd:|srun:|sbatch:|Submitted batch job)",
  "^\\s*(?:Step \\d+/\\d+|#\\d+ \\[|=> |---> |Collecting |Downloading |Installing |Requirement already|Solving environment|Found conflicts|LibMambaUnsatisfiableError|PackagesNotFoundError|UnsatisfiableError|Could not solve)",
  "^\\s*\\$ \\S",
  "^\\s*(?:PS )?[A-Z]:\\\\.*>",
  "^\\s*\\w+@[\\w.-]+:[~/][^$]*\\$ ",
  "^\\s*(?:Exit|exit) (?:code|status):? -?\\d+",
  "^\\s*(?:kubectl|docker|pip|conda|mamba|npm|yarn|cargo|go|mvn|gradle|terraform|ansible|helm|git|snakemake|nextflow|sbatch|squeue|sacct) [\\w-]"
].join("|"))

const errorLevel = /\b(?:ERROR|FATAL|CRITICAL|SEVERE|panic|Exception|Traceback|failed|FAILED|Failed|killed|Killed|OOM|OutOfMemory|exit(?:ed)? (?:with )?(?:status |code )?[1-9]\d*|non-zero exit|error:|Error:|ERR!|denied|refused|not found|No such file|CrashLoopBackOff|Unsatisfiable|conflict)/

const workflowLine = new RegExp([
  "^\\s*rule \\w+:\\s*$",
  "^\\s*(?:input|output|params|threads|resources|log|shell|run|conda|container|wildcard_constraints|benchmark|message|script|wrapper):\\s*(?:$|[\"'\\w\\[{(])",
  "^\\s*process \\w+\\s*\\{",
  "^\\s*workflow\\s*(?:\\w+\\s*)?\\{",
  "^\\s*(?:tag|publishDir|cpus|memory|time|label|errorStrategy|maxRetries|executor|queue)\\s+['\"\\d\\w{]",
  "^\\s*(?:script|shell|exec|input|output|emit|take|main):\\s*$",
  "^\\s*(?:Channel|channel)\\.\\w+",
  "^\\s*(?:on|jobs|steps|runs-on|uses|with|env|needs|strategy|matrix|stages|stage|script|image|services|variables|before_script|artifacts|workflow_dispatch|pull_request|push|schedule):\\s*",
  "^\\s*- (?:uses|run|name):\\s",
  "^\\s*#SBATCH\\s",
  "^\\s*#PBS\\s",
  "^\\s*with DAG\\(|^\\s*dag = DAG\\(|@dag\\b|@task\\b|\\w+ >> \\w+",
  "^\\s*\\w+ = (?:\\w+Operator|BashOperator|PythonOperator|KubernetesPodOperator)\\(",
  "^\\s*(?:cwlVersion|class: (?:Workflow|CommandLineTool)|baseCommand|inputs|outputs):",
  "^\\s*(?:call|task|workflow) \\w+ \\{",
  "^\\s*pipeline\\s*\\{|^\\s*agent\\s|^\\s*stage\\s*\\(",
  "^\\s*configfile:|^\\s*include:\\s|^\\s*expand\\("
].join("|"))

const codeLine = new RegExp([
  "^\\s*(?:def |class |function |async function |import |from \\S+ import|#include|public |private |protected |static |const |let |var |fn |func |package |return\\b|if\\s*\\(|for\\s*\\(|while\\s*\\(|elif |else:|try:|except\\b|catch\\s*\\(|switch\\s*\\(|case .+:|export |interface |type \\w+ =|struct |impl |use |library\\(|require\\(|SELECT |INSERT |UPDATE |CREATE |FROM |WHERE |JOIN |GROUP BY|ORDER BY|@\\w+|<\\/?[a-z][\\w-]*[ >]|\"\"\"|'''|>>> |#!|\\/\\/|\\/\\*|\\*\\/|\\* )",
  "^\\s*[A-Za-z_][\\w.\\[\\]'\"]*\\s*(?:[-+*/%|&]?=|<-)\\s*[^=\\s]",
  "^\\s*[A-Za-z_][\\w.]*\\(.*\\)\\s*;?\\s*$",
  "^\\s*[}{\\])]+[;,)]*\\s*$",
  "[;{]\\s*$",
  "^\\s*(?:echo|cd|ls|mkdir|rm|cp|mv|export|source|cat|grep|awk|sed|for \\w+ in|do$|done$|fi$|then$|\\w+=\\$?\\(?)",
  "^\\s*[\\w.-]+(?: [\\w.-]+)? .*(?:\\s--?[A-Za-z][\\w-]*){2}",
  "\\$\\{?[A-Za-z_]+\\}?.*(?:\\||>|\\s-\\w)"
].join("|"))

/** A line of JSON-shaped data: `{"columns": [...], "data": [[...]]}` or records with several numeric fields. */
const jsonTable = /"columns"\s*:\s*\[|"data"\s*:\s*\[\s*\[|(?:"[\w ]+"\s*:\s*-?\d[^"]*){3}/

const tableLine = (line: string): boolean => {
  if (jsonTable.test(line)) return true
  // A metric line: "Mapped reads: 19,002,110 (94.48%)", "p99 latency = 310 ms".
  if (/^\s*[\w %()/.#,-]{2,48}\s*[:=|]\s*[-+]?[\d.,]+(?:e[-+]?\d+)?\s*(?:%|[kKMGT]i?B?|m|ms|s|x|bp|reads)?\s*(?:\(\s*[\d.,]+\s*%?\s*\)|[:|].*)?\s*$/.test(line)) return true
  if (/^\s*\|.*\|.*\|?\s*$/.test(line) && (line.match(/\|/g)?.length ?? 0) >= 3) return true
  if (/^\s*\+[-+=]{5,}\+\s*$/.test(line)) return true
  if ((line.match(/\t/g)?.length ?? 0) >= 2) return true
  const cells = line.trim().split(/\s{2,}|\s*,\s*/)
  if (cells.length >= 3) {
    const numeric = cells.filter((cell) => /^[-+]?[\d.,]+(?:e[-+]?\d+)?\s*(?:%|[kKMGT]i?B?|m|ms|s|x|bp)?$/.test(cell) || /^NA$|^nan$|^-$/.test(cell)).length
    if (numeric >= 2 && numeric * 2 >= cells.length - 1) return true
  }
  return false
}

const dialogueLine = /^\s*(?:[A-Z][\w.'-]{0,20}(?: [A-Z][\w.'-]{0,20})?|#?Person\d|User|Assistant|Customer|Agent|Speaker \d|Q|A):\s+\S/

/** A line of a unified diff: its headers, or an added or removed line that is code once its marker is taken off. */
const diffHeader = /^(?:diff --git |index [0-9a-f]{6,}\.\.[0-9a-f]{6,}|--- (?:a\/|\/dev\/null)|\+\+\+ (?:b\/|\/dev\/null)|@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@)/

const lineKind = (line: string): LineKind => {
  if (!/\S/.test(line)) return "blank"
  if (diffHeader.test(line) || /^[+-][^+-]/.test(line) && codeLine.test(line.slice(1))) return "code"
  if (tracebackLine.test(line)) return "traceback"
  if (workflowLine.test(line)) return "workflow"
  if (logLine.test(line)) return "log"
  if (tableLine(line)) return "table"
  if (dialogueLine.test(line) && !/^\s*(?:Note|Edit|Update|PS|Example|Input|Output|Expected|Actual|Question|Answer|Context|Task|Hint|Error|Warning)s?:/i.test(line)) return "dialogue"
  if (codeLine.test(line) && !/^[A-Z][a-z]+(?: [a-z']+){3,}[^;{}()=]*[.?!:]?$/.test(line.trim())) return "code"
  return "prose"
}

const stubPattern = /(?:^|\n)\s*(?:def \w+\([^)]*\)[^:\n]*:\s*\n\s+(?:"""|''')[\s\S]*?(?:"""|''')\s*(?:\n\s*(?:pass|\.\.\.|#.*|raise NotImplementedError.*))?\s*$|(?:function|const|export function) \w+[^{\n]*\{\s*(?:\/\/[^\n]*\s*)*\}?\s*$|(?:fn|func) \w+\([^)]*\)[^{\n]*\{\s*(?:\/\/[^\n]*\s*|todo!\(\)\s*|unimplemented!\(\)\s*)*\}?\s*$)/

/** The kind of one block of payload lines, from the kinds of its lines and its text. */
const blockKind = (kinds: ReadonlyArray<LineKind>, text: string, fenceTag: string, fenced: boolean): PayloadKind => {
  const count = (kind: LineKind): number => kinds.filter((k) => k === kind).length
  const traceback = count("traceback")
  const log = count("log")
  const workflow = count("workflow")
  const table = count("table")
  const dialogue = count("dialogue")
  const code = count("code")
  const prose = count("prose")
  const total = Math.max(1, kinds.length - count("blank"))
  if (/^(?:snakemake|snakefile|nextflow|nf|groovy|cwl|wdl)$/i.test(fenceTag) || workflow >= 2 && workflow * 4 >= total) return "workflow"
  if (traceback >= 1 && (traceback >= 2 || /(?:Error|Exception)\b/.test(text))) return "traceback"
  if (log >= 2 && log * 3 >= total || /^(?:log|console|text|output|sh-session|shell-session)$/i.test(fenceTag) && log >= 1) return errorLevel.test(text) ? "error_log" : "log"
  if (table >= 2 && table * 2 >= total || table >= 1 && total === 1 || /^(?:csv|tsv|json)$/i.test(fenceTag) && table >= 1) return "table"
  if (dialogue >= 3 && dialogue * 2 >= total) return "dialogue"
  if (stubPattern.test(text) && code <= 6) return "code_stub"
  if (code >= 1 || prose * 2 < total) return "code"
  if (errorLevel.test(text) && (fenced || log >= 1)) return "error_log"
  return fenced && (fenceTag !== "" || wordsOf(text) < 60) ? "code" : "document"
}

interface Segment {
  readonly start: number
  readonly end: number
  readonly fenceTag: string
}

const sentenceSplit = /(?<=[.?!])\s+(?=[A-Z"'(\d])/

const wordsOf = (text: string): number => text.split(/\s+/).filter((word) => word.length > 0).length

/**
 * Long prose: paragraphs of more than 40 words after the first are a quoted document, and so is a first paragraph
 * of more than 80 words (its first sentence stays, in case it asks); short paragraphs are the request. A single long
 * paragraph keeps its first three and last two sentences.
 */
const trimProse = (prose: string, payloads: Array<PayloadBlock>): string => {
  const paragraphs = prose.split(/\n\s*\n/).map((p) => p.trim()).filter((p) => p.length > 0)
  if (paragraphs.length >= 2) {
    const kept: Array<string> = []
    let documentParagraphs = 0
    paragraphs.forEach((paragraph, i) => {
      const words = wordsOf(paragraph)
      if (i === 0 ? words <= 80 : words <= 40) kept.push(paragraph)
      else {
        documentParagraphs++
        if (i === 0) kept.push(headTail(paragraph, 1, 0))
      }
    })
    if (documentParagraphs === 0) return prose
    payloads.push({ kind: "document", lines: documentParagraphs })
    return kept.join("\n")
  }
  return wordsOf(prose) <= 120 ? prose : headTail(prose, 3, 2)
}

const headTail = (text: string, head: number, tail: number): string => {
  const sentences = text.split(sentenceSplit)
  return sentences.length <= head + tail ? text : [...sentences.slice(0, head), ...sentences.slice(sentences.length - tail)].join(" ")
}

const inlineError = /\b[A-Z]\w*(?:Error|Exception)\b(?::|\s+at\b| in\b)|\berror(?:\[\w+\])?: \S|\b(?:exit(?:ed)? (?:with )?(?:status|code) [1-9]\d*|segmentation fault|core dumped|panicked at|npm ERR!|E[A-Z]{4,}\b|ERR_[A-Z_]{3,}|HTTP [45]\d\d|status(?: code)? [45]\d\d\b|CrashLoopBackOff|OOMKilled|Killed)/

const longQuote = /(["“'])([^"“”\n]{300,})(["”'])/

/**
 * Split a prompt into request and payload. Pure and bounded by the prompt's length; the caller bounds the length.
 */
export const splitPrompt = (text: string): SplitPrompt => {
  const lines = text.split("\n")
  const segments: Array<Segment & { readonly kind: "fence" | "lines" }> = []
  // Fenced blocks first (an unclosed fence runs to the end).
  let index: number
  let openAt = -1
  let tag = ""
  const fenced = new Array<boolean>(lines.length).fill(false)
  for (index = 0; index < lines.length; index++) {
    const fence = /^\s*(```+|~~~+)\s*([\w+#.-]*)/.exec(lines[index] ?? "")
    if (fence === null) continue
    if (openAt < 0) {
      openAt = index
      tag = fence[2] ?? ""
    } else {
      segments.push({ start: openAt, end: index + 1, fenceTag: tag, kind: "fence" })
      for (let i = openAt; i <= index; i++) fenced[i] = true
      openAt = -1
    }
  }
  if (openAt >= 0) {
    segments.push({ start: openAt, end: lines.length, fenceTag: tag, kind: "fence" })
    for (let i = openAt; i < lines.length; i++) fenced[i] = true
  }
  // Runs of payload-shaped lines outside fences (a single blank line may sit inside a run).
  const kinds = lines.map((line, i) => (fenced[i] ? "blank" : lineKind(line)))
  let runStart = -1
  let lastPayload = -1
  const closeRun = (): void => {
    if (runStart < 0) return
    const run = kinds.slice(runStart, lastPayload + 1)
    const payloadLines = run.filter((k) => k !== "blank" && k !== "prose").length
    const strong = run.some((k) => k === "traceback" || k === "log" || k === "workflow" || k === "table")
    const wideTable = run.some((k, i) => k === "table" && jsonTable.test(lines[runStart + i] ?? ""))
    // Two lines of code make a block when the first opens one (ends with ":" or "{") and the second is indented under it.
    const opens = payloadLines === 2 && run.every((k) => k === "code") && /[:{]\s*$/.test(lines[runStart] ?? "") &&
      /^\s+\S/.test(lines[lastPayload] ?? "") && !/^\s/.test(lines[runStart] ?? "")
    if (payloadLines >= 3 || payloadLines >= 2 && strong || wideTable || opens) segments.push({ start: runStart, end: lastPayload + 1, fenceTag: "", kind: "lines" })
    runStart = -1
  }
  for (index = 0; index < lines.length; index++) {
    const kind = kinds[index] ?? "prose"
    if (fenced[index]) { closeRun(); continue }
    if (kind === "prose") {
      // A prose line inside a run of payload (a log message, a comment) stays in the run when payload follows soon.
      const next = kinds.slice(index + 1, index + 3)
      if (runStart >= 0 && next.some((k) => k !== "prose" && k !== "blank") && wordsOf(lines[index] ?? "") <= 14) continue
      closeRun()
      continue
    }
    if (kind === "blank") {
      if (runStart >= 0 && kinds[index + 1] === "blank") closeRun()
      continue
    }
    if (runStart < 0) runStart = index
    lastPayload = index
  }
  closeRun()
  segments.sort((a, b) => a.start - b.start)

  const payloads: Array<PayloadBlock> = []
  const inPayload = new Array<boolean>(lines.length).fill(false)
  for (const segment of segments) {
    const body = lines.slice(segment.kind === "fence" ? segment.start + 1 : segment.start, segment.kind === "fence" ? segment.end - 1 : segment.end)
    const bodyKinds = segment.kind === "fence" ? body.map(lineKind) : kinds.slice(segment.start, segment.end)
    payloads.push({ kind: blockKind(bodyKinds, body.join("\n"), segment.fenceTag, segment.kind === "fence"), lines: body.length })
    for (let i = segment.start; i < segment.end; i++) inPayload[i] = true
  }
  const firstPayload = segments[0]?.start ?? lines.length
  let requestFirst = false
  const requestLines: Array<string> = []
  for (index = 0; index < lines.length; index++) {
    if (inPayload[index]) continue
    const line = lines[index] ?? ""
    if (/\S/.test(line) && index < firstPayload && segments.length > 0) requestFirst = true
    requestLines.push(line)
  }
  let request = requestLines.join("\n").trim()
  const quote = longQuote.exec(request)
  if (quote !== null) {
    payloads.push({ kind: "document", lines: 1 })
    request = request.replace(quote[0], " ")
  }
  if (inlineError.test(request)) payloads.push({ kind: "inline_error", lines: 1 })
  request = trimProse(request, payloads)
  return { request, payloads, requestFirst }
}
