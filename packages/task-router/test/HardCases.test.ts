import { describe, expect, it } from "@effect/vitest"
import { classifySync, TaskType, type TaskType as TaskTypeValue } from "../src/index.ts"

// The kinds of mistake issue #16 reported, written here as new prompts (none is from the corpus or the dev set).
const snakefile = "rule all:\n    input: expand('out/{s}.bam', s=SAMPLES)\n\nrule map:\n    input: 'fq/{s}.fq'\n    output: 'out/{s}.bam'\n    shell: 'bwa mem ref.fa {input} > {output}'"
const hardCases: ReadonlyArray<readonly [string, TaskTypeValue, string]> = [
  ["pipeline words in the payload, counting asked", TaskType.REASONING, `${snakefile}\n\nSAMPLES has 8 entries. No code needed, just count the jobs snakemake will schedule.`],
  ["an Airflow traceback", TaskType.ERROR_DIAGNOSIS, "Traceback (most recent call last):\n  File \"/usr/local/airflow/dags/etl.py\", line 12, in <module>\n    from airflow.contrib.operators.bigquery_operator import BigQueryOperator\nModuleNotFoundError: No module named 'airflow.contrib'"],
  ["review without the word review", TaskType.CODE_REVIEW, "```python\ndef load(path):\n    f = open(path)\n    data = json.load(f)\n    return data\n```\nmake this cleaner"],
  ["is this idiomatic", TaskType.CODE_REVIEW, "is this idiomatic?\n\nfor i in range(len(names)):\n    print(i, names[i])"],
  ["anything wrong with this, nothing failing", TaskType.CODE_REVIEW, "anything wrong with this?\n\nfunction total(items) {\n  var t = 0\n  for (var i in items) t += items[i].price\n  return t\n}"],
  ["diagnosis without the word error", TaskType.ERROR_DIAGNOSIS, "why does this print nothing?\n\ndef main():\n    result = compute()\n\ndef compute():\n    return 42\n\nmain()"],
  ["make this code work", TaskType.ERROR_DIAGNOSIS, "make this code work\n\nconst data = fetch('/api').json()\nconsole.log(data.items)"],
  ["a SLURM job killed", TaskType.ERROR_DIAGNOSIS, "My SLURM job gets killed after 10 minutes, sbatch script:\n#!/bin/bash\n#SBATCH --time=00:10:00\n#SBATCH --mem=4G\npython train.py"],
  ["a logic puzzle with no keyword", TaskType.REASONING, "Four friends sit around a table. Dana sits opposite Eli. Finn sits to Dana's left. Where does Gail sit?"],
  ["a HumanEval-style stub", TaskType.CODE_GENERATION, "from typing import List\n\n\ndef has_close_elements(numbers: List[float], threshold: float) -> bool:\n    \"\"\" Check if any two numbers in the list are closer to each other than the threshold.\n    >>> has_close_elements([1.0, 2.0, 3.0], 0.5)\n    False\n    \"\"\"\n"],
  ["a workflow how-to", TaskType.WORKFLOW_GENERATION, "How do I make my Airflow DAG run only on weekdays?"],
  ["a Nextflow process to write", TaskType.WORKFLOW_GENERATION, "Write a Nextflow process that runs salmon quant on each sample and collects the outputs."],
  ["a pipeline tool asked about, not for", TaskType.GENERAL, "What is the difference between Snakemake and Nextflow?"],
  ["a summary of prose", TaskType.SUMMARIZATION, "Summarize: The committee met for three hours and agreed to postpone the vote until next month."],
  ["a workflow to restructure, with the error it gave", TaskType.WORKFLOW_GENERATION, "I want the summary task of my Airflow DAG to start only after all the per-region tasks are done. I tried chaining them like this and the scheduler complains:\n\nTraceback (most recent call last):\n  File \"/opt/airflow/dags/regions.py\", line 21, in <module>\n    regions >> summary\nTypeError: unsupported operand type(s) for >>: 'dict' and 'PythonOperator'\n\nHow should the DAG be laid out?"],
  ["a CI definition to extend, its failing run pasted", TaskType.WORKFLOW_GENERATION, "Our deploy job can't find the build output:\n\nRun ./deploy.sh\n./deploy.sh: line 3: public/: No such file or directory\nError: Process completed with exit code 1.\n\nChange the GitHub Actions workflow so the build job uploads public/ as an artifact and deploy downloads it, and deploy only on main."],
  ["a workflow asked for without naming a tool", TaskType.WORKFLOW_GENERATION, "Each morning I pull the orders export, clean it, join it with the price list and mail a summary to sales. Could you help me turn that into something that runs on its own every day?"],
  ["design feedback on a workflow that works", TaskType.CODE_REVIEW, "This Nextflow process runs fine. Is it written the way an experienced person would write it, or would you criticise something?\n\nprocess SORT {\n    input:\n    path bam\n    output:\n    path 'sorted.bam'\n    script:\n    \"\"\"\n    samtools sort -@ 4 $bam -o sorted.bam\n    \"\"\"\n}"],
  ["a QC table, asked in summary words", TaskType.DATA_INTERPRETATION, "Summarize what this QC table says about my samples.\n\n| sample | reads | % aligned | % dup |\n|---|---|---|---|\n| A | 40M | 96 | 12 |\n| B | 9M | 62 | 55 |\n| C | 38M | 95 | 14 |"]
]

describe("the hard cases of issue #16", () => {
  it.each(hardCases)("%s", (_, expected, prompt) => {
    expect(classifySync(prompt).taskType).toBe(expected)
  })

  it("decides from the request: the same question over different payloads keeps its type", () => {
    const ask = "Is there a cleaner way to write this? It works, I just don't like it."
    const payloads = [
      "```python\nfor i in range(len(xs)):\n    if xs[i] != None:\n        out.append(xs[i])\n```",
      `\`\`\`\n${snakefile}\n\`\`\``,
      "```js\nconst out = []\nfor (let i = 0; i < xs.length; i++) { if (xs[i] !== null) { out.push(xs[i]) } }\n```"
    ]
    for (const payload of payloads) expect(classifySync(`${ask}\n\n${payload}`).taskType).toBe(TaskType.CODE_REVIEW)
  })

  it("does not read the words inside a pasted log as the request", () => {
    const log = Array.from({ length: 30 }, (_, i) => `2024-05-02 11:0${i % 10}:1${i % 10} INFO workflow pipeline snakemake summary step ${i} done`).join("\n")
    const result = classifySync(`The run finished. How long did each step take on average, and which step was slowest?\n${log}`)
    expect(result.taskType).not.toBe(TaskType.WORKFLOW_GENERATION)
    expect(result.taskType).not.toBe(TaskType.SUMMARIZATION)
    expect(result.signals.some((signal) => /snakemake|pipeline|summary/.test(signal.name))).toBe(false)
  })
})
