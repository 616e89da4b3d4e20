/**
 * Hand-written payloads for the corpus: tracebacks, failing logs (SLURM, Nextflow, Snakemake, conda, Docker,
 * Kubernetes, npm, CI) and healthy tool output (QC reports, flagstat, featureCounts summaries, load tests), plus a
 * generator of long logs. Written for @orch's corpus.
 */
import type { Payload } from "./Payload.ts"

/** Tracebacks and stack traces. */
export const tracebacks: ReadonlyArray<Payload> = [
  { kind: "traceback", domain: "datasci", text: `Traceback (most recent call last):
  File "analysis.py", line 14, in <module>
    df["total"] = df["price"] * df["qty"]
  File "/usr/lib/python3.11/site-packages/pandas/core/frame.py", line 3807, in __getitem__
    indexer = self.columns.get_loc(key)
KeyError: 'qty'` },
  { kind: "traceback", domain: "backend", text: `Traceback (most recent call last):
  File "/app/main.py", line 3, in <module>
    from app.routes import router
  File "/app/app/routes.py", line 1, in <module>
    from app.models import User
ImportError: cannot import name 'User' from partially initialized module 'app.models' (most likely due to a circular import)` },
  { kind: "traceback", domain: "web", text: `TypeError: Cannot read properties of undefined (reading 'map')
    at ProductList (ProductList.jsx:12:23)
    at renderWithHooks (react-dom.development.js:16305:18)
    at mountIndeterminateComponent (react-dom.development.js:20074:13)
    at beginWork (react-dom.development.js:21587:16)` },
  { kind: "traceback", domain: "backend", text: `Exception in thread "main" java.lang.NullPointerException: Cannot invoke "String.length()" because "name" is null
	at com.shop.UserService.normalise(UserService.java:42)
	at com.shop.UserService.register(UserService.java:27)
	at com.shop.Main.main(Main.java:11)` },
  { kind: "traceback", domain: "backend", text: `thread 'main' panicked at src/main.rs:14:44:
called \`Result::unwrap()\` on an \`Err\` value: Os { code: 2, kind: NotFound, message: "No such file or directory" }
note: run with \`RUST_BACKTRACE=1\` environment variable to display a backtrace` },
  { kind: "traceback", domain: "backend", text: `panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a2b3c]

goroutine 1 [running]:
main.(*Server).handle(0x0, {0xc00001c0a0, 0x5})
	/home/dev/srv/main.go:31 +0x1c
main.main()
	/home/dev/srv/main.go:52 +0x8d` },
  { kind: "traceback", domain: "devops", text: `Traceback (most recent call last):
  File "/opt/airflow/dags/etl_daily.py", line 5, in <module>
    from airflow.providers.postgres.operators.postgres import PostgresOperator
ModuleNotFoundError: No module named 'airflow.providers.postgres'` },
  { kind: "traceback", domain: "devops", text: `Broken DAG: [/opt/airflow/dags/report_dag.py] Traceback (most recent call last):
  File "/opt/airflow/dags/report_dag.py", line 22, in <module>
    extract >> transform >> load
TypeError: unsupported operand type(s) for >>: 'function' and 'PythonOperator'` },
  { kind: "traceback", domain: "bioinfo", text: `Traceback (most recent call last):
  File "scripts/merge_counts.py", line 9, in <module>
    counts = pd.concat([pd.read_csv(f, sep="\\t", index_col=0) for f in snakemake.input])
NameError: name 'snakemake' is not defined` },
  { kind: "traceback", domain: "bioinfo", text: `Traceback (most recent call last):
  File "/home/lab/miniconda3/envs/rnaseq/bin/multiqc", line 6, in <module>
    from multiqc.__main__ import multiqc
  File "/home/lab/miniconda3/envs/rnaseq/lib/python3.12/site-packages/multiqc/__init__.py", line 16, in <module>
    import pkg_resources
ModuleNotFoundError: No module named 'pkg_resources'` },
  { kind: "traceback", domain: "datasci", text: `ValueError                                Traceback (most recent call last)
Cell In[12], line 3
      1 model = LogisticRegression()
----> 3 model.fit(X_train, y_train)
ValueError: Input X contains NaN.
LogisticRegression does not accept missing values encoded as NaN natively.` },
  { kind: "traceback", domain: "web", text: `Uncaught (in promise) TypeError: Failed to fetch
    at loadOrders (orders.js:18:21)
    at HTMLButtonElement.<anonymous> (orders.js:40:5)
Access to fetch at 'http://localhost:8000/api/orders' from origin 'http://localhost:3000' has been blocked by CORS policy` },
  { kind: "traceback", domain: "datasci", text: `RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 15.78 GiB total capacity; 13.12 GiB already allocated)
  File "train.py", line 88, in train_epoch
    loss.backward()` },
  { kind: "traceback", domain: "bioinfo", text: `Exception in thread "main" htsjdk.samtools.SAMFormatException: SAM validation error: ERROR: Record 1842, Read name SRR1234.55, MAPQ should be 0 for unmapped read.
	at htsjdk.samtools.SAMLineParser.reportErrorParsingLine(SAMLineParser.java:458)
	at picard.sam.markduplicates.MarkDuplicates.doWork(MarkDuplicates.java:257)` },
  { kind: "traceback", domain: "web", text: `node:internal/modules/cjs/loader:1080
  throw err;
  ^

Error: Cannot find module 'express'
Require stack:
- /srv/api/server.js
    at Module._resolveFilename (node:internal/modules/cjs/loader:1077:15)
    at Module._load (node:internal/modules/cjs/loader:922:27) {
  code: 'MODULE_NOT_FOUND'
}` }
]

/** Logs of something failing. */
export const errorLogs: ReadonlyArray<Payload> = [
  { kind: "error_log", domain: "bioinfo", text: `slurmstepd: error: Detected 1 oom-kill event(s) in StepId=4412345.batch. Some of your processes may have been killed by the cgroup out-of-memory handler.
[2024-05-02 11:02:13] STAR --runThreadN 8 --genomeDir idx/ --readFilesIn S3_R1.fq.gz S3_R2.fq.gz
[2024-05-02 11:41:50] ..... started mapping
/var/spool/slurmd/job4412345/slurm_script: line 14: 20331 Killed STAR --runThreadN 8` },
  { kind: "error_log", domain: "bioinfo", text: `executor >  slurm (14)
[3a/9f12c4] process > FASTQC (S1)        [100%] 6 of 6 ✔
[b2/11ad07] process > SALMON_QUANT (S4)  [ 66%] 4 of 6, failed: 1
ERROR ~ Error executing process > 'SALMON_QUANT (S4)'

Caused by:
  Process \`SALMON_QUANT (S4)\` terminated with an error exit status (137)

Command exit status:
  137

Work dir:
  /scratch/work/b2/11ad07e3c1` },
  { kind: "error_log", domain: "bioinfo", text: `Building DAG of jobs...
MissingInputException in rule align in file /home/me/proj/Snakefile, line 21:
Missing input files for rule align:
    output: results/bam/S2.bam
    wildcards: sample=S2
    affected files:
        data/S2_R1.fastq.gz` },
  { kind: "error_log", domain: "bioinfo", text: `Collecting package metadata (repodata.json): done
Solving environment: failed

LibMambaUnsatisfiableError: Encountered problems while solving:
  - package multiqc-1.21-pyhdfd78af_0 requires python >=3.8,<3.12, but none of the providers can be installed

Could not solve for environment specs
The following packages are incompatible
├─ multiqc 1.21**  is not installable because it requires
│  └─ python >=3.8,<3.12 , which can be installed;
└─ python 3.12**  is incompatible` },
  { kind: "error_log", domain: "bioinfo", text: `Error in rule featurecounts:
    jobid: 12
    input: results/bam/S1.sorted.bam, ref/genes.gtf
    output: results/counts/S1.txt
    shell:
        featureCounts -T 4 -p -a ref/genes.gtf -o results/counts/S1.txt results/bam/S1.sorted.bam
        (one of the commands exited with non-zero exit code; note that snakemake uses bash strict mode!)

Shutting down, this might take some time.
Exiting because a job execution failed. Look above for error message` },
  { kind: "error_log", domain: "bioinfo", text: `[E::hts_open_format] Failed to open file "aligned/S7.bam" : No such file or directory
samtools sort: can't open "aligned/S7.bam": No such file or directory
[mpileup] 1 samples in 1 input files
Set max per-file depth to 8000` },
  { kind: "error_log", domain: "bioinfo", text: `A USER ERROR has occurred: Input files reference and reads have incompatible contigs: No overlapping contigs found.
  reference contigs = [chr1, chr2, chr3, chrX, chrY, chrM]
  reads contigs = [1, 2, 3, X, Y, MT]
Set the system property GATK_STACKTRACE_ON_USER_EXCEPTION (--java-options '-DGATK_STACKTRACE_ON_USER_EXCEPTION=true') to print the stack trace.` },
  { kind: "error_log", domain: "devops", text: `$ kubectl get pods
NAME                      READY   STATUS             RESTARTS      AGE
api-7d9f8c6b5-x2kqp       0/1     CrashLoopBackOff   6 (40s ago)   8m
$ kubectl logs api-7d9f8c6b5-x2kqp
Error: connect ECONNREFUSED 10.0.3.12:5432
    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)` },
  { kind: "error_log", domain: "devops", text: `#8 [4/6] RUN pip install -r requirements.txt
#8 2.113 ERROR: Could not find a version that satisfies the requirement torch==2.3.0+cu121 (from versions: 2.4.0, 2.5.1)
#8 2.114 ERROR: No matching distribution found for torch==2.3.0+cu121
------
failed to solve: process "/bin/sh -c pip install -r requirements.txt" did not complete successfully: exit code: 1` },
  { kind: "error_log", domain: "devops", text: `Run actions/setup-node@v4
Run npm ci
npm ERR! code ERESOLVE
npm ERR! ERESOLVE could not resolve
npm ERR! While resolving: web@1.0.0
npm ERR! Found: react@18.3.1
npm ERR! Could not resolve dependency: peer react@"^17.0.0" from react-table@7.8.0
Error: Process completed with exit code 1.` },
  { kind: "error_log", domain: "devops", text: `2024/06/01 10:22:41 [error] 2211#2211: *18 connect() failed (111: Connection refused) while connecting to upstream, client: 172.18.0.1, server: example.com, request: "GET /api/health HTTP/1.1", upstream: "http://127.0.0.1:8080/api/health"
2024/06/01 10:22:43 [error] 2211#2211: *20 connect() failed (111: Connection refused) while connecting to upstream, client: 172.18.0.1` },
  { kind: "error_log", domain: "devops", text: `TASK [Install packages] ********************************************
fatal: [web01]: FAILED! => {"changed": false, "msg": "Failed to lock apt for exclusive operation: Failed to lock directory /var/lib/apt/lists/: E:Could not get lock /var/lib/apt/lists/lock. It is held by process 1743 (apt-get)"}
PLAY RECAP **********************************************************
web01 : ok=3 changed=0 unreachable=0 failed=1 skipped=0` },
  { kind: "error_log", domain: "web", text: `> web@0.1.0 build
> next build

info  - Linting and checking validity of types...
Failed to compile.

./src/pages/index.tsx:14:7
Type error: Property 'title' does not exist on type '{ id: number; }'.` },
  { kind: "error_log", domain: "backend", text: `2024-03-11 08:00:01.443 ERROR 1 --- [main] o.s.boot.SpringApplication : Application run failed
org.springframework.beans.factory.UnsatisfiedDependencyException: Error creating bean with name 'orderController'
Caused by: org.springframework.beans.factory.NoSuchBeanDefinitionException: No qualifying bean of type 'com.shop.OrderRepository' available` },
  { kind: "error_log", domain: "datasci", text: `[I 10:14:02.118 NotebookApp] Kernel started: 7c1f
[W 10:16:55.004 NotebookApp] Kernel restarting: the kernel appears to have died. It will restart automatically.
[I 10:16:58.220 NotebookApp] Kernel restarted: 7c1f
dmesg: [18822.42] Out of memory: Killed process 3312 (python) total-vm:31022412kB` },
  { kind: "error_log", domain: "bioinfo", text: `sbatch: error: Batch job submission failed: Requested node configuration is not available
$ cat run_bwa.sh
#SBATCH --cpus-per-task=128
#SBATCH --mem=2T
#SBATCH --partition=short` },
  { kind: "error_log", domain: "devops", text: `Error: Error acquiring the state lock

Error message: ConditionalCheckFailedException: The conditional request failed
Lock Info:
  ID:        5e4c9b1f-1c7a-cc9d-a6c3-ef41b2a1f0d2
  Path:      tf-state/prod/terraform.tfstate
  Operation: OperationTypeApply
Terraform acquires a state lock to protect the state from being written by multiple users at the same time.` }
]

/** Healthy tool output and reports (no failure in them), some using the word "summary". */
export const outputs: ReadonlyArray<Payload> = [
  { kind: "output", domain: "bioinfo", text: `Status	S1.sorted.bam	S2.sorted.bam	S3.sorted.bam
Assigned	18234112	9120443	17002981
Unassigned_Unmapped	1023311	4402210	998123
Unassigned_MultiMapping	2201334	3110287	2154001
Unassigned_NoFeatures	1409876	1287654	1502233
Unassigned_Ambiguity	302112	201334	288776
(featureCounts summary)` },
  { kind: "output", domain: "bioinfo", text: `42318822 + 0 in total (QC-passed reads + QC-failed reads)
0 + 0 secondary
212334 + 0 supplementary
5120331 + 0 duplicates
40982110 + 0 mapped (96.84% : N/A)
42106488 + 0 paired in sequencing
38811023 + 0 properly paired (92.17% : N/A)
402114 + 0 singletons (0.95% : N/A)` },
  { kind: "output", domain: "bioinfo", text: `                                 Number of input reads |	25002311
                      Average input read length |	300
                                    UNIQUE READS:
                   Uniquely mapped reads number |	17520098
                        Uniquely mapped reads % |	70.07%
             % of reads mapped to multiple loci |	18.22%
             % of reads unmapped: too short |	10.91%
                 % of reads unmapped: other |	0.41%` },
  { kind: "output", domain: "bioinfo", text: `FastQC summary for S5_R1.fastq.gz
PASS	Basic Statistics
PASS	Per base sequence quality
WARN	Per sequence GC content
FAIL	Per base sequence content
FAIL	Sequence Duplication Levels
WARN	Overrepresented sequences
PASS	Adapter Content` },
  { kind: "output", domain: "devops", text: `Running 30s test @ http://api.internal/search
  8 threads and 256 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   182.44ms  310.12ms   4.98s    91.02%
    Req/Sec   211.10     58.33   410.00     70.12%
  50112 requests in 30.02s, 88.21MB read
  Socket errors: connect 0, read 0, write 0, timeout 412
Requests/sec:   1669.20` },
  { kind: "output", domain: "devops", text: `NAME          CPU(cores)   MEMORY(bytes)
api-0         912m         1510Mi
api-1         120m         402Mi
api-2         118m         398Mi
worker-0      1994m        3812Mi
redis-0       40m          210Mi` },
  { kind: "output", domain: "datasci", text: `                 Generalized Linear Model Regression Results
==============================================================================
Dep. Variable:                churned   No. Observations:                 4210
Model:                            GLM   Df Residuals:                     4205
                 coef    std err          z      P>|z|      [0.025      0.975]
------------------------------------------------------------------------------
Intercept     -2.1021      0.112    -18.769      0.000      -2.322      -1.883
tenure        -0.0412      0.004    -10.300      0.000      -0.049      -0.033
support_calls  0.3187      0.041      7.773      0.000       0.238       0.399
discount       0.0911      0.088      1.035      0.301      -0.081       0.264` },
  { kind: "output", domain: "datasci", text: `              precision    recall  f1-score   support

           0       0.97      0.99      0.98      9120
           1       0.61      0.34      0.44       412

    accuracy                           0.96      9532
   macro avg       0.79      0.66      0.71      9532
weighted avg       0.95      0.96      0.95      9532` },
  { kind: "output", domain: "bioinfo", text: `Variant summary (bcftools stats)
SN	0	number of samples:	12
SN	0	number of records:	4821190
SN	0	number of SNPs:	4102233
SN	0	number of indels:	718957
TSTV	0	1.21	2210012	1892221
SiS	0	1	1502230` },
  { kind: "output", domain: "backend", text: `EXPLAIN ANALYZE
Seq Scan on orders  (cost=0.00..182334.00 rows=12 width=64) (actual time=0.031..2104.118 rows=9 loops=1)
  Filter: ((customer_id = 4411) AND (status = 'open'))
  Rows Removed by Filter: 8210331
Planning Time: 0.112 ms
Execution Time: 2104.201 ms` }
]

const logLevels = ["INFO", "INFO", "INFO", "DEBUG", "INFO", "WARN"] as const

/** A long log (dozens to hundreds of lines) ending in the given failure lines, deterministic for a seed. */
export const longLog = (seed: number, source: "pipeline" | "service" | "training", ending: ReadonlyArray<string>): string => {
  const lines: Array<string> = []
  const count = 40 + ((seed * 37) % 160)
  for (let i = 0; i < count; i++) {
    const level = logLevels[(seed + i) % logLevels.length] ?? "INFO"
    const second = String((seed * 7 + i) % 60).padStart(2, "0")
    const minute = String(10 + Math.floor(i / 60)).padStart(2, "0")
    const stamp = `2024-09-1${seed % 9} 03:${minute}:${second}`
    const message = source === "pipeline"
      ? [`[job ${1000 + i}] rule trim: sample S${(i % 12) + 1} done`, `Submitted job ${2000 + i} with external jobid '${880000 + i}'.`, `Finished job ${1000 + i}.`, `${i} of ${count + 20} steps (${Math.floor((i * 100) / (count + 20))}%) done`][i % 4]
      : source === "service"
        ? [`GET /api/items?page=${i % 9} 200 ${12 + (i % 30)}ms`, `cache hit ratio 0.${80 + (i % 19)}`, `POST /api/orders 201 ${40 + (i % 50)}ms`, `worker-${i % 4} heartbeat ok`][i % 4]
        : [`epoch ${Math.floor(i / 10)} step ${i * 50} loss ${(2.4 - i * 0.007).toFixed(4)}`, `lr ${(0.001 * (1 - i / 400)).toFixed(6)}`, `eval acc ${(0.5 + i * 0.002).toFixed(3)}`, `checkpoint saved ckpt_${i}.pt`][i % 4]
    lines.push(`${stamp} ${level} ${message}`)
  }
  return [...lines, ...ending].join("\n")
}

/** Failure endings for long logs. */
export const logEndings: ReadonlyArray<{ readonly source: "pipeline" | "service" | "training"; readonly domain: string; readonly lines: ReadonlyArray<string> }> = [
  { source: "pipeline", domain: "bioinfo", lines: ["2024-09-11 04:12:09 ERROR Error in rule bwa_mem:", "    jobid: 311", "    output: mapped/S9.bam", "slurmstepd: error: *** JOB 881203 ON node17 CANCELLED AT 2024-09-11T04:12:08 DUE TO TIME LIMIT ***", "Exiting because a job execution failed."] },
  { source: "pipeline", domain: "bioinfo", lines: ["2024-09-12 05:01:44 ERROR Job 2231 failed: exit status 1", "[E::bgzf_read] Read block operation failed with error 4 after 0 of 4 bytes", "samtools index: failed to create index for \"mapped/S3.bam\""] },
  { source: "service", domain: "backend", lines: ["2024-09-13 03:59:59 ERROR pool exhausted: timeout acquiring connection after 30000ms", "2024-09-13 04:00:00 ERROR GET /api/items 503 30012ms", "2024-09-13 04:00:01 FATAL health check failed 3 times, shutting down"] },
  { source: "service", domain: "web", lines: ["2024-09-14 03:33:12 WARN memory usage 1.9GB of 2GB", "<--- Last few GCs --->", "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory"] },
  { source: "training", domain: "datasci", lines: ["2024-09-15 03:44:10 WARN loss is nan at step 9150", "2024-09-15 03:44:10 WARN loss is nan at step 9200", "2024-09-15 03:44:11 ERROR gradient overflow, aborting run"] },
  { source: "training", domain: "datasci", lines: ["2024-09-16 03:21:00 INFO starting epoch 4", "Killed"] },
  { source: "pipeline", domain: "devops", lines: ["2024-09-17 03:10:02 ERROR Task load_warehouse failed: psycopg2.OperationalError: could not connect to server: Connection timed out", "2024-09-17 03:10:02 INFO Marking task as UP_FOR_RETRY", "2024-09-17 03:15:02 ERROR Task load_warehouse failed after 3 retries"] }
]

/** Long healthy logs for summary and data requests (no failure at the end). */
export const healthyEndings: ReadonlyArray<{ readonly source: "pipeline" | "service" | "training"; readonly domain: string; readonly lines: ReadonlyArray<string> }> = [
  { source: "training", domain: "datasci", lines: ["2024-09-18 05:00:00 INFO training finished: best eval acc 0.874 at epoch 7", "2024-09-18 05:00:01 INFO summary: 9 epochs, 3h12m, peak memory 11.2GB"] },
  { source: "pipeline", domain: "bioinfo", lines: ["2024-09-19 06:00:00 INFO 340 of 340 steps (100%) done", "Complete log: .snakemake/log/2024-09-19T030000.snakemake.log"] },
  { source: "service", domain: "backend", lines: ["2024-09-20 04:00:00 INFO daily summary: 1.2M requests, p50 21ms, p99 310ms, 0.02% 5xx"] }
]
