/**
 * Hand-written requests for the corpus, the other types: REASONING, SUMMARIZATION, DATA_INTERPRETATION,
 * WORKFLOW_GENERATION and GENERAL, standalone and around payloads. The hard cases are here on purpose: counting a
 * workflow's jobs is reasoning, a "summary" of a QC table is data interpretation, explaining what Snakemake is is
 * general, logic puzzles with no keyword are reasoning.
 */
import type { PayloadRequest, Standalone } from "./RequestsCode.ts"

export const reasoningStandalone: ReadonlyArray<Standalone> = [
  ["everyday", "Ann is twice as old as Ben. In 5 years their ages will add up to 40. How old is Ben now?"],
  ["everyday", "A farmer has 17 sheep. All but 9 run away. How many are left?"],
  ["everyday", "Prove that the square root of 2 is irrational."],
  ["everyday", "Three boxes are labelled apples, oranges and mixed, and every label is wrong. You may take one fruit from one box. How do you fix the labels?"],
  ["everyday", "Alice, Bob and Carol sit in a row. Alice is not at either end. Bob is to the left of Carol. Who sits on the right end?"],
  ["everyday", "On an island, knights always tell the truth and knaves always lie. A says 'B is a knave.' B says 'A and I are the same kind.' What are A and B?"],
  ["everyday", "If it takes 5 machines 5 minutes to make 5 widgets, how long would 100 machines take to make 100 widgets?"],
  ["everyday", "A bat and a ball cost $1.10 in total. The bat costs $1 more than the ball. How much is the ball? Explain."],
  ["everyday", "Show that the sum of the first n odd numbers is n squared."],
  ["everyday", "You have two ropes that each burn for exactly an hour, unevenly. How can you measure 45 minutes?"],
  ["everyday", "Mia bought 3 notebooks at $2.50 each and a pen for $1.20. She paid with a $10 bill. How much change did she get?"],
  ["everyday", "A train leaves at 2pm going 60 km/h; another leaves the same station at 3pm going 90 km/h on the same track. When does the second catch up?"],
  ["everyday", "Which is larger, 2^100 or 10^30? Reason it out without a calculator."],
  ["everyday", "Five friends each shake hands with every other friend once. How many handshakes are there? And for n friends?"],
  ["everyday", "All bloops are razzies and all razzies are lazzies. Are all bloops definitely lazzies?"],
  ["everyday", "If I roll two dice, what's the probability that the sum is at least 10?"],
  ["everyday", "A clock shows 3:15. What is the angle between the hour and minute hands?"],
  ["everyday", "There are 100 lockers and 100 students; student k toggles every k-th locker. Which lockers end up open, and why?"],
  ["everyday", "Tom is taller than Jim, Jim is taller than Sue, Sue is taller than Ann. Is Tom taller than Ann? Who is second shortest?"],
  ["everyday", "A snail climbs 3 m up a 10 m well each day and slips back 2 m each night. On which day does it get out?"],
  ["everyday", "Find all integers x such that x^2 - 5x + 6 = 0, then show there are no others."],
  ["everyday", "I have a 3-litre jug and a 5-litre jug. How do I measure exactly 4 litres?"],
  ["everyday", "Is the following argument valid? If it rains, the ground is wet. The ground is wet. So it rained."],
  ["everyday", "Four people must cross a bridge at night with one torch; they take 1, 2, 5 and 10 minutes. What is the shortest total time?"],
  ["everyday", "If today is Wednesday, what day will it be in 100 days?"],
  ["everyday", "A shirt is discounted 20%, and then the new price is raised 20%. Is it back to the original price? Show why."],
  ["everyday", "What comes next: 2, 6, 12, 20, 30, ...? Justify the pattern."],
  ["everyday", "Jane's mother has four children: Spring, Summer, Autumn. What's the fourth child's name?"],
  ["everyday", "Every student in the class plays chess or tennis; 18 play chess, 14 play tennis and 6 play both. How many students are there?"],
  ["everyday", "Derive a formula for the number of diagonals of a convex polygon with n sides."],
  ["datasci", "If a test for a disease is 99% accurate and 1 in 1000 people has the disease, what's the chance someone who tests positive has it?"],
  ["datasci", "We flip a fair coin until we get two heads in a row. What's the expected number of flips? Walk through it."],
  ["datasci", "Is it possible for a variable to be positively correlated with two variables that are negatively correlated with each other? Argue it carefully."],
  ["backend", "Without running it, how many times does the inner loop execute for n = 10 if j goes from i to n? Derive the closed form."],
  ["backend", "Prove that any comparison-based sorting algorithm needs Omega(n log n) comparisons in the worst case."],
  ["backend", "If a cache has a 90% hit rate at 1 ms and misses cost 50 ms, what's the average latency? And what hit rate gets it under 3 ms?"],
  ["bioinfo", "I have 12 samples, each sequenced on 4 lanes, and my Snakemake workflow trims each lane, merges per sample, then aligns and counts per sample. How many jobs will it run in total? No code needed, just count."],
  ["bioinfo", "If a genome is 3.1 Gb and I want 30x coverage with 2x150 bp reads, how many read pairs do I need? Show the arithmetic."],
  ["bioinfo", "A gene has 3 alleles. How many different genotypes are possible in a diploid organism? Explain the reasoning."],
  ["bioinfo", "Two heterozygous parents (Aa x Aa) have three children. What's the probability that exactly one is aa?"],
  ["bioinfo", "If each of 20,000 genes is tested at alpha 0.05 and none is truly differentially expressed, how many false positives do we expect? What does Bonferroni change?"],
  ["bioinfo", "A plate has 96 wells; I need triplicates of 8 samples across 3 conditions plus 6 blanks. Do they fit? How many wells are left?"],
  ["devops", "We have 3 availability zones and want to survive losing one with at least 6 healthy pods. What's the minimum number of pods, spread evenly?"],
  ["devops", "A job runs every 15 minutes and takes 4 minutes; another runs every 6 minutes and takes 1. Starting together at midnight, when do they next start at the same time?"],
  ["writing", "Is this a fallacy, and which one? 'Everyone I know likes the film, so it must be good.'"],
  ["writing", "Read the two statements: 'No poets are accountants. Some artists are poets.' Which conclusion follows: some artists are not accountants, or no artists are accountants?"],
  ["everyday", "Solve for x: 3(x - 2) = 2x + 7."],
  ["everyday", "How many ways can you arrange the letters of the word BANANA?"],
  ["everyday", "A rectangle's length is three times its width and its perimeter is 48 cm. What is its area?"],
  ["everyday", "Sara reads 12 pages on Monday and each day reads 3 more pages than the day before. How many pages has she read after a week?"],
  ["everyday", "Three people check into a hotel room that costs $30 and each pay $10. Later the clerk refunds $5 via the bellboy, who keeps $2 and gives each $1 back. Where did the missing dollar go?"],
  ["everyday", "Which weighs more, a kilogram of feathers or a kilogram of steel? Then: if I put both in water, which side of a balance goes down?"],
  ["everyday", "Five houses in a row, each a different colour. The green house is right of the white one, the red one is in the middle, the blue one is first. Where could the green house be?"],
  ["everyday", "If some cats are black and all black things are visible at night... wait, is that even a valid question? Work out what can be concluded."],
  ["everyday", "Let f(x) = 2x + 3. Find f(f(x)) and solve f(f(x)) = 27."],
  ["everyday", "Think step by step: a store sells pencils in packs of 6 and erasers in packs of 4. What's the least number of each pack to have equal numbers of pencils and erasers?"],
  ["datasci", "A sample of 400 people has mean 52 and standard deviation 10. Without software, what is the 95% confidence interval for the mean? Show each step."],
  ["backend", "Two threads each increment a shared counter 1000 times without locks. What are the smallest and largest possible final values? Justify."],
  ["everyday", "John has 5 apples, gives 2 to Mary, then buys twice as many as he has left. How many does he have now?"],
  ["everyday", "Which number is the odd one out: 9, 16, 25, 36, 42, 49? Why?"]
]

export const reasoningWithPayload: ReadonlyArray<PayloadRequest> = [
  { text: "No code needed, just count the jobs: how many jobs will this workflow run?", kinds: ["workflow"] },
  { text: "How many times will the align rule run, and in what order could the jobs execute? Reason it out.", kinds: ["workflow"] },
  { text: "If each job here takes 10 minutes and I have 4 cores, what's the minimum wall time? Work it out step by step.", kinds: ["workflow"] },
  { text: "Without running it, what does this function return for the input [3, 1, 2]? Trace it by hand.", kinds: ["code", "code_stub"] },
  { text: "What is the time complexity of this code? Prove your answer.", kinds: ["code"] },
  { text: "Does this loop always terminate? Argue it formally.", kinds: ["code"] },
  { text: "Using the table, if S3 were removed, would the mean alignment rate go above 95%? Show the arithmetic.", kinds: ["table"] },
  { text: "Based on these numbers, which of the following must be true: (a) every month grew, (b) signups fell at least once, (c) conversion never exceeded 3%?", kinds: ["table"] },
  { text: "Given the statements below, who is lying?\nA: B is lying.\nB: C is lying.\nC: A and B are both lying.", kinds: [] },
  { text: "Here is a puzzle from our team quiz. Work it out and explain the logic.", kinds: ["document"] }
]

export const summarizationStandalone: ReadonlyArray<Standalone> = [
  ["writing", "Summarize the plot of Hamlet in five sentences."],
  ["writing", "Give me a one-paragraph summary of the causes of World War I."],
  ["everyday", "tl;dr of the theory of evolution, for a ten year old"],
  ["writing", "Summarize the main arguments of Orwell's essay 'Politics and the English Language'."],
  ["bioinfo", "Summarize the key points of the ENCODE project's 2012 findings in a few bullets."],
  ["datasci", "Briefly summarize what the original 'Attention Is All You Need' paper proposed."],
  ["writing", "Condense the story of the Odyssey into three bullet points."],
  ["everyday", "Can you sum up the book Atomic Habits in a few lines?"],
  ["devops", "Summarize the Twelve-Factor App principles in one line each."],
  ["backend", "Give me the gist of the CAP theorem paper in two sentences."],
  ["writing", "Summarise the French Revolution in under 100 words."],
  ["bioinfo", "Summarize the GATK best practices for germline short variant discovery as a short checklist of stages."]
]

export const summarizationWithPayload: ReadonlyArray<PayloadRequest> = [
  { text: "Summarize this article in three bullet points.", kinds: ["document"] },
  { text: "TL;DR?", kinds: ["document"] },
  { text: "Can you give me the gist of this?", kinds: ["document", "dialogue"] },
  { text: "Summarize the following dialogue.", kinds: ["dialogue"] },
  { text: "Write a short summary of this conversation for someone who missed it.", kinds: ["dialogue"] },
  { text: "Boil this down to two sentences for my manager.", kinds: ["document"] },
  { text: "Condense this methods section into a paragraph for a poster.", kinds: ["document"] },
  { text: "What are the key takeaways here?", kinds: ["document", "dialogue"] },
  { text: "Pull out the action items and decisions from these notes.", kinds: ["document", "dialogue"] },
  { text: "Give me a one-line headline and a three-sentence abstract for this text.", kinds: ["document"] },
  { text: "Shorten this to under 80 words, keeping the facts.", kinds: ["document"] },
  { text: "I don't have time to read this. What does it say?", kinds: ["document"] },
  { text: "Recap this chat in a sentence or two.", kinds: ["dialogue"] },
  { text: "Summarize the email below so I can reply quickly.", kinds: ["document"] },
  { text: "Main points only, please:", kinds: ["document"] },
  { text: "Turn this into a short summary for the release notes page.", kinds: ["document"] },
  { text: "Write an executive summary of this incident report.", kinds: ["document"] },
  { text: "Make a bulleted summary of this abstract for a journal club slide.", kinds: ["document"] },
  { text: "Can you summarise what happened in this thread?", kinds: ["dialogue", "document"] },
  { text: "Summarize what this run did, in plain words; nothing failed, I just need a recap for the lab notebook.", kinds: ["output"] },
  { text: "Briefly, what happened in this log? Just a short recap for the handover, all went fine.", kinds: ["output"] },
  { text: "In one paragraph, what is this passage about?", kinds: ["document"] },
  { text: "Summarize this for a non-technical audience.", kinds: ["document"] },
  { text: "Give a neutral summary of both sides of this discussion.", kinds: ["dialogue"] },
  { text: "Rewrite this as a 3-line status update.", kinds: ["document", "dialogue"] }
]

export const dataStandalone: ReadonlyArray<Standalone> = [
  ["datasci", "Our A/B test had 120 conversions out of 2400 visitors for A and 150 out of 2500 for B. Is B really better?"],
  ["datasci", "My regression has R^2 = 0.92 but the residuals fan out as x grows. What does that tell me about the model?"],
  ["datasci", "Survey says 62% of 800 respondents prefer option A, margin of error 3.4%. Can I say most people prefer A?"],
  ["datasci", "Revenue went up 12% but the number of orders went down 5%. How should I interpret that?"],
  ["datasci", "The median response time is 80 ms but the mean is 400 ms. What does that say about the distribution?"],
  ["datasci", "A correlation of 0.3 between hours studied and grades with n = 50 — is that meaningful?"],
  ["bioinfo", "My PCA of RNA-seq samples separates by sequencing batch on PC1 rather than by treatment. What does that mean for my analysis?"],
  ["bioinfo", "I got 4,000 significant DE genes at padj < 0.05 out of 18,000 tested. Is that plausible for a knockout, or a sign of a problem?"],
  ["bioinfo", "Our samples have 70% uniquely mapped reads and 25% multimapped. Is that good for human RNA-seq?"],
  ["bioinfo", "Ts/Tv ratio of my exome call set is 2.9 and for the genome calls 2.05. Are these values what you'd expect?"],
  ["bioinfo", "Duplication rate is 45% in one library and 12% in the others. How should I read that?"],
  ["devops", "p50 latency dropped from 40 ms to 35 ms after the release but p99 went from 300 ms to 1.2 s. What does that pattern usually indicate?"],
  ["devops", "Our error budget is 99.9% monthly and we had 50 minutes of downtime this month. Where do we stand?"],
  ["backend", "CPU is 30% but load average is 12 on an 8-core box. What does that mean?"],
  ["everyday", "My electricity bill was 310 kWh in January, 280 in February and 420 in March. What might explain the jump?"],
  ["writing", "In our reader survey 40% said they read every issue, 35% sometimes, 25% rarely. What does this suggest about engagement?"],
  ["datasci", "Precision 0.95, recall 0.30 on the fraud class. What does that mean in practice for the fraud team?"],
  ["datasci", "The churn rate is 4% for monthly plans and 1% for annual plans. Can I conclude annual plans reduce churn?"],
  ["bioinfo", "My qPCR Ct values are 18.2, 18.4, 18.1 for the housekeeping gene and 25.0, 27.3, 24.1 for the target. What do they suggest?"],
  ["datasci", "Website sessions: weekdays about 5,000 a day, weekends about 1,800. Conversion is 2% weekdays, 4% weekends. What's the story here?"]
]

export const dataWithPayload: ReadonlyArray<PayloadRequest> = [
  { text: "What does this data tell us?", kinds: ["table", "output"] },
  { text: "Which sample looks off, and why?", kinds: ["table", "output"] },
  { text: "Interpret these results for me.", kinds: ["table", "output"] },
  { text: "Is anything in these QC numbers worrying?", kinds: ["table", "output"] },
  { text: "Summarize the trends in this table.", kinds: ["table"] },
  { text: "Give me a summary of what these numbers say about the release.", kinds: ["table", "output"] },
  { text: "Here's my featureCounts summary. Are these assignment rates normal?", kinds: ["output"] },
  { text: "Which variant should we keep, based on this?", kinds: ["table"] },
  { text: "What stands out in these figures?", kinds: ["table", "output"] },
  { text: "Please answer the question based on the table: which row has the highest value in the last column?", kinds: ["table"] },
  { text: "Do these results mean the new model is better? Explain in plain words.", kinds: ["table", "output"] },
  { text: "Which genes are the most convincing hits, and which would you not trust?", kinds: ["table"] },
  { text: "Can you read this flagstat output and tell me if the alignment went well?", kinds: ["output"] },
  { text: "Based on this table, where should we cut costs?", kinds: ["table"] },
  { text: "What's the correlation you'd expect between these two columns? Does the data support it?", kinds: ["table"] },
  { text: "Explain what these regression coefficients mean.", kinds: ["output"] },
  { text: "Is the difference between the groups significant?", kinds: ["table"] },
  { text: "Which endpoint needs attention first, and why?", kinds: ["table"] },
  { text: "Describe the distribution of values in each column.", kinds: ["table"] },
  { text: "Compare the rows and tell me which one is the outlier.", kinds: ["table", "output"] },
  { text: "My supervisor wants a short interpretation of this QC report. What should I tell her?", kinds: ["output", "table"] },
  { text: "Looking at this load test, can we handle twice the traffic?", kinds: ["output"] },
  { text: "What percentage of reads were lost at each step here?", kinds: ["output"] },
  { text: "Rank these by performance and comment on the trade-offs.", kinds: ["table"] },
  { text: "Is the summary line at the bottom consistent with the rest of the numbers?", kinds: ["output"] },
  { text: "Does anything in this training log suggest overfitting?", kinds: ["output"] },
  { text: "These are our survey results. What conclusions can we draw?", kinds: ["table"] },
  { text: "read this and tell me if my samples are ok to go on with", kinds: ["table", "output"] }
]

export const workflowStandalone: ReadonlyArray<Standalone> = [
  ["bioinfo", "Write a Snakemake rule that runs FastQC on every FASTQ file in data/ and puts the reports in qc/."],
  ["bioinfo", "Write a Nextflow DSL2 pipeline: fastp trimming, STAR alignment, featureCounts, then MultiQC over everything."],
  ["bioinfo", "Create a Snakemake workflow for variant calling: bwa mem, mark duplicates, HaplotypeCaller per sample, then joint genotyping."],
  ["bioinfo", "I need a SLURM array job script that runs salmon quant for 48 samples listed in samples.txt, 8 cores each."],
  ["bioinfo", "Set up a Nextflow process for salmon quant with a conda directive and publishDir to results/quant."],
  ["bioinfo", "Write a Snakefile that downloads SRA runs listed in a config file with fasterq-dump and gzips them."],
  ["bioinfo", "Design a pipeline for ChIP-seq: trimming, alignment, filtering, peak calling with MACS2, and a final report. Snakemake please."],
  ["bioinfo", "Can you make a CWL workflow with two steps: bwa index and bwa mem?"],
  ["bioinfo", "Add a rule to my Snakemake pipeline that merges per-sample count files into one matrix."],
  ["bioinfo", "Convert my bash loop over samples into a Snakemake workflow with proper wildcards."],
  ["bioinfo", "Write a WDL workflow that runs GATK Mutect2 on tumour-normal pairs."],
  ["bioinfo", "Make a Nextflow config with a SLURM profile and a local profile, with per-process memory labels."],
  ["devops", "Write a GitHub Actions workflow that runs tests on every pull request and deploys to production on tags."],
  ["devops", "Create a GitLab CI pipeline with build, test and deploy stages for a Docker image."],
  ["devops", "Write an Airflow DAG that pulls data from an API every hour, transforms it and loads it into Postgres."],
  ["devops", "Set up a Jenkinsfile with parallel test stages for unit and integration tests."],
  ["devops", "Write a cron schedule and script to back up the database every night at 2am and keep 14 days."],
  ["devops", "Design a CI/CD pipeline for a Spring Boot REST API: build, test, container image, staging deploy, manual approval, production."],
  ["devops", "Write an Argo Workflows template that runs three containers in sequence, passing a file between them."],
  ["devops", "I want a GitHub Action that lints Markdown files and comments on the PR when something's wrong."],
  ["datasci", "Write a Prefect flow that retrains the model weekly, evaluates it and only promotes it if AUC improved."],
  ["datasci", "Build a Snakemake pipeline for my analysis: download the yearly CSVs, clean each one, then build a single report."],
  ["datasci", "Set up a Dagster job with three ops: extract from S3, validate with pandera, write to the warehouse."],
  ["datasci", "Create an Airflow DAG with a sensor that waits for a file in S3 and then triggers a Spark job."],
  ["web", "Write a GitHub Actions workflow that builds my Vite site and deploys it to GitHub Pages."],
  ["web", "Set up a CI pipeline that runs Playwright tests against a preview deployment for every PR."],
  ["backend", "Write a workflow that runs database migrations before deploying, and rolls back if the health check fails."],
  ["everyday", "Help me automate this: every Monday, download last week's bank CSV, categorise the transactions and email me a report. Lay out the steps as a scheduled job."],
  ["bioinfo", "Write an nf-core style module for bcftools stats."],
  ["bioinfo", "Set up a Snakemake profile for our SLURM cluster so each rule submits as its own job with its own memory."],
  ["devops", "Write a Step Functions state machine that processes an uploaded image: resize, thumbnail, store metadata."],
  ["bioinfo", "Chain these steps into a pipeline that runs per sample: cutadapt, bowtie2, samtools sort, deeptools bamCoverage."]
]

export const workflowWithPayload: ReadonlyArray<PayloadRequest> = [
  { text: "Turn this script into a Snakemake workflow.", kinds: ["code"] },
  { text: "Convert this bash loop into a Nextflow pipeline that runs the samples in parallel.", kinds: ["code"] },
  { text: "Add a rule to this Snakefile that runs MultiQC at the end.", kinds: ["workflow"] },
  { text: "Extend this workflow with a deploy job that runs only on main.", kinds: ["workflow"] },
  { text: "Add a trimming step before alignment in this pipeline.", kinds: ["workflow"] },
  { text: "Rewrite this as a Nextflow DSL2 workflow.", kinds: ["workflow", "code"] },
  { text: "Port this GitLab pipeline to GitHub Actions.", kinds: ["workflow"] },
  { text: "Schedule this to run every night at 3am as an Airflow DAG.", kinds: ["code"] },
  { text: "Wrap these steps in a SLURM array job, one task per sample.", kinds: ["code"] },
  { text: "Make this CI workflow also build and push a Docker image.", kinds: ["workflow"] },
  { text: "Split this pipeline so alignment and counting are separate rules with their own resources.", kinds: ["workflow"] },
  { text: "Add a caching step for npm to this workflow.", kinds: ["workflow"] },
  { text: "I need a pipeline that produces a table like this for every batch, starting from raw FASTQ.", kinds: ["table", "output"] },
  { text: "Write the workflow that would generate this report every day.", kinds: ["table", "output"] }
]

export const generalStandalone: ReadonlyArray<Standalone> = [
  ["writing", "Write a limerick about a cat who loves cheese."],
  ["writing", "Write a polite email to my landlord asking to fix the heating."],
  ["everyday", "What's the capital of Australia?"],
  ["everyday", "Give me three ideas for a rainy day with kids."],
  ["everyday", "How do I politely decline a wedding invitation?"],
  ["writing", "Write a short story about a lighthouse keeper who finds a message in a bottle."],
  ["everyday", "What are some good books for learning to cook?"],
  ["writing", "Translate 'Where is the train station?' into Spanish, French and German."],
  ["everyday", "I want you to act as a travel guide. I'll tell you where I am and you suggest places to visit nearby."],
  ["writing", "I want you to act as a storyteller. Come up with entertaining stories for children about kindness."],
  ["everyday", "hello there"],
  ["everyday", "thanks, that helped!"],
  ["everyday", "Who painted the Mona Lisa?"],
  ["writing", "Write a toast for my sister's wedding, warm and a little funny."],
  ["everyday", "What should I pack for a week of hiking in Scotland in May?"],
  ["everyday", "Recommend a few podcasts about history."],
  ["writing", "Draft a cover letter for a junior data analyst job."],
  ["writing", "Write a haiku about autumn rain."],
  ["bioinfo", "What is the difference between TPM and FPKM?"],
  ["bioinfo", "Explain what a VCF file is to a new lab member."],
  ["bioinfo", "What is Snakemake and why would a lab use it instead of bash scripts?"],
  ["bioinfo", "What's the difference between Nextflow and Snakemake? Which is easier to learn?"],
  ["bioinfo", "Explain how RNA-seq works, from tissue to count matrix, in plain language."],
  ["bioinfo", "What does nf-core offer compared with writing our own pipelines?"],
  ["bioinfo", "Can you explain what SLURM is and what a partition means?"],
  ["bioinfo", "What is the difference between conda, mamba and micromamba?"],
  ["bioinfo", "Recommend some resources to learn variant calling as a biologist with little coding."],
  ["bioinfo", "How does Snakemake decide which rules need to be rerun? Just curious how it works conceptually."],
  ["devops", "What is Kubernetes, in simple terms?"],
  ["devops", "Explain the difference between Docker and a virtual machine."],
  ["devops", "What are the pros and cons of GitHub Actions versus Jenkins for a small team?"],
  ["devops", "What does 'infrastructure as code' mean?"],
  ["devops", "Which certifications are worth it for a junior DevOps engineer?"],
  ["web", "What's the difference between let, const and var in JavaScript?"],
  ["web", "Should I learn React or Vue first?"],
  ["web", "What is a REST API? Explain it like I'm five."],
  ["backend", "What's the difference between a process and a thread?"],
  ["backend", "Explain what a database index is and when it helps."],
  ["backend", "What are microservices and when are they a bad idea?"],
  ["datasci", "What's the difference between a data analyst and a data scientist?"],
  ["datasci", "Explain overfitting to a non-technical manager."],
  ["datasci", "Which online courses would you recommend to learn statistics for machine learning?"],
  ["datasci", "What is a p-value, conceptually?"],
  ["writing", "Give me five catchy names for a coffee shop run by cats."],
  ["writing", "Write a product description for a handmade wooden cutting board."],
  ["writing", "Rewrite this sentence to sound more formal: 'we gotta push the meeting, something came up'."],
  ["writing", "Compose a short poem for my grandmother's 90th birthday."],
  ["everyday", "How can I improve my time management while working from home?"],
  ["everyday", "What's a good beginner workout routine with no equipment?"],
  ["everyday", "Is it better to rent or buy a house? What should I consider?"],
  ["everyday", "Tell me a joke about programmers."],
  ["everyday", "I want you to act as a motivational coach. I'll share my goals and you give me strategies."],
  ["everyday", "How do I make sourdough starter from scratch?"],
  ["everyday", "What are the health benefits of green tea?"],
  ["writing", "Write a LinkedIn post announcing that I'm starting a new job at a biotech company."],
  ["writing", "I want you to act as an English translator and improver. I will speak in any language and you answer in corrected, improved English."],
  ["everyday", "Describe the water cycle for a school presentation."],
  ["everyday", "Plan a 3-day itinerary for Lisbon on a budget."],
  ["writing", "Help me write a speech for my team's end-of-year party."],
  ["everyday", "What is the meaning of life, according to different philosophers?"],
  ["bioinfo", "What career paths exist for someone with a PhD in bioinformatics?"],
  ["devops", "What is the difference between continuous delivery and continuous deployment?"],
  ["web", "What are web components and are they worth using today?"],
  ["backend", "Which programming language should I learn first if I want to build backends?"],
  ["everyday", "Explain quantum computing in simple terms."],
  ["writing", "Write a persuasive paragraph about why cities should have more bike lanes."],
  ["everyday", "Give me tips for my first job interview."],
  ["bioinfo", "Why do people say bioinformatics is 90% data wrangling?"],
  ["everyday", "What happened during the fall of the Berlin Wall?"]
]

export const generalWithPayload: ReadonlyArray<PayloadRequest> = [
  { text: "Translate this into German.", kinds: ["document"] },
  { text: "Rewrite this in a friendlier tone.", kinds: ["document"] },
  { text: "Write a reply to this email saying I can attend.", kinds: ["document"] },
  { text: "Turn this into a short poem.", kinds: ["document"] },
  { text: "Fix the grammar and spelling in this text, don't shorten it.", kinds: ["document"] },
  { text: "Write a follow-up message that continues this conversation naturally.", kinds: ["dialogue"] },
  { text: "What would be a good title for this blog post?", kinds: ["document"] }
]

/** How-to questions about building or changing workflows (a workflow to be written or changed, in question form). */
export const workflowHowTo: ReadonlyArray<Standalone> = [
  ["devops", "How do I make an Airflow task run only when the previous task failed?"],
  ["devops", "In Airflow, how can I pass a value computed in one task to the next task?"],
  ["devops", "How do I trigger one DAG from another DAG and wait for it to finish?"],
  ["devops", "What's the right way to create tasks dynamically in an Airflow DAG from a list read at runtime?"],
  ["devops", "How can I run a GitHub Actions job only when files under docs/ change?"],
  ["devops", "How do I reuse the same steps across several GitHub Actions workflows?"],
  ["devops", "How do I set up a matrix build in GitLab CI for three Python versions?"],
  ["devops", "Is there a way to schedule an Airflow DAG for the last working day of each month?"],
  ["devops", "How should I structure a DAG that backfills a year of data day by day without overloading the database?"],
  ["devops", "How can I make a CI job wait for a manual approval before deploying to production?"],
  ["devops", "How do I share artifacts between jobs in a GitHub Actions workflow?"],
  ["devops", "How can I limit an Airflow DAG so that only one run is active at a time?"],
  ["bioinfo", "In Snakemake, how do I write a rule whose output depends on a checkpoint, like an unknown number of chunks?"],
  ["bioinfo", "How do I make Nextflow join two channels by sample id before a process?"],
  ["bioinfo", "How can I tell Snakemake to use a different conda environment for each rule?"],
  ["bioinfo", "How do I pass per-sample parameters from a sample sheet into Nextflow processes?"],
  ["bioinfo", "How can I make my Snakemake rules request different memory on SLURM depending on input size?"],
  ["bioinfo", "In Nextflow DSL2, how do I include a module twice with different parameters?"],
  ["bioinfo", "How do I add a step to an nf-core pipeline without forking the whole thing?"],
  ["bioinfo", "How do I scatter variant calling by chromosome in Snakemake and gather the results afterwards?"],
  ["bioinfo", "How can I run a SLURM job only after a whole job array has finished?"],
  ["bioinfo", "What's the best way to chain three SLURM jobs so each starts when the previous one succeeds?"],
  ["datasci", "How do I set up a Prefect flow so that failed tasks retry three times with a delay?"],
  ["datasci", "How do I orchestrate a dbt run followed by a data quality check and a Slack notification?"],
  ["web", "How do I configure Vercel or a GitHub workflow to create a preview deployment for every branch?"],
  ["backend", "How can I run database migrations as a separate step of my deployment pipeline?"],
  ["devops", "I want my Jenkins pipeline to run the test stages in parallel and then merge the reports. How do I set that up?"],
  ["devops", "Can an Airflow sensor wait on a partition in Hive and then kick off the processing tasks? How would that look?"],
  ["bioinfo", "How do I make my Snakemake workflow process every FASTQ in a folder without listing the samples by hand?"],
  ["devops", "How do I build a CI pipeline for a monorepo that only tests the packages that changed?"]
]

/** Data analysis questions about a named dataset or file, with no table pasted. */
export const dataNamed: ReadonlyArray<Standalone> = [
  ["datasci", "Using the titanic dataset, what was the survival rate by passenger class, and what does it suggest?"],
  ["datasci", "In sales_2023.csv, which region had the highest average order value? Is the difference large?"],
  ["datasci", "Calculate the mean and standard deviation of the 'age' column in customers.csv and comment on the spread."],
  ["datasci", "Is there a correlation between 'temperature' and 'ice_cream_sales' in the weather file? Report the coefficient and what it means."],
  ["datasci", "Analyse the churn column against tenure in our telecom data: do longer-tenure customers churn less?"],
  ["datasci", "From the employee survey data, which department reports the lowest satisfaction, and is it significant?"],
  ["bioinfo", "In my DESeq2 results, how many genes have padj < 0.05 and |log2FC| > 1, and are they mostly up or down? What does that say about the treatment?"],
  ["bioinfo", "Looking at the MultiQC general stats for this run, what would make you exclude a sample?"],
  ["bioinfo", "In the gnomAD frequencies for my candidate variants, what allele frequency would you treat as too common for a rare disease?"],
  ["devops", "From last month's Grafana dashboard, p99 latency doubled on Tuesdays. What could the pattern mean?"],
  ["datasci", "Identify the outliers in the 'price' column of the housing data using the IQR rule, and say whether they look like errors."],
  ["datasci", "Perform a chi-square test of independence between gender and product preference in survey.csv and interpret the result."],
  ["datasci", "What proportion of orders in the dataset were returned, and how does it vary by category?"],
  ["datasci", "Check whether the 'income' column is normally distributed and tell me what that implies for the analysis."],
  ["everyday", "Our household spending by month is in a spreadsheet; food went from 420 to 610 over the year. What might explain the trend?"],
  ["datasci", "Which feature matters most for predicting default in the credit data, judging by the model's importances? Interpret it for the risk team."]
]

/** Role prompts ("act as ...") for every type, some long. */
export const rolePrompts: ReadonlyArray<readonly [string, string, string]> = [
  ["code_review", "backend", "I want you to act as a code review expert. I will provide you with code snippets and you will analyse them for bugs, security vulnerabilities, performance problems and maintainability. For each issue, explain why it matters, rate its severity as low, medium or high, and show how the code should look instead. Also mention what the code does well, so the author knows what to keep. Keep a professional, constructive tone, as if you were commenting on a colleague's pull request. My first snippet will follow in the next message."],
  ["code_review", "web", "You are a pull request review assistant. Given a diff, summarise the intent of the change in one line, then list concerns about correctness, test coverage, naming and edge cases, and finish with a verdict: approve, request changes, or comment. Be specific and cite the lines you mean."],
  ["code_review", "devops", "Act as a senior platform engineer auditing infrastructure code. I will share Terraform, Helm charts and Dockerfiles from our repository. Point out security misconfigurations, missing resource limits, hard-coded secrets and anything that would hurt reliability, ordered by risk."],
  ["code_review", "bioinfo", "I want you to act as a reviewer for a bioinformatics pipeline repository. You check rules and scripts for reproducibility (pinned versions, containers), hard-coded paths, missing logs, silent failures and resource requests, and you suggest concrete changes."],
  ["error_diagnosis", "web", "I want you to act as a senior front-end debugger. I will describe a bug in our single-page app, with console output and network traces when I have them, and you will reason about likely causes, tell me what to inspect next, and propose a fix once the cause is clear. Ask me for more information when you need it. First bug: after login, the dashboard loads forever and the spinner never stops."],
  ["error_diagnosis", "backend", "Act as an on-call engineer helping me through an outage. I'll paste alerts, logs and metrics; you tell me what is most likely broken and the next command to run."],
  ["error_diagnosis", "bioinfo", "You are a helpful HPC support person. Users send you failing SLURM jobs and cluster error messages, and you explain what went wrong in plain language and how to resubmit correctly."],
  ["data_interpretation", "datasci", "I want you to act as a data analyst. I will give you results from our experiments and dashboards, and you will explain what the numbers mean, what is statistically solid and what is noise, and what decisions they support. Avoid jargon and always mention the sample size and uncertainty."],
  ["data_interpretation", "datasci", "Act as a lead data analyst who turns numbers into actionable insights. For every dataset summary I send, give three findings, the evidence for each, and one recommended action, and flag anything that looks like a data quality problem."],
  ["data_interpretation", "bioinfo", "You are a sequencing core analyst. When I paste QC metrics for a run, judge each sample's quality, explain anything abnormal, and say which samples are safe to use downstream."],
  ["summarization", "writing", "I want you to act as a text summarizer. I will give you articles, reports and long emails, and you will reply with a concise summary that keeps the key facts, names and numbers, in no more than five bullet points, followed by a one-sentence takeaway. Do not add opinions or information that is not in the text."],
  ["summarization", "everyday", "Act as an article summarizer: for each text I send, write a headline, a two-sentence summary and a list of key points."],
  ["summarization", "bioinfo", "You are a journal club assistant. When I paste a paper's abstract or sections, produce a short summary of the question, the methods, the main results and the limitations."],
  ["workflow_generation", "devops", "I want you to act as a DevOps engineer. You will design CI/CD pipelines for our services: build, test, security scanning, container images, staged deployments and rollbacks. Write the pipeline definitions for GitHub Actions and explain each job. Our first service is a Spring Boot REST API deployed to Kubernetes."],
  ["workflow_generation", "bioinfo", "Act as a workflow engineer for a genomics lab. I'll describe analysis steps and you write them as a Snakemake or Nextflow pipeline with containers, resource requests and a config file, ready to run on SLURM."],
  ["workflow_generation", "datasci", "You are an AI workflow automation specialist. I describe a business process and you design the automated workflow: triggers, steps, data passed between steps, error handling and notifications, written as an Airflow DAG."],
  ["code_generation", "web", "I want you to act as a full-stack developer. I will describe features and you will write the code: React components, Express routes and SQL migrations, with brief explanations. Start with a signup page with email verification."],
  ["code_generation", "backend", "Act as a Python developer. Reply only with code in one block, no explanations, for each task I give. First task: a function that deduplicates a list while keeping order."],
  ["reasoning", "everyday", "I want you to act as a math teacher. I will give you problems and you will solve them step by step, explaining the reasoning so a student can follow. First problem: the sum of three consecutive even numbers is 78; find them."],
  ["reasoning", "everyday", "Act as a logic puzzle master. Give me your reasoning for each puzzle I post, then the answer. Puzzle one: five people finished a race; A beat B, C finished after D but before B, and E finished first. What was the order?"],
  ["general", "everyday", "I want you to act as a travel guide. I will write you my location and you will suggest a place to visit near it, and sometimes similar places nearby. My first request: I am in Istanbul and want to see only museums."],
  ["general", "writing", "Act as a career coach. Ask me questions about my experience and goals, then suggest two or three career directions and the first steps for each."],
  ["general", "writing", "I want you to act as a poet. Write poems that evoke emotion; my first request is a poem about leaving home."],
  ["general", "everyday", "You are a friendly cooking assistant. Suggest simple weeknight dinners based on what I have in the fridge, and keep the recipes short."]
]

/** JSON-shaped tables with a question, the way table benchmarks and API dumps present data. */
export const jsonTables: ReadonlyArray<readonly [string, string]> = [
  ["datasci", `{"columns": ["year", "region", "units", "revenue"], "data": [[2021, "north", 1200, 54000], [2021, "south", 900, 40500], [2022, "north", 1350, 62100], [2022, "south", 820, 36900]]}`],
  ["everyday", `{"columns": ["rank", "city", "population", "area_km2"], "data": [[1, "Alpha", 2100000, 610], [2, "Beta", 1650000, 880], [3, "Gamma", 990000, 205], [4, "Delta", 720000, 1300]]}`],
  ["bioinfo", `[{"sample": "S1", "reads": 41200000, "aligned_pct": 96.1, "dup_pct": 12.4}, {"sample": "S2", "reads": 12100000, "aligned_pct": 71.3, "dup_pct": 48.2}, {"sample": "S3", "reads": 40900000, "aligned_pct": 96.4, "dup_pct": 13.1}]`],
  ["devops", `[{"service": "api", "p99_ms": 240, "errors": 12, "cpu": 0.61}, {"service": "auth", "p99_ms": 1900, "errors": 310, "cpu": 0.95}, {"service": "search", "p99_ms": 180, "errors": 4, "cpu": 0.33}]`]
]

/** Questions put to a JSON table. */
export const jsonTableQuestions: ReadonlyArray<string> = [
  "Read the table below in JSON format and answer: which entry has the highest value per unit, and by how much?",
  "Based on this data, what is the overall trend, and which entry stands out?",
  "Answer using the table: what is the average of the numeric column that varies most?",
  "Looking at these records, which one would you investigate first and why?",
  "Which rows are outliers here?"
]

/** Reasoning in every domain: counting, estimating, proving and puzzles set in technical contexts. */
export const reasoningDomains: ReadonlyArray<Standalone> = [
  ["bioinfo", "A Nextflow pipeline has 4 processes per sample and 30 samples, plus one MultiQC job at the end. If 8 jobs can run at once and each takes 20 minutes, what is the shortest possible run time? Reason it through."],
  ["bioinfo", "If a restriction enzyme cuts at a 6-base site, how often would you expect it to cut a random 3 Mb sequence? Explain the calculation."],
  ["bioinfo", "We have 5 tumour samples and want every pair compared once. How many comparisons is that, and how many if we add 2 more samples?"],
  ["bioinfo", "A read aligns to 3 places equally well. If the aligner picks one at random, what's the chance it picks the true locus in two independent runs both times?"],
  ["bioinfo", "If 1% of reads carry an adapter and we sequence 40 million reads, how many adapter reads do we expect, and what's a reasonable range?"],
  ["bioinfo", "Three labs, A, B and C, sequenced the same sample. A's result matches B's, C disagrees with A, and exactly one lab made a mistake. Which lab is it?"],
  ["bioinfo", "A Snakemake rule has wildcards for sample (6 values) and chromosome (24 values), but chrY only exists for 2 samples. How many jobs run for that rule?"],
  ["devops", "Our service has 99.9% availability and depends on two others with 99.95% each, in series. What's the best availability we can promise? Show the maths."],
  ["devops", "A disk fills at 2 GB per hour and has 150 GB free; the cleanup job frees 40 GB every 12 hours. Does it ever fill up? When?"],
  ["devops", "If each of 40 servers fails independently with probability 0.1% on a given day, what is the chance that at least one fails today?"],
  ["backend", "A hash table with 1000 buckets holds 50 keys. What's the probability of at least one collision? Estimate it step by step."],
  ["backend", "Is the following claim true: 'if a function is O(n) it is always faster than an O(n log n) one'? Argue with an example."],
  ["backend", "Two services retry failed calls 3 times each, and A calls B. If B is down, how many requests does one user action send to B?"],
  ["web", "A page loads 12 scripts in sequence, each taking 80 ms, or in 3 parallel batches of 4. How much time does batching save?"],
  ["web", "If 3% of visitors click the banner and 20% of those buy, out of 50,000 visitors how many buy? And if the click rate doubles?"],
  ["datasci", "Is it possible for a treatment to be better in every subgroup but worse overall? Explain with numbers (Simpson's paradox)."],
  ["datasci", "If I run 20 independent A/B tests at alpha 0.05 and none of the variants does anything, how likely is at least one 'win'?"],
  ["datasci", "A classifier flags 2% of transactions; 0.5% are really fraud and recall is 80%. What fraction of flagged transactions are fraud?"],
  ["writing", "Each chapter of a novel is 12 pages longer than the one before; the first is 8 pages and the book has 10 chapters. How long is it?"],
  ["writing", "Four authors write a book. Each pair co-writes exactly one chapter, and each author also writes one chapter alone. How many chapters are there?"],
  ["writing", "Premise 1: every editor reads the manuscript. Premise 2: Kim did not read the manuscript. What follows about Kim? Explain the rule of inference."],
  ["everyday", "Pat is older than Quinn but younger than Riley. Sam is older than Riley. Who is the second oldest?"],
  ["everyday", "A man looks at a portrait and says 'Brothers and sisters I have none, but that man's father is my father's son.' Who is in the portrait?"],
  ["everyday", "You're in a race and overtake the person in second place. What position are you in now? Explain."],
  ["devops", "Given a cron of '*/7 * * * *', how many times does the job run between 10:00 and 11:00, and at which minutes?"],
  ["bioinfo", "How many distinct 4-mers exist over the DNA alphabet, and how many are their own reverse complement?"]
]

/** How-to questions whose answer is code (a common way of asking for code). */
export const codeHowTo: ReadonlyArray<Standalone> = [
  ["datasci", "How do I convert a list of dictionaries into a pandas DataFrame?"],
  ["datasci", "How can I read only some columns of a huge CSV with pandas to save memory?"],
  ["web", "How do I debounce an input field in React with hooks?"],
  ["web", "How can I copy text to the clipboard with JavaScript on button click?"],
  ["backend", "How do I read a file line by line in Go?"],
  ["backend", "How do I make an HTTP POST request with JSON in Python using requests?"],
  ["backend", "How can I sort a list of objects by two keys in Java?"],
  ["bioinfo", "How do I extract reads from a BAM file for one region with pysam?"],
  ["bioinfo", "How can I merge several featureCounts outputs into one matrix in R?"],
  ["bioinfo", "How do I get the reverse complement of a sequence in Python without Biopython?"],
  ["devops", "How do I loop over files with spaces in their names in bash?"],
  ["devops", "How can I parse JSON in a shell script with jq and pull out one nested field?"],
  ["datasci", "How to plot a heatmap of a correlation matrix with seaborn?"],
  ["everyday", "How do I reverse a string in Python?"],
  ["web", "How do I center a div horizontally and vertically with flexbox?"],
  ["backend", "What's the syntax for a SQL query that finds duplicate emails in a users table?"],
  ["datasci", "How do I one-hot encode a column in pandas and keep the other columns?"],
  ["backend", "How can I run two async functions concurrently in Python and wait for both?"],
  ["web", "How do I upload a file with fetch and FormData?"],
  ["bioinfo", "How do I filter a VCF for variants with depth above 20 using bcftools?"]
]

/** Data analysis questions of the benchmark kind: compute something from a named file and report it. */
export const dataAnalysisQuestions: ReadonlyArray<Standalone> = [
  ["datasci", "Calculate the average closing price for each year in stock.csv and identify the year with the largest increase."],
  ["datasci", "What is the Pearson correlation between 'horsepower' and 'mpg' in cars.csv? Is the relationship strong?"],
  ["datasci", "Determine the proportion of missing values in each column of the dataset and say which columns are unusable."],
  ["datasci", "Using election.csv, which county had the largest swing between the two elections, and how big was it?"],
  ["datasci", "Group the orders by weekday and report which day has the highest average basket size."],
  ["bioinfo", "Using the counts matrix, which five genes have the highest variance across samples, and are they biologically plausible?"],
  ["bioinfo", "In the metabolomics table, is there a significant difference in LDL-related metabolites between the two diet groups?"],
  ["datasci", "Conduct a t-test comparing the scores of the morning and evening classes and interpret the p-value."],
  ["devops", "From the exported metrics CSV, what is the 95th percentile of response time per endpoint, and which ones break the SLO?"],
  ["datasci", "Is there a seasonal pattern in monthly_sales.csv? Describe it with numbers."],
  ["bioinfo", "From our variant table, what fraction of calls are transitions, and does it look like a good-quality call set?"],
  ["writing", "Across the three book-club surveys, which title got the most consistent ratings, judging by the spread?"]
]

/** More everyday and writing requests of the general kind, some long. */
export const generalMore: ReadonlyArray<Standalone> = [
  ["writing", "Compose an engaging travel blog post about a recent trip to Hawaii, highlighting cultural experiences and must-see attractions."],
  ["writing", "Draft a professional email seeking your supervisor's feedback on the quarterly financial report you prepared."],
  ["writing", "Imagine you are writing a blog post comparing two popular smartphone models. Develop an outline with key points and subheadings."],
  ["writing", "Write a persuasive email to convince your introverted friend to volunteer as a guest speaker at a local event."],
  ["writing", "Describe a vivid and unique character, using strong imagery and creative language, in fewer than two paragraphs."],
  ["everyday", "Pretend you are a pirate captain and tell your crew why they should search for the hidden treasure."],
  ["everyday", "What are the main differences between Python and JavaScript as first languages for a teenager? No code, just advice."],
  ["everyday", "How did the invention of the printing press change Europe?"],
  ["everyday", "What are some strategies for reducing stress before exams?"],
  ["everyday", "Could you suggest names for a black cat with green eyes?"],
  ["everyday", "Why do leaves change colour in autumn?"],
  ["writing", "Edit this sentence for clarity: 'The results which were obtained by us show that there is an effect that is significant.'"],
  ["writing", "Write a short thank-you note to a colleague who covered my shifts while I was sick."],
  ["bioinfo", "I'm starting a PhD in genomics next month. What should I learn first, and how do I avoid burning out?"],
  ["devops", "How do I convince my manager that we need an on-call rotation? Give me talking points, not a tool."],
  ["backend", "What questions should I ask at the end of a backend engineering interview?"],
  ["datasci", "Is a master's degree worth it for becoming a data scientist in 2025?"],
  ["web", "What's the history of JavaScript, briefly?"],
  ["everyday", "Act as a Socratic tutor and ask me questions to help me understand why democracy needs a free press."],
  ["everyday", "What are the ethical concerns around facial recognition technology?"],
  ["writing", "Give me a few opening lines for a mystery novel set in a lighthouse."],
  ["everyday", "Which houseplants are safe for cats?"],
  ["writing", "Write a respectful message to my neighbour asking them to keep the noise down after 11pm."],
  ["everyday", "Explain the rules of cricket in simple terms."]
]

/** Long error reports in the style of issue trackers and Q&A sites (narrative, then details). */
export const errorReports: ReadonlyArray<Standalone> = [
  ["bioinfo", "Description of the bug\n\nWhen running the pipeline with the docker profile on our HPC, the STAR_ALIGN process fails for samples with more than 50M reads. Smaller samples finish.\n\nCommand used and terminal output\n\nnextflow run main.nf -profile docker --input samplesheet.csv\n\nRelevant files: the .nextflow.log shows exit status 140.\n\nSystem information: Nextflow 23.10, executor slurm, CentOS 7."],
  ["devops", "I'm using Airflow 2.7 with the KubernetesExecutor. Since upgrading from 2.5, tasks randomly end up in 'up_for_retry' with no log at all in the UI, just 'Log file does not exist'. The pods seem to start and exit. I've checked the service account permissions and the image tag. What could make the task logs disappear and the tasks fail?"],
  ["web", "Steps to reproduce:\n1. Open the settings page\n2. Change the language to German\n3. Reload\n\nExpected: the page stays in German.\nActual: it switches back to English and the console shows a 404 for /locales/de.json. This only happens on the production build, not with the dev server."],
  ["backend", "After deploying version 3.2 our Django app takes 30+ seconds to respond to the first request after every deploy, then it's fine. Nothing in the logs except the slow request itself. We didn't change settings. Any idea where to look?"],
  ["bioinfo", "Hi, I'm trying to run the variant calling workflow on the test data provided in the repo, but it stops at the bcftools step. The log only says 'the input file is not sorted' although I sorted it with samtools sort. I'm on macOS with conda, snakemake 7.32. Has anyone seen this?"],
  ["datasci", "My PyTorch model trains fine on the CPU but on the GPU the loss stays exactly constant at 0.693 from the first batch. Same code, same data, I only call .to('cuda'). What am I missing?"],
  ["devops", "Our Jenkins builds started failing this morning at the checkout stage. The message is 'stderr: fatal: could not read Username for https://github.com: No such device or address'. Credentials in Jenkins are unchanged. What changed and how do we fix it?"],
  ["bioinfo", "We moved our Snakemake pipeline to a new cluster. Now every job fails immediately and the log says 'bash: line 1: conda: command not found', although conda works in my login shell. How do I get the jobs to see conda?"]
]

/** Requests around prose documents for types other than summarization, so a document alone does not decide. */
export const documentRequests: ReadonlyArray<readonly [string, string, "document" | "spec" | "process"]> = [
  ["code_generation", "Implement the spec below in Python.", "spec"],
  ["code_generation", "Write the code for this. Any language is fine, TypeScript preferred.", "spec"],
  ["code_generation", "Here is what the program must do. Can you build it?", "spec"],
  ["code_generation", "Turn these requirements into working code with tests.", "spec"],
  ["workflow_generation", "This is how our team works today. Turn it into a pipeline we can run automatically.", "process"],
  ["workflow_generation", "Write a Snakemake or Nextflow workflow that does what this paragraph describes.", "process"],
  ["workflow_generation", "Automate the process described below as a scheduled workflow with retries.", "process"],
  ["workflow_generation", "Can you express this as a CI/CD pipeline or DAG?", "process"],
  ["reasoning", "Is the argument in this passage logically sound? Point out any flaw in the reasoning.", "document"],
  ["reasoning", "Based only on the passage, which of these must be true: (a) the decision is final, (b) some people opposed it, (c) costs were the only reason? Explain each.", "document"],
  ["reasoning", "What can be validly inferred from this text, and what can't? Reason carefully.", "document"],
  ["data_interpretation", "What do the figures in this report imply? Which numbers matter most?", "document"],
  ["data_interpretation", "Pull out every number in this text and tell me what they say together.", "document"],
  ["general", "Translate this text into French.", "document"],
  ["general", "Write three interview questions I could ask the author of this.", "document"],
  ["general", "Make this sound more professional without shortening it.", "document"],
  ["code_review", "Here's the design doc for my feature. Before I write code, what problems do you see in the approach?", "spec"],
  ["error_diagnosis", "I implemented exactly this, but the redirect always returns 404 even for codes I just created. What could I have got wrong?", "spec"]
]

/** Table questions with an answer-format instruction (how benchmark and tool prompts put table questions). */
export const formattedTableQuestions: ReadonlyArray<string> = [
  "You are a careful table analyst. Answer the question using only the table below. Think it through, then give the final answer on the last line in the form 'Answer: <value>'.\nQuestion: which entry has the largest value in the last column?",
  "Use the data to answer. Reply with a short explanation and end with 'Final: X', where X is your answer. What is the difference between the highest and the lowest values of the second numeric column?",
  "Instructions: read the table, answer the question, and keep the answer to one line.\nQuestion: is there a relationship between the first and last numeric columns? Answer Yes or No with a reason.",
  "Given the following data, answer the question. Format your output as JSON with the keys 'answer' and 'reason'. Question: which row is the outlier?",
  "Analyse this table and give the answer only, no working. Which group shows the biggest change?"
]

/** Requests that change or extend a workflow, phrased as questions. */
export const workflowEditQuestions: ReadonlyArray<string> = [
  "How can I make these tasks run in parallel instead of one after another?",
  "How do I pass the output of the first step to the last one here?",
  "How would I make this run only for the samples listed in a config file?",
  "How can I add a retry with a delay to the step that talks to the database?",
  "How do I change this so it runs every night at 2am instead?",
  "What's the cleanest way to add an email notification when this finishes?",
  "How can I make this workflow skip samples that were already processed?",
  "How do I split this into a reusable module I can call from other pipelines?"
]

/** More ways of asking for a summary of pasted text. */
export const summarizationMore: ReadonlyArray<PayloadRequest> = [
  { text: "Could you condense this into a short paragraph?", kinds: ["document"] },
  { text: "What's the short version?", kinds: ["document", "dialogue"] },
  { text: "Explain in a few sentences what this text is saying.", kinds: ["document"] },
  { text: "Write a brief synopsis of the following.", kinds: ["document"] },
  { text: "Give me the highlights.", kinds: ["document", "dialogue"] },
  { text: "Please provide a concise overview of this article, no more than 60 words.", kinds: ["document"] },
  { text: "Sum this up for the team channel.", kinds: ["document", "dialogue"] },
  { text: "I need a summary I can paste into my notes: who decided what, and when.", kinds: ["document", "dialogue"] },
  { text: "Distil the key message of this passage into one sentence.", kinds: ["document"] },
  { text: "Can you outline the main ideas here as bullet points?", kinds: ["document"] },
  { text: "Summarise for a busy executive: the problem, the decision, the next step.", kinds: ["document", "dialogue"] },
  { text: "Generate an abstract for this text.", kinds: ["document"] },
  { text: "Make this shorter but keep every number.", kinds: ["document"] },
  { text: "What did they agree on in this chat? Keep it brief.", kinds: ["dialogue"] },
  { text: "Write the minutes of this conversation in three lines.", kinds: ["dialogue"] },
  { text: "Reduce this to its essentials.", kinds: ["document"] },
  { text: "tldr pls", kinds: ["document", "dialogue"] },
  { text: "Give a 2-sentence recap of the passage below, suitable for a newsletter.", kinds: ["document"] },
  { text: "Can you break down the main points of this for me?", kinds: ["document"] },
  { text: "Write a summary of this dialogue from Ben's point of view.", kinds: ["dialogue"] },
  { text: "Here's a long email from my boss. What is she actually asking for?", kinds: ["document"] },
  { text: "Produce a bullet-point digest of these notes.", kinds: ["document", "dialogue"] },
  { text: "Summarize the paper section below for my literature review, with the main finding first.", kinds: ["document"] },
  { text: "Capture the essence of this in under 50 words.", kinds: ["document"] },
  { text: "What's this article about? Two or three sentences is enough.", kinds: ["document"] }
]

/** More everyday, writing and explanation requests. */
export const generalExtra: ReadonlyArray<Standalone> = [
  ["writing", "Come up with a slogan for a community garden."],
  ["writing", "Write an apology email to a customer whose order arrived late."],
  ["writing", "Help me write a bio for my conference talk; I'm a bioinformatician working on cancer genomics."],
  ["writing", "Write a sonnet about the sea."],
  ["writing", "Suggest a title for my thesis on microbial communities in soil."],
  ["writing", "Write a short, funny out-of-office message."],
  ["everyday", "What's the best way to learn a new language as an adult?"],
  ["everyday", "Can you recommend a good laptop for programming under $1000?"],
  ["everyday", "How long should I boil an egg for a runny yolk?"],
  ["everyday", "Tell me an interesting fact about octopuses."],
  ["everyday", "What are the pros and cons of electric cars?"],
  ["everyday", "How do I ask my boss for a raise?"],
  ["everyday", "Who was Ada Lovelace?"],
  ["everyday", "What should I name my new puppy? She's a golden retriever."],
  ["everyday", "Give me a fun fact about space to share with my kids."],
  ["everyday", "Which is healthier, rice or pasta?"],
  ["bioinfo", "What conferences are worth attending for computational biology?"],
  ["bioinfo", "Explain the central dogma of molecular biology in simple terms."],
  ["bioinfo", "Why is reproducibility such a big topic in bioinformatics?"],
  ["devops", "What does a site reliability engineer do all day?"],
  ["devops", "Why do people say 'cattle, not pets' about servers?"],
  ["web", "What is the difference between UX and UI design?"],
  ["backend", "Explain what an API gateway is, without code."],
  ["datasci", "What's the difference between correlation and causation? Give everyday examples."],
  ["writing", "Roleplay as a medieval innkeeper greeting a tired traveller."],
  ["everyday", "Pretend you're my personal trainer and motivate me to go for a run."],
  ["writing", "Write a short speech a captain might give before a big match."],
  ["everyday", "What is the history of the Olympic Games?"]
]

/** More ways of asking for code review, no failure mentioned. */
export const codeReviewMore: ReadonlyArray<PayloadRequest> = [
  { text: "Is this good code?", kinds: ["code"] },
  { text: "Could this be written better?", kinds: ["code", "workflow"] },
  { text: "What are the weaknesses of this implementation?", kinds: ["code"] },
  { text: "Please do a quick code review before I open the PR.", kinds: ["code", "workflow"] },
  { text: "Point out anything unpythonic here.", kinds: ["code"] },
  { text: "How maintainable is this? Our team will have to live with it for years.", kinds: ["code", "workflow"] },
  { text: "I'd appreciate a second pair of eyes on this.", kinds: ["code", "workflow"] },
  { text: "Suggest how to restructure this so it's easier to test.", kinds: ["code"] },
  { text: "Are there any race conditions or subtle bugs lurking here?", kinds: ["code"] },
  { text: "Does this look right to you? Nothing's broken, I just want to be sure before merging.", kinds: ["code", "workflow"] },
  { text: "Comment on the naming and structure, line by line if needed.", kinds: ["code"] },
  { text: "How would you improve the readability of this snippet?", kinds: ["code"] },
  { text: "Is this the right abstraction, or am I overcomplicating it?", kinds: ["code"] },
  { text: "Check my code for bad habits. I'm self-taught.", kinds: ["code"] },
  { text: "Would this pass a code review at a big tech company?", kinds: ["code"] },
  { text: "Any performance concerns with this approach?", kinds: ["code", "workflow"] },
  { text: "What would you flag in this diff?", kinds: ["code", "workflow"] },
  { text: "Is it safe to run this with user input?", kinds: ["code"] },
  { text: "Could you audit this for security problems?", kinds: ["code", "workflow"] },
  { text: "I refactored this function; is the new version actually better?", kinds: ["code"] }
]

/** More code that misbehaves, described without error text. */
export const errorCodeMore: ReadonlyArray<PayloadRequest> = [
  { text: "This should return the sum but I get the wrong number. What's wrong?", kinds: ["code"] },
  { text: "Why isn't this working?", kinds: ["code", "workflow"] },
  { text: "This loop never ends. Why?", kinds: ["code"] },
  { text: "The second request always fails, the first works. Here's the code.", kinds: ["code"] },
  { text: "fix this pls, it doesnt work", kinds: ["code", "workflow"] },
  { text: "I expected three rows and got none. What am I doing wrong?", kinds: ["code"] },
  { text: "My function returns None instead of the list. Why?", kinds: ["code"] },
  { text: "The page renders the old data after I update the state. What's the bug?", kinds: ["code"] },
  { text: "This used to work before we upgraded. What broke?", kinds: ["code", "workflow"] },
  { text: "Running this on the cluster gives no output files at all. Where's my mistake?", kinds: ["code", "workflow"] },
  { text: "It compiles, but crashes at runtime. Can you see why?", kinds: ["code"] },
  { text: "Debug this for me.", kinds: ["code", "traceback", "error_log"] }
]

/** Estimation questions: reasoning with no numbers given. */
export const fermiQuestions: ReadonlyArray<Standalone> = [
  ["everyday", "How many piano tuners are there in a city of two million people? Walk me through your estimate."],
  ["everyday", "How many times does the average human blink in a lifetime? Explain your reasoning step by step."],
  ["everyday", "Estimate how many golf balls fit in a school bus, showing each assumption."],
  ["everyday", "How many words does a typical person speak in a year? Reason it out."],
  ["devops", "Roughly how many requests per second does a service with ten million daily users need to handle at peak? Show the estimate."],
  ["bioinfo", "About how many cells are in a human body, and how would you estimate it from first principles?"],
  ["bioinfo", "Estimate how much disk space a 1000-genome WGS project needs for FASTQ, BAM and VCF files. Show your assumptions."],
  ["datasci", "How many data points would I need to detect a 1% lift in conversion with reasonable power? Reason through the order of magnitude."],
  ["everyday", "How many litres of water does a city of 500,000 people use per day? Estimate step by step."],
  ["web", "How much bandwidth does serving a 2 MB page to a million visitors a day take per month? Work it out."],
  ["writing", "How many books could a person read in a lifetime if they read an hour a day? Show the calculation."],
  ["everyday", "How many snowflakes fall in a typical winter on a small town? Explain your reasoning."]
]

/** What-if and opinion questions: general. */
export const whatIfQuestions: ReadonlyArray<Standalone> = [
  ["everyday", "What if the internet had been invented in the 1800s?"],
  ["everyday", "How would the world be different if the Roman Empire had never fallen?"],
  ["writing", "What if Shakespeare had been born in the 20th century? What might he write about?"],
  ["everyday", "What would happen if humans could photosynthesise?"],
  ["bioinfo", "How might medicine look different if DNA sequencing had been cheap since the 1950s?"],
  ["devops", "What if every company had to open-source its infrastructure code? Discuss the consequences."],
  ["everyday", "If you could have dinner with any historical figure, who should I pick and why?"],
  ["everyday", "Should I learn to play the guitar or the piano first?"],
  ["web", "Will AI replace front-end developers? Give a balanced view."],
  ["datasci", "Is it ethical to use public social media posts for research without consent?"]
]

/** Detailed programming tasks with input and output described (the way contest and benchmark tasks read). */
export const codeSpecs: ReadonlyArray<Standalone> = [
  ["backend", "Develop a Python program that reads all the text files under a directory and returns the five words that occur most often."],
  ["backend", "Given a list of meeting intervals, write code that returns the minimum number of rooms needed. Input: a list of [start, end] pairs. Output: an integer."],
  ["everyday", "You are given a string of parentheses. Write a program that prints the length of the longest valid substring. Example: '(()' gives 2."],
  ["backend", "Implement a program to find the common elements in two arrays without using any extra data structures."],
  ["backend", "Write a C program that reads integers from standard input until EOF and prints their median."],
  ["web", "Create a web page with a button that fetches a random joke from an API and shows it, with a loading state and error message."],
  ["datasci", "Write a script that takes a CSV path and a column name as arguments and prints a histogram of that column in the terminal."],
  ["bioinfo", "Write a program that reads a FASTA file of protein sequences and outputs, for each, its molecular weight and isoelectric point."],
  ["everyday", "Implement Conway's Game of Life on a 20x20 grid that prints each generation; the initial state is random."],
  ["backend", "Write a function that, given a binary tree, returns its zigzag level order traversal."],
  ["everyday", "Write a program to solve a Sudoku puzzle given as a 9x9 list of lists, with 0 for empty cells."],
  ["backend", "Design and implement a simple in-memory key-value store with transactions: BEGIN, SET, GET, ROLLBACK, COMMIT."],
  ["devops", "Write a CLI tool that tails a log file and prints a summary line every minute with counts per log level."],
  ["web", "Using JavaScript, write a function that deep-compares two objects, including nested arrays, and returns true if they are equal."]
]

/** Workflow questions with context, the way people ask on Q&A sites, paired with their workflow definition. */
export const workflowNarrative: ReadonlyArray<string> = [
  "I have the DAG below. I want the load task to run only after all of the extract tasks finish, but the number of extract tasks depends on a config file. How can I achieve this?",
  "We're moving from cron to a proper scheduler. This is the current setup. How would I express the same dependencies so a failed step stops the rest?",
  "I'm new to Snakemake. Below is what I have so far; I now want to add a step that aggregates per-sample results into one table. How do I write that rule?",
  "Our GitHub workflow is below. I'd like the deploy job to run only for tags, and the tests on every push. What should the triggers look like?",
  "This Nextflow pipeline works for one sample. How do I change it so it takes a sample sheet and runs every sample in parallel?",
  "Given this setup, how can I parameterise the pipeline so the genome version can be chosen at launch?",
  "I'd like to add a manual approval step before production in the pipeline below. Where does it go and what does it look like?",
  "How can I restructure this so that the expensive step is cached and only rerun when its inputs change?"
]

/** Last batch: more review, diagnosis, general-over-a-document and summary phrasings, written to widen each type. */
export const codeReviewLast: ReadonlyArray<PayloadRequest> = [
  { text: "It does the job. Is it clean enough to show in a job interview?", kinds: ["code"] },
  { text: "Before I hand this over to the other team, what should I fix stylistically?", kinds: ["code", "workflow"] },
  { text: "Which parts of this would confuse a new contributor?", kinds: ["code", "workflow"] },
  { text: "Evaluate the quality of this code on a scale of correctness, clarity and efficiency.", kinds: ["code"] },
  { text: "Look for code smells please.", kinds: ["code"] },
  { text: "Is the structure of this pipeline definition sound, or would you split it up?", kinds: ["workflow"] },
  { text: "How would you make this more robust for production use? It works in testing.", kinds: ["code", "workflow"] },
  { text: "Give me a review checklist result for this: naming, tests, errors, docs.", kinds: ["code"] },
  { text: "My colleague says this is too clever. Do you agree?", kinds: ["code"] },
  { text: "Any bad practices here that I should unlearn?", kinds: ["code", "workflow"] }
]

export const errorLast: ReadonlyArray<PayloadRequest> = [
  { text: "This gives me the wrong answer for negative numbers. Where's the mistake?", kinds: ["code"] },
  { text: "Why do I get an empty dataframe after this?", kinds: ["code"] },
  { text: "Nothing happens when I click the button. What did I miss?", kinds: ["code"] },
  { text: "Works locally, breaks in the container. Logs:", kinds: ["error_log", "traceback"] },
  { text: "After the upgrade the job exits right away. Output below.", kinds: ["error_log"] },
  { text: "Can you tell me why this keeps failing?", kinds: ["error_log", "traceback", "code"] },
  { text: "The counts come out doubled. Bug in my code?", kinds: ["code"] },
  { text: "Where does this go wrong? The last step never produces its file.", kinds: ["workflow", "code"] },
  { text: "I think there's a problem with how I open the files here, because the script dies halfway.", kinds: ["code"] },
  { text: "Something is off: the loop processes only the first sample.", kinds: ["code", "workflow"] }
]

export const generalOverDocument: ReadonlyArray<PayloadRequest> = [
  { text: "Correct any mistakes in this text and keep my style.", kinds: ["document"] },
  { text: "Write a catchy title and a first line for this piece.", kinds: ["document"] },
  { text: "Continue this story for another two paragraphs.", kinds: ["document"] },
  { text: "Answer this email politely and say no.", kinds: ["document"] },
  { text: "Turn this into a song chorus.", kinds: ["document"] },
  { text: "What tone does this text have, and who is it written for?", kinds: ["document"] },
  { text: "Translate the following into Spanish, keeping the formatting.", kinds: ["document", "dialogue"] },
  { text: "Rewrite this for a ten-year-old without cutting anything.", kinds: ["document"] },
  { text: "Continue the conversation: what would Ben say next?", kinds: ["dialogue"] },
  { text: "Suggest three hashtags for this post.", kinds: ["document"] }
]

export const summarizationLast: ReadonlyArray<Standalone> = [
  ["writing", "Summarize the story of Romeo and Juliet in three sentences."],
  ["everyday", "Give me a short summary of the history of the bicycle."],
  ["bioinfo", "Summarise what the Human Genome Project achieved, in one paragraph."],
  ["datasci", "Summarize the key ideas of 'Thinking, Fast and Slow' in five bullets."],
  ["devops", "Can you summarize the main points of the Google SRE book?"],
  ["writing", "Recap the first season of a typical detective series plot for someone who hasn't seen it? Just kidding: recap the plot of Pride and Prejudice briefly."],
  ["web", "Summarize the main changes between HTTP/1.1, HTTP/2 and HTTP/3 in a few lines."],
  ["everyday", "In a nutshell, what was the Industrial Revolution?"]
]
