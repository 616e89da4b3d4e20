/**
 * Hand-written payloads for the corpus: tables of numbers, workflow definitions (Snakemake, Nextflow, GitHub
 * Actions, GitLab CI, Airflow, SLURM), prose documents and dialogues. Written for @orch's corpus.
 */
import type { Payload } from "./Payload.ts"

/** Tables: Markdown, CSV, TSV and aligned text. */
export const tables: ReadonlyArray<Payload> = [
  { kind: "table", domain: "bioinfo", text: `| sample | total reads | % aligned | % duplicates | median insert |
|---|---|---|---|---|
| S1 | 41.2M | 96.1 | 12.4 | 312 |
| S2 | 38.7M | 95.8 | 11.9 | 305 |
| S3 | 12.1M | 71.3 | 48.2 | 188 |
| S4 | 40.9M | 96.4 | 13.1 | 309 |` },
  { kind: "table", domain: "bioinfo", text: `gene_id,baseMean,log2FoldChange,lfcSE,pvalue,padj
ENSG00000111640,10234.1,0.12,0.05,0.018,0.21
ENSG00000075624,8821.3,-0.03,0.04,0.44,0.81
ENSG00000141510,512.7,2.41,0.31,1.2e-14,3.4e-11
ENSG00000146648,98.2,-3.02,0.88,0.0006,0.012
ENSG00000171862,22.4,4.8,2.1,0.021,0.26` },
  { kind: "table", domain: "bioinfo", text: `Sample	Reads	GC%	Dups%	Adapter%	Q30%
ctrl_1	22102331	48	18.2	0.9	93.1
ctrl_2	21877120	49	17.5	1.1	92.8
trt_1	23011254	48	19.0	1.0	93.4
trt_2	4120332	61	67.8	22.4	71.2` },
  { kind: "table", domain: "datasci", text: `| month | visitors | signups | conversion |
|-------|----------|---------|------------|
| Jan | 48,210 | 1,205 | 2.5% |
| Feb | 51,002 | 1,340 | 2.6% |
| Mar | 73,455 | 1,290 | 1.8% |
| Apr | 70,118 | 1,911 | 2.7% |` },
  { kind: "table", domain: "datasci", text: `variant,users,conversions,revenue_per_user
control,10210,512,3.41
new_checkout,10188,571,3.29
new_checkout_plus_banner,10240,559,3.62` },
  { kind: "table", domain: "datasci", text: `model            accuracy  precision  recall  auc    train_time
logreg           0.861     0.71       0.52    0.88   12s
random_forest    0.884     0.78       0.58    0.91   3m10s
xgboost          0.892     0.80       0.61    0.93   1m42s
mlp              0.879     0.74       0.63    0.90   14m05s` },
  { kind: "table", domain: "devops", text: `| endpoint | p50 (ms) | p95 (ms) | p99 (ms) | errors/min |
|---|---|---|---|---|
| GET /search | 41 | 180 | 2400 | 0.2 |
| POST /cart | 22 | 60 | 95 | 0.0 |
| GET /product/:id | 15 | 33 | 70 | 0.1 |
| POST /checkout | 120 | 900 | 4100 | 3.4 |` },
  { kind: "table", domain: "devops", text: `date,region,instances,cost_usd,cpu_util
2024-05-01,us-east-1,42,1810,0.31
2024-05-01,eu-west-1,18,902,0.64
2024-05-02,us-east-1,44,1893,0.29
2024-05-02,eu-west-1,18,899,0.67` },
  { kind: "table", domain: "writing", text: `| question | strongly agree | agree | neutral | disagree |
|---|---|---|---|---|
| The course was well organised | 41% | 35% | 12% | 12% |
| The workload was reasonable | 10% | 22% | 30% | 38% |
| I would recommend it | 33% | 30% | 20% | 17% |` },
  { kind: "table", domain: "backend", text: `| version | rps | p99 latency | memory | error rate |
|---|---|---|---|---|
| v1.8 | 4200 | 88ms | 410MB | 0.01% |
| v1.9 | 5100 | 120ms | 690MB | 0.01% |
| v2.0 | 5050 | 64ms | 450MB | 0.30% |` },
  { kind: "table", domain: "bioinfo", text: `CHROM  POS       REF  ALT  QUAL   DP   AF    GENE
chr17  7674220   C    T    812    144  0.48  TP53
chr13  32340300  A    G    45     9    0.11  BRCA2
chr7   55191822  T    G    1290   301  0.51  EGFR
chr12  25245350  C    A    33     6    0.17  KRAS` },
  { kind: "table", domain: "everyday", text: `| country | 2010 | 2015 | 2020 |
|---|---|---|---|
| A | 12.1 | 13.4 | 15.0 |
| B | 9.8 | 9.1 | 8.7 |
| C | 20.3 | 22.0 | 21.6 |` }
]

/** Workflow definitions. */
export const workflows: ReadonlyArray<Payload> = [
  { kind: "workflow", domain: "bioinfo", text: `SAMPLES = ["A", "B", "C"]
LANES = ["L001", "L002"]

rule all:
    input: expand("counts/{sample}.txt", sample=SAMPLES)

rule trim:
    input: "raw/{sample}_{lane}.fq.gz"
    output: "trim/{sample}_{lane}.fq.gz"
    shell: "fastp -i {input} -o {output}"

rule align:
    input: expand("trim/{{sample}}_{lane}.fq.gz", lane=LANES)
    output: "bam/{sample}.bam"
    threads: 8
    shell: "hisat2 -p {threads} -x idx -U {input} | samtools sort -o {output}"

rule count:
    input: "bam/{sample}.bam"
    output: "counts/{sample}.txt"
    shell: "featureCounts -a genes.gtf -o {output} {input}"` },
  { kind: "workflow", domain: "bioinfo", text: `rule bwa_map:
    input:
        "data/genome.fa",
        "data/samples/{sample}.fastq"
    output:
        "mapped_reads/{sample}.bam"
    conda:
        "envs/mapping.yaml"
    shell:
        "bwa mem {input} | samtools view -Sb - > {output}"` },
  { kind: "workflow", domain: "bioinfo", text: `process SALMON_QUANT {
    tag "$sample_id"
    cpus 8
    memory '16 GB'

    input:
    tuple val(sample_id), path(reads)
    path index

    output:
    path "quant_\${sample_id}"

    script:
    """
    salmon quant -i $index -l A -1 \${reads[0]} -2 \${reads[1]} -p $task.cpus -o quant_\${sample_id}
    """
}

workflow {
    reads = Channel.fromFilePairs(params.reads)
    SALMON_QUANT(reads, params.index)
}` },
  { kind: "workflow", domain: "bioinfo", text: `#!/bin/bash
#SBATCH --job-name=align
#SBATCH --array=1-24
#SBATCH --cpus-per-task=8
#SBATCH --mem=32G
#SBATCH --time=12:00:00
module load bwa samtools
S=$(sed -n "\${SLURM_ARRAY_TASK_ID}p" samples.txt)
bwa mem -t 8 ref.fa fq/\${S}_1.fq.gz fq/\${S}_2.fq.gz | samtools sort -@4 -o bam/\${S}.bam` },
  { kind: "workflow", domain: "devops", text: `name: ci
on:
  push:
    branches: [main]
  pull_request:
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        node: [18, 20, 22]
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: \${{ matrix.node }}
      - run: npm ci
      - run: npm test` },
  { kind: "workflow", domain: "devops", text: `stages:
  - build
  - test
  - deploy

build:
  stage: build
  image: docker:24
  script:
    - docker build -t $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA .
    - docker push $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA

deploy:
  stage: deploy
  script:
    - kubectl set image deployment/api api=$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA
  only:
    - main` },
  { kind: "workflow", domain: "devops", text: `from airflow import DAG
from airflow.operators.python import PythonOperator
from datetime import datetime

with DAG("daily_sales", start_date=datetime(2024, 1, 1), schedule="@daily", catchup=True) as dag:
    extract = PythonOperator(task_id="extract", python_callable=extract_sales)
    transform = PythonOperator(task_id="transform", python_callable=transform_sales)
    load = PythonOperator(task_id="load", python_callable=load_sales)
    extract >> transform >> load` },
  { kind: "workflow", domain: "datasci", text: `rule download:
    output: "data/raw/{year}.csv"
    shell: "curl -o {output} https://example.org/data/{wildcards.year}.csv"

rule clean:
    input: "data/raw/{year}.csv"
    output: "data/clean/{year}.parquet"
    script: "scripts/clean.py"

rule report:
    input: expand("data/clean/{year}.parquet", year=range(2015, 2024))
    output: "report.html"
    script: "scripts/report.py"` },
  { kind: "workflow", domain: "bioinfo", text: `params.reads = "data/*_{1,2}.fq.gz"
params.genome = "ref/genome.fa"

process FASTQC {
    input:
    tuple val(id), path(reads)
    output:
    path "*_fastqc.zip"
    script:
    "fastqc -q $reads"
}

process MULTIQC {
    input:
    path reports
    output:
    path "multiqc_report.html"
    script:
    "multiqc ."
}

workflow {
    Channel.fromFilePairs(params.reads) | FASTQC | collect | MULTIQC
}` },
  { kind: "workflow", domain: "web", text: `name: deploy-site
on:
  push:
    branches: [main]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci && npm run build
      - uses: actions/upload-pages-artifact@v3
        with:
          path: dist
  deploy:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - uses: actions/deploy-pages@v4` }
]

/** Prose documents: articles, methods sections, notes, emails, abstracts, reports. */
export const documents: ReadonlyArray<Payload> = [
  { kind: "document", domain: "writing", text: `The town council voted on Thursday to close the Elm Street library branch at the end of the year, citing a budget shortfall of nearly two million dollars. Residents packed the meeting, and more than forty people spoke during public comment, most of them against the closure. Several parents said the branch is the only place within walking distance where their children can do homework after school. Council members said they had considered cutting hours across all branches instead, but concluded that keeping every building open would leave too little money for staff and new books.

The library director said the collection would be moved to the main branch downtown and that a mobile library van would visit the neighbourhood twice a week. A group of residents has started a petition asking the council to reconsider, and says it will propose a volunteer-run reading room in the same building. The council is expected to review the budget again in March.` },
  { kind: "document", domain: "bioinfo", text: `Total RNA was extracted from frozen liver tissue using the RNeasy Mini Kit, and RNA integrity was assessed on a Bioanalyzer; all samples had RIN above 7.5. Libraries were prepared with a poly-A selection protocol and sequenced on an Illumina NovaSeq 6000 as 2x150 bp paired-end reads, yielding 35 to 48 million read pairs per sample. Reads were trimmed with fastp and aligned to GRCm39 with STAR using default parameters. Gene-level counts were obtained with featureCounts against the GENCODE M33 annotation. Differential expression between the high-fat and control diet groups was tested with DESeq2, including sex and batch as covariates, and genes with an adjusted p-value below 0.05 and an absolute log2 fold change above 1 were considered significant. Gene set enrichment was run with fgsea on the Hallmark collection.` },
  { kind: "document", domain: "bioinfo", text: `Background: Structural variants contribute substantially to human genetic diversity, but short-read sequencing detects them poorly. Methods: We sequenced 48 individuals with both short reads and long reads and compared five structural variant callers against a curated truth set. Results: Long-read callers recovered 91% of insertions and 94% of deletions larger than 50 bp, against 38% and 71% for the best short-read caller. Most variants missed by short reads lay in tandem repeats and segmental duplications. Combining two short-read callers improved recall by 6% at the cost of a doubled false discovery rate. Conclusions: For clinical studies in which insertions matter, long-read sequencing of at least a subset of samples is advisable.` },
  { kind: "document", domain: "backend", text: `Incident report, 14 May. At 09:12 UTC the payments service began returning timeouts for about a third of requests. The on-call engineer was paged at 09:15 and found that the database connection pool was exhausted. A deploy at 08:55 had introduced a query inside a loop in the refund handler, which held connections far longer than before. Traffic was shifted to the previous version at 09:41 and error rates returned to normal by 09:50. Roughly 4,200 payments were delayed and retried automatically; none were lost. Follow-ups: add a pool saturation alert, add a query-count check to the refund handler tests, and require a canary stage for the payments service.` },
  { kind: "document", domain: "writing", text: `Hi team,

Quick update from the planning meeting. We agreed to push the mobile release from the 3rd to the 17th because the accessibility audit found problems in the checkout flow that we want fixed before launch. Marketing will move the announcement accordingly. Priya will own the checkout fixes, and Tom will pair with her for the first week. We also decided to drop the dark-mode toggle from this release; it will come in the next one. The budget for external testing was approved, so Lena will book the testing agency for the week of the 10th.

Please update your tickets by Friday and flag anything that might slip again.

Thanks,
Marco` },
  { kind: "document", domain: "devops", text: `Release 4.2.0 brings a new scheduler that spreads pods across zones by default, support for ARM64 worker nodes, and a rewritten metrics exporter that uses about half the memory of the old one. The deprecated v1beta1 ingress API has been removed; clusters still using it must migrate before upgrading. Upgrading from 4.0 requires running the storage migration job first, which can take up to an hour on large clusters. Known issues: the dashboard may show stale node counts for up to five minutes after scaling, and the Windows node image is not yet available for this release.` },
  { kind: "document", domain: "datasci", text: `Over the last quarter we ran a pricing experiment in three regions. In the north, a ten percent price increase reduced purchases by only two percent, so revenue rose. In the south, the same increase cut purchases by fifteen percent and revenue fell. The west was interrupted halfway through by a shipping outage, so its results are not reliable. Customer interviews suggest that southern customers compare prices with a local competitor much more often. The analytics team recommends raising prices in the north only, repeating the western test next quarter, and studying the competitor's promotions before any change in the south.` },
  { kind: "document", domain: "writing", text: `For most of the nineteenth century, the city relied on wells and a few private water companies, and outbreaks of cholera returned every few summers. In 1868 a new reservoir and a network of iron pipes brought water from the hills, but only wealthier districts could afford connection fees. It took another thirty years, and a particularly deadly outbreak in 1892, before the city took over the companies and extended the network to every street. Historians now see the episode as a turning point: public health stopped being a private matter and became a responsibility of the city government, paid for by taxes.` },
  { kind: "document", domain: "web", text: `We are moving the web app from client-side rendering to server-side rendering over the next two sprints. The main goals are faster first paint on slow phones and better search indexing for product pages. Pages will be migrated one at a time, starting with the product detail page, behind a feature flag. The API layer stays as it is. Risks: some third-party widgets assume a browser environment and will need wrappers, and our error tracking must be set up for the server side. We will measure time to first byte, largest contentful paint and conversion on migrated pages before moving on.` },
  { kind: "document", domain: "everyday", text: `Sleep researchers have long known that teenagers' internal clocks shift later during puberty, making it hard for them to fall asleep before eleven at night. When several school districts moved their start times from 7:30 to 8:30, students slept on average 34 minutes longer, attendance improved, and car accidents involving teen drivers fell. Critics pointed to higher bus costs and to conflicts with after-school sports and jobs. Most districts that made the change have kept it, and a few states now require later start times for high schools.` }
]

/** Dialogues and chat transcripts. */
export const dialogues: ReadonlyArray<Payload> = [
  { kind: "dialogue", domain: "everyday", text: `Anna: are we still on for saturday?
Ben: yes! but can we do 3 instead of 2
Anna: sure, my mum wants to come too
Ben: great, I'll book a bigger table
Anna: the italian place?
Ben: yep, Rosa's, 3pm` },
  { kind: "dialogue", domain: "backend", text: `Customer: Hi, I was charged twice for my subscription this month.
Agent: Sorry about that! Can you give me the email on the account?
Customer: it's j.doe@example.com
Agent: Thanks. I see two charges on the 3rd; one is a failed retry that went through. I've refunded it.
Customer: how long until I see it?
Agent: 3 to 5 business days. I've also added a month of credit for the trouble.
Customer: ok thanks` },
  { kind: "dialogue", domain: "bioinfo", text: `Maya: the new batch of libraries came back, S13 to S24
Jon: how do they look?
Maya: most fine, but S17 and S21 have like 60% duplicates
Jon: ugh. same prep day?
Maya: yes, both from the Tuesday prep
Jon: let's resequence those two and keep the rest
Maya: ok I'll tell the core facility` },
  { kind: "dialogue", domain: "devops", text: `Sam: prod deploy is stuck again
Lee: which stage?
Sam: integration tests, the db container never gets healthy
Lee: I bumped postgres to 16 yesterday, maybe the healthcheck changed
Sam: could be, the logs say role "test" does not exist
Lee: ah, the init script runs only on fresh volumes. I'll fix the fixture
Sam: thanks, I'll hold the release until then` },
  { kind: "dialogue", domain: "writing", text: `Editor: I read the draft. The opening is strong but the middle drags.
Writer: The part about the trip to Lisbon?
Editor: Yes. It's three pages and nothing changes for the characters.
Writer: I could cut it to a paragraph.
Editor: Do that, and move the letter scene earlier.
Writer: OK. New draft by Monday?
Editor: Perfect.` },
  { kind: "dialogue", domain: "datasci", text: `PM: did the churn model improve?
DS: AUC went from 0.81 to 0.86 with the usage features
PM: nice. can we ship it?
DS: one concern, it's worse on customers under 3 months
PM: how much worse?
DS: recall drops to about 0.4 for them
PM: ok, ship it for the rest and keep the old rules for new customers` }
]

/** Specifications and process descriptions: prose that asks to be turned into code or a pipeline. */
export const specs: ReadonlyArray<Payload> = [
  { kind: "document", domain: "backend", text: `The service exposes three endpoints. POST /links takes a JSON body with a long URL and an optional custom alias, and returns the short code; aliases must be 4 to 16 characters, letters, digits and dashes only, and must be unique. GET /{code} redirects to the long URL with status 301 and increments a visit counter. GET /links/{code}/stats returns the visit count and the creation date. Codes that do not exist return 404 with a JSON error body. Store everything in SQLite; no authentication is needed for now.` },
  { kind: "document", domain: "everyday", text: `The game is played on a 4x4 grid of tiles numbered 1 to 15 with one empty space. The player slides a tile next to the empty space into it. The goal is to arrange the tiles in order, left to right and top to bottom, with the empty space last. The game should shuffle the board at the start using only legal moves, so that it is always solvable, count the moves, and congratulate the player when the board is solved.` },
  { kind: "document", domain: "bioinfo", text: `The tool reads a sample sheet (CSV with columns sample, fastq_1, fastq_2, condition), checks that every FASTQ file exists and that sample names are unique and contain only letters, digits and underscores, and writes a cleaned sheet plus a report of problems. It should exit with status 1 if any problem is found, print nothing on success, and accept the input and output paths as command-line arguments.` },
  { kind: "document", domain: "web", text: `The widget shows a five-star rating. Hovering over a star highlights it and all stars before it; clicking sets the rating and calls an onChange callback. It must be usable with the keyboard: arrow keys change the rating and Enter confirms. It takes the current value, a maximum (default five) and a read-only flag as props, and it should announce the rating to screen readers.` }
]

/** Lab and team processes described in prose, to be turned into a workflow. */
export const processes: ReadonlyArray<Payload> = [
  { kind: "document", domain: "bioinfo", text: `Every week the sequencing core drops a folder of paired FASTQ files on the shared drive. We first run FastQC on every file and trim adapters with fastp. Then reads are aligned to the mouse genome with STAR, sorted and indexed. Once every sample of the batch is aligned, we count reads per gene with featureCounts over all BAM files together and build one MultiQC report for the whole batch. Samples with fewer than five million assigned reads are flagged in a short text file for the PI.` },
  { kind: "document", domain: "devops", text: `When someone merges into main, we build the Docker image, run the unit tests inside it and push it to the registry with the commit hash as tag. Then the image is deployed to staging and the smoke tests run against staging. If they pass, someone from the team approves the release and it goes to production, one region at a time, waiting ten minutes between regions and rolling back automatically if the error rate goes over one percent.` },
  { kind: "document", domain: "datasci", text: `Each night, the raw events from the previous day are exported from the app database to cloud storage. We deduplicate them, join them with the user table, and compute daily metrics per country and platform. The metrics are written to the warehouse, and a report with the ten biggest changes compared with the same day last week is emailed to the product team at 8am. If the export is late, we wait up to two hours before giving up and alerting the data engineer on call.` }
]
