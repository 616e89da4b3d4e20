/**
 * Styles of asking the other lists lack, weighted to the types real prompts miss most (code review, workflow
 * generation, data interpretation, error diagnosis). Each list is one place prompts come from, written the way
 * people write there: chatbot logs (terse, lowercase, a pasted block with one word under it), Code Review Stack
 * Exchange posts (a title that names what the code does, then "any feedback welcome"), pull-request threads, Slack
 * and Discord help channels, Biostars and SEQanswers posts, Kaggle notebooks, homework and course assignments. The
 * hard cases are in on purpose: pipeline, "error" and "summary" words inside what is reviewed or interpreted; review
 * without the word review; workflow requests phrased as how-to questions or carrying the error the last attempt
 * gave; numbers to interpret told in prose with no table. Slots are those of `RealVoices.ts`; the labelling
 * convention is the README's. Written for @orch's corpus; no phrasing is taken from or modelled on the dev set.
 */
import type { Post } from "./RealVoices.ts"

const bio = ["snakemake", "nextflow", "slurm", "wdl", "cwl"]
const ci = ["github_actions", "gitlab", "jenkins"]
const data = ["airflow", "prefect", "dagster", "dbt"]

/** Chatbot logs: a pasted block and a word or two under or over it, lowercase, no punctuation, every type. */
export const chatLogTerse: ReadonlyArray<Post> = [
  { label: "code_review", text: "{code}\n\nimprove this" },
  { label: "code_review", text: "{code}\nis this good" },
  { label: "code_review", text: "can u make this better\n{code}" },
  { label: "code_review", text: "{code}\n\nmake it more professional" },
  { label: "code_review", text: "{code}\n\nproduction ready?" },
  { label: "code_review", text: "roast my code\n\n{code}" },
  { label: "code_review", text: "{code}\n\nhow to write this shorter" },
  { label: "code_review", text: "{code}\ncleaner version + explain whats bad in mine" },
  { label: "code_review", text: "rewrite this more elegantly\n{code}" },
  { label: "code_review", text: "{code}\n\nis this how u would do it" },
  { label: "code_review", text: "{code}\n\nbest practices?" },
  { label: "code_review", text: "{def}\n\nis this ok or bad practice", tools: [...bio, ...ci] },
  { label: "code_review", text: "{code}\n\ncan it be more efficient" },
  { label: "error_diagnosis", text: "{traceback}\n\nfix" },
  { label: "error_diagnosis", text: "{code}\n\nnot working" },
  { label: "error_diagnosis", text: "whats wrong\n\n{code}" },
  { label: "error_diagnosis", text: "{error_log}\nhelp" },
  { label: "error_diagnosis", text: "{code}\n\nit just prints nothing" },
  { label: "error_diagnosis", text: "{fail}\n\nwhy" },
  { label: "error_diagnosis", text: "{code}\n\nmake this code work" },
  { label: "error_diagnosis", text: "{code}\nwrong answer on test 3" },
  { label: "error_diagnosis", text: "{traceback}\n\nwhat does this mean and how fix" },
  { label: "data_interpretation", text: "{table}\n\nwhat does this mean" },
  { label: "data_interpretation", text: "{output}\n\ngood or bad?" },
  { label: "data_interpretation", text: "explain these numbers\n\n{table}" },
  { label: "data_interpretation", text: "{output}\nis this result ok" },
  { label: "data_interpretation", text: "{table}\n\nthoughts" },
  { label: "data_interpretation", text: "{table}\nwhich one is best" },
  { label: "workflow_generation", text: "{code}\n\nnow make it a {tool} {unit}" },
  { label: "workflow_generation", text: "same thing but as a {unit} pls\n\n{code}", tools: [...bio, ...data] },
  { label: "workflow_generation", text: "{code}\n\nrun this every night automatically", tools: ["airflow", "cron", "github_actions", "prefect"] },
  { label: "workflow_generation", text: "{def}\n\nadd a step that uploads the results to s3 at the end" },
  { label: "workflow_generation", text: "{code}\n\nparallelize over all samples on slurm", tools: ["slurm", "snakemake", "nextflow"] },
  { label: "code_generation", text: "{stub}\n\nimplement" }
]

/** Code Review Stack Exchange: a title naming what the code does (often with error, summary or pipeline in it), what it is for, the code, and an open ask. */
export const reviewStackExchange: ReadonlyArray<Post> = [
  { label: "code_review", text: "Retry wrapper with error handling for flaky HTTP calls\n\nI wrote this to wrap our calls to a third-party API that sometimes times out. It works in production. I'd appreciate any feedback on style, naming and whether the exception handling is sane.\n\n{code}" },
  { label: "code_review", text: "Summary statistics calculator for survey data\n\nThe function below takes the raw answers and produces the summary table our team uses every week. It gives the right numbers. Any suggestions for making it more readable or faster are welcome.\n\n{code}" },
  { label: "code_review", text: "Snakemake pipeline for paired-end trimming and alignment\n\nThis is my first real {unit}. It runs end to end on our test data. I'm mainly looking for feedback on structure: are the rules split sensibly, are the wildcards used the way they should be, and is there anything that will hurt when it grows?\n\n{def}", tools: ["snakemake"] },
  { label: "code_review", text: "Log parser that counts ERROR and WARN lines per service\n\nWorks fine on our 2 GB logs but I wonder whether the structure is reasonable. All aspects of the code are open for review.\n\n{code}" },
  { label: "code_review", text: "Follow-up: bank account class, second iteration\n\nI applied the suggestions from my last question (immutability, no public fields). Is this version better, and what would you still change?\n\n{code}" },
  { label: "code_review", text: "Tic-tac-toe, beginner\n\nI'm learning and finished my first game. It plays correctly. I'd like to know what an experienced developer would do differently.\n\n{code}" },
  { label: "code_review", text: "GitHub Actions {unit} for a monorepo with three services\n\nIt passes and deploys. I'm unsure about the way I repeat the setup in each {step} and how secrets are passed. Looking for a general review.\n\n{def}", tools: ci },
  { label: "code_review", text: "Parsing a VCF without external libraries\n\nThe task was to read the variants and keep the ones that pass the filters. The code gives the same output as bcftools on my files. Is the approach reasonable? Any edge cases I'm ignoring?\n\n{code}" },
  { label: "code_review", text: "Nextflow DSL2 {unit} for RNA-seq quantification\n\nEverything works on the cluster. Before I share it with the lab, I'd like feedback on how the channels and processes are organised and on how I pass parameters.\n\n{def}", tools: ["nextflow"] },
  { label: "code_review", text: "Error-code to message mapping in a REST API\n\nWe map internal error codes to HTTP responses in one place. It works, but the function keeps growing. Is there a cleaner pattern for this?\n\n{code}" },
  { label: "code_review", text: "Airflow {unit} that loads daily exports into the warehouse\n\nThis has been running for a month without failures. I'm posting it because I taught myself Airflow and want to know what a reviewer would flag: task granularity, retries, how I pass the date.\n\n{def}", tools: ["airflow"] },
  { label: "code_review", text: "Generic pagination helper\n\nUsed in four endpoints so far. Tests pass. Questions: is the signature sensible, and should the cursor logic live somewhere else?\n\n{code}" },
  { label: "code_review", text: "Bash script that backs up and rotates database dumps\n\nIt has worked every night for six months. I'd like a critique: quoting, error handling, anything that could go wrong silently.\n\n{code}" },
  { label: "code_review", text: "Counting k-mers in a FASTA file\n\nCorrect results, but I'm new to the language. Please point out anything unidiomatic or slow.\n\n{code}" },
  { label: "code_review", text: "SLURM submission script for a GPU training job\n\nThe job runs. I copied bits from our wiki and I'm not sure all the directives make sense. Could someone review it?\n\n{def}", tools: ["slurm"] },
  { label: "code_review", text: "Pandas cleaning function for messy sales exports\n\nIt turns the raw export into a tidy frame. I'd welcome any comments, especially about chained operations and whether I should split it.\n\n{code}" },
  { label: "code_review", text: "Makefile for a LaTeX thesis with figures built from scripts\n\nIt builds everything correctly. Is the layout of the targets reasonable, or am I fighting make?\n\n{def}", tools: ["make"] },
  { label: "code_review", text: "React form with validation and error messages\n\nThe form works and shows the right error under each field. I'd like a review of the state handling, it feels like too many useState calls.\n\n{code}" }
]

/** Pull-request threads: a reviewer's comment to weigh, approve or not, nit or blocker, as a diff's author or its reviewer. */
export const reviewPullRequests: ReadonlyArray<Post> = [
  { label: "code_review", text: "A reviewer left this on my PR: \"this should be a dataclass, not a dict\". Is he right, or is it just taste?\n\n{code}" },
  { label: "code_review", text: "Should I approve this? Author says it's a pure refactor, no behaviour change.\n\n{code}" },
  { label: "code_review", text: "nit or blocker? the function below catches every exception and returns an empty list\n\n{code}" },
  { label: "code_review", text: "I'm reviewing a colleague's change and I want to leave useful comments, not just 'looks good'. What would you point out?\n\n{code}" },
  { label: "code_review", text: "Got 14 comments on this PR and I disagree with half of them. Here's the code; which concerns are legit?\n\n{code}" },
  { label: "code_review", text: "PR title: \"Add summary endpoint\". Diff below. Tests are green. Anything you'd request changes on before merge?\n\n{code}" },
  { label: "code_review", text: "Second round of review on my {unit} change. The reviewer says the {step}s are too coupled. Do you agree, and how would you split them?\n\n{def}" },
  { label: "code_review", text: "How do I respond to a review comment that says my error handling is 'too defensive'? Here's the code in question:\n\n{code}" },
  { label: "code_review", text: "would you ship this?\n\n{code}" },
  { label: "code_review", text: "The CI is green and the {unit} deploys fine, but my lead wants a second opinion before we merge this to main. Anything smell off?\n\n{def}", tools: ci },
  { label: "code_review", text: "Is this diff safe to merge on a Friday? It only touches the retry logic.\n\n{code}" },
  { label: "code_review", text: "Writing my first code review for a junior. Their code is below. Help me find the 3 most important things to say, kindly.\n\n{code}" },
  { label: "code_review", text: "Approve or request changes? Be specific about which lines.\n\n{code}" },
  { label: "code_review", text: "Reviewer asked me to \"make this more testable\". What does that mean concretely for this function?\n\n{code}" }
]

/** Homework, interviews and courses: a solution that works, and a question about its quality. */
export const reviewHomeworkInterview: ReadonlyArray<Post> = [
  { label: "code_review", text: "This is my solution to the two-sum problem. It's accepted, but is it optimal? How would an interviewer judge it?\n\n{code}" },
  { label: "code_review", text: "My professor took points off for 'style' without explaining. What's wrong with the style here?\n\n{code}" },
  { label: "code_review", text: "Take-home assignment for a job interview, due tomorrow. It works. Would this get me hired or do I look junior?\n\n{code}" },
  { label: "code_review", text: "{code}\n\nthis passes all test cases on the judge, but my friend says it's ugly. is he right? how would a senior write it" },
  { label: "code_review", text: "For my bioinformatics course we had to write a {unit} for the practical. Mine runs. Before I hand it in, does it follow good practice?\n\n{def}", tools: ["snakemake", "nextflow"] },
  { label: "code_review", text: "Interview prep: I'm practising explaining trade-offs. Critique this like a tough interviewer would.\n\n{code}" },
  { label: "code_review", text: "TA here. A student submitted this. It's correct; I need to write feedback on readability and structure. What should I say?\n\n{code}" },
  { label: "code_review", text: "I'm self-taught and have no one to look at my code. Here's a small project file. What habits should I drop?\n\n{code}" },
  { label: "code_review", text: "is it bad that my function is 80 lines? it works and the teacher didn't say anything\n\n{code}" },
  { label: "code_review", text: "Which is better for readability here, the list comprehension or the for loop? Both give the same result.\n\n{code}" },
  { label: "code_generation", text: "Homework: write a function that returns the second largest number in a list without sorting. Please explain the solution too." },
  { label: "error_diagnosis", text: "For my assignment this should return 6 but returns 5, I don't see why\n\n{code}" }
]

/** Review of workflow definitions that run, asked without the word review, with failure words in the definition or the past. */
export const reviewWorkflowDesign: ReadonlyArray<Post> = [
  { label: "code_review", text: "Runs fine on 40 samples. Anything in this {unit} that will hurt me at 400?\n\n{def}", tools: bio },
  { label: "code_review", text: "how would a senior bioinformatician structure this? it works but I copied most of it from a tutorial\n\n{def}", tools: bio },
  { label: "code_review", text: "Is it bad that every {step} here has its own conda env? Works, but the first run takes ages.\n\n{def}", tools: ["snakemake", "nextflow"] },
  { label: "code_review", text: "Our {unit} below has `retries: 3` and an on-failure email in every {step}. Overkill? Nothing is failing, I'm just tidying up.\n\n{def}", tools: ["airflow", "prefect", "github_actions", "gitlab"] },
  { label: "code_review", text: "{def}\n\nthoughts on this layout? too many {step}s?" },
  { label: "code_review", text: "We inherited this {unit}. It has never failed, but nobody understands it. Before we touch it: what's questionable in how it's written?\n\n{def}" },
  { label: "code_review", text: "Does this {unit} do anything stupid with resources? The error rate on the cluster is zero, I just want to be a good citizen.\n\n{def}", tools: ["slurm", "snakemake", "nextflow"] },
  { label: "code_review", text: "Last month this {unit} failed because of a race between two {step}s; I fixed it as below and it has been green since. Is the fix clean or a hack?\n\n{def}" },
  { label: "code_review", text: "Is hard-coding the sample list in the {unit} acceptable for a one-off analysis, or should I still move it to a config file? It runs.\n\n{def}", tools: bio },
  { label: "code_review", text: "Is this a good way to share {step}s between our repos, or will it become a maintenance problem?\n\n{def}", tools: ci },
  { label: "code_review", text: "too clever? I used a Python function to generate the {step}s dynamically\n\n{def}", tools: ["airflow", "snakemake", "prefect"] },
  { label: "general", text: "Is Snakemake or Nextflow the better choice for a small lab that mostly runs RNA-seq on a SLURM cluster?", domain: "bioinfo" },
  { label: "workflow_generation", text: "Runs fine, but I'd like it to also run on pull requests and cache the dependencies. Can you add that?\n\n{def}", tools: ci }
]

/** Slack and Discord help channels: @-mentions, "anyone seen this", a red build, a crash with a paste and little prose. */
export const errorHelpChannels: ReadonlyArray<Post> = [
  { label: "error_diagnosis", text: "@here anyone seen this before? started after the last deploy\n\n{error_log}" },
  { label: "error_diagnosis", text: "nightly {unit} is red since 3am, no code changes on our side\n\n{fail}" },
  { label: "error_diagnosis", text: "quick q, is it just me or does this mean the cluster is out of memory?\n\n{fail}", tools: ["slurm", "snakemake", "nextflow"] },
  { label: "error_diagnosis", text: "pods crashlooping in staging, logs below, prod is fine. ideas?\n\n{error_log}" },
  { label: "error_diagnosis", text: "sorry to ping again but I'm still stuck on this one\n\n{traceback}\n\nI already reinstalled the venv" },
  { label: "error_diagnosis", text: "hey folks, my {step} dies after ~2h every time, exit code 137, nothing useful in the log. what should I look at?", tools: ["slurm", "nextflow", "snakemake"], domain: "bioinfo" },
  { label: "error_diagnosis", text: "build broke on main, can someone look?\n\n{fail}", tools: ci },
  { label: "error_diagnosis", text: "{traceback}\n\n^ this happens on the second request only, first one is fine. anyone?" },
  { label: "error_diagnosis", text: "thread: the deploy job hangs at 'waiting for rollout' forever. no error, it just never finishes. what usually causes that?", domain: "devops" },
  { label: "error_diagnosis", text: "does anyone know why the dashboard shows no data since midnight? the ingestion job says success", domain: "datasci" },
  { label: "error_diagnosis", text: "PSA + question: after bumping the base image, this is what we get. rollback works. what changed?\n\n{error_log}" },
  { label: "error_diagnosis", text: "my code runs locally but in the container it can't find the file, path looks right\n\n{code}" },
  { label: "error_diagnosis", text: "{fail}\n\nthis is the 3rd time this week. flaky or real?" },
  { label: "workflow_generation", text: "hey, does anyone have a {tool} {unit} that runs our tests on every PR and deploys on merge? ours keeps breaking so I'd rather start from a clean one", tools: ci }
]

/** Biostars, SEQanswers and r/bioinformatics: symptoms of a broken analysis, often numbers without the word error. */
export const errorBiostars: ReadonlyArray<Post> = [
  { label: "error_diagnosis", text: "STAR gives 0% uniquely mapped reads for all my samples. Same index worked last month. What did I do wrong?\n\n{error_log}" },
  { label: "error_diagnosis", text: "featureCounts assigns 0 reads to features\n\nI ran it on my BAMs with the GTF from Ensembl and every sample has 0 assigned. The BAMs look fine in IGV. Command and output:\n\n{output}" },
  { label: "error_diagnosis", text: "samtools sort truncated file / EOF marker is absent\n\nGot this for 2 of 24 BAMs. The jobs finished without complaint. Is the file corrupt, and how do I avoid it?\n\n{error_log}" },
  { label: "error_diagnosis", text: "conda env for my {unit} takes an hour to solve and then fails with a conflict. Environment file and message:\n\n{error_log}", tools: ["snakemake", "nextflow"] },
  { label: "error_diagnosis", text: "bcftools merge complains that the sample names clash, but each VCF has a different sample. How can that be?", domain: "bioinfo" },
  { label: "error_diagnosis", text: "My DESeq2 script stops at the size factors step. Every gene has a zero somewhere. Script below:\n\n{code}" },
  { label: "error_diagnosis", text: "GATK HaplotypeCaller output VCF is empty (header only) for one sample. The BAM has reads on those regions. Why would it call nothing?", domain: "bioinfo" },
  { label: "error_diagnosis", text: "Why does bowtie2 report 100% alignment but the BAM file is 1 KB?", domain: "bioinfo" },
  { label: "error_diagnosis", text: "Nextflow {step} keeps getting killed by SLURM, though I set memory 32 GB. Here's the .command.log:\n\n{fail}", tools: ["nextflow"] },
  { label: "error_diagnosis", text: "Salmon quant: mapping rate 0.5% on mouse data with a mouse index. Something is obviously off but I can't see what.\n\n{output}" },
  { label: "error_diagnosis", text: "Trimmomatic finishes but output FASTQ files have no reads. Here's how I call it:\n\n{code}" },
  { label: "error_diagnosis", text: "MultiQC report is missing half my samples even though the FastQC files exist for all of them. Log:\n\n{error_log}" },
  { label: "data_interpretation", text: "Salmon mapping rates for my 12 samples are between 78% and 86%. Is that in the normal range for human RNA-seq, or should I worry?", domain: "bioinfo" },
  { label: "workflow_generation", text: "I keep running fastp, bwa and samtools by hand for each of my 60 samples and I'm making mistakes. Can someone help me put it into a {unit} that runs them on the cluster?", tools: bio }
]

/** Diagnosis told as a symptom, with code or a command and no error word: nothing happens, wrong output, hangs. */
export const errorSymptoms: ReadonlyArray<Post> = [
  { label: "error_diagnosis", text: "Why does this print nothing? I expected the list of names.\n\n{code}" },
  { label: "error_diagnosis", text: "The loop never ends when the input is empty. What am I missing?\n\n{code}" },
  { label: "error_diagnosis", text: "Output is off by one on every row compared to what Excel gives me.\n\n{code}" },
  { label: "error_diagnosis", text: "The button click does nothing in Safari, works in Chrome.\n\n{code}" },
  { label: "error_diagnosis", text: "This returns None even though the key is clearly in the dict\n\n{code}" },
  { label: "error_diagnosis", text: "I run it and the output file is created but it's empty. No message at all.\n\n{code}" },
  { label: "error_diagnosis", text: "Memory keeps growing until the process gets killed after a few hours. Code that runs in the loop:\n\n{code}" },
  { label: "error_diagnosis", text: "Sometimes the totals are doubled. Only in production, never in tests.\n\n{code}" },
  { label: "error_diagnosis", text: "make this work, it's supposed to read all the files in the folder but it only reads the first one\n\n{code}" },
  { label: "error_diagnosis", text: "Dates come out a day early after saving. Timezone thing? Code:\n\n{code}" },
  { label: "error_diagnosis", text: "{code}\n\nwhy does this give a different result every time I run it" },
  { label: "error_diagnosis", text: "The job used to take 5 minutes and now it hangs at 99% forever. Nothing changed except the input size.", domain: "datasci" },
  { label: "code_review", text: "This works, but it's slow on big inputs and I'd like it cleaner. Suggestions?\n\n{code}" }
]

/** Workflow requests asked as how-to or what's-best questions about the asker's own steps, with no "write". */
export const workflowQuestions: ReadonlyArray<Post> = [
  { label: "workflow_generation", text: "what's the cleanest way to run these 40 samples on the cluster? right now it's one big bash loop\n\n{code}", tools: ["slurm", "snakemake", "nextflow"] },
  { label: "workflow_generation", text: "How should I chain these steps so each one only starts when the previous finished: download, trim, align, count, report?", tools: bio, domain: "bioinfo" },
  { label: "workflow_generation", text: "What's the best way to run the same analysis on 200 samples without babysitting it? I have the script for one sample:\n\n{code}", tools: bio },
  { label: "workflow_generation", text: "how do people usually get tests + lint + deploy to happen automatically when we push? small team, repo on github, never set this up", domain: "devops" },
  { label: "workflow_generation", text: "Is there a way to make the report {step} rerun only when its inputs changed, instead of running everything every time? My {unit}:\n\n{def}", tools: ["snakemake", "make", "nextflow"] },
  { label: "workflow_generation", text: "What would the {unit} look like if the three extracts should run in parallel and the join only after all of them?", tools: data, domain: "datasci" },
  { label: "workflow_generation", text: "how do I get these scripts to run in order every morning and tell me if one fails?\n\n{code}", tools: data },
  { label: "workflow_generation", text: "Any recommendation on how to organise this into separate {step}s? Everything is in one giant {step} at the moment.\n\n{def}" },
  { label: "workflow_generation", text: "should alignment and sorting be one {step} or two in my {unit}? and how would you write it?", tools: bio, domain: "bioinfo" },
  { label: "workflow_generation", text: "What's a sane way to retry only the failed samples instead of rerunning the whole batch? Current {unit}:\n\n{def}", tools: ["snakemake", "nextflow", "slurm"] },
  { label: "workflow_generation", text: "How do I make the deploy happen only after the tests on all three OSes pass?\n\n{def}", tools: ci },
  { label: "workflow_generation", text: "Where would a QC {step} go in this, and how do I make the rest skip samples that fail it?\n\n{def}", tools: bio },
  { label: "workflow_generation", text: "how can I run this notebook every Monday and email the output? not a devops person", domain: "datasci" },
  { label: "general", text: "What does a workflow manager actually give me over a bash script? Trying to decide if it's worth learning one.", domain: "bioinfo" },
  { label: "general", text: "Which is easier to learn for a biologist: Snakemake or Nextflow?", domain: "bioinfo" },
  { label: "error_diagnosis", text: "How do I get this {unit} to stop failing at the last {step}? It worked last week.\n\n{fail}" }
]

/** Workflow requests that mention, in words or pasted, the error the current attempt gave; the deliverable is the workflow. */
export const workflowAfterAttempt: ReadonlyArray<Post> = [
  { label: "workflow_generation", text: "My last attempt said MissingInputException, so clearly I don't get wildcards. Can you just write the rule for me: for each sample in samples.tsv, trim with fastp into trimmed/{sample}_R1.fq.gz and _R2.", tools: ["snakemake"], domain: "bioinfo" },
  { label: "workflow_generation", text: "tried to write the {unit} myself and got a wall of errors. starting over: I need build on every push, tests on PRs, deploy on tags. can you write it?", tools: ci },
  { label: "workflow_generation", text: "I gave up on my version after the scheduler kept saying the {unit} has a cycle. What I need: ingest, then clean, then two reports in parallel, then an email. Please write it properly.", tools: data },
  { label: "workflow_generation", text: "Here's what I have so far; it errors on the merge {step}, but rather than fixing that I think it needs restructuring so the merge waits for every sample. Can you rewrite it?\n\n{def}\n\n{fail}", tools: bio },
  { label: "workflow_generation", text: "Previous try gave 'channel already used' errors. Could you show me the correct way to feed the same reads into both fastqc and the aligner in a DSL2 {unit}?", tools: ["nextflow"], domain: "bioinfo" },
  { label: "workflow_generation", text: "The error below is from my attempt at running the {step}s in parallel. Ignore my attempt; how should the {unit} be written so 20 samples run at once and a summary runs at the end?\n\n{fail}" },
  { label: "workflow_generation", text: "my sbatch loop submits all 500 jobs at once and the admin complained. make it an array job with max 25 at a time please\n\n{def}", tools: ["slurm"] },
  { label: "workflow_generation", text: "I keep getting timeouts when the whole thing runs as one cron script. Break it into a {tool} {unit} with a {step} per stage and retries on the download.\n\n{code}", tools: data },
  { label: "workflow_generation", text: "Error from my half-finished {unit}:\n\n{fail}\n\nWhat I actually want is simpler: lint, test, then build the image and push it. Write me the whole file.", tools: ci },
  { label: "workflow_generation", text: "Convert this to a {tool} {unit}. The bash version fails halfway at random and I can't resume it.\n\n{code}", tools: bio },
  { label: "error_diagnosis", text: "Why does my {unit} say the input is missing? I just want to understand the message, the rest is fine.\n\n{fail}" }
]

/** Assignments, specs and tickets that describe a workflow to build, in course or ticket format. */
export const workflowSpecs: ReadonlyArray<Post> = [
  { label: "workflow_generation", text: "Assignment 3 (Reproducible analysis)\nUsing {tool}, build a workflow that:\n1. downloads the reads listed in config\n2. runs quality control on each\n3. aligns to the reference\n4. produces a summary table of mapping rates\nThe workflow must run with one command.", tools: ["snakemake", "nextflow"], domain: "bioinfo" },
  { label: "workflow_generation", text: "Ticket OPS-412: Automate the weekly export.\nAcceptance criteria:\n- runs every Sunday 02:00 UTC\n- retries twice on failure\n- posts a message to #data when done\nPlease draft the {unit} for this.", tools: ["airflow", "prefect", "github_actions"], domain: "devops" },
  { label: "workflow_generation", text: "User story: as a maintainer I want every release tag to build the wheels for Linux, macOS and Windows and publish them, so that I never upload by hand. Write the {unit}.", tools: ["github_actions", "gitlab"], domain: "devops" },
  { label: "workflow_generation", text: "Feature request for our pipeline: also run MultiQC at the end and put the report next to the counts. Here's the current {unit}, please add it.\n\n{def}", tools: bio },
  { label: "workflow_generation", text: "Lab protocol, computational part: demultiplex, then per sample trim, align with bwa, call with bcftools; then merge all calls. I'd like this as a {unit} that runs on our SLURM cluster.", tools: bio, domain: "bioinfo" },
  { label: "workflow_generation", text: "Requirements:\n- input: folder of CSVs, new ones arrive daily\n- validate schema, reject bad files to quarantine/\n- load good ones to Postgres\n- rebuild the summary view\nOutput: a {tool} {unit}.", tools: data, domain: "datasci" },
  { label: "workflow_generation", text: "Exercise: rewrite the Makefile-based build of this project as a CI {unit} with separate build, test and package stages, caching the toolchain.\n\n{def}", tools: ["make"] },
  { label: "workflow_generation", text: "Deliverable for the sprint: a {unit} that trains the model nightly, evaluates on the holdout, and only replaces the production model if the metric improves.", tools: data, domain: "datasci" }
]

/** Numbers to interpret told in prose, no table: chat and forum voices, across domains. */
export const dataInProse: ReadonlyArray<Post> = [
  { label: "data_interpretation", text: "my model gets 0.98 accuracy on train and 0.71 on validation, what does that tell me", domain: "datasci" },
  { label: "data_interpretation", text: "one of my samples has 45% mapping and all the others are around 90%. what could that mean for the analysis, should I keep it?", domain: "bioinfo" },
  { label: "data_interpretation", text: "p = 0.06 with n = 12 per group. my PI wants to call it a trend. is that fair?", domain: "datasci" },
  { label: "data_interpretation", text: "Our signup conversion went from 3.1% to 3.4% after the redesign, on about 40k visitors each week. Real improvement or noise?", domain: "web" },
  { label: "data_interpretation", text: "I ran 5k in 31:40 in March, 29:55 in April and 30:20 in May. Am I actually getting faster?", domain: "everyday" },
  { label: "data_interpretation", text: "FastQC says per base sequence content failed for the first 12 bases of all my RNA-seq libraries, everything else passed. Should I be worried?", domain: "bioinfo" },
  { label: "data_interpretation", text: "cache hit rate dropped from 92% to 70% after the deploy but latency barely moved. how should I read that?", domain: "devops" },
  { label: "data_interpretation", text: "The error rate of our API is 0.4% on weekdays and 2% at weekends, while traffic is a third at weekends. What does that suggest?", domain: "devops" },
  { label: "data_interpretation", text: "the summary line says 1.2M reads in, 0.9M after trimming, 0.6M after dedup. is losing half normal?", domain: "bioinfo" },
  { label: "data_interpretation", text: "PC1 explains 57% of the variance and separates my samples by sex, not by treatment. What does that mean for the DE analysis?", domain: "bioinfo" },
  { label: "data_interpretation", text: "I have 3 DE genes at padj < 0.1 for a treatment that should do a lot. What could the result be telling me?", domain: "bioinfo" },
  { label: "data_interpretation", text: "Spent 1,200 on ads last month for 35 sales at 60 each. This month 1,800 for 41 sales. Was the extra spend worth it?", domain: "everyday" },
  { label: "data_interpretation", text: "Our NPS went from 32 to 28 but the number of responses doubled. How should I present that to management?", domain: "writing" },
  { label: "data_interpretation", text: "Cohen's kappa between the two annotators is 0.41. Is that acceptable for a labelling project?", domain: "datasci" },
  { label: "data_interpretation", text: "my resting heart rate went from 72 to 64 over three months of running. what does that usually indicate?", domain: "everyday" },
  { label: "data_interpretation", text: "heterozygosity ratio of 1.9 in one exome and about 1.5 in the rest of the cohort, what might that point to?", domain: "bioinfo" },
  { label: "reasoning", text: "If 3% of 40,000 visitors convert and each sale is worth 25, how much revenue is that? Show the calculation.", domain: "everyday" },
  { label: "general", text: "What is a good resting heart rate for a 35 year old?", domain: "everyday" }
]

/** Tables and tool output whose words point elsewhere (error, summary, failed, pipeline), asked to be read. */
export const dataMisleadingWords: ReadonlyArray<Post> = [
  { label: "data_interpretation", text: "{table}\n\nthe error column is RMSE per fold. which model would you pick, and is the difference meaningful?" },
  { label: "data_interpretation", text: "Summary from MultiQC below. Which samples should I worry about?\n\n{table}" },
  { label: "data_interpretation", text: "This is the summary output of my regression. How do I read it, which predictors matter?\n\n{output}" },
  { label: "data_interpretation", text: "Error summary from last week's load test. Is our failure rate acceptable for the SLA?\n\n{table}" },
  { label: "data_interpretation", text: "Pipeline run stats below (runtime and memory per step). Which step is the bottleneck, and does anything look abnormal?\n\n{table}" },
  { label: "data_interpretation", text: "{output}\n\nthe last line says 3 failed, 97 passed. is a 3% failure rate for these QC checks normal for a run this size?" },
  { label: "data_interpretation", text: "Nothing crashed, I just want to understand these numbers from the run:\n\n{output}" },
  { label: "data_interpretation", text: "Here's the exception count per service for the month. What's the story, which team should look first?\n\n{table}" },
  { label: "data_interpretation", text: "Can you summarise what this table says about the batches? Not the text, the numbers.\n\n{table}" },
  { label: "data_interpretation", text: "warnings per sample from the variant caller, tabulated. does any sample stand out?\n\n{table}" },
  { label: "summarization", text: "Summarise this post-mortem for the weekly update, 3 bullets.\n\n{document}" },
  { label: "error_diagnosis", text: "The run summary says it failed. What went wrong?\n\n{error_log}" }
]

/** Kaggle and notebook voices: metrics, curves and importances pasted from a notebook, asked what they mean. */
export const dataNotebooks: ReadonlyArray<Post> = [
  { label: "data_interpretation", text: "validation loss goes up after epoch 5 while training loss keeps going down. what's happening and when should I stop?\n\n{output}" },
  { label: "data_interpretation", text: "Feature importance from my gradient boosting model says customer_id is the top feature. Does that make sense?\n\n{table}" },
  { label: "data_interpretation", text: "Confusion matrix for my 4-class model below. Why do you think class 3 is so bad, and what does it say about the data?\n\n{table}" },
  { label: "data_interpretation", text: "cross-val scores: 0.81, 0.83, 0.62, 0.80, 0.82. the third fold is way lower, what does that mean?", domain: "datasci" },
  { label: "data_interpretation", text: "public LB 0.912, my local CV 0.87. should I trust the leaderboard or my CV?", domain: "datasci" },
  { label: "data_interpretation", text: "describe() output of my dataset. anything suspicious before I start modelling?\n\n{table}" },
  { label: "data_interpretation", text: "AUC 0.93 but precision at the threshold we use is 0.2. Is the model good or not?", domain: "datasci" },
  { label: "data_interpretation", text: "{output}\n\nthis is after hyperparameter tuning. did anything actually improve vs the baseline?" },
  { label: "data_interpretation", text: "correlation between the two features is 0.97 in my EDA. what does that mean for the model?", domain: "datasci" },
  { label: "code_review", text: "Here's my notebook cell for the train/test split and scaling. Anything leaky or bad practice?\n\n{code}" },
  { label: "error_diagnosis", text: "my notebook cell throws this when I fit the model\n\n{traceback}" },
  { label: "code_generation", text: "how do I plot the learning curve of my sklearn model? train and validation score vs training size", domain: "datasci" }
]

/**
 * A workflow to change, asked in the words of review (improve, optimise, clean up, make it better) but naming the
 * change: parallelise, add a step, make it configurable, resumable or scheduled. The deliverable is the changed
 * definition, so workflow generation; beside them, the same words over a definition with nothing to change asked
 * for, which stay review.
 */
export const workflowImproveRequests: ReadonlyArray<Post> = [
  { label: "workflow_generation", text: "improve this {unit} so the samples run in parallel instead of one after another\n\n{def}", tools: bio },
  { label: "workflow_generation", text: "Optimise this {unit}: the reference gets re-indexed for every sample. Make it build the index once and reuse it.\n\n{def}", tools: bio },
  { label: "workflow_generation", text: "Clean up this {unit} and add a final {step} that collects all the per-sample results into one table.\n\n{def}" },
  { label: "workflow_generation", text: "make this better: it should read the samples from a config file, not a hard-coded list\n\n{def}", tools: bio },
  { label: "workflow_generation", text: "Can you make this {unit} faster? Cache the dependencies and run lint and tests as separate parallel {step}s.\n\n{def}", tools: ci },
  { label: "workflow_generation", text: "{def}\n\nplease upgrade this to DSL2 with modules, one process per tool", tools: ["nextflow"] },
  { label: "workflow_generation", text: "{def}\n\nmake it resumable, so if the 30th sample fails I don't redo the first 29", tools: ["slurm", "snakemake", "nextflow", "make"] },
  { label: "workflow_generation", text: "Modernise our {unit}: it still uses the old syntax and runs everything in one {step}. Split it into build, test and deploy with the artifact passed along.\n\n{def}", tools: ci },
  { label: "workflow_generation", text: "Improve the {unit} below by adding retries on the download {step} and an alert when the load {step} fails.\n\n{def}", tools: data },
  { label: "workflow_generation", text: "{def}\n\nrefactor this into a main {unit} plus one file per stage, and give each {step} its own threads and memory", tools: ["snakemake", "nextflow"] },
  { label: "workflow_generation", text: "Better version of this please: same {step}s, but triggered only when files under src/ change, and deploy only from main.\n\n{def}", tools: ci },
  { label: "workflow_generation", text: "Make this production grade: parameters instead of paths, a container per {step}, and a report at the end.\n\n{def}", tools: bio },
  { label: "code_review", text: "{def}\n\nhow could this {unit} be improved? not asking you to rewrite it, just what you'd change and why" },
  { label: "code_review", text: "Is there anything to improve in this {unit}, or is it fine as it is?\n\n{def}" }
]

/**
 * Numbers told in a paragraph (a results section, a report, a status update) with a question about what they mean:
 * significance, whether to worry, which is better. Condensing the same paragraph is summarization.
 */
export const dataReportProse: ReadonlyArray<Post> = [
  { label: "data_interpretation", text: "From our quarterly report: \"Active users rose from 18,400 to 21,100 (+14.7%), while paid conversions fell from 4.2% to 3.6% and average order value stayed at 38.\" What does this actually say about the business? Good or bad quarter?", domain: "datasci" },
  { label: "data_interpretation", text: "Results paragraph from a paper I'm reading: treated mice lost 12.3% body weight (SD 4.1, n=6) versus 9.8% (SD 5.0, n=6) in controls, p = 0.37. The authors say the treatment 'tends to' reduce weight. Is that a fair reading of these numbers?", domain: "bioinfo" },
  { label: "data_interpretation", text: "Our sequencing provider wrote: 'Yield 412 Gb, Q30 88.5%, 3 of 96 samples below 20M reads, duplication 8-15%.' Is this a good run? Anything to push back on?", domain: "bioinfo" },
  { label: "data_interpretation", text: "Status update from the on-call: p95 latency 180 ms last week, 240 ms this week; error rate flat at 0.2%; traffic up 30%. Should we be worried, or is this just load?", domain: "devops" },
  { label: "data_interpretation", text: "In the pilot, 34 of 50 patients responded on the new dose and 29 of 50 on the old one. My manager wants to switch. Do these numbers support it?", domain: "datasci" },
  { label: "data_interpretation", text: "The vendor claims their model is 'twice as accurate': 94% accuracy against our 88%. Our classes are 90% negative. How impressed should I be?", domain: "datasci" },
  { label: "data_interpretation", text: "Our blog had 12k views in January with an average read time of 45 s, and 7k views in February at 2 min 10 s. Which month did better, really?", domain: "writing" },
  { label: "data_interpretation", text: "Exam results this year: mean 64, median 71, a big cluster around 80 and another around 35. What does that shape tell me about the class?", domain: "everyday" },
  { label: "data_interpretation", text: "Methods say 2.1 billion reads were sequenced across 48 samples, but the text says only 61% aligned uniquely. Is that low enough to question the conclusions?", domain: "bioinfo" },
  { label: "data_interpretation", text: "Our team's sprint velocity: 34, 31, 40, 22, 38 points. Leadership asks why it's 'unstable'. Is it, and what would you tell them?", domain: "writing" },
  { label: "summarization", text: "Summarise this results section in two sentences for the lab meeting slides.\n\n{document}" },
  { label: "summarization", text: "Give me the gist of this report, no analysis, just the main points.\n\n{document}" }
]

/**
 * Review asked as a rewrite of pasted working code in a named direction: modernise, make it more pythonic, less
 * nested, use the standard library, fewer lines. The code works; the ask is the better version of it.
 */
export const reviewRewriteAsks: ReadonlyArray<Post> = [
  { label: "code_review", text: "{code}\n\nmodernize this, it looks like it was written 10 years ago" },
  { label: "code_review", text: "Make this less nested. It works but it's arrow-shaped and my eyes hurt.\n\n{code}" },
  { label: "code_review", text: "Rewrite this the pythonic way and tell me which parts of mine were unpythonic.\n\n{code}" },
  { label: "code_review", text: "{code}\n\nsame behaviour, fewer lines? without making it unreadable" },
  { label: "code_review", text: "Could this use the standard library instead of my hand-written loops? Please show the better version.\n\n{code}" },
  { label: "code_review", text: "{code}\n\ncan you restructure this so it's easier to test" },
  { label: "code_review", text: "This works but it's a wall of if/else. What pattern would clean it up? Show me.\n\n{code}" },
  { label: "code_review", text: "Tidy this before I commit: naming, dead code, obvious smells.\n\n{code}" },
  { label: "code_review", text: "{code}\n\nwhat would you change to make this maintainable by someone else" },
  { label: "code_review", text: "Same function, two colleagues disagree on the style. Mine:\n\n{code}\n\nWho is right about the early returns?" },
  { label: "code_generation", text: "{code}\n\nadd a CLI to this with argparse so I can pass the input file" },
  { label: "code_generation", text: "Port this to Go, same behaviour.\n\n{code}" }
]

/** Every list in this file, by name, and how many times each post with a slot is composed. */
export const stylePosts: ReadonlyArray<readonly [string, ReadonlyArray<Post>, number]> = [
  ["chatLogTerse", chatLogTerse, 2],
  ["reviewStackExchange", reviewStackExchange, 2],
  ["reviewPullRequests", reviewPullRequests, 2],
  ["reviewHomeworkInterview", reviewHomeworkInterview, 2],
  ["reviewWorkflowDesign", reviewWorkflowDesign, 2],
  ["errorHelpChannels", errorHelpChannels, 2],
  ["errorBiostars", errorBiostars, 2],
  ["errorSymptoms", errorSymptoms, 2],
  ["workflowQuestions", workflowQuestions, 2],
  ["workflowAfterAttempt", workflowAfterAttempt, 2],
  ["workflowSpecs", workflowSpecs, 2],
  ["dataInProse", dataInProse, 2],
  ["dataMisleadingWords", dataMisleadingWords, 2],
  ["dataNotebooks", dataNotebooks, 2],
  ["workflowImproveRequests", workflowImproveRequests, 2],
  ["dataReportProse", dataReportProse, 2],
  ["reviewRewriteAsks", reviewRewriteAsks, 2]
]
