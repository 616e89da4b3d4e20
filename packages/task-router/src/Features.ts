/**
 * The features of the learned classifier: word unigrams (and their stems) and bigrams, word-start phrases and
 * character 4-grams of the request (the asking words), and the payload's kinds as evidence, each a named feature
 * hashed to a bucket of the weight table. The same function serves training (scripts/train.ts) and classification, so they cannot drift.
 */
import { splitPrompt, type SplitPrompt } from "./Payload.ts"

/** One active feature: its readable name, its bucket in the hashed weight table and its value. */
export interface Feature {
  readonly name: string
  readonly bucket: number
  readonly value: number
}

/** Characters looked at from each end of a long prompt by default (head and tail, so 8000 at most). */
export const defaultWindowChars = 4000

/** A long text cut to its head and tail, where the question and the last error usually are. */
export const boundedWindow = (text: string, windowChars: number = defaultWindowChars): string =>
  text.length <= windowChars * 2 ? text : `${text.slice(0, windowChars)}\n${text.slice(text.length - windowChars)}`

/** Words of the request looked at from its start and from its end; the middle of a very long request is skipped. */
const headWords = 160
const tailWords = 60

/** FNV-1a, 32 bits, over the UTF-16 code units of a string. */
export const hashName = (name: string): number => {
  let hash = 0x811c9dc5
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

const tokenise = (request: string): Array<string> => {
  const tokens = request.toLowerCase().replace(/['’]/g, "").match(/[a-z0-9_]+|[?]/g) ?? []
  const words = tokens.map((token) => (/^\d+$/.test(token) ? "0" : token.length > 24 ? token.slice(0, 24) : token))
  return words.length <= headWords + tailWords ? words : [...words.slice(0, headWords), ...words.slice(-tailWords)]
}

/**
 * A light suffix-stripping stem ("summarizing", "summarized", "summarizes" -> "summariz"), so a word form the corpus
 * never used still meets the weight its siblings learned. Short words are left alone; it is not a linguistic stemmer
 * and does not need to be: the stem is an extra feature beside the word itself.
 */
const stemSuffixes = ["ations", "ation", "ings", "ing", "ied", "ies", "ers", "er", "ed", "es", "ly", "s"]
const stem = (word: string): string => {
  if (word.length <= 4) return word
  for (const suffix of stemSuffixes) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3) return word.slice(0, word.length - suffix.length)
  }
  return word
}

const lengthBucket = (words: number): string =>
  words === 0 ? "none" : words <= 3 ? "1-3" : words <= 10 ? "4-10" : words <= 30 ? "11-30" : words <= 80 ? "31-80" : "81+"

/**
 * What the request asks for, by word class: a workflow or pipeline as the deliverable (a verb of building, asked for,
 * next to a workflow noun, or a how-to about one), a failure to explain, or judgement of existing code. Each class is
 * a feature of its own and also paired with the payload kinds, so the model learns, for example, that "add a step to
 * my DAG" over a pasted traceback still asks for a workflow. Synonyms of one class share the feature, which helps on
 * phrasings the corpus never saw. A verb of building counts only where it is asked for (at the start of a clause, or
 * after "can you", "please", "I need to", "how do I" and the like), so "the way you would write it" asks for nothing.
 */
const workflowNoun = /\b(?:dags?|pipelines?|workflows?|snakefile|snakemake|nextflow|airflow|prefect|dagster|argo|dbt|jenkinsfile|jenkins|makefile|gitlab(?:-ci)?|github actions?|ci|cd|ci\/cd|cron(?:tab)?|sbatch|slurm|job arrays?|array jobs?|cwl|wdl|rules?|stages?|tasks?|jobs?|steps?|processes|flows?|operators?|schedul\w*|orchestrat\w*)\b/
const askedBuildVerb = new RegExp([
  "(?:^|[.?!:;,\\n]\\s*|\\b(?:can|could|would|will) (?:you|u|someone|anyone|i|we) |\\bplease |\\bpls |\\bplz |\\bhelp me (?:to )?|\\bi (?:need|want|would like|d like|am trying|m trying|try|tried|have) to |",
  "\\b(?:need|want|like|trying|how|way|possible|best way|ok|okay|then|and|also|just) to |\\bhow (?:do|can|should|would|could) (?:i|we|you|one) |\\bi (?:want|need) (?:a|an|the|my) )",
  "(?:write|create|make|build|set ?up|add|convert|turn|port|migrate|translate|extend|restructure|reorgani[sz]e|split|schedule|automate|wire|chain|",
  "orchestrate|design|generate|sketch|rewrite|change|modify|update|parallel[iy][sz]e|scale|run|trigger|pass|share|skip|retry|include|lay out|get)\\b"
].join(""))
const howTo = /\b(?:how (?:do|can|should|would|to|i)|whats the (?:best|right|proper|cleanest) way|is (?:it|there a way) possible|is there a way|the right way|proper way)\b/
const failureWord = /\b(?:errors?|fail(?:s|ed|ing|ure)?|crash\w*|broken|breaks|exceptions?|traceback|wrong|doesnt|dont|didnt|isnt|not working|stuck|hangs?|hanging|killed|why|nothing happens|empty|slow)\b/
const reviewWord = /\b(?:review|feedback|improve\w*|cleaner|clean up|idiomatic|best practices?|good practice|critique|smells?|smelly|readab\w*|maintainab\w*|refactor\w*|thoughts|opinion|elegant|pythonic|optimi[sz]e|look over|take a look|sanity check)\b/

const intentFeatures = (request: string): Array<string> => {
  const text = request.toLowerCase().replace(/['’]/g, "")
  const intents: Array<string> = []
  const noun = workflowNoun.test(text)
  if (noun && askedBuildVerb.test(text)) intents.push("asks to build a workflow")
  if (noun && howTo.test(text)) intents.push("asks how to do something in a workflow")
  if (!noun && howTo.test(text)) intents.push("asks how to")
  if (failureWord.test(text)) intents.push(noun ? "speaks of a failure, workflow words" : "speaks of a failure")
  if (reviewWord.test(text)) intents.push("asks for judgement of code")
  return intents
}

/**
 * The weight of each group of word features (words and stems, word pairs, character 4-grams), each group's values
 * also divided by the root of its size. The character 4-grams weigh 1.5: they carry a word's parts to its unseen
 * forms, misspellings and compounds, and weighted up they raised the folds that hold whole phrasings and whole lists
 * of phrasings out (issue #16).
 */
const groupWeights: ReadonlyArray<number> = [1, 1, 1.5]

/**
 * The features of a prompt (already split, or split here), hashed into `2^hashBits` buckets. `scale` multiplies
 * every value (earlier chat turns use less than 1) and `prefix` keeps their names apart in explanations.
 */
export const promptFeatures = (input: string | SplitPrompt, hashBits: number, scale = 1, prefix = ""): Array<Feature> => {
  const split = typeof input === "string" ? splitPrompt(input) : input
  const mask = (1 << hashBits) - 1
  const groups: Array<Array<string>> = [[], [], []]
  const words = tokenise(split.request)
  const plain = words.filter((word) => word !== "?")
  const unigrams = new Set<string>()
  const bigrams = new Set<string>()
  const grams = new Set<string>()
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? ""
    unigrams.add(word)
    if (i + 1 < words.length) bigrams.add(`${word} ${words[i + 1] ?? ""}`)
    if (word.length >= 3 && word !== "?") {
      const padded = `<${word}>`
      for (let j = 0; j + 4 <= padded.length; j++) grams.add(padded.slice(j, j + 4))
    }
  }
  for (const word of unigrams) {
    groups[0]?.push(`word "${word}"`)
    const stemmed = stem(word)
    if (stemmed !== word) groups[0]?.push(`stem "${stemmed}"`)
  }
  for (const pair of bigrams) groups[1]?.push(`words "${pair}"`)
  for (const gram of grams) groups[2]?.push(`chars "${gram}"`)
  const features = new Map<string, number>()
  for (const [g, group] of groups.entries()) {
    const value = group.length === 0 ? 0 : (scale * (groupWeights[g] ?? 1)) / Math.sqrt(group.length)
    for (const name of group) features.set(name, value)
  }
  if (plain.length > 0) features.set(`starts "${plain.slice(0, 2).join(" ")}"`, scale)
  if (plain.length > 0) features.set(`first word "${plain[0] ?? ""}"`, scale)
  const last = plain.slice(-2).join(" ")
  if (last.length > 0) features.set(`ends "${last}"`, scale * 0.5)
  features.set(`request length ${lengthBucket(plain.length)}`, scale)
  if (words.includes("?")) features.set("request asks a question", scale * 0.5)
  // The asking is usually in the first or the last sentence: their words count again, apart.
  const sentences = split.request.split(/(?<=[.?!:])\s+|\n+/).filter((sentence) => /\w/.test(sentence))
  if (sentences.length > 1) {
    const edges: ReadonlyArray<readonly [string, string]> = [["first", sentences[0] ?? ""], ["last", sentences[sentences.length - 1] ?? ""]]
    for (const [where, sentence] of edges) {
      const edgeWords = tokenise(sentence).filter((word) => word !== "?")
      for (const word of new Set(edgeWords)) features.set(`${where} sentence word "${word}"`, scale / Math.sqrt(Math.max(1, edgeWords.length)))
    }
  }
  const kinds = new Set(split.payloads.map((payload) => payload.kind))
  for (const intent of intentFeatures(split.request)) {
    features.set(`intent: ${intent}`, scale)
    for (const kind of kinds) features.set(`intent: ${intent}, payload ${kind}`, scale * 0.5)
  }
  if (kinds.size === 0) features.set("no payload", scale)
  const payloadLines = split.payloads.reduce((sum, payload) => sum + payload.lines, 0)
  for (const kind of kinds) {
    features.set(`payload ${kind}`, scale)
    features.set(`payload ${kind}, request ${lengthBucket(plain.length)}`, scale)
    if (split.requestFirst) features.set(`payload ${kind} after the request`, scale * 0.5)
  }
  if (kinds.size > 0) features.set(`payload of ${payloadLines <= 5 ? "1-5" : payloadLines <= 30 ? "6-30" : "31+"} lines`, scale * 0.5)
  if (kinds.size > 1) {
    const sorted = [...kinds].sort()
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length; j++) features.set(`payloads ${sorted[i] ?? ""} + ${sorted[j] ?? ""}`, scale * 0.5)
    }
  }
  const result: Array<Feature> = []
  for (const [name, value] of features) {
    if (value === 0) continue
    const named = prefix === "" ? name : `${prefix}${name}`
    result.push({ name: named, bucket: hashName(name) & mask, value })
  }
  return result
}
