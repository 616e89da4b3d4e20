/**
 * Posts in real users' voices, for every type: forum and Q&A questions with a title line and a rambling body,
 * GitHub issue templates, chat messages with pasted payloads, terse one-liners and non-native English. Slots in a
 * post's text are filled when the corpus is composed: `{tool}`, `{unit}` and `{step}` name a workflow tool, what
 * its definition is called and what one step of it is called; `{def}` and `{fail}` paste that tool's definition or
 * failure; `{code}`, `{stub}`, `{traceback}`, `{error_log}`, `{table}`, `{output}`, `{document}` and `{dialogue}`
 * paste a payload of that kind. The labelling convention (issue #16): a workflow question whose deliverable is a
 * workflow definition (write, extend, restructure, convert, schedule) is workflow generation even when it carries
 * code or an error; a failure pasted to ask why it fails is error diagnosis; design feedback on a definition that
 * works is code review. Written for @orch's corpus; no post is taken from or modelled on a prompt of the dev set.
 */
import type { TaskType } from "../../src/TaskType.ts"

/** A post: its label, its text with slots, and the workflow tools it may be written about (any, when absent). */
export interface Post {
  readonly label: TaskType
  readonly domain?: string
  readonly text: string
  readonly tools?: ReadonlyArray<string>
}

/** How each tool is named, what its definition is called, and what a step of it is called. */
export const toolNames: Readonly<Record<string, readonly [string, string, string]>> = {
  airflow: ["Airflow", "DAG", "task"],
  github_actions: ["GitHub Actions", "workflow", "job"],
  gitlab: ["GitLab CI", ".gitlab-ci.yml", "job"],
  jenkins: ["Jenkins", "Jenkinsfile", "stage"],
  make: ["make", "Makefile", "target"],
  snakemake: ["Snakemake", "Snakefile", "rule"],
  nextflow: ["Nextflow", "pipeline", "process"],
  slurm: ["SLURM", "sbatch script", "job"],
  cwl: ["CWL", "CWL workflow", "step"],
  wdl: ["WDL", "WDL workflow", "task"],
  prefect: ["Prefect", "flow", "task"],
  dagster: ["Dagster", "job", "asset"],
  argo: ["Argo Workflows", "workflow", "step"],
  dbt: ["dbt", "dbt project", "model"],
  cron: ["cron", "crontab", "job"]
}

const ci = ["github_actions", "gitlab", "jenkins"]
const bio = ["snakemake", "nextflow", "slurm", "cwl", "wdl"]
const data = ["airflow", "prefect", "dagster", "dbt", "argo"]

export const workflowPosts: ReadonlyArray<Post> = [
  { label: "workflow_generation", text: "{tool}: run a {step} only after all the dynamic ones finish\n\nI generate one {step} per file found at runtime and then need a final {step} that merges everything. Right now the merge starts too early. This is my {unit}:\n\n{def}\n\nHow should I wire the dependencies so the merge waits for all of them?" },
  { label: "workflow_generation", text: "I'm new to {tool} and trying to build my first {unit}. I want to: 1) download the data 2) clean it 3) train a model 4) send an email with the metrics. Each step should only run if the previous one worked. Could you write it for me? Here's what I started with:\n\n{def}" },
  { label: "workflow_generation", text: "How to pass the output of one {step} to the next one in {tool}?\n\n{def}\n\nI tried reading the file path from a global variable but got\n\n{fail}\n\nWhat's the proper way to structure this so the second {step} receives the result of the first?" },
  { label: "workflow_generation", text: "Our {unit} below works but it runs everything sequentially and takes 3 hours. Can you restructure it so the independent {step}s run in parallel and only the final one waits?\n\n{def}" },
  { label: "workflow_generation", text: "Convert this crontab into a proper {tool} {unit} with retries and alerting on failure.\n\n{code}", tools: ["airflow", "prefect", "github_actions", "dagster"] },
  { label: "workflow_generation", text: "i have this {unit}, i want add a new {step} that run after the tests and upload the artifact to s3. also it must run only on main branch. how i do it?\n\n{def}", tools: ci },
  { label: "workflow_generation", text: "Migrating from Jenkins to {tool}. Here's our old pipeline, please give me the equivalent {unit}:\n\n{def}", tools: ["github_actions", "gitlab"] },
  { label: "workflow_generation", text: "Need help structuring a {tool} {unit} for a monorepo: frontend, backend and infra folders, each should build and test only when its folder changes, then one deploy {step} at the end. What would the file look like?" },
  { label: "workflow_generation", text: "Scheduling question. I want this to run every weekday at 6:30 UTC and also be triggerable by hand, with the date as a parameter. Current {unit}:\n\n{def}\n\nCan you change it accordingly?" },
  { label: "workflow_generation", text: "{tool}: fan out per sample, gather at the end\n\nI have ~200 samples listed in a CSV. For each I need to trim, align and count, and at the end build one matrix from all the counts. I can do it for one sample with the {unit} below but I don't know how to scale it out. How should the {unit} look?\n\n{def}", tools: bio },
  { label: "workflow_generation", text: "I keep getting this when I try to add an aggregation {step}:\n\n{fail}\n\nMy {unit}:\n\n{def}\n\nWhat I actually want is one summary file built from every sample's output. How do I write that {step} correctly?", tools: ["snakemake", "nextflow", "airflow"] },
  { label: "workflow_generation", text: "Turn my bash script into a {tool} {unit}, with one {step} per tool and conda envs. Script:\n\n{code}", tools: ["snakemake", "nextflow", "cwl", "wdl"] },
  { label: "workflow_generation", text: "We run the {unit} below on a laptop. Now it has to go to the cluster: SLURM, 48 cores max per job, and the alignment {step} needs 64G. What do I add or change so it submits each {step} as a job with the right resources?\n\n{def}", tools: ["snakemake", "nextflow", "wdl"] },
  { label: "workflow_generation", text: "is it possible in {tool} to retry a {step} 3 times with 10 min between tries and then send a slack message if it still fails? if yes pls show the {unit}" },
  { label: "workflow_generation", text: "Best way to split this {unit} into reusable pieces? We copy the same build/test {step}s into 12 repos and every change means 12 PRs.\n\n{def}", tools: ci },
  { label: "workflow_generation", text: "Hi, in my company we get a file every morning in an SFTP folder. I need to pick it up, validate it, load it into Postgres and archive it, and if the file doesn't arrive by 9 someone should be alerted. Which {tool} setup would you use and can you sketch the {unit}?", tools: data },
  { label: "workflow_generation", text: "How can I make the deploy {step} wait for a manual approval in {tool}? Our current {unit} deploys straight after tests:\n\n{def}", tools: ci },
  { label: "workflow_generation", text: "Backfill a year of daily partitions with {tool} without hammering the DB: max 3 at a time, oldest first. How should the {unit} be set up?", tools: data },
  { label: "workflow_generation", text: "The {unit} below was written by a student who left. It works, but we now also need variant annotation with VEP after calling, and a MultiQC report at the end. Please add those {step}s.\n\n{def}", tools: bio },
  { label: "workflow_generation", text: "Replace the for loop in this sbatch script with a job array (one sample per task, max 20 running) and add a second job that merges the BAMs when the whole array is done.\n\n{def}", tools: ["slurm"] },
  { label: "workflow_generation", text: "Got this on the first run:\n\n{fail}\n\nI think my whole approach is wrong. Could you show me how a {unit} for this should be laid out from scratch: read a list of inputs from config, process each, then combine?" },
  { label: "workflow_generation", text: "Make target that rebuilds only the figures whose data changed, plus a `make all` that runs the full analysis. How should I write the Makefile? My current one:\n\n{def}", tools: ["make"] },
  { label: "workflow_generation", text: "Can someone help me write the dbt models + schedule for this: raw orders land hourly, I need a staging model, an incremental fact table and a daily summary refreshed after it. Currently I only have:\n\n{def}", tools: ["dbt"] },
  { label: "workflow_generation", text: "How do I chain two {tool} {unit}s so the second starts when the first succeeds, passing it the run date?", tools: ["airflow", "github_actions", "argo", "prefect"] },
  { label: "workflow_generation", text: "want my {unit} to run the tests on python 3.10, 3.11 and 3.12 and on windows + ubuntu. how to add matrix?\n\n{def}", tools: ["github_actions", "gitlab"] },
  { label: "workflow_generation", text: "Here's the flow I have in mind, in words: every hour fetch new rows from the API; if there are none stop; otherwise clean them, append to the warehouse, and refresh the dashboard extract. Write it as a {tool} {unit} please.", tools: data },
  { label: "workflow_generation", text: "Our nightly job is a python script triggered by cron:\n\n{code}\n\nIt's getting complicated (retries, dependencies between steps, alerting). Could you rewrite it as a {tool} {unit}?", tools: data },
  { label: "workflow_generation", text: "Generalise this {unit} so the genome, the sample sheet and the output folder are parameters instead of hard-coded paths.\n\n{def}", tools: bio },
  { label: "workflow_generation", text: "I'm building a small ETL with {tool}. Requirement: the transform {step} must not start until both the orders and the customers extracts are done, and the whole thing runs once per day. I tried this but the graph looks wrong:\n\n{def}\n\nWhat is the right way?", tools: data },
  { label: "workflow_generation", text: "Add caching to this so dependencies aren't reinstalled on every run, and cancel older runs on the same branch.\n\n{def}", tools: ci },
  { label: "workflow_generation", text: "{tool} question: I want conditional branching, i.e. if the validation {step} finds bad rows, go to a quarantine {step}, otherwise continue to load. How do you express that in the {unit}?", tools: ["airflow", "prefect", "argo", "dagster"] },
  { label: "workflow_generation", text: "Write me the {unit} that produces this report every Monday from the raw exports (download, clean, aggregate, render). Example of the output:\n\n{table}", tools: data },
  { label: "workflow_generation", text: "Snakemake checkpoint help. The first rule splits a genome into an unknown number of chunks, then each chunk is processed and the results are merged. Error I get:\n\n{fail}\n\nHow do I write the checkpoint and the aggregate function?", tools: ["snakemake"] },
  { label: "workflow_generation", text: "How would I set up CI for a Python package: lint, tests with coverage, build wheels, and publish to PyPI on tags only? Using {tool}.", tools: ci },
  { label: "workflow_generation", text: "We have three scripts that must run in order every night (ingest.py, features.py, score.py). Sometimes ingest is late. What's a good {tool} {unit} for that, with a sensor or wait so score never runs on old data?", tools: ["airflow", "dagster", "prefect"] },
  { label: "workflow_generation", text: "Please extend the Nextflow pipeline below so it also accepts single-end reads, decided per sample from the sample sheet.\n\n{def}", tools: ["nextflow"] },
  { label: "workflow_generation", text: "our {unit} was fine until we added a second environment. now I need staging deploy on every merge to develop and prod deploy on tags, with different secrets. current file:\n\n{def}\n\nand the failing run:\n\n{fail}\n\ncan you give me the full updated {unit}?", tools: ci },
  { label: "workflow_generation", text: "How to run the same {step} for a list of 50 tables without copy-pasting it 50 times in the {unit}?", tools: ["airflow", "github_actions", "argo", "dagster", "prefect"] },
  { label: "workflow_generation", text: "Designing a variant-calling workflow for 30 trios. Steps: bwa-mem2, markdup, BQSR, HaplotypeCaller in GVCF mode per sample, joint genotyping per family, then filtering. Which {tool} structure do you suggest? Please write the skeleton.", tools: bio },
  { label: "workflow_generation", text: "Cron entry runs a backup at 1am but I'd like to turn it into something that retries, logs and tells me when it fails. Current crontab:\n\n{def}\n\nWhat would the replacement look like as a {tool} {unit}?", tools: ["airflow", "github_actions", "prefect"] },
  { label: "workflow_generation", text: "Translate this CWL tool into a WDL task and wrap it in a workflow that scatters over a list of BAMs.\n\n{def}", tools: ["cwl"] },
  { label: "workflow_generation", text: "Could you write an Argo workflow (or explain how) where step 2 runs in parallel for each item returned by step 1?", tools: ["argo"] },
  { label: "workflow_generation", text: "what's the cleanest way to make this {unit} run per-chromosome in parallel and then concatenate the VCFs?\n\n{def}", tools: ["snakemake", "nextflow", "wdl"] }
]

export const errorPosts: ReadonlyArray<Post> = [
  { label: "error_diagnosis", text: "{tool} {unit} fails to load\n\nAfter upgrading, the {unit} doesn't show up anymore and I see this:\n\n{fail}\n\nNothing else changed. What is wrong?" },
  { label: "error_diagnosis", text: "### Describe the bug\nThe {step} fails on every run since yesterday.\n\n### To reproduce\nTrigger the {unit} with default parameters.\n\n### Logs\n{fail}\n\n### Environment\n{tool}, latest version, Ubuntu 22.04" },
  { label: "error_diagnosis", text: "why does my {unit} stop here?\n\n{fail}" },
  { label: "error_diagnosis", text: "Can anyone explain what this means? Happened halfway through the night, the previous {step}s were fine.\n\n{fail}" },
  { label: "error_diagnosis", text: "The {step} succeeds but the next one says its input is missing. The file is definitely there when I ls the folder.\n\n{def}\n\n{fail}" },
  { label: "error_diagnosis", text: "{fail}\n\nwhat did I do wrong" },
  { label: "error_diagnosis", text: "Since the runner image update our {unit} dies at the same step every time. Log:\n\n{fail}\n\nIs this on our side or theirs?", tools: ci },
  { label: "error_diagnosis", text: "**Bug report**\nVersion: 2.4.1\nOS: macOS 14\n\nWhat happened:\n{traceback}\n\nWhat I expected: the command finishes and writes the output file." },
  { label: "error_diagnosis", text: "Issue: CLI crashes when the config file has a comment on the first line\n\nSteps:\n1. create config.yaml starting with `# settings`\n2. run `tool --config config.yaml`\n\nActual:\n{traceback}\n\nExpected: comments are ignored." },
  { label: "error_diagnosis", text: "hi, when i run the script it give me this, i dont understand what is the problem. i installed all the package\n\n{traceback}" },
  { label: "error_diagnosis", text: "My code is not giving the right output. For the input 5 it should print 120 but I get 24.\n\n{code}" },
  { label: "error_diagnosis", text: "Unexpected behaviour: the function returns the same object for every call, so the list keeps growing between requests.\n\n{code}\n\nWhat's going on?" },
  { label: "error_diagnosis", text: "Title: Page stuck on loading spinner after login\n\nBody: after signing in the dashboard never renders, the network tab shows the request returning 200 but the state doesn't update. Relevant code:\n\n{code}" },
  { label: "error_diagnosis", text: "Been staring at this for hours. It compiles, the tests pass, but in production it occasionally writes half a file. Code:\n\n{code}\n\nAny idea where the problem could be?" },
  { label: "error_diagnosis", text: "{error_log}\n\nthis happens only on the cluster, locally fine. memory? paths?" },
  { label: "error_diagnosis", text: "Regression after upgrading from 1.8 to 2.0: imports that worked before now fail.\n\n{traceback}\n\nRolling back fixes it. What changed?" },
  { label: "error_diagnosis", text: "Job finishes with state COMPLETED but the output folder is empty and the .err file has just this:\n\n{error_log}" },
  { label: "error_diagnosis", text: "my pandas merge gives NaN for every value in the right columns even though the ids match when i look at them. code below\n\n{code}" },
  { label: "error_diagnosis", text: "Weird: the {unit} runs fine when triggered manually but the scheduled runs are skipped every time. No message at all. Config:\n\n{def}", tools: ["airflow", "github_actions", "cron", "gitlab"] },
  { label: "error_diagnosis", text: "Can't get past this during install:\n\n{error_log}\n\nTried clearing the cache and a fresh env. Same thing." },
  { label: "error_diagnosis", text: "Works for the first 3 samples and then:\n\n{fail}\n\nWhy only those?", tools: bio },
  { label: "error_diagnosis", text: "So I wrote this and when I click save nothing happens. No error in the console, nothing in the network tab. What am I missing?\n\n{code}" },
  { label: "error_diagnosis", text: "getting a 403 from the API only from the CI runner, from my machine the same token works. what could cause this?" },
  { label: "error_diagnosis", text: "The container keeps restarting and `kubectl logs` shows:\n\n{error_log}\n\nDeployment is the same as staging where it runs fine." },
  { label: "error_diagnosis", text: "Expected output: 3 rows per customer. Actual output: 1 row. Query:\n\n{code}" },
  { label: "error_diagnosis", text: "the pipeline used to take 20 min, now it takes 4 hours and the logs look normal. what could make it so slow suddenly?" },
  { label: "error_diagnosis", text: "What does this stack trace tell me? I'm not sure which of the frames is my code.\n\n{traceback}" },
  { label: "error_diagnosis", text: "Python script silently exits halfway (no traceback, exit code 0). Here's the part after which nothing is printed:\n\n{code}" }
]

export const reviewPosts: ReadonlyArray<Post> = [
  { label: "code_review", text: "First time writing a class in Python, I'd love some feedback before I build on it.\n\n{code}\n\nThings I'm unsure about: naming, whether the methods should be static, and error handling." },
  { label: "code_review", text: "Simple CSV parser with validation\n\nThis works and the tests pass, but I feel like it's longer than it needs to be. Is there a more elegant way to write it?\n\n{code}" },
  { label: "code_review", text: "my senior said this function \"smells\" but didnt explain. what could he mean?\n\n{code}" },
  { label: "code_review", text: "Got a comment on my PR saying this isn't idiomatic. Could you show me what the idiomatic version would be and why?\n\n{code}" },
  { label: "code_review", text: "{code}\n\nthoughts? too clever?" },
  { label: "code_review", text: "Would this be considered good practice or am I abusing the language here?\n\n{code}" },
  { label: "code_review", text: "Please check my code is ok or not. I am student and teacher will grade on quality also.\n\n{code}" },
  { label: "code_review", text: "I'm about to open a PR with the change below. Before that, can you look for anything a reviewer would pick on: tests, naming, edge cases, docs?\n\n{code}" },
  { label: "code_review", text: "Is there any downside to doing it this way instead of using a library?\n\n{code}" },
  { label: "code_review", text: "Here's our {unit}. It runs fine. I'm wondering whether it follows good practice: secrets handling, caching, job layout. What would you change?\n\n{def}", tools: ci },
  { label: "code_review", text: "Our {unit} works, but I have the feeling it's structured badly (everything in one place, hard-coded paths). Can you critique it? Not asking for a rewrite, just what's wrong with the design.\n\n{def}", tools: [...bio, "airflow"] },
  { label: "code_review", text: "How does this look? It's my solution for the exercise, it passes all the cases.\n\n{code}" },
  { label: "code_review", text: "Which of these two versions is better, and why? A:\n\n{code}\n\nB:\n\n{code}" },
  { label: "code_review", text: "Looking for a sanity check on this before it goes live. Anything that could bite us at scale?\n\n{code}" },
  { label: "code_review", text: "can this be improved? i feel its not efficient\n\n{code}" },
  { label: "code_review", text: "Code quality question: is it fine to have this many parameters, or should I pass an object?\n\n{code}" },
  { label: "code_review", text: "PR #214: refactor the upload service. Summary of changes below, diff attached. Please comment on correctness and readability.\n\n{code}" },
  { label: "code_review", text: "Is this secure? It's an internal tool but it takes a file name from the query string.\n\n{code}" },
  { label: "code_review", text: "Not broken, just ugly. How would you clean this up?\n\n{code}" },
  { label: "code_review", text: "Would love an honest opinion on the way I handle errors in this module.\n\n{code}" },
  { label: "code_review", text: "Is my {unit} reasonable? Want to know if I'm doing anything dumb with resources or dependencies before I run it on 500 samples.\n\n{def}", tools: bio },
  { label: "code_review", text: "What are the problems with this approach? Nothing fails yet, but I'm worried about what happens with concurrent users.\n\n{code}" }
]

export const codeGenerationPosts: ReadonlyArray<Post> = [
  { label: "code_generation", text: "How do I get the last N lines of a file in Python without reading the whole thing into memory? The files are several GB." },
  { label: "code_generation", text: "I have a dataframe like this:\n\n{table}\n\nand I want one row per sample with the values as columns. How do I do that in pandas?" },
  { label: "code_generation", text: "javascript: how to group an array of objects by a key and sum a field? looking for something short" },
  { label: "code_generation", text: "Need a script that walks a folder, finds every FASTQ pair and writes a sample sheet CSV (sample, R1, R2). Python preferred." },
  { label: "code_generation", text: "can someone give me a regex for dates like 2024-05-01 or 01/05/2024, both formats" },
  { label: "code_generation", text: "Here's the signature I need implemented, it should return the k most frequent items, ties broken alphabetically:\n\n{stub}" },
  { label: "code_generation", text: "How to make a POST request with a JSON body and a bearer token in Go? And read the response into a struct." },
  { label: "code_generation", text: "Is there a way in SQL to get, for each user, their first and last order date and the number of orders in between? Postgres." },
  { label: "code_generation", text: "I'd like a small React hook that polls an endpoint every 10 seconds and stops when the component unmounts. How would you write it?" },
  { label: "code_generation", text: "Given output like this:\n\n{output}\n\nwrite me a parser that turns it into JSON." },
  { label: "code_generation", text: "plz code: tkinter window with a button that opens a file dialog and shows the chosen path in a label" },
  { label: "code_generation", text: "How can I read an Excel file with several sheets in R and stack them into one data frame with a column saying which sheet each row came from?" },
  { label: "code_generation", text: "Need a function to chunk a list into pieces of size n, last one may be smaller. TypeScript, generic." },
  { label: "code_generation", text: "Add an endpoint to this Flask app that returns the same data as CSV:\n\n{code}" },
  { label: "code_generation", text: "What's the code to plot a heatmap of the top 50 variable genes from a normalised count matrix, with samples clustered? ggplot or pheatmap, either." },
  { label: "code_generation", text: "Implement a simple retry decorator in Python: max attempts, exponential backoff, only for given exception types." },
  { label: "code_generation", text: "how to convert a list of dicts to a csv file in python, keys as header" },
  { label: "code_generation", text: "I need the Dockerfile for this project: Python 3.12, poetry for deps, gunicorn to serve app:app on port 8000." },
  { label: "code_generation", text: "Write the unit tests for this class with pytest, covering the edge cases you can think of.\n\n{code}" }
]

export const reasoningPosts: ReadonlyArray<Post> = [
  { label: "reasoning", text: "Q: A bookshelf has 5 shelves. Each shelf holds twice as many books as the one above it, and the top shelf holds 3 books. How many books are on the shelf in total?\nA: Let's think step by step." },
  { label: "reasoning", text: "my kid's homework: if 3 pencils and 2 erasers cost 1.30 and 2 pencils and 3 erasers cost 1.20, how much is one pencil? i get a different answer than the book" },
  { label: "reasoning", text: "Riddle time. I'm taller when I'm young and shorter when I'm old. What am I? And explain why the answer fits." },
  { label: "reasoning", text: "A meeting must include at least two of Ana, Bo and Cy, never both Bo and Dee, and Dee must attend if Cy does. Which groups of attendees are possible?" },
  { label: "reasoning", text: "Is this reasoning correct? 'All my tests pass, and bugs make tests fail, so my code has no bugs.'" },
  { label: "reasoning", text: "If the probability of rain on any day is 0.3 independently, what's the chance of at least one dry day in a week? Show the work." },
  { label: "reasoning", text: "There are 8 balls, one slightly heavier. With a balance scale, what's the fewest weighings to be sure which it is? Explain the strategy." },
  { label: "reasoning", text: "how many squares are on a chessboard, counting all sizes? explain how to count them" },
  { label: "reasoning", text: "A company's revenue grows 10% a year and costs grow 6% a year. Revenue is 100 and costs are 90 now. In which year do costs fall below 80% of revenue? Work it out." },
  { label: "reasoning", text: "Solve: a boat goes 24 km downstream in 2 hours and back upstream in 3 hours. What is the speed of the current?" },
  { label: "reasoning", text: "If every A is a B and no B is a C, can some A be a C? Explain with a diagram in words." },
  { label: "reasoning", text: "We have 6 tasks with these dependencies: B after A, C after A, D after B and C, E after D, F after C. Each takes an hour and two can run at once. What's the shortest schedule? No code, just reason it out." },
  { label: "reasoning", text: "My sister is 3 times my age. In 10 years she will be twice my age. How old am I? Please explain each step, I'm bad at these." },
]

export const summarizationPosts: ReadonlyArray<Post> = [
  { label: "summarization", text: "can you summarize this for me, I have a meeting in 5 min\n\n{document}" },
  { label: "summarization", text: "{document}\n\nsummarize in 3 bullets" },
  { label: "summarization", text: "Please write a short abstract (max 100 words) for the following:\n\n{document}" },
  { label: "summarization", text: "TLDR this thread pls\n\n{dialogue}" },
  { label: "summarization", text: "My boss sent this and I don't have time to read it all. What's the main point?\n\n{document}" },
  { label: "summarization", text: "Give me the key points of this chat between support and the customer, for the ticket notes:\n\n{dialogue}" },
  { label: "summarization", text: "summarise the text below in simple english, my english is not so good\n\n{document}" },
  { label: "summarization", text: "Summarize the book 'The Pragmatic Programmer' chapter by chapter, one line each." },
  { label: "summarization", text: "Condense these meeting notes into decisions and owners only.\n\n{document}" },
  { label: "summarization", text: "What's this article saying, in a nutshell?\n\n{document}" }
]

export const dataPosts: ReadonlyArray<Post> = [
  { label: "data_interpretation", text: "Got these numbers back from the sequencing core. Are they good or should I ask for a re-run?\n\n{table}" },
  { label: "data_interpretation", text: "{output}\n\nis this normal? first time running this tool" },
  { label: "data_interpretation", text: "Our A/B test results are below. The PM says B won, I'm not convinced. Who's right?\n\n{table}" },
  { label: "data_interpretation", text: "Can you help me understand what this output means for my samples? I'm a biologist, not a bioinformatician.\n\n{output}" },
  { label: "data_interpretation", text: "Here are the benchmark results for the three versions. What conclusions can I draw, and is the difference real?\n\n{table}" },
  { label: "data_interpretation", text: "what do you make of these stats? anything odd\n\n{table}" },
  { label: "data_interpretation", text: "The model's metrics after tuning are below. Did it actually improve or is it noise?\n\n{output}" },
  { label: "data_interpretation", text: "My supervisor asked me to explain what the results in this table show. I understand the columns but not what the story is.\n\n{table}" },
  { label: "data_interpretation", text: "Looking at this, which sample would you drop and why?\n\n{output}" },
]

export const generalPosts: ReadonlyArray<Post> = [
  { label: "general", text: "what's the difference between airflow and prefect? which one should a small team pick?" },
  { label: "general", text: "hey how are you today" },
  { label: "general", text: "Write an email to my team announcing that we're moving our CI from Jenkins to GitHub Actions next month, friendly tone." },
  { label: "general", text: "What does a data engineer do that a data scientist doesn't?" },
  { label: "general", text: "Translate to French please: 'The deployment is scheduled for Friday; please do not merge anything after Thursday noon.'" },
  { label: "general", text: "Give me 10 interview questions for a DevOps engineer position, from easy to hard." },
  { label: "general", text: "Explain what a DAG is in Airflow to someone from a non-technical background. No code." },
  { label: "general", text: "I have a job offer from a biotech startup and one from a big bank. Both data roles. How should I think about choosing?" },
  { label: "general", text: "Why do people hate YAML so much?" },
  { label: "general", text: "Write a short poem about a pipeline that never finishes." },
  { label: "general", text: "Reply to this message politely saying I can't join the call:\n\n{document}" },
  { label: "general", text: "what are good resources to learn bioinformatics from zero? i studied biology" },
  { label: "general", text: "Pretend you are a pirate and tell me about your day." },
  { label: "general", text: "Is it ethical to scrape public websites for a research project?" },
  { label: "general", text: "i want to become software engineer but i am 35, is it too late?" },
  { label: "general", text: "What's the history of continuous integration? Who came up with it?" }
]


/** Second batch: the boundaries real prompts cross most (numbers outside reasoning, review as "improve", summaries over incident text). */
export const morePosts: ReadonlyArray<Post> = [
  { label: "general", text: "how many calories are in a banana and is it ok to eat 3 a day?" },
  { label: "general", text: "What year did the first iPhone come out and how much did it cost?" },
  { label: "general", text: "convert 72 fahrenheit to celsius" },
  { label: "general", text: "I have 3 days in Rome and 200 euros. What should I see?" },
  { label: "general", text: "Give me a list of 20 baby names that start with L." },
  { label: "general", text: "What's the tallest mountain in Africa, and how long does it take to climb it?" },
  { label: "general", text: "Write a 300-word blog post about the benefits of walking 10,000 steps a day." },
  { label: "general", text: "is 7 hours of sleep enough for a 40 year old?" },
  { label: "general", text: "Tell me a story about 2 robots who become friends." },
  { label: "general", text: "What are the 5 largest countries by population?" },
  { label: "general", text: "how do you say 'good luck with the exam' in japanese" },
  { label: "general", text: "Continue this story: The door was already open when I got home, and the cat was gone." },
  { label: "general", text: "What should I get my dad for his 60th birthday? He likes fishing and history." },
  { label: "general", text: "Act as my English teacher and correct my mistakes: yesterday I have went to the cinema with my friends and we was very happy." },
  { label: "general", text: "Explain the rules of cricket in simple terms." },
  { label: "general", text: "what is the best programming language in 2024 and why" },
  { label: "general", text: "Write a product review for noise-cancelling headphones, 4 out of 5 stars." },
  { label: "general", text: "Which is better for a beginner photographer, a 35mm or a 50mm lens?" },
  { label: "code_generation", text: "You get a list of daily stock prices. Return the largest profit from buying on one day and selling on a later day, or 0 if no profit is possible.\n\nExample:\nInput: prices = [8,3,6,1,7]\nOutput: 6\n\nConstraints: 1 <= len(prices) <= 10^5" },
  { label: "code_generation", text: "Write a program that prints the numbers from 1 to 100, but for multiples of 3 print Fizz and for multiples of 5 print Buzz." },
  { label: "code_generation", text: "You are given a 2D grid of 0s and 1s. Count the number of islands (groups of 1s connected horizontally or vertically). Write the solution in Java with O(rows*cols) time." },
  { label: "code_generation", text: "Write a function that takes a year and returns the number of days in February of that year." },
  { label: "code_generation", text: "Implement a function that converts a Roman numeral string (up to 3999) to an integer. Example: 'MCMXCIV' -> 1994." },
  { label: "code_generation", text: "Create a Python program that asks for the user's age and prints how many days they have lived, ignoring leap years." },
  { label: "code_generation", text: "Write SQL to find the second highest salary in the employees table; return null if there isn't one." },
  { label: "code_generation", text: "Problem: a robot starts at (0,0) and receives a string of moves U, D, L, R. Write code that returns whether it ends at the origin." },
  { label: "code_generation", text: "Write a C function that reverses a linked list in place and returns the new head." },
  { label: "code_generation", text: "generate a python script to calculate compound interest given principal, rate and years, and print a table per year" },
  { label: "code_generation", text: "How do I calculate the number of business days between two dates in JavaScript, excluding weekends?" },
  { label: "code_generation", text: "Write a shell script that deletes files older than 30 days in /var/backups but keeps at least the 5 newest." },
  { label: "reasoning", text: "A rectangular garden is 3 m longer than it is wide. If its area is 70 m^2, what are its dimensions? Show how you got it." },
  { label: "reasoning", text: "Omar baked 36 muffins on Saturday and a third as many on Sunday. He gave away 10 in total. How many muffins does he have left?" },
  { label: "reasoning", text: "If it takes 6 people 4 hours to paint a house, how long would it take 8 people? Assume they work at the same rate." },
  { label: "reasoning", text: "Three friends split a bill. Ann pays twice what Ben pays, and Ben pays $5 more than Cat. The bill is $75. Who pays what?" },
  { label: "reasoning", text: "Which conclusion follows? 'Some managers are engineers. All engineers are logical.' (a) some managers are logical (b) all managers are logical" },
  { label: "code_review", text: "Can you optimize this? It takes 2 minutes on 100k rows.\n\n{code}" },
  { label: "code_review", text: "Refactor this into smaller functions, it's hard to follow:\n\n{code}" },
  { label: "code_review", text: "Improve this code:\n\n{code}" },
  { label: "code_review", text: "rewrite this in a more professional way, same behaviour\n\n{code}" },
  { label: "code_review", text: "Is this code correct? I'm not getting any errors but I want to make sure the logic is right for all inputs.\n\n{code}" },
  { label: "code_review", text: "Make this more efficient and explain what you changed.\n\n{code}" },
  { label: "code_review", text: "{code}\n\nhow can I make this better?" },
  { label: "code_review", text: "What would you improve in this {unit}? Works fine, just feels messy.\n\n{def}" },
  { label: "code_review", text: "Does my code follow SOLID principles? If not, where does it break them?\n\n{code}" },
  { label: "summarization", text: "Summarize this incident log for the postmortem doc: what happened, when, and how it was resolved.\n\n{error_log}" },
  { label: "summarization", text: "Can you summarize the discussion in this GitHub issue? I just need to know what was decided.\n\n{dialogue}" },
  { label: "summarization", text: "Give me a summary of this transcript from yesterday's call:\n\n{dialogue}" },
  { label: "summarization", text: "Here's the release note draft, can you make a 2-line summary of it for Twitter?\n\n{document}" },
  { label: "summarization", text: "summarize the following error report for my manager who is not technical, no need to fix anything\n\n{document}" },
  { label: "summarization", text: "Write a short recap of this run for the lab notebook; it finished without problems.\n\n{output}" },
  { label: "data_interpretation", text: "This is the summary() of my linear model in R. Which predictors matter and how good is the fit?\n\n{output}" },
  { label: "data_interpretation", text: "my graph shows sales flat for 6 months then a spike in november and a drop in january. what does it mean?" },
  { label: "data_interpretation", text: "Compare these two runs and tell me which configuration performed better:\n\n{table}" },
  { label: "data_interpretation", text: "Explain these results to me like I'm a manager: {table}" },
  { label: "data_interpretation", text: "The histogram of my residuals is skewed to the right with a long tail. What does it suggest about my model?" },
  { label: "error_diagnosis", text: "my website is super slow since I added the images carousel, like 8 seconds to load. how do I find what is slowing it?" },
  { label: "error_diagnosis", text: "The app crashes whenever I rotate the phone. Android, Kotlin. Where should I look?" },
  { label: "error_diagnosis", text: "my code runs but the plot is empty, no lines at all\n\n{code}" },
  { label: "error_diagnosis", text: "Why is this returning undefined?\n\n{code}" },
  { label: "error_diagnosis", text: "I get a different result in production than locally for the same input. The function:\n\n{code}" },
  { label: "workflow_generation", text: "Automate the monthly reporting: on the 1st of each month pull last month's data from the warehouse, build the Excel report and email it to finance. What would the {tool} {unit} look like?", tools: ["airflow", "prefect", "github_actions", "dagster"] },
  { label: "workflow_generation", text: "How can I make my {unit} skip the deploy {step} when only README files changed?", tools: ci },
  { label: "workflow_generation", text: "Write a pipeline definition for this: lint -> unit tests -> build container -> push to registry -> deploy to staging. Use {tool}.", tools: ci },
  { label: "workflow_generation", text: "I need a workflow for my thesis analysis: download 40 SRA runs, QC, align to mm39, count, DE with DESeq2. Everything reproducible. Can you write it in {tool}?", tools: bio }
]

/** Third batch: questions with numbers that are not puzzles, code tasks that sound like maths, and review asked sideways. */
export const boundaryPosts: ReadonlyArray<Post> = [
  { label: "general", text: "How many moons does Jupiter have?" },
  { label: "general", text: "how much water should I drink per day if I weigh 80 kg?" },
  { label: "general", text: "Why do we have leap years? Just curious." },
  { label: "general", text: "how many people live in Tokyo" },
  { label: "general", text: "What's the speed of light and why can't anything go faster?" },
  { label: "general", text: "How long does it take to learn Spanish to B2 level if I study 1 hour a day?" },
  { label: "general", text: "Which is the largest planet in our solar system and how big is it compared to Earth?" },
  { label: "general", text: "Why is the number 13 considered unlucky?" },
  { label: "general", text: "How old is the universe and how do scientists know?" },
  { label: "general", text: "What were the 3 main causes of the 2008 financial crisis?" },
  { label: "general", text: "if i invest 100 dollars a month in an index fund, is that a good idea? what should i know first" },
  { label: "general", text: "What happens to your body if you don't sleep for 48 hours?" },
  { label: "general", text: "who won the world cup in 2010" },
  { label: "general", text: "I need 5 ideas for a team-building activity for 12 people, under 2 hours." },
  { label: "code_generation", text: "Write a function to check if a number is prime, and use it to print all primes below 1000." },
  { label: "code_generation", text: "python: calculate the area and perimeter of a circle from a radius the user types in" },
  { label: "code_generation", text: "Write a function that returns the greatest common divisor of two integers using Euclid's algorithm, in C#." },
  { label: "code_generation", text: "Write code that simulates rolling two dice 10,000 times and prints how often each sum occurs." },
  { label: "code_generation", text: "Implement matrix multiplication for two 2D lists without numpy." },
  { label: "code_generation", text: "Create a function that, given n, returns the n-th row of Pascal's triangle." },
  { label: "code_generation", text: "I need an Excel formula that gives the number of days between the date in A2 and today, ignoring weekends." },
  { label: "code_generation", text: "Write a program that reads 10 numbers from the user and prints the largest, the smallest and the average." },
  { label: "code_generation", text: "Write a function to compute the median of a list in O(n) average time." },
  { label: "code_generation", text: "javascript function that returns true if two rectangles (x, y, w, h) overlap" },
  { label: "code_generation", text: "Write a Monte Carlo estimate of pi in Rust with 1 million samples." },
  { label: "code_generation", text: "Code a function that splits a bill among n people with a tip percentage and rounds each share up to the cent." },
  { label: "code_review", text: "Review my PR please:\n\n{code}\n\nChanges: moved the parsing into its own function and added caching." },
  { label: "code_review", text: "I'm not sure I'm using async correctly here. It works, but is this how you're supposed to do it?\n\n{code}" },
  { label: "code_review", text: "Is it bad practice to write it like this?\n\n{code}" },
  { label: "code_review", text: "What do you think about my implementation? Is it production ready?\n\n{code}" },
  { label: "code_review", text: "Can you point out what's not great in this snippet? Be specific.\n\n{code}" },
  { label: "code_review", text: "I solved the exercise like this. Is there a shorter or smarter way?\n\n{code}" },
  { label: "code_review", text: "Any comments on this code? Style, performance, anything.\n\n{code}" },
  { label: "code_review", text: "Do you see any potential problems with this? It's going into a library other teams will use.\n\n{code}" },
  { label: "code_review", text: "Could you rate my code and tell me how to make it more maintainable?\n\n{code}" },
  { label: "code_review", text: "i think my code is too long and repetitive. can u tell me how to make it shorter and cleaner\n\n{code}" },
  { label: "code_review", text: "This is from a take-home test I submitted. What would an interviewer criticise?\n\n{code}" },
  { label: "code_review", text: "LGTM? Small change to the retry logic:\n\n{code}" },
  { label: "reasoning", text: "Is the following statement true or false, and why? 'If a number is divisible by 4, it is divisible by 8.'" },
  { label: "reasoning", text: "A man looks at a portrait and says: 'Brothers and sisters I have none, but that man's father is my father's son.' Who is in the portrait? Explain." },
  { label: "reasoning", text: "Everyone who went to the party knew Sam. Lee did not know Sam. What can we conclude about Lee? Explain the logic." },
  { label: "reasoning", text: "Which of these doesn't belong and why: square, triangle, circle, cube, pentagon?" },
  { label: "reasoning", text: "Think it through: if yesterday was the day after Sunday, what day is the day after tomorrow?" },
  { label: "reasoning", text: "Two coins add up to 30 cents and one of them is not a nickel. What are the coins? Explain the trick." },
  { label: "reasoning", text: "Can a set of 5 numbers have a mean of 10 and a median of 2? Give an example or prove it can't." },
  { label: "reasoning", text: "Order these by size without a calculator and explain: 2^30, 10^9, 3^20." },
  { label: "data_interpretation", text: "Our churn went from 2.1% to 3.4% in one month while new signups doubled. How worried should we be?" },
  { label: "data_interpretation", text: "In my experiment the control had 42 colonies and the treatment 18, in triplicate: 40/45/41 vs 20/15/19. Is that a real effect?" },
  { label: "data_interpretation", text: "What can I conclude from an AUC of 0.62 on the test set when the training AUC was 0.97?" },
  { label: "data_interpretation", text: "The dashboard says average order value is up 15% but median order value is down 3%. What's going on in the data?" },
  { label: "data_interpretation", text: "We see 30% of our users in the evening and 70% in the morning, but 60% of purchases happen in the evening. What does that tell us?" },
  { label: "data_interpretation", text: "My scRNA-seq QC shows a median of 900 genes per cell and 18% mitochondrial reads. Is this data usable?" }
]

/**
 * Fourth batch: workflows asked for without naming a tool (a process told in prose, to be automated), changes to a
 * pasted definition (restructure, parallelise, modularise: a new definition is the deliverable), and the requests a
 * bioinformatics workflow composer receives, of every type.
 */
export const composerPosts: ReadonlyArray<Post> = [
  { label: "workflow_generation", text: "Every Friday I export the timesheets, fix the names in Excel, merge them with the project list and email a PDF to accounting. Can you help me set this up so it runs by itself?" },
  { label: "workflow_generation", text: "I have these commands that I run one after the other for each sample. I'd like them chained into a proper pipeline that runs all samples and picks up where it left off if something dies.\n\n{code}" },
  { label: "workflow_generation", text: "Build me a pipeline: paired FASTQ in, adapter trimming, alignment to GRCh38, duplicate marking, coverage stats, and a final HTML report. Reproducible, runs on a cluster." },
  { label: "workflow_generation", text: "Compose a workflow for bulk RNA-seq differential expression: QC, trimming, salmon quantification, tximport, DESeq2 with a design of condition + batch." },
  { label: "workflow_generation", text: "Create an amplicon (16S) workflow: primer removal with cutadapt, DADA2 denoising, taxonomy with SILVA, and a phyloseq object at the end." },
  { label: "workflow_generation", text: "Set up an ATAC-seq processing workflow with per-sample alignment and peak calling and a consensus peak set across all samples." },
  { label: "workflow_generation", text: "Add a step after alignment that computes insert size metrics with Picard, and include its output in the MultiQC report.\n\n{def}", tools: ["snakemake", "nextflow"] },
  { label: "workflow_generation", text: "Reorganise this {unit} into modules (one file per tool) with a main file that includes them. Keep the behaviour the same.\n\n{def}", tools: ["snakemake", "nextflow", "github_actions", "airflow"] },
  { label: "workflow_generation", text: "Rewrite this {unit} so the per-sample {step}s run in parallel instead of in a loop.\n\n{def}", tools: ["slurm", "snakemake", "airflow", "nextflow"] },
  { label: "workflow_generation", text: "Make the {unit} below configurable: read the sample list and the reference from a config file, and let me switch between local and cluster execution.\n\n{def}", tools: bio },
  { label: "workflow_generation", text: "I want the {step} that downloads the reference to run once and be shared by every sample, not once per sample. How do I change the {unit}?\n\n{def}", tools: ["snakemake", "nextflow", "wdl"] },
  { label: "workflow_generation", text: "a pipeline that takes nanopore reads, basecalls, filters by quality, assembles with flye and polishes with medaka, please" },
  { label: "workflow_generation", text: "Design the steps to go from raw 10x single-cell FASTQs to a clustered, annotated Seurat object, as a workflow I can rerun for new samples." },
  { label: "workflow_generation", text: "Whenever someone uploads a CSV to the shared folder, it should be validated, converted to parquet and loaded into the database, and the uploader should get an email with the result. How would I build this flow?" },
  { label: "workflow_generation", text: "I want my analysis notebook to become a proper pipeline: load raw data, clean, feature engineering, train, evaluate, save the model. Each step cached so I don't rerun everything. What would that look like?" },
  { label: "workflow_generation", text: "Can you write the job definitions so that the nightly import runs at 1am, the aggregation only after it succeeds, and the report at 7am only if both succeeded?" },
  { label: "workflow_generation", text: "When a PR is opened: run the tests, build a preview, and post the preview link as a comment. When merged: deploy. Write this for {tool}.", tools: ci },
  { label: "workflow_generation", text: "We need a germline variant calling workflow for 200 exomes using GATK best practices, scattered by interval. Provide the workflow definition.", tools: bio },
  { label: "workflow_generation", text: "Add a QC gate to this {unit}: if the mapping rate of a sample is below 70%, skip the downstream {step}s for that sample and list it in a report.\n\n{def}", tools: ["snakemake", "nextflow"] },
  { label: "workflow_generation", text: "Split the long {step} in this {unit} into three so I can rerun only the last part when it fails.\n\n{def}" },
  { label: "error_diagnosis", text: "The composer's workflow stopped at the alignment step:\n\n{fail}\n\nWhat went wrong?", tools: bio },
  { label: "error_diagnosis", text: "Why did the variant calling step produce an empty VCF for sample 7 when the BAM has reads?" },
  { label: "error_diagnosis", text: "my trimming step finished but all output fastq files are 0 bytes. the input files are fine, i checked with zcat | head" },
  { label: "data_interpretation", text: "The pipeline's QC summary is below. Which samples should go forward to differential expression?\n\n{table}" },
  { label: "data_interpretation", text: "What does it mean that 40% of my reads are unassigned because of ambiguity in featureCounts?" },
  { label: "code_review", text: "This is the {unit} the composer generated for me. Before I run it on real data, is there anything badly designed or risky in it?\n\n{def}", tools: bio },
  { label: "general", text: "What is the difference between a workflow and a pipeline? Are they the same thing?" },
  { label: "general", text: "Which aligner should I use for RNA-seq, STAR or HISAT2? Just the trade-offs." },
  { label: "summarization", text: "Summarize what this workflow run did, step by step, for my methods section; everything completed.\n\n{output}" },
  { label: "reasoning", text: "My workflow has 5 steps per sample and 2 global steps. With 30 samples, how many jobs in total, and how many can run at the same time at most?" },
  { label: "code_generation", text: "Write a Python function that reads a sample sheet (sample, fastq_1, fastq_2) and checks that every file exists and that the sample names are unique." }
]

/** Fifth batch: chat-log voices, where explanations and comparisons (general) sit next to puzzles and requests for numbers. */
export const chatPosts: ReadonlyArray<Post> = [
  { label: "general", text: "why does ice float on water? explain simply" },
  { label: "general", text: "Is it true that we only use 10% of our brain?" },
  { label: "general", text: "Compare cats and dogs as pets for someone who works long hours." },
  { label: "general", text: "What are the pros and cons of remote work for junior developers?" },
  { label: "general", text: "Why is it colder at the top of a mountain if it's closer to the sun?" },
  { label: "general", text: "what would you do if you were the president of a small country for a day" },
  { label: "general", text: "Explain why the Roman Empire fell, in a few paragraphs." },
  { label: "general", text: "Should I use tabs or spaces? Give me the arguments on both sides." },
  { label: "general", text: "is python or javascript better for a first language if I want to get a job fast" },
  { label: "general", text: "Describe a typical day of a nurse working night shifts." },
  { label: "general", text: "Give me an argument for and against a four-day work week." },
  { label: "general", text: "How does a credit score work and how can I improve mine?" },
  { label: "general", text: "Can you explain the difference between weather and climate to my 8 year old?" },
  { label: "general", text: "You are a helpful assistant. Write a haiku about debugging at 3am." },
  { label: "general", text: "hi, can you help me plan a birthday party for 10 kids aged 6? budget around 150 dollars" },
  { label: "general", text: "What's the difference between machine learning and AI? Are they the same?" },
  { label: "general", text: "Explain how a bill becomes a law in the US." },
  { label: "general", text: "Which are the main differences between SQL and NoSQL databases? When would you choose each?" },
  { label: "general", text: "What is the best way to memorise vocabulary in a new language?" },
  { label: "general", text: "Rewrite my bio for a conference website, make it sound confident but not arrogant: I'm a PhD student working on protein folding, I like climbing." },
  { label: "reasoning", text: "A lily pad doubles in size every day and covers the whole pond on day 30. On which day did it cover half the pond? Explain why." },
  { label: "reasoning", text: "If you overtake the person in second place in a race, what place are you in? Explain." },
  { label: "reasoning", text: "Three switches outside a room control three bulbs inside. You can enter the room once. How do you find which switch controls which bulb?" },
  { label: "reasoning", text: "A store raises a price by 25% and then lowers the new price by 20%. What is the net change? Show it." },
  { label: "reasoning", text: "Find the next two numbers: 1, 1, 2, 3, 5, 8, ... and explain the rule." },
  { label: "reasoning", text: "All of Kim's pets are dogs except two, all are cats except two, and all are parrots except two. How many pets does Kim have?" },
  { label: "summarization", text: "Hey, can you shorten this into a few bullet points for Slack?\n\n{document}" },
  { label: "summarization", text: "I pasted a long article below, what are the 3 most important things it says?\n\n{document}" },
  { label: "summarization", text: "Summarise this chat log into who asked for what:\n\n{dialogue}" },
  { label: "data_interpretation", text: "I asked 20 friends to rate my app from 1 to 5: eight 5s, six 4s, three 3s, two 2s and one 1. Is that good? What should I take from it?" },
  { label: "data_interpretation", text: "hi so my blood test shows ferritin 12 ng/mL (range 15-150) and haemoglobin 11.8. what does that usually mean? not asking for diagnosis just understanding" },
  { label: "data_interpretation", text: "Website analytics for last week below. Anything that stands out?\n\n{table}" },
  { label: "code_review", text: "hey can u check my code, is it good?\n\n{code}" },
  { label: "code_review", text: "So I wrote this function today. Idk if it's the best way but it works. Opinions?\n\n{code}" },
  { label: "code_review", text: "What would you do differently here?\n\n{code}" },
  { label: "error_diagnosis", text: "hey so my code isnt working, it should print the total but prints 0\n\n{code}" },
  { label: "error_diagnosis", text: "I keep getting this and I don't know why:\n\n{traceback}" },
  { label: "code_generation", text: "hey can you write me a python script that renames all photos in a folder by the date they were taken" },
  { label: "code_generation", text: "Make me a simple snake game in HTML and JavaScript." },
  { label: "code_generation", text: "can you make a discord bot in python that replies 'pong' when someone types !ping" }
]

/**
 * Sixth batch: the convention's hardest side. A workflow to build or change is asked for, and the error the last
 * attempt gave is pasted with it; the deliverable is still the workflow.
 */
export const workflowWithFailurePosts: ReadonlyArray<Post> = [
  { label: "workflow_generation", text: "I want the final {step} of my {unit} to wait for all the others. I tried this and got an error:\n\n{fail}\n\nHow should I wire it?" },
  { label: "workflow_generation", text: "Trying to make my {tool} {unit} run one {step} per input file. My attempt fails with\n\n{fail}\n\nWhat's the right way to set this up?" },
  { label: "workflow_generation", text: "{fail}\n\nThat's what I get when I try to pass the output of one {step} into the next. How do I structure the {unit} so the second {step} gets the first one's result?" },
  { label: "workflow_generation", text: "Error when adding a retry to my {unit}:\n\n{fail}\n\nCould you show me the {unit} with retries done properly?" },
  { label: "workflow_generation", text: "New to {tool}. I copied an example and changed it for my data, now I get\n\n{fail}\n\nCan you write me a working {unit} that does the same thing: read the inputs, process each one, collect the results?" },
  { label: "workflow_generation", text: "How do I schedule this {unit} to run only on weekdays? I changed the schedule line and now it errors:\n\n{fail}", tools: ["airflow", "github_actions", "gitlab", "cron", "prefect"] },
  { label: "workflow_generation", text: "I'm converting our old scripts into a {tool} {unit}. First try:\n\n{def}\n\nwhich gives\n\n{fail}\n\nPlease rewrite it so the steps depend on each other correctly." },
  { label: "workflow_generation", text: "Getting this traceback when I use a loop to create tasks:\n\n{traceback}\n\nWhat's the proper pattern for generating {step}s dynamically in a {tool} {unit}?", tools: ["airflow", "prefect", "dagster"] },
  { label: "workflow_generation", text: "how to add a step that runs only if the previous one failed? I tried a condition and {tool} says\n\n{fail}", tools: ["airflow", "github_actions", "gitlab", "jenkins"] },
  { label: "workflow_generation", text: "Want to split my {unit} into a build stage and a deploy stage with the artifact passed between them. My try:\n\n{def}\n\nfails with\n\n{fail}\n\nWhat should it look like?", tools: ci },
  { label: "workflow_generation", text: "I need the per-sample {step}s to run in parallel on the cluster and then merge. Attempt below errors out:\n\n{fail}\n\nCan you give me a {unit} that does it?", tools: bio },
  { label: "error_diagnosis", text: "This {unit} has worked for months and today it stops with\n\n{fail}\n\nWe didn't touch it. What broke?" },
  { label: "error_diagnosis", text: "Why does this error come up? The {unit} is unchanged from yesterday's successful run.\n\n{fail}" }
]

/**
 * Seventh batch: review with nothing to split off. The code is quoted inline in a sentence or the design is told in
 * words; the verdict is asked as "is this idiomatic", "cleaner", "any issues", "would you merge this", "LGTM?"; and
 * error words sit in the code under review while nothing has failed. A few questions of other types quote code
 * inline too, so that a backtick is not taken for review.
 */
export const inlineReviewPosts: ReadonlyArray<Post> = [
  { label: "code_review", text: "Is `if len(items) == 0:` idiomatic Python or should it be `if not items:`? Which would you rather see in a code base?", domain: "backend" },
  { label: "code_review", text: "I wrote `const total = items.reduce((a, b) => a + b.price, 0)` instead of a for loop. Cleaner, or harder to read for the team?", domain: "web" },
  { label: "code_review", text: "In our service every handler does `try { ... } catch (e) { logger.error(e); throw e }`. Nothing is failing, I just wonder if that's an anti-pattern. Thoughts?", domain: "backend" },
  { label: "code_review", text: "Would you merge this? It swaps our hand-rolled retry loop for a `withRetry(fn, { attempts: 3 })` helper, and all tests pass.\n\n{code}", domain: "backend" },
  { label: "code_review", text: "LGTM? small change, just moved the validation into its own function\n\n{code}", domain: "web" },
  { label: "code_review", text: "Any issues with using `except Exception: pass` around the cache write? The cache is optional, so if it fails I don't care.", domain: "backend" },
  { label: "code_review", text: "Design question, no code yet: I'm thinking of one big `Manager` class that loads the config, opens the DB connection, sends emails and schedules jobs. Is that a reasonable design or will it bite me later?", domain: "backend" },
  { label: "code_review", text: "Our API returns HTTP 200 with `{\"error\": \"not found\"}` in the body instead of a 404. A colleague says that's fine. Is it good practice?", domain: "web" },
  { label: "code_review", text: "Is using `SELECT *` in the view that feeds the dashboard acceptable, or should I list the columns? It works, I'm asking about maintainability.", domain: "datasci" },
  { label: "code_review", text: "My plan for the upload service: the frontend sends the file to our API, the API writes it to /tmp, then a cron job moves it to S3 every 5 minutes. Does this design have obvious problems?", domain: "web" },
  { label: "code_review", text: "we raise `ValueError(\"invalid id\")` from the repository layer and catch it in the controller to return a 400. is that the right place for it or should the controller validate first?", domain: "backend" },
  { label: "code_review", text: "Any red flags in this? It logs `ERROR` and returns None when the file is missing, and the caller checks for None.\n\n{code}", domain: "backend" },
  { label: "code_review", text: "Quick sanity check: I store the user's role in a JWT claim and check `token.role === \"admin\"` on the client to show the admin menu, and again on the server for every admin route. Is that OK security-wise?", domain: "web" },
  { label: "code_review", text: "Is `useEffect(() => { fetchData() }, [])` with the fetch function defined inside the component fine, or is there a better pattern these days?", domain: "web" },
  { label: "code_review", text: "Naming question: `get_user_data_from_db_and_cache_it()` feels too long. Is it fine or should I split what it does?", domain: "backend" },
  { label: "code_review", text: "I'd like a second pair of eyes on the way I structured the modules: `models/` holds the ORM classes, `services/` the business logic, `routes/` the Flask blueprints, and `utils.py` everything else. Anything you'd change?", domain: "web" },
  { label: "code_review", text: "We use a global `db = connect()` at module import time in our Django app. Works fine. Is that considered bad and why?", domain: "web" },
  { label: "code_review", text: "This passes all the checks, but is it too clever? `return [*{*a} & {*b}]`", domain: "backend" },
  { label: "code_review", text: "In the {tool} {unit} I hard-coded the reference path and thread counts in each {step}. It runs. Is that acceptable for a lab pipeline or should it all come from config?", tools: ["snakemake", "nextflow", "airflow", "github_actions"] },
  { label: "code_review", text: "Is there anything wrong with this approach? Each worker opens its own connection and there's a `finally: conn.close()`, and on `OperationalError` we just log a warning and retry once.\n\n{code}", domain: "backend" },
  { label: "code_review", text: "how would a senior dev feel about `while True:` with a `break` in three places? it works but i'm not sure it's readable", domain: "everyday" },
  { label: "code_review", text: "Be honest, is this clean code or a mess?\n\n{code}\n\nThe `raise RuntimeError` at the end is on purpose, it should never be reached.", domain: "backend" },
  { label: "code_review", text: "Would this pass code review at a big company? `def process(data, flag1=False, flag2=False, flag3=None, **kwargs):`", domain: "backend" },
  { label: "code_review", text: "Does it make sense to wrap every pandas step in its own function (`load`, `clean`, `add_features`, `save`) and chain them with `.pipe()`, or is that over-engineering for a 200-line notebook?", domain: "datasci" },
  { label: "code_review", text: "Reviewing a teammate's PR: they catch `KeyError` to handle missing config keys instead of using `.get()` with a default. Should I push back on that, and how would you phrase it?", domain: "backend" },
  { label: "code_review", text: "is it ok to name a variable `l` if it's only used in a three-line loop? my linter complains, code works", domain: "everyday" },
  { label: "general", text: "What does `??` do in JavaScript, and how is it different from `||`?", domain: "web" },
  { label: "error_diagnosis", text: "Why does `df.groupby('sample').mean()` drop my string columns without telling me? I expected an error or at least a warning.", domain: "datasci" },
  { label: "code_generation", text: "Write a function `chunk(items, size)` that splits a list into lists of at most `size` elements, with type hints and a docstring.", domain: "backend" },
  { label: "reasoning", text: "If `f(n) = f(n-1) + 2n` and `f(0) = 0`, what is `f(10)`? Show the steps." }
]

/** Every post list, by name (the name starts the phrasing group of each post). */
export const realVoicePosts: ReadonlyArray<readonly [string, ReadonlyArray<Post>]> = [
  ["workflowPosts", workflowPosts], ["errorPosts", errorPosts], ["reviewPosts", reviewPosts],
  ["codeGenerationPosts", codeGenerationPosts], ["reasoningPosts", reasoningPosts], ["summarizationPosts", summarizationPosts],
  ["dataPosts", dataPosts], ["generalPosts", generalPosts], ["morePosts", morePosts], ["boundaryPosts", boundaryPosts], ["composerPosts", composerPosts], ["chatPosts", chatPosts], ["workflowWithFailurePosts", workflowWithFailurePosts],
  ["inlineReviewPosts", inlineReviewPosts]
]
