/**
 * Hand-written payloads per workflow tool, for the real-voice posts: a definition (what people paste when they ask
 * how to build, extend or restructure it) and a failure (what they paste when it breaks), for Airflow, GitHub
 * Actions, GitLab CI, Jenkins, Make, Snakemake, Nextflow, SLURM, CWL, WDL, Prefect, Dagster, Argo, dbt and cron.
 * Written for @orch's corpus.
 */
import type { Payload } from "./Payload.ts"

/** Workflow definitions, by tool. */
export const toolDefinitions: Readonly<Record<string, ReadonlyArray<Payload>>> = {
  airflow: [
    { kind: "workflow", domain: "devops", text: `from airflow import DAG
from airflow.operators.bash import BashOperator
from datetime import datetime

with DAG("nightly_export", start_date=datetime(2024, 1, 1), schedule="0 2 * * *", catchup=False) as dag:
    extract = BashOperator(task_id="extract", bash_command="python extract.py")
    transform = BashOperator(task_id="transform", bash_command="python transform.py")
    load = BashOperator(task_id="load", bash_command="python load.py")
    extract >> transform >> load` },
    { kind: "workflow", domain: "datasci", text: `@dag(schedule=None, start_date=pendulum.datetime(2024, 3, 1), catchup=False)
def report_pipeline():
    @task
    def list_files():
        return [f for f in os.listdir("/data/in") if f.endswith(".csv")]

    @task
    def process(path):
        df = pd.read_csv(path)
        df.to_parquet(path.replace(".csv", ".parquet"))

    process(list_files())

report_pipeline()` },
    { kind: "workflow", domain: "devops", text: `default_args = {"owner": "data", "retries": 1}
dag = DAG(dag_id="s3_to_redshift", default_args=default_args, schedule_interval="@hourly", start_date=days_ago(1))

wait = S3KeySensor(task_id="wait_for_file", bucket_key="s3://raw/{{ ds }}/events.json", dag=dag)
copy = PythonOperator(task_id="copy", python_callable=copy_to_redshift, dag=dag)
notify = SlackWebhookOperator(task_id="notify", message="done", dag=dag)
wait >> copy >> notify` }
  ],
  github_actions: [
    { kind: "workflow", domain: "devops", text: `name: build
on:
  push:
    branches: [main]
  pull_request:
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install -r requirements.txt
      - run: pytest -q` },
    { kind: "workflow", domain: "web", text: `on: [push]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci
      - run: npm run build
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: ./scripts/deploy.sh` }
  ],
  gitlab: [
    { kind: "workflow", domain: "devops", text: `stages: [build, test, deploy]

build:
  stage: build
  image: docker:24
  script:
    - docker build -t $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA .

test:
  stage: test
  script:
    - make test

deploy:
  stage: deploy
  script:
    - ./deploy.sh production` }
  ],
  jenkins: [
    { kind: "workflow", domain: "devops", text: `pipeline {
  agent any
  stages {
    stage('Build') {
      steps { sh './gradlew assemble' }
    }
    stage('Test') {
      steps { sh './gradlew test' }
    }
    stage('Deploy') {
      steps { sh './deploy.sh' }
    }
  }
}` }
  ],
  make: [
    { kind: "code", domain: "datasci", lang: "Makefile", text: `DATA := data/raw.csv
all: report.html

clean.csv: $(DATA)
	python clean.py $(DATA) > clean.csv

model.pkl: clean.csv
	python train.py clean.csv

report.html: model.pkl
	python report.py model.pkl` }
  ],
  snakemake: [
    { kind: "workflow", domain: "bioinfo", text: `configfile: "config.yaml"
SAMPLES = config["samples"]

rule all:
    input: expand("counts/{sample}.txt", sample=SAMPLES)

rule trim:
    input: "raw/{sample}_R1.fastq.gz"
    output: "trimmed/{sample}_R1.fastq.gz"
    shell: "cutadapt -q 20 -o {output} {input}"

rule count:
    input: "trimmed/{sample}_R1.fastq.gz"
    output: "counts/{sample}.txt"
    shell: "zcat {input} | wc -l > {output}"` },
    { kind: "workflow", domain: "bioinfo", text: `rule call_variants:
    input:
        bam="aligned/{sample}.bam",
        ref="ref/hg38.fa"
    output: "vcf/{sample}.vcf.gz"
    threads: 4
    shell: "bcftools mpileup -f {input.ref} {input.bam} | bcftools call -mv -Oz -o {output}"` }
  ],
  nextflow: [
    { kind: "workflow", domain: "bioinfo", text: `nextflow.enable.dsl=2

process FASTP {
    input:
    tuple val(id), path(reads)
    output:
    tuple val(id), path("*.trim.fq.gz")
    script:
    """
    fastp -i \${reads[0]} -I \${reads[1]} -o \${id}_1.trim.fq.gz -O \${id}_2.trim.fq.gz
    """
}

workflow {
    Channel.fromFilePairs(params.reads) | FASTP
}` }
  ],
  slurm: [
    { kind: "workflow", domain: "bioinfo", text: `#!/bin/bash
#SBATCH --job-name=bwa
#SBATCH --cpus-per-task=8
#SBATCH --mem=32G
#SBATCH --time=12:00:00

for s in $(cat samples.txt); do
  bwa mem -t 8 ref.fa \${s}_1.fq.gz \${s}_2.fq.gz | samtools sort -o \${s}.bam
done` }
  ],
  cwl: [
    { kind: "workflow", domain: "bioinfo", text: `cwlVersion: v1.2
class: CommandLineTool
baseCommand: [samtools, sort]
inputs:
  bam:
    type: File
    inputBinding: {position: 1}
outputs:
  sorted:
    type: stdout
stdout: sorted.bam` }
  ],
  wdl: [
    { kind: "workflow", domain: "bioinfo", text: `version 1.0
workflow align {
  input { File fastq  File ref }
  call bwa { input: fastq = fastq, ref = ref }
}
task bwa {
  input { File fastq  File ref }
  command { bwa mem ~{ref} ~{fastq} > out.sam }
  output { File sam = "out.sam" }
}` }
  ],
  prefect: [
    { kind: "code", domain: "datasci", lang: "Python", text: `from prefect import flow, task

@task
def fetch(url):
    return requests.get(url).json()

@task
def save(rows):
    pd.DataFrame(rows).to_csv("out.csv")

@flow
def daily():
    rows = fetch("https://api.example.com/items")
    save(rows)` }
  ],
  dagster: [
    { kind: "code", domain: "datasci", lang: "Python", text: `from dagster import asset, Definitions

@asset
def raw_orders():
    return pd.read_csv("orders.csv")

@asset
def daily_revenue(raw_orders):
    return raw_orders.groupby("day")["amount"].sum()

defs = Definitions(assets=[raw_orders, daily_revenue])` }
  ],
  argo: [
    { kind: "workflow", domain: "devops", text: `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: etl-
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - name: extract
            template: run
    - name: run
      container:
        image: python:3.12
        command: [python, etl.py]` }
  ],
  dbt: [
    { kind: "code", domain: "datasci", lang: "SQL", text: `-- models/marts/fct_orders.sql
{{ config(materialized='incremental', unique_key='order_id') }}
select o.order_id, o.customer_id, sum(i.amount) as total
from {{ ref('stg_orders') }} o
join {{ ref('stg_items') }} i on i.order_id = o.order_id
{% if is_incremental() %}
where o.updated_at > (select max(updated_at) from {{ this }})
{% endif %}
group by 1, 2` }
  ],
  cron: [
    { kind: "code", domain: "devops", lang: "Bash", text: `# m h dom mon dow command
0 1 * * * /home/ops/backup.sh >> /var/log/backup.log 2>&1
30 1 * * * /home/ops/rotate.sh
0 6 * * 1 /usr/bin/python3 /home/ops/weekly_report.py` }
  ]
}

/** Failures of workflow tools, by tool: what is pasted when a run or a definition breaks. */
export const toolFailures: Readonly<Record<string, ReadonlyArray<Payload>>> = {
  airflow: [
    { kind: "traceback", domain: "devops", text: `Broken DAG: [/opt/airflow/dags/export.py] Traceback (most recent call last):
  File "/opt/airflow/dags/export.py", line 12, in <module>
    load = PythonOperator(task_id="load", python_callable=load_rows, op_args=[extract.output])
airflow.exceptions.AirflowException: Invalid arguments were passed to PythonOperator (task_id: load).` },
    { kind: "error_log", domain: "devops", text: `[2024-06-03, 02:00:14 UTC] {taskinstance.py:2698} ERROR - Task failed with exception
airflow.exceptions.AirflowSensorTimeout: Sensor has timed out; run duration of 3600.2 seconds exceeds the specified timeout of 3600.0.
[2024-06-03, 02:00:14 UTC] {taskinstance.py:1138} INFO - Marking task as FAILED. dag_id=s3_to_redshift, task_id=wait_for_file` }
  ],
  github_actions: [
    { kind: "error_log", domain: "devops", text: `Run ./scripts/deploy.sh
./scripts/deploy.sh: line 4: dist/: No such file or directory
Error: Process completed with exit code 1.` },
    { kind: "error_log", domain: "devops", text: `Invalid workflow file: .github/workflows/build.yml#L14
The workflow is not valid. .github/workflows/build.yml (Line: 14, Col: 9): Unexpected value 'needs'` }
  ],
  gitlab: [
    { kind: "error_log", domain: "devops", text: `$ docker build -t $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA .
error during connect: Post "http://docker:2375/v1.24/build": dial tcp: lookup docker on 169.254.169.254:53: no such host
ERROR: Job failed: exit code 1` }
  ],
  jenkins: [
    { kind: "error_log", domain: "devops", text: `org.codehaus.groovy.control.MultipleCompilationErrorsException: startup failed:
WorkflowScript: 9: Expected a step @ line 9, column 9.
           if (env.BRANCH_NAME == 'main') {
           ^
1 error` }
  ],
  make: [
    { kind: "error_log", domain: "datasci", text: `make: *** No rule to make target 'data/raw.csv', needed by 'clean.csv'.  Stop.` }
  ],
  snakemake: [
    { kind: "error_log", domain: "bioinfo", text: `Building DAG of jobs...
WildcardError in rule count in file /work/Snakefile, line 14:
Wildcards in input files cannot be determined from output files:
'sample'` },
    { kind: "error_log", domain: "bioinfo", text: `Building DAG of jobs...
MissingInputException in rule merge in file /work/Snakefile, line 30:
Missing input files for rule merge:
    output: results/all_counts.tsv
    affected files:
        counts/{sample}.txt` }
  ],
  nextflow: [
    { kind: "error_log", domain: "bioinfo", text: `N E X T F L O W  ~  version 23.10.1
Launching \`main.nf\` [sad_curie] DSL2 - revision: 4f1c2a
ERROR ~ No such variable: reads

 -- Check script 'main.nf' at line: 18 or see '.nextflow.log' file for more details` }
  ],
  slurm: [
    { kind: "error_log", domain: "bioinfo", text: `sbatch: error: Batch job submission failed: Requested node configuration is not available
slurmstepd: error: *** JOB 882211 ON node14 CANCELLED AT 2024-04-11T03:12:40 DUE TO TIME LIMIT ***` }
  ],
  prefect: [
    { kind: "traceback", domain: "datasci", text: `Traceback (most recent call last):
  File "flows/daily.py", line 18, in <module>
    daily()
  File "/usr/lib/python3.11/site-packages/prefect/flows.py", line 1120, in __call__
    return enter_flow_run_engine_from_flow_call(self, parameters)
prefect.exceptions.ParameterTypeError: Flow run received invalid parameters` }
  ],
  dbt: [
    { kind: "error_log", domain: "datasci", text: `15:02:11  Completed with 1 error and 0 warnings:
15:02:11  Compilation Error in model fct_orders (models/marts/fct_orders.sql)
15:02:11    Model 'model.shop.fct_orders' depends on a node named 'stg_items' which was not found` }
  ],
  cron: [
    { kind: "error_log", domain: "devops", text: `May 12 01:00:01 db01 CRON[22817]: (ops) CMD (/home/ops/backup.sh >> /var/log/backup.log 2>&1)
May 12 01:00:01 db01 CRON[22816]: (CRON) info (No MTA installed, discarding output)
/home/ops/backup.sh: line 7: pg_dump: command not found` }
  ]
}
