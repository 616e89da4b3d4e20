import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { isProviderError, type ProviderError } from "@orch/provider"
import { boundedWindow, classify, classifySync, decide, parseTaskType, TaskType, taskTypes, type TaskType as TaskTypeValue } from "../src/index.ts"

const examples: ReadonlyArray<readonly [TaskTypeValue, string]> = [
  [TaskType.CODE_GENERATION, "Write a Python function that merges two sorted lists into one sorted list."],
  [TaskType.CODE_GENERATION, "def is_palindrome(text: str) -> bool:\n    \"\"\"Return True when text reads the same backwards.\n    >>> is_palindrome('abba')\n    True\n    \"\"\"\n"],
  [TaskType.CODE_REVIEW, "Please review this code and point out readability problems:\n```python\ndef f(l):\n  return [x for x in l if x]\n```"],
  [TaskType.REASONING, "Prove that there are infinitely many prime numbers."],
  [TaskType.REASONING, "Ann is twice as old as Ben. In 5 years their ages will add up to 40. How old is Ben now?"],
  [TaskType.SUMMARIZATION, "Summarize this: The committee met for three hours and agreed to postpone the vote until next month."],
  [TaskType.ERROR_DIAGNOSIS, "Traceback (most recent call last):\n  File \"main.py\", line 3, in <module>\n    import numpy\nModuleNotFoundError: No module named 'numpy'"],
  [TaskType.DATA_INTERPRETATION, "| month | visits |\n|---|---|\n| May | 1200 |\n| June | 900 |\nWhat explains the drop in visits?"],
  [TaskType.WORKFLOW_GENERATION, "Write a Nextflow process that runs salmon quant on each sample and collects the outputs."],
  [TaskType.GENERAL, "Write a limerick about a cat who loves cheese."]
]

describe("classify", () => {
  it.each(examples)("recognises %s", (expected, prompt) => {
    const result = classifySync(prompt)
    expect(result.taskType).toBe(expected)
    expect(result.classifiedBy).toBe("signals")
    expect(result.signals.some((signal) => signal.type === expected)).toBe(expected === TaskType.GENERAL || result.signals.length > 0)
  })

  it("works the signals out once, on first read, and keeps them when the classification is copied", () => {
    const result = classifySync("Why does this throw KeyError: 'id'?\n```python\nrow = {}\nprint(row['id'])\n```")
    const first = result.signals
    expect(first.length).toBeGreaterThan(0)
    expect(first[0]?.type).toBe(result.taskType)
    expect(result.signals).toBe(first)
    expect({ ...result }.signals).toBe(first)
    expect(JSON.parse(JSON.stringify(result)).signals).toEqual(first)
  })

  it("covers every task type in the examples", () => {
    expect(new Set(examples.map(([type]) => type))).toEqual(new Set(taskTypes))
  })

  it("gives a probability per type that sums to 1, the winner's being the confidence", () => {
    const result = classifySync("Summarize the following report in two sentences: revenue grew, costs fell.")
    const values = taskTypes.map((type) => result.scores[type])
    for (const value of values) expect(value).toBeGreaterThanOrEqual(0)
    expect(values.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10)
    expect(result.confidence).toBe(Math.max(...values))
    expect(result.confidence).toBe(result.scores[result.taskType])
  })

  it("is unsure about a prompt with no signal, and falls back to general", () => {
    const result = classifySync("hmm")
    expect(result.taskType).toBe(TaskType.GENERAL)
    expect(result.confidence).toBeLessThan(0.7)
  })

  it("breaks ties by the fixed order of taskTypes, with split confidence", () => {
    const raw = { ...Object.fromEntries(taskTypes.map((type) => [type, 0])), reasoning: 3, code_review: 3 } as Record<TaskTypeValue, number>
    const tie = decide(raw)
    expect(tie.taskType).toBe(TaskType.CODE_REVIEW)
    expect(tie.scores.reasoning).toBe(tie.scores.code_review)
    expect(tie.confidence).toBeLessThan(0.5)
    const swapped = decide({ ...raw, reasoning: 3.01 })
    expect(swapped.taskType).toBe(TaskType.REASONING)
  })

  it("is deterministic", () => {
    const prompt = "Why does my Go program panic with 'index out of range' when the slice is empty?"
    const first = classifySync(prompt)
    for (let i = 0; i < 5; i++) expect(classifySync(prompt)).toEqual(first)
  })

  it("classifies chat messages by the last user message, with earlier turns as context", () => {
    const messages = [
      { role: "user", content: "Summarize this article about solar panels: they got cheaper." },
      { role: "assistant", content: "Solar panels became cheaper." },
      { role: "user", content: "Now write a Rust function that computes the payback time of a panel." }
    ] as const
    expect(classifySync(messages).taskType).toBe(TaskType.CODE_GENERATION)
    const followUp = [
      { role: "user", content: "Here is my stack trace:\nTypeError: x is not a function\n    at run (app.js:10:5)" },
      { role: "assistant", content: "Which version of Node do you use?" },
      { role: "user", content: "Node 22, and it still happens" }
    ] as const
    const result = classifySync(followUp)
    expect(result.taskType).toBe(TaskType.ERROR_DIAGNOSIS)
    expect(result.signals.some((signal) => signal.from === "context" && signal.type === TaskType.ERROR_DIAGNOSIS)).toBe(true)
    expect(result.signals.find((signal) => signal.from === "context")?.name).toMatch(/^earlier turn: /)
  })

  it("looks at a bounded head and tail of huge inputs", () => {
    const log = Array.from({ length: 20_000 }, (_, i) => `INFO worker-${i % 7} processed batch ${i} in 12ms`).join("\n")
    const prompt = `My job dies after an hour, why?\n${log}\nFATAL: java.lang.OutOfMemoryError: Java heap space\n    at com.acme.Batch.run(Batch.java:88)`
    expect(prompt.length).toBeGreaterThan(500_000)
    const result = classifySync(prompt)
    expect(result.taskType).toBe(TaskType.ERROR_DIAGNOSIS)
    expect(result).toEqual(classifySync(boundedWindow(prompt)))
    expect(boundedWindow(prompt).length).toBeLessThanOrEqual(8001)
  })

  it.effect("rejects an empty prompt with a typed InvalidRequest", () =>
    Effect.gen(function*() {
      for (const input of ["", "   \n", [], [{ role: "assistant", content: "hi" }]] as const) {
        const exit = yield* Effect.exit(classify(input))
        expect(Exit.isFailure(exit)).toBe(true)
        const error = yield* Effect.flip(classify(input))
        expect(error.reason._tag).toBe("InvalidRequest")
      }
    }))

  it("throws the typed error from the plain function", () => {
    let caught: unknown
    try {
      classifySync("  ")
    } catch (error) {
      caught = error
    }
    expect(isProviderError(caught)).toBe(true)
    expect((caught as ProviderError).reason._tag).toBe("InvalidRequest")
  })
})

describe("parseTaskType", () => {
  it("accepts any case and spelling of the names", () => {
    expect(parseTaskType("CODE_GENERATION")).toBe("code_generation")
    expect(parseTaskType("code review")).toBe("code_review")
    expect(parseTaskType("Error-Diagnosis")).toBe("error_diagnosis")
    expect(parseTaskType(" general ")).toBe("general")
    expect(parseTaskType("datainterpretation")).toBe("data_interpretation")
    expect(parseTaskType("poetry")).toBeUndefined()
    expect(TaskType.WORKFLOW_GENERATION).toBe("workflow_generation")
  })
})
