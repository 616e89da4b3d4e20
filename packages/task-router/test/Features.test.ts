import { describe, expect, it } from "@effect/vitest"
import { promptFeatures } from "../src/Features.ts"

const names = (prompt: string): Array<string> => promptFeatures(prompt, 15).map((feature) => feature.name)

describe("request-intent features", () => {
  it("see a workflow asked for, even with a traceback pasted under the question", () => {
    const prompt = "How should I wire my Airflow DAG so the report task waits for every per-file task? I tried this and got:\n\nTraceback (most recent call last):\n  File \"dags/report.py\", line 9, in <module>\n    files >> report\nTypeError: unsupported operand type(s) for >>: 'list' and 'PythonOperator'"
    const features = names(prompt)
    expect(features).toContain("intent: asks to build a workflow")
    expect(features).toContain("intent: asks how to do something in a workflow")
    expect(features).toContain("intent: asks to build a workflow, payload traceback")
  })

  it("see a failure spoken of, and judgement asked for", () => {
    expect(names("Why does this keep failing?\n\nfor f in files:\n    open(f).read()")).toContain("intent: speaks of a failure")
    expect(names("Why does the deploy job in this workflow fail?")).toContain("intent: speaks of a failure, workflow words")
    expect(names("Any feedback on this? I want it to be idiomatic.\n\nfor i in range(len(xs)):\n    print(xs[i])")).toContain("intent: asks for judgement of code")
  })

  it("never read intent from words inside a payload", () => {
    const payload = "```yaml\n# build pipeline: create the workflow, review, fix the error\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make build\n```"
    const features = names(`What Ubuntu version does this use?\n\n${payload}`)
    expect(features.filter((name) => name.startsWith("intent:"))).toEqual([])
  })
})
