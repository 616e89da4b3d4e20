/**
 * Hand-written sentence frames with hand-written fillers, for variety within each type: code to write in many
 * languages and for many tasks, word problems with changing numbers, concept questions across domains, symptoms of
 * broken things, numbers to read, and workflow tools and steps. Each frame is its own phrasing; fillers change the
 * subject, never the kind of request.
 */
import type { Standalone } from "./RequestsCode.ts"

/** Code tasks: [domain, what the code should do]. */
const codeTasks: ReadonlyArray<readonly [string, string]> = [
  ["backend", "validates an email address"], ["backend", "retries an HTTP request with exponential backoff"],
  ["backend", "reads a YAML config and merges it with environment variables"], ["backend", "hashes passwords with bcrypt and checks them"],
  ["backend", "paginates results from a REST API until there are no more pages"], ["backend", "parses ISO 8601 dates and returns the weekday"],
  ["web", "validates a signup form and shows inline messages"], ["web", "lazy-loads images as they scroll into view"],
  ["web", "fetches JSON from an endpoint and renders it as a list"], ["web", "formats a number as currency for any locale"],
  ["datasci", "computes a confusion matrix from two lists of labels"], ["datasci", "splits a dataframe into train and test sets stratified by a column"],
  ["datasci", "normalises every numeric column to zero mean and unit variance"], ["datasci", "reads all CSV files in a folder into one dataframe"],
  ["bioinfo", "counts k-mers of length k in a DNA sequence"], ["bioinfo", "parses a FASTQ file and reports the mean quality per read"],
  ["bioinfo", "finds open reading frames longer than 100 codons"], ["bioinfo", "computes the Hamming distance between two sequences"],
  ["bioinfo", "filters a BED file to regions overlapping a gene list"], ["bioinfo", "renames FASTQ files from a sample sheet"],
  ["devops", "rotates log files older than a week"], ["devops", "checks whether a list of URLs returns HTTP 200"],
  ["devops", "waits until a TCP port is open, with a timeout"], ["devops", "parses the output of df and warns about full disks"],
  ["everyday", "converts Celsius to Fahrenheit"], ["everyday", "counts the words in a text file"],
  ["everyday", "shuffles a deck of cards"], ["everyday", "checks whether a year is a leap year"],
  ["everyday", "finds the most common word in a sentence"], ["everyday", "generates a random strong password"]
]

const languages = ["Python", "JavaScript", "TypeScript", "Go", "Rust", "Java", "C#", "Ruby", "Bash", "R", "Kotlin", "C++", "PHP", "Swift"]

const codeFrames: ReadonlyArray<string> = [
  "Write a {lang} function that {task}.",
  "Can you write me some {lang} code that {task}?",
  "I need a {lang} script that {task}. Keep it simple, I'm a beginner.",
  "Implement a {lang} utility that {task}, with tests.",
  "how do i write a function in {lang} that {task}",
  "Show me idiomatic {lang} for a function that {task}.",
  "Generate {lang} code which {task}. Add comments.",
  "Please code a small {lang} program that {task}.",
  "Give me a {lang} snippet that {task}.",
  "Create a reusable {lang} module that {task}, and show an example call.",
  "Write a class in {lang} that {task}.",
  "quick {lang} one that {task}?",
  "Need code: {lang}, something that {task}. Production quality please.",
  "Could you help me write a {lang} function that {task}? I'm stuck on where to start."
]

/** Code generation prompts from frames x tasks x languages (a fixed stride picks the combinations). */
export const codeGenerationTemplated = (count: number): Array<Standalone> => {
  const out: Array<Standalone> = []
  for (let i = 0; i < count; i++) {
    const [domain, task] = codeTasks[(i * 7) % codeTasks.length] ?? ["backend", ""]
    const frame = codeFrames[i % codeFrames.length] ?? ""
    const lang = domain === "bioinfo" && i % 3 !== 0 ? (i % 2 === 0 ? "Python" : "R") : languages[(i * 5) % languages.length] ?? "Python"
    out.push([domain, frame.replace("{lang}", lang).replace("{task}", task), `code frame ${i % codeFrames.length}`])
  }
  return out
}

/** Word-problem frames; the numbers come from the index. */
const problemFrames: ReadonlyArray<(a: number, b: number, c: number) => string> = [
  (a, b, c) => `A shop sells ${a} apples on Monday and ${b} more each following day. How many apples has it sold after ${c} days?`,
  (a, b) => `A car travels ${a * 10} km in ${b} hours. At the same speed, how long does ${a * 25} km take?`,
  (a, b, c) => `${a} workers build a wall in ${b} days. How long would ${a + c} workers take, working at the same rate?`,
  (a, b) => `Lena has ${a + b} marbles. She gives ${a} to her brother and then loses half of the rest. How many does she have left?`,
  (a, b, c) => `A tank fills in ${a} hours with one pipe and empties in ${a + b + c} hours with another. If both are open, how long until it is full?`,
  (a, b) => `The sum of two numbers is ${a + b} and their difference is ${Math.abs(a - b)}. What are the numbers?`,
  (a, b, c) => `A recipe needs ${a} eggs for ${b} people. How many eggs for ${b * c} people? Explain your reasoning.`,
  (a, b) => `Tickets cost $${a} for adults and $${b} for children. A group of 9 paid $${a * 4 + b * 5}. How many adults were in the group?`,
  (a, b, c) => `A number is divisible by ${a} and by ${b}, and lies between ${c * 10} and ${c * 10 + a * b}. What could it be? Find all possibilities.`,
  (a, b) => `If ${a} pencils cost $${(a * 0.35).toFixed(2)}, how much do ${b} pencils cost?`,
  (a, b, c) => `Kim saves $${a} a week and Lou saves $${b} a week, but Lou starts with $${c * 10}. After how many weeks has Kim saved more?`,
  (a, b) => `A rectangle has area ${a * b} and one side of length ${a}. What is its perimeter?`,
  (a, b, c) => `In a class of ${a + b + c} pupils, ${a} walk, ${b} cycle and the rest take the bus. What fraction take the bus? Show the steps.`,
  (a, b) => `What is the probability of drawing two red balls in a row without replacement from a bag with ${a} red and ${b} blue balls?`,
  (a, b, c) => `A phone plan costs $${a} a month plus $${b / 10} per GB. Another costs $${a + c} flat. From how many GB is the flat plan cheaper?`,
  (a, b) => `Prove or disprove: for every integer n, n^2 + n + ${a % 2 === 0 ? a + 1 : a} is prime. (Hint: try n = ${b}.)`,
  (a, b) => `A ladder ${a + 5} m long leans against a wall with its foot ${Math.min(a + 4, b + 2)} m from the wall. How high up the wall does it reach?`,
  (a, b, c) => `${a} people at a party each bring ${b} guests, and ${c} of all guests leave early. How many people remain?`
]

/** Reasoning prompts with changing numbers. */
export const reasoningTemplated = (count: number): Array<Standalone> => {
  const out: Array<Standalone> = []
  for (let i = 0; i < count; i++) {
    const frame = problemFrames[i % problemFrames.length]
    const a = 3 + ((i * 7) % 11)
    const b = 2 + ((i * 5) % 9)
    const c = 2 + ((i * 3) % 5)
    if (frame !== undefined) out.push(["everyday", frame(a, b, c), `problem frame ${i % problemFrames.length}`])
  }
  return out
}

/** Concepts to ask about: [domain, concept]. */
const concepts: ReadonlyArray<readonly [string, string]> = [
  ["bioinfo", "a Snakemake wildcard"], ["bioinfo", "a Nextflow channel"], ["bioinfo", "the difference between a BAM and a CRAM file"],
  ["bioinfo", "a read group in GATK"], ["bioinfo", "batch effects in RNA-seq"], ["bioinfo", "phred quality scores"],
  ["bioinfo", "what a SLURM job array is"], ["bioinfo", "a conda channel and why bioconda needs conda-forge"], ["bioinfo", "single-cell RNA-seq"],
  ["bioinfo", "how a reference genome build like GRCh38 differs from hg19"], ["bioinfo", "what MultiQC is for"],
  ["devops", "a Kubernetes operator"], ["devops", "blue-green deployment"], ["devops", "what a service mesh does"],
  ["devops", "GitOps"], ["devops", "the difference between a CI pipeline and a CD pipeline"], ["devops", "what an Airflow DAG is, conceptually"],
  ["web", "the virtual DOM"], ["web", "how cookies differ from local storage"], ["web", "server-side rendering"], ["web", "what CORS is for"],
  ["backend", "eventual consistency"], ["backend", "dependency injection"], ["backend", "what an ORM is"], ["backend", "the actor model"],
  ["datasci", "the bias-variance trade-off"], ["datasci", "what a random forest is"], ["datasci", "cross-validation"], ["datasci", "Bayesian vs frequentist statistics"],
  ["writing", "the difference between active and passive voice"], ["writing", "what makes a good opening line"],
  ["everyday", "how vaccines work"], ["everyday", "inflation"], ["everyday", "why the sky is blue"], ["everyday", "compound interest"]
]

const conceptFrames: ReadonlyArray<string> = [
  "What is {c}?",
  "Explain {c} to me like I'm new to the field.",
  "Can you give me a simple explanation of {c}?",
  "I keep hearing about {c}. What is it, in plain words?",
  "Explain {c} in two paragraphs for a newsletter.",
  "what exactly is {c}? no code please",
  "How would you describe {c} to a non-expert?",
  "Give me an analogy for {c}."
]

/** General prompts: concept questions across domains (domain words in them must not decide the label). */
export const generalTemplated = (count: number): Array<Standalone> => {
  const out: Array<Standalone> = []
  for (let i = 0; i < count; i++) {
    const [domain, concept] = concepts[(i * 3) % concepts.length] ?? ["everyday", ""]
    const frame = conceptFrames[i % conceptFrames.length] ?? ""
    out.push([domain, frame.replace("{c}", concept), `concept frame ${i % conceptFrames.length}`])
  }
  return out
}

/** Symptoms of something broken, with no error text: [domain, thing, symptom]. */
const symptoms: ReadonlyArray<readonly [string, string, string]> = [
  ["bioinfo", "my Snakemake pipeline", "stops after the first rule and never submits the rest"],
  ["bioinfo", "the nf-core/sarek run", "has been stuck on the same process for 20 hours"],
  ["bioinfo", "my sbatch job", "sits in PENDING forever with reason Resources"],
  ["bioinfo", "the conda environment", "can't find samtools even though I installed it"],
  ["bioinfo", "salmon", "reports a mapping rate of 3% on my mouse samples"],
  ["bioinfo", "my R script on the cluster", "gets killed without any message"],
  ["web", "my React form", "submits twice on every click"], ["web", "the CSS", "looks fine in Chrome but is broken in Safari"],
  ["web", "my service worker", "serves an old version of the site after deploys"],
  ["backend", "my Flask app", "returns 500 only in production"], ["backend", "our Celery workers", "stop picking up tasks after a few hours"],
  ["backend", "the API", "gets slower every day until we restart it"],
  ["devops", "the Docker build", "takes 20 minutes even when nothing changed"], ["devops", "my pod", "restarts every few minutes"],
  ["devops", "the GitHub Actions cache", "never hits"], ["devops", "our nightly backup", "stopped producing files last week"],
  ["datasci", "my training loop", "uses more and more memory every epoch"], ["datasci", "the notebook", "gives different results every time I rerun it"],
  ["datasci", "my merge in pandas", "produces way more rows than either table"],
  ["everyday", "my script", "works on my machine but not on my friend's"]
]

const symptomFrames: ReadonlyArray<string> = [
  "{thing} {symptom}. Why?",
  "Any idea why {thing} {symptom}?",
  "Help: {thing} {symptom}, what should I check first?",
  "{thing} {symptom} and I have no clue where to look.",
  "How do I figure out why {thing} {symptom}?",
  "ok so {thing} {symptom}... what's going on??",
  "Since yesterday {thing} {symptom}. Nothing changed on our side as far as I know. How do I fix it?"
]

/** Error diagnosis prompts that describe a symptom without any error text. */
export const errorTemplated = (count: number): Array<Standalone> => {
  const out: Array<Standalone> = []
  for (let i = 0; i < count; i++) {
    const [domain, thing, symptom] = symptoms[(i * 3) % symptoms.length] ?? ["everyday", "", ""]
    const frame = symptomFrames[i % symptomFrames.length] ?? ""
    const text = frame.replace("{thing}", thing).replace("{symptom}", symptom)
    out.push([domain, text.charAt(0).toUpperCase() + text.slice(1), `symptom frame ${i % symptomFrames.length}`])
  }
  return out
}

/** Workflow authoring: [domain, tool, what it should run]. */
const workflowJobs: ReadonlyArray<readonly [string, string, string]> = [
  ["bioinfo", "Snakemake", "trims reads with cutadapt and aligns them with bowtie2, per sample"],
  ["bioinfo", "Nextflow", "runs FastQC and MultiQC on all FASTQ pairs"],
  ["bioinfo", "Snakemake", "calls variants with bcftools for each chromosome and then concatenates them"],
  ["bioinfo", "Nextflow", "quantifies transcripts with kallisto and aggregates with tximport"],
  ["bioinfo", "SLURM", "aligns 96 samples with one array task each and then merges the results"],
  ["bioinfo", "Snakemake", "builds a STAR index once and maps every sample against it"],
  ["devops", "GitHub Actions", "runs lint, unit tests and builds the Docker image on every push"],
  ["devops", "GitLab CI", "deploys to staging automatically and to production after a manual approval"],
  ["devops", "Airflow", "copies yesterday's logs to S3 and then runs a Spark aggregation"],
  ["devops", "Jenkins", "builds the Android app and uploads it to the internal store"],
  ["datasci", "Airflow", "retrains the churn model every Sunday and emails the metrics"],
  ["datasci", "Prefect", "scrapes three sources, cleans them and writes one parquet file"],
  ["web", "GitHub Actions", "runs Lighthouse on every PR and fails if performance drops"],
  ["backend", "GitHub Actions", "runs the integration tests against a Postgres service container"]
]

const workflowFrames: ReadonlyArray<string> = [
  "Write a {tool} workflow that {job}.",
  "Can you set up a {tool} pipeline which {job}?",
  "I need a {tool} config that {job}. Please include comments.",
  "Create a {tool} pipeline that {job}, and explain how to run it.",
  "help me write a {tool} thing that {job}",
  "Design a {tool} workflow that {job}; it should be easy to add steps later."
]

/** Workflow generation prompts. */
export const workflowTemplated = (count: number): Array<Standalone> => {
  const out: Array<Standalone> = []
  for (let i = 0; i < count; i++) {
    const [domain, tool, job] = workflowJobs[(i * 5) % workflowJobs.length] ?? ["devops", "", ""]
    const frame = workflowFrames[i % workflowFrames.length] ?? ""
    out.push([domain, frame.replace("{tool}", tool).replace("{job}", job), `workflow frame ${i % workflowFrames.length}`])
  }
  return out
}

/** Numbers to read: [domain, a statement of measurements]. */
const measurements: ReadonlyArray<readonly [string, string]> = [
  ["datasci", "Group A: mean 4.2, sd 1.1, n=40. Group B: mean 4.9, sd 1.3, n=38."],
  ["datasci", "Weekly active users: 10.2k, 10.8k, 11.1k, 9.4k, 9.2k, 9.0k."],
  ["bioinfo", "Library sizes: 42M, 39M, 41M, 8M, 40M reads; alignment 95%, 96%, 94%, 61%, 95%."],
  ["bioinfo", "RIN values for my samples: 9.1, 8.7, 8.9, 5.2, 9.0, 8.8."],
  ["bioinfo", "Coverage: mean 31x, 92% of bases above 20x, 4% below 10x."],
  ["devops", "Error rate by hour: 0.1%, 0.1%, 0.2%, 3.5%, 3.8%, 0.2%."],
  ["devops", "Pod memory over a day: 400 MB at start, 900 MB at noon, 1.6 GB at night, then OOM restarts."],
  ["backend", "Query times: 12 ms median, 45 ms p95, 3.2 s p99."],
  ["everyday", "My running times for 5 km this month: 31:10, 30:45, 30:50, 29:58, 29:40."],
  ["writing", "Newsletter open rates: 41%, 39%, 44%, 28%, 40% over the last five issues."]
]

const measurementFrames: ReadonlyArray<string> = [
  "{m} What does this tell you?",
  "{m} How should I interpret these numbers?",
  "Here are my numbers: {m} Is anything unusual?",
  "{m} Is the difference meaningful or just noise?",
  "Can you make sense of this? {m}",
  "{m} Any trend worth reporting?"
]

/** Data interpretation prompts with numbers inline. */
export const dataTemplated = (count: number): Array<Standalone> => {
  const out: Array<Standalone> = []
  for (let i = 0; i < count; i++) {
    const [domain, m] = measurements[(i * 3) % measurements.length] ?? ["datasci", ""]
    const frame = measurementFrames[i % measurementFrames.length] ?? ""
    out.push([domain, frame.replace("{m}", m), `measurement frame ${i % measurementFrames.length}`])
  }
  return out
}
