/**
 * The hand-written signals of the default classifier: each one a named, weighted test for one task type
 * (code fences, stack-trace shapes, pipeline vocabulary, tables, "summarize", proofs, review words, ...).
 * They describe how people phrase each kind of task in general, not the wording of any one dataset.
 */
import { TaskType } from "./TaskType.ts"

/** Facts about a text computed once and shared by every signal. */
export interface TextFeatures {
  /** A code fence, or several lines shaped like source code. */
  readonly hasCode: boolean
  /** How many numbers (integers, decimals, percentages) the text holds. */
  readonly numberCount: number
  /** A Markdown/ASCII table or several comma/tab separated rows of the same width. */
  readonly hasTable: boolean
  /** A stack trace or compiler/runtime error report. */
  readonly hasErrorTrace: boolean
  /** Word count (approximate). */
  readonly wordCount: number
}

/** One weighted test. `detect` sees the (bounded) text and its features. */
export interface Signal {
  readonly name: string
  readonly type: TaskType
  readonly weight: number
  readonly detect: (text: string, features: TextFeatures) => boolean
}

const codeLine =
  /^\s*(?:def |class |function |import |from \S+ import|#include|public |private |static |const |let |var |fn |func |package |return\b|if\s*\(|for\s*\(|while\s*\(|SELECT |"""|>>> |[A-Za-z_][\w.]*\s*=\s*[^=]|[}{\])];?\s*$|\/\/|#!)/gm

const errorTrace = new RegExp(
  [
    "traceback \\(most recent call last\\)",
    "^\\s+at [\\w.$<>\\[\\]/]+ ?\\(.*:\\d+",
    "^\\s+at .+:\\d+:\\d+\\)?$",
    "\\b[A-Z]\\w*(?:Error|Exception)\\b(?::|\\s+at\\b| in\\b|\\()",
    "^\\s*(?:error|fatal|panic)(?:\\[\\w+\\])?:",
    "^npm err!",
    "segmentation fault|core dumped|panicked at|stack overflow|unhandled (?:promise )?rejection|exit(?:ed)? (?:with )?(?:status |code )?-?\\d+",
    "^\\s*File \"[^\"]+\", line \\d+",
    "\\berror (?:code )?[A-Z]{1,4}\\d{2,}",
    "\\[Errno \\d+\\]"
  ].join("|"),
  "im"
)

/** Three or more consecutive unindented lines with the same number (≥ 1) of commas or tabs, holding numbers: CSV/TSV rows. */
const hasSeparatedRows = (text: string): boolean => {
  let run = 0
  let separators = -1
  let numeric = 0
  for (const line of text.split("\n", 400)) {
    const width = line.length > 0 && line.length < 300 && !/^\s/.test(line) ? (line.match(/[,\t]/g)?.length ?? 0) : 0
    if (width > 0 && width === separators) {
      run++
      if (/\d/.test(line)) numeric++
      if (run >= 3 && numeric >= 2) return true
    } else {
      run = width > 0 ? 1 : 0
      numeric = width > 0 && /\d/.test(line) ? 1 : 0
    }
    separators = width
  }
  return false
}

/** Compute the shared features of a text once. */
export const textFeatures = (text: string): TextFeatures => {
  const fence = text.includes("```")
  let codeLines = 0
  if (!fence) for (const _ of text.matchAll(codeLine)) if (++codeLines >= 3) break
  let numberCount = 0
  for (const _ of text.matchAll(/(?<![\w.])-?\d+(?:[.,]\d+)?%?(?![\w])|\b(?:two|three|four|five|six|seven|eight|nine|ten|twelve|twice|half|double|triple)\b/gi)) {
    if (++numberCount >= 40) break
  }
  const markdownTable = /^\s*\|.*\|.*\|\s*$/m.test(text) && /\|\s*:?-{3,}/.test(text)
  let wordCount = 0
  for (const _ of text.matchAll(/\S+/g)) wordCount++
  return {
    hasCode: fence || codeLines >= 3,
    numberCount,
    hasTable: markdownTable || hasSeparatedRows(text) || /^\s*\+[-+]{5,}\+\s*$/m.test(text),
    hasErrorTrace: errorTrace.test(text),
    wordCount
  }
}

const phrase = (source: string): RegExp => new RegExp(source, "i")

const has = (name: string, type: TaskType, weight: number, pattern: RegExp): Signal => ({
  name, type, weight, detect: (text) => pattern.test(text)
})

const languages =
  "python|javascript|typescript|java|c\\+\\+|c#|golang|rust|kotlin|swift|ruby|php|sql|bash|shell|haskell|scala|perl|lua|dart|elixir|julia|matlab|powershell|react|node(?:\\.js)?|django|flask|pandas|numpy"

const codeArtifacts =
  "functions?|class(?:es)?|scripts?|programs?|code|methods?|apis?|components?|quer(?:y|ies)|regex|regular expressions?|modules?|cli|endpoints?|algorithms?|snippets?|app(?:lication)?s?|bots?|librar(?:y|ies)|unit tests?|tests?|parser|implementation|data structures?|hooks?|macros?|web ?(?:site|page)s?|html|css|game"

const pipelineTools =
  "snakemake|snakefile|nextflow|airflow|\\bdags?\\b|github actions?|\\.github/workflows|gitlab[- ]ci|\\bci/cd\\b|circleci|jenkins(?:file)?|azure pipelines?|\\bcwl\\b|\\bwdl\\b|cromwell|prefect|dagster|luigi|argo workflows?|kubeflow|galaxy workflow|step functions?|bitbucket pipelines?|buildkite|travis"

/** Every signal of the default classifier. */
export const signals: ReadonlyArray<Signal> = [
  // CODE_GENERATION: asking for code to be written.
  has("asks to write code", TaskType.CODE_GENERATION, 3,
    phrase(`\\b(?:write|create|implement|generate|build|code|make|develop|give me|show me|program|design|add)\\b[^.?!\\n]{0,80}\\b(?:${codeArtifacts})\\b`)),
  has("names a programming language", TaskType.CODE_GENERATION, 1, phrase(`(?:^|[^\\w])(?:${languages})(?![\\w])`)),
  has("code in a language", TaskType.CODE_GENERATION, 1.5, phrase(`\\b(?:in|using|with)\\s+(?:${languages})\\b`)),
  has("convert code between languages", TaskType.CODE_GENERATION, 2.5,
    phrase(`\\b(?:convert|translate|port|rewrite)\\b[^.?!\\n]{0,60}\\b(?:to|into|in)\\s+(?:idiomatic\\s+)?(?:${languages})\\b`)),
  has("function to complete", TaskType.CODE_GENERATION, 4,
    /(?:^|\n)\s*(?:def \w+\(.*\).*:\s*\n\s+(?:"""|''')|function \w+\(.*\)\s*\{\s*\n\s*\/\*\*|\/\*\*[\s\S]{0,400}\*\/\s*\n\s*(?:export )?(?:function|const) \w+)/),
  has("doctest examples", TaskType.CODE_GENERATION, 1.5, />>> \w+\(|\bexample:?\s*\n?\s*\w+\(.*\)\s*(?:==|->|=>)/i),
  has("write a function to", TaskType.CODE_GENERATION, 2, phrase("\\bwrite a (?:\\w+ )?function (?:to|that|which)\\b")),
  has("algorithmic task", TaskType.CODE_GENERATION, 1.5,
    phrase("\\b(?:dijkstra|bfs|dfs|breadth-first|depth-first|binary search|dynamic programming|quicksort|merge ?sort|linked list|binary tree|hash ?map|time complexity|o\\([n1]|big-?o|recursion|recursive)")),

  // CODE_REVIEW: judging code that exists.
  has("reviewer role", TaskType.CODE_REVIEW, 3,
    phrase("\\b(?:code reviewer|act as (?:a |an )?[\\w\\s-]{0,40}(?:reviewer|auditor)|bug (?:discovery|hunt)|spot(?:ting)? bugs|(?:identify|find|spot)(?: and fix)? (?:the |any |all |potential )?(?:bugs|issues|vulnerabilities|flaws)|fix (?:the )?bugs in)")),
  has("review vocabulary", TaskType.CODE_REVIEW, 2.5,
    phrase("\\b(?:code review|review (?:this|my|the following|the code|it)|reviewer|critique|feedback on|look over|looks? good to you|code smells?|pull request|\\bpr\\b|merge request)")),
  has("quality vocabulary", TaskType.CODE_REVIEW, 1.5,
    phrase("\\b(?:best practices?|readab\\w+|maintainab\\w+|clean code|refactor\\w*|idiomatic|design flaws?|coupling|type[- ]safety|anti-?patterns?|style issues?|security (?:issues|problems|holes|review)|vulnerab\\w+)")),
  has("asks whether code is good", TaskType.CODE_REVIEW, 2,
    phrase("\\b(?:is (?:this|my|it) (?:a )?(?:good|bad|correct|right|ok|okay|safe|idiomatic|efficient)|what do you think (?:of|about)|(?:any|suggest|what) (?:improvements?|changes)|how (?:can|could|would|should) i improve (?:this|my|the) (?:code|function|class|implementation|query|script|program|design|method)|could (?:this|it) be (?:better|improved)|anything wrong with|rate (?:the|this|my))")),
  {
    name: "review words about pasted code", type: TaskType.CODE_REVIEW, weight: 2,
    detect: (text, features) => features.hasCode && !features.hasErrorTrace &&
      /\b(?:review|improve|feedback|critique|refactor|smells?|optimi[sz]e|suggest|readab)/i.test(text)
  },

  // REASONING: proofs, logic, word problems, puzzles.
  has("proof vocabulary", TaskType.REASONING, 3,
    phrase("\\b(?:prove|proof|show that|theorem|lemma|irrational|contradiction|induction|justify (?:your|the) answer)\\b")),
  has("logic and puzzles", TaskType.REASONING, 2.5,
    phrase("\\b(?:riddle|puzzle|logic(?:al)?|syllogism|deduce|infer|conclude|paradox|brain ?teaser|true or false|which (?:statement|option) (?:is|must)|if (?:all|some|no) \\w+ are)\\b")),
  has("premises and statements", TaskType.REASONING, 2.5,
    phrase("\\b(?:based on the (?:first|above|following|given|passage|premises|statements|information)|premises?|valid conclusion|true, false,? or|does not belong|odd one out|relationship between \\w+ and \\w+|answer the questions? (?:with|based|below|that follow)|what could be the reasons?|what comes next|next (?:number|letter) in the (?:sequence|series))\\b")),
  {
    name: "kinship puzzle", type: TaskType.REASONING, weight: 2,
    detect: (text) => text.includes("?") && (text.match(/\b(?:father|mother|sisters?|brothers?|sons?|daughters?|uncle|aunt|cousin|grandfather|grandmother)\b/gi)?.length ?? 0) >= 2
  },
  has("symbolic equation", TaskType.REASONING, 2, /\b[a-z]\s*[-+*/]\s*[a-z]\s*=|=\s*\?/),
  has("step by step", TaskType.REASONING, 1.5, phrase("\\b(?:step[- ]by[- ]step|explain your reasoning|show your work|reason(?:ing)? (?:through|about)|think carefully)\\b")),
  has("math vocabulary", TaskType.REASONING, 2,
    phrase("\\b(?:solve|equation|probability|integer|prime|factorial|derivative|integral|polynomial|triangle|radius|area of|sum of|how many ways|divisible|remainder|expected value|odds)\\b|[a-z]\\s*\\^\\s*\\d|\\d\\s*[a-z]\\s*[+\\-=]")),
  {
    name: "word problem", type: TaskType.REASONING, weight: 2.5,
    detect: (text, features) => features.numberCount >= 2 && !features.hasTable && !features.hasCode &&
      /\b(?:how (?:many|much|long|far|old|fast)|what time|when will|what (?:is|was|will be) the (?:total|probability|speed|age|cost|price|number))\b/i.test(text)
  },

  // SUMMARIZATION: making text shorter.
  has("summarize", TaskType.SUMMARIZATION, 4.5, phrase("\\b(?:summar(?:y|ies|i[sz]\\w*)|tl;?\\s?dr|tldr|recap|synopsis)")),
  has("condense vocabulary", TaskType.SUMMARIZATION, 2,
    phrase("\\b(?:condense|shorten|boil (?:it )?down|key (?:points|takeaways|findings)|main (?:points|ideas|arguments|takeaways)|gist|abstract for|concise overview|brief overview|in (?:one|two|three|a few|\\d+) (?:sentences?|bullet(?: point)?s?|lines|words)|under \\d+ words|action items)\\b")),
  {
    name: "long passage to read", type: TaskType.SUMMARIZATION, weight: 1,
    detect: (text, features) => features.wordCount > 150 && !features.hasCode && !features.hasTable &&
      /\b(?:article|passage|text|transcript|dialogue|conversation|document|paper|email|thread|story|chapter|report|meeting|news)\b/i.test(text)
  },

  {
    name: "dialogue transcript", type: TaskType.SUMMARIZATION, weight: 1,
    detect: (text) => (text.match(/^[A-Z][\w .]{0,24}: \S/gm)?.length ?? 0) >= 4
  },

  // ERROR_DIAGNOSIS: something is broken; find out why.
  { name: "stack trace or error report", type: TaskType.ERROR_DIAGNOSIS, weight: 4.5, detect: (_, features) => features.hasErrorTrace },
  has("error vocabulary", TaskType.ERROR_DIAGNOSIS, 1.5,
    phrase("\\b(?:error|exception|crash(?:es|ed|ing)?|fails?|failed|failing|failure|bug|broken|not working|doesn'?t work|does not work|won'?t (?:start|run|compile|build|load)|stuck|hangs?|freezes?|timed? ?out|refused|denied|rejected|cannot find|can'?t find|not found|undefined|null pointer|segfault|crashloopbackoff|oom|out of memory|warning:)\\b")),
  has("asks for a fix", TaskType.ERROR_DIAGNOSIS, 2,
    phrase("\\b(?:how (?:do|can|should) i (?:fix|solve|resolve|debug|get rid of)|how to (?:fix|solve|resolve|debug)|what (?:is|'s) (?:causing|wrong)|what causes|why (?:does|do|is|am|are|isn'?t|doesn'?t|won'?t|can'?t|did|would)\\b[^?]{0,80}(?:fail|error|crash|wrong|work|happen|break|throw|return|get|exit|reject|show)|(?:help me )?debug|any idea why|troubleshoot|to reproduce|expected behaviou?r|actual behaviou?r|steps to reproduce)")),
  has("error code", TaskType.ERROR_DIAGNOSIS, 2,
    /\b(?:E[A-Z]{4,}|ERR_[A-Z_]+|[A-Z]{1,5}\d{3,5}|HTTP \d{3}|status(?: code)? [45]\d\d|exit code \d+|code \d{3})\b/),

  // DATA_INTERPRETATION: reading numbers, tables and datasets.
  { name: "table or rows of data", type: TaskType.DATA_INTERPRETATION, weight: 3.5, detect: (_, features) => features.hasTable },
  has("statistics vocabulary", TaskType.DATA_INTERPRETATION, 2,
    phrase("\\b(?:dataset|data set|csv|spreadsheet|columns?|rows|average|mean|median|standard deviation|variance|correlat\\w*|regression|coefficient|r\\^?2|p-?value|p ?=|statistic\\w*|significan\\w*|percentiles?|p50|p9\\d|distribution|outliers?|trend|kpi|bounce rate|conversion|histogram|quartile|survey (?:results|data)|normally distributed|normality|data analy\\w+|visuali[sz]ation|dashboards?|pivot)\\b")),
  has("asks to interpret data", TaskType.DATA_INTERPRETATION, 2,
    phrase("\\b(?:interpret|analy[sz]e|what (?:do|does) (?:the|these|this) (?:data|numbers|results|figures|chart|graph)|which (?:\\w+ )?(?:has|had|is) the (?:highest|lowest|most|least|largest|smallest)|compare the (?:numbers|figures|results)|what trends?|read this (?:data|chart))")),
  {
    name: "many numbers", type: TaskType.DATA_INTERPRETATION, weight: 1.5,
    detect: (text, features) => features.numberCount >= 6 && !features.hasCode && !features.hasErrorTrace && !/\b(?:prove|solve)\b/i.test(text)
  },

  // WORKFLOW_GENERATION: pipelines, DAGs, CI and schedulers.
  has("pipeline tool", TaskType.WORKFLOW_GENERATION, 3, phrase(`(?:${pipelineTools})`)),
  has("asks to write a pipeline", TaskType.WORKFLOW_GENERATION, 2,
    phrase("\\b(?:write|create|build|set up|setup|generate|make|design|define|add|convert)\\b[^.?!\\n]{0,60}\\b(?:workflows?|pipelines?|dags?|actions?|rules?|process(?:es)?|steps?|jobs?|stages?|tasks?)\\b")),
  has("pipeline vocabulary", TaskType.WORKFLOW_GENERATION, 2,
    phrase("\\b(?:workflows?|pipelines?|orchestrat\\w+|scheduler|cron(?:job)?|runs-on|on:\\s*(?:push|pull_request)|stages?:|jobs:|rule all|rule \\w+:|process \\w+ \\{|operators?|sensors?|xcom|task dependenc\\w+|upstream|downstream|scatter|fastq|bam|vcf|bioinformatics|etl)\\b")),
  has("asks to automate steps", TaskType.WORKFLOW_GENERATION, 1.5,
    phrase("\\b(?:automate|schedule|chain (?:\\w+ )?(?:tasks|steps|jobs)|every (?:night|hour|day|morning|week)|nightly|run (?:\\w+ )?(?:after|then|in parallel)|set up (?:a |the )?(?:ci|build|deploy))")),

  // GENERAL: everyday questions, writing, advice.
  has("creative or everyday writing", TaskType.GENERAL, 1.5,
    phrase("\\b(?:poem|story|song|lyrics|joke|haiku|essay|letter|email|speech|toast|slogan|tweet|recipe|name for|names for|translate|recommend|suggestions? for|tips|advice|how (?:do|can|should) i (?:politely|ask|tell|write)|who (?:is|was|painted|wrote|invented)|what is the capital|explain (?:\\w+ )?to a)\\b")),
  {
    name: "short everyday question", type: TaskType.GENERAL, weight: 0.5,
    detect: (_, features) => features.wordCount <= 25 && !features.hasCode && features.numberCount === 0
  }
]

/** The score every type starts from: `general` is the fallback when nothing specific fires. */
export const baseScores: Readonly<Record<TaskType, number>> = {
  code_generation: 0,
  code_review: 0,
  reasoning: 0,
  summarization: 0,
  error_diagnosis: 0,
  data_interpretation: 0,
  workflow_generation: 0,
  general: 1.5
}
