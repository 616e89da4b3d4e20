import { describe, expect, it } from "@effect/vitest"
import { splitPrompt } from "../src/Payload.ts"

const kinds = (text: string) => splitPrompt(text).payloads.map((payload) => payload.kind)

describe("splitPrompt", () => {
  it("takes a fenced block out of the request and names its kind", () => {
    const split = splitPrompt("Can you make this cleaner?\n\n```python\ndef f(l):\n    return [x for x in l if x]\n```\nThanks")
    expect(split.request).toBe("Can you make this cleaner?\n\nThanks")
    expect(kinds("Can you make this cleaner?\n\n```python\ndef f(l):\n    return [x for x in l if x]\n```")).toEqual(["code"])
    expect(split.requestFirst).toBe(true)
  })

  it("finds an unfenced traceback, and keeps its words out of the request", () => {
    const split = splitPrompt("any idea?\nTraceback (most recent call last):\n  File \"dag.py\", line 3, in <module>\n    from airflow.contrib import x\nModuleNotFoundError: No module named 'airflow.contrib'")
    expect(split.payloads.map((p) => p.kind)).toContain("traceback")
    expect(split.request).toBe("any idea?")
  })

  it("takes a pasted unified diff for code, and leaves a bulleted list in the request", () => {
    const diff = "Can you look at this change before I merge?\n\ndiff --git a/src/api.py b/src/api.py\n@@ -10,7 +10,8 @@ def get_user(id):\n-    user = db.query(f\"select * from users where id={id}\")\n+    user = db.query(\"select * from users where id = %s\", (id,))\n+    if user is None:\n+        raise NotFound(id)\n     return user"
    expect(kinds(diff)).toEqual(["code"])
    expect(splitPrompt(diff).request).toBe("Can you look at this change before I merge?")
    const list = "Things to buy:\n- milk\n- eggs\n- bread\nWhat can I cook with these?"
    expect(kinds(list)).toEqual([])
    expect(splitPrompt(list).request).toBe(list)
  })

  it("takes two unfenced lines of code for a block when the second is indented under the first", () => {
    const split = splitPrompt("Can you explain what this does?\n\ndef f(xs):\n    return sorted(set(xs), key=xs.index)")
    expect(split.payloads.map((p) => p.kind)).toEqual(["code"])
    expect(split.request).toBe("Can you explain what this does?")
    expect(kinds("My plan for today:\n  buy milk and eggs\nAny recipe ideas?")).toEqual([])
  })

  it("tells a failing log from a healthy one", () => {
    const failing = "Why?\n[2024-05-02 11:02:13] INFO starting\n[2024-05-02 11:02:14] INFO loading index\n[2024-05-02 11:02:19] ERROR out of memory"
    const healthy = "Looks fine?\n[2024-05-02 11:02:13] INFO starting\n[2024-05-02 11:02:14] INFO loading index\n[2024-05-02 11:02:19] INFO done"
    expect(kinds(failing)).toEqual(["error_log"])
    expect(kinds(healthy)).toEqual(["log"])
  })

  it("recognises tables: Markdown, CSV, metric lines and JSON", () => {
    expect(kinds("| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\nWhich is larger?")).toEqual(["table"])
    expect(kinds("sample,reads,pct\nS1,100,96.1\nS2,80,71.3\nS3,90,95.0\nAny outlier?")).toEqual(["table"])
    expect(kinds("Is this normal?\n  Total reads: 20,112,331\n  Mapped: 19,002,110 (94.48%)\n  Duplicates: 4,012,332 (19.95%)")).toEqual(["table"])
    expect(kinds('Question: which city is largest?\n{"columns": ["city", "population"], "data": [["A", 10], ["B", 20]]}')).toEqual(["table"])
  })

  it("recognises workflow definitions (Snakemake, GitHub Actions, SLURM)", () => {
    expect(kinds("rule align:\n    input: 'a.fq'\n    output: 'a.bam'\n    shell: 'bwa mem ref a.fq > a.bam'\n\nhow many jobs?")).toEqual(["workflow"])
    expect(kinds("on:\n  push:\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4")).toEqual(["workflow"])
    expect(kinds("#!/bin/bash\n#SBATCH --mem=4G\n#SBATCH --time=1:00:00\npython train.py\n\nwhy is it killed?")).toEqual(["workflow"])
  })

  it("recognises a dialogue, a function stub and a long quoted document", () => {
    expect(kinds("Summarize:\nAnna: hi\nBen: hello\nAnna: lunch?\nBen: sure, 1pm")).toEqual(["dialogue"])
    expect(kinds('def add(a, b):\n    """Return the sum of a and b.\n    >>> add(1, 2)\n    3\n    """\n')).toEqual(["code_stub"])
    const paragraph = "The council met for hours and argued about the budget and the parks and the libraries. ".repeat(6)
    const split = splitPrompt(`Give me the gist:\n\n${paragraph}\n\n${paragraph}`)
    expect(split.payloads.map((p) => p.kind)).toEqual(["document"])
    expect(split.request.startsWith("Give me the gist:")).toBe(true)
  })

  it("notes an error message quoted inline", () => {
    expect(kinds("I get KeyError: 'id' when I run it, what now?")).toEqual(["inline_error"])
    expect(kinds("Write a poem about rain")).toEqual([])
  })
})
