/**
 * Hand-written payloads for the corpus: pasted source code (some with bugs, some with error words or tables inside
 * that must not decide the label) and function stubs to complete. Written for @orch's corpus; no dataset's wording.
 */
import type { Payload } from "./Payload.ts"

/** Pasted code in several languages and domains. */
export const code: ReadonlyArray<Payload> = [
  { kind: "code", domain: "backend", lang: "Python", text: `def get_user(users, id):
    for u in users:
        if u["id"] == id:
            return u
    raise ValueError("error: user not found")` },
  { kind: "code", domain: "web", lang: "JavaScript", text: `function fetchAll(urls) {
  let results = []
  urls.forEach(async (url) => {
    const res = await fetch(url)
    results.push(await res.json())
  })
  return results
}` },
  { kind: "code", domain: "web", lang: "TypeScript", text: `export async function saveProfile(req: Request, res: Response) {
  const body: any = req.body
  const user = await db.users.findOne({ id: body.id })
  user.name = body.name
  user.email = body.email
  await db.users.save(user)
  console.error("saved")
  res.send(200)
}` },
  { kind: "code", domain: "backend", lang: "Go", text: `func (s *Store) Get(key string) (string, error) {
	s.mu.Lock()
	v, ok := s.data[key]
	if !ok {
		return "", errors.New("not found")
	}
	s.mu.Unlock()
	return v, nil
}` },
  { kind: "code", domain: "backend", lang: "Java", text: `public class OrderService {
    public double total(List<Order> orders) {
        double t = 0;
        for (int i = 0; i <= orders.size(); i++) {
            t += orders.get(i).getPrice() * orders.get(i).getQty();
        }
        return t;
    }
}` },
  { kind: "code", domain: "datasci", lang: "Python", text: `import pandas as pd
df = pd.read_csv("sales.csv")
summary = df.groupby("region")["revenue"].sum()
for i in range(len(df)):
    if df.iloc[i]["revenue"] < 0:
        df.iloc[i]["revenue"] = 0
print(summary)` },
  { kind: "code", domain: "datasci", lang: "Python", text: `from sklearn.model_selection import train_test_split
from sklearn.ensemble import RandomForestClassifier
X = data.drop(columns=["label"])
y = data["label"]
scaler = StandardScaler().fit(X)
X = scaler.transform(X)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
model = RandomForestClassifier().fit(X_train, y_train)
print(model.score(X_test, y_test))` },
  { kind: "code", domain: "bioinfo", lang: "Python", text: `import gzip
def count_reads(path):
    n = 0
    with gzip.open(path, "rt") as fh:
        for i, line in enumerate(fh):
            if i % 4 == 0:
                n += 1
    return n

for s in samples:
    print(s, count_reads(f"data/{s}_R1.fastq.gz"))` },
  { kind: "code", domain: "bioinfo", lang: "R", text: `library(DESeq2)
counts <- read.table("counts.txt", header=TRUE, row.names=1)
coldata <- data.frame(condition=factor(c("ctrl","ctrl","treat","treat")))
dds <- DESeqDataSetFromMatrix(counts, coldata, design=~condition)
dds <- DESeq(dds)
res <- results(dds)
res <- res[res$pvalue < 0.05,]
write.csv(as.data.frame(res), "de_genes.csv")` },
  { kind: "code", domain: "bioinfo", lang: "Bash", text: `for f in raw/*.fastq.gz; do
  s=$(basename $f .fastq.gz)
  fastqc $f -o qc/
  trim_galore $f -o trimmed/
  bwa mem ref.fa trimmed/\${s}_trimmed.fq.gz > aligned/$s.sam
  samtools sort aligned/$s.sam -o aligned/$s.bam
  samtools index aligned/$s.bam
done` },
  { kind: "code", domain: "bioinfo", lang: "Python", text: `def parse_vcf(path):
    variants = []
    for line in open(path):
        if line.startswith("#"):
            continue
        f = line.split("\\t")
        chrom, pos, ref, alt = f[0], int(f[1]), f[3], f[4]
        qual = float(f[5])
        if qual > 30:
            variants.append((chrom, pos, ref, alt))
    return variants` },
  { kind: "code", domain: "devops", lang: "Bash", text: `#!/bin/bash
BACKUP_DIR=/backups/$(date +%F)
mkdir $BACKUP_DIR
pg_dump -U postgres mydb > $BACKUP_DIR/db.sql
tar czf $BACKUP_DIR/uploads.tgz /var/www/uploads
find /backups -mtime +7 -exec rm -rf {} \\;
echo "error count: 0"` },
  { kind: "code", domain: "devops", lang: "Python", text: `import subprocess, sys
def deploy(env):
    cmd = "kubectl apply -f k8s/" + env + " --namespace " + env
    out = subprocess.run(cmd, shell=True, capture_output=True)
    if out.returncode != 0:
        print("FAILED", out.stderr)
        sys.exit(1)
    print("deployed to", env)` },
  { kind: "code", domain: "web", lang: "React", text: `function TodoList({ todos }) {
  const [items, setItems] = useState(todos)
  useEffect(() => {
    setItems(todos)
  })
  return (
    <ul>
      {items.map((t) => <li onClick={() => { t.done = !t.done; setItems(items) }}>{t.title}</li>)}
    </ul>
  )
}` },
  { kind: "code", domain: "backend", lang: "SQL", text: `SELECT c.name, SUM(o.amount) AS total
FROM customers c, orders o
WHERE c.id = o.customer_id
  AND o.created_at > '2024-01-01'
GROUP BY c.name
HAVING SUM(o.amount) > 1000
ORDER BY total DESC;` },
  { kind: "code", domain: "backend", lang: "Rust", text: `fn read_config(path: &str) -> Config {
    let text = std::fs::read_to_string(path).unwrap();
    let cfg: Config = serde_json::from_str(&text).unwrap();
    cfg
}

fn main() {
    let cfg = read_config("config.json");
    println!("{:?}", cfg);
}` },
  { kind: "code", domain: "web", lang: "PHP", text: `<?php
$id = $_GET['id'];
$result = mysqli_query($conn, "SELECT * FROM posts WHERE id = " . $id);
while ($row = mysqli_fetch_assoc($result)) {
    echo "<h1>" . $row['title'] . "</h1>";
    echo $row['body'];
}
?>` },
  { kind: "code", domain: "datasci", lang: "Python", text: `def mean(xs):
    total = 0
    for x in xs:
        total = total + x
    return total / len(xs)

def stdev(xs):
    m = mean(xs)
    return (sum([(x - m) ** 2 for x in xs]) / len(xs)) ** 0.5

# | col | mean | sd |
# |-----|------|----|
print(mean([1, 2, 3]), stdev([1, 2, 3]))` },
  { kind: "code", domain: "backend", lang: "Python", text: `class Cache:
    def __init__(self):
        self.items = {}

    def get(self, key, default=[]):
        if key in self.items.keys():
            return self.items[key]
        else:
            return default

    def put(self, key, value):
        self.items[key] = value` },
  { kind: "code", domain: "web", lang: "CSS", text: `.card {
  display: flex;
  width: 300px !important;
  margin: 10px 10px 10px 10px;
  color: #333333;
}
.card .title { font-size: 18px !important; }
.card .title span { font-size: 18px; }` },
  { kind: "code", domain: "bioinfo", lang: "Python", text: `from Bio import SeqIO
gc = {}
for rec in SeqIO.parse("contigs.fasta", "fasta"):
    s = str(rec.seq).upper()
    gc[rec.id] = (s.count("G") + s.count("C")) / len(s) * 100
for k in sorted(gc, key=gc.get, reverse=True)[:10]:
    print(k, round(gc[k], 2))` },
  { kind: "code", domain: "devops", lang: "Dockerfile", text: `FROM python:3.12
COPY . /app
WORKDIR /app
RUN pip install -r requirements.txt
RUN apt-get update && apt-get install -y curl
ENV SECRET_KEY=changeme
CMD python app.py` },
  { kind: "code", domain: "devops", lang: "Terraform", text: `resource "aws_s3_bucket" "logs" {
  bucket = "company-logs"
  acl    = "public-read"
}

resource "aws_security_group" "web" {
  ingress {
    from_port   = 0
    to_port     = 65535
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}` },
  { kind: "code", domain: "backend", lang: "C++", text: `std::vector<int> topK(std::vector<int> v, int k) {
    std::sort(v.begin(), v.end());
    std::vector<int> out;
    for (int i = v.size() - 1; i >= v.size() - k; i--)
        out.push_back(v[i]);
    return out;
}` },
  { kind: "code", domain: "datasci", lang: "R", text: `df <- read.csv("survey.csv")
df$age_group <- ifelse(df$age < 30, "young", ifelse(df$age < 60, "middle", "old"))
res <- aggregate(score ~ age_group, data = df, FUN = mean)
barplot(res$score, names.arg = res$age_group)
t.test(score ~ gender, data = df)` },
  { kind: "code", domain: "web", lang: "Python", text: `@app.route("/login", methods=["POST"])
def login():
    user = User.query.filter_by(name=request.form["name"]).first()
    if user and user.password == request.form["password"]:
        session["user"] = user.id
        return redirect("/")
    return "error: bad login", 200` },
  { kind: "code", domain: "bioinfo", lang: "Bash", text: `#!/bin/bash
REF=/data/ref/GRCh38.fa
for s in $(cat samples.txt); do
  gatk HaplotypeCaller -R $REF -I bams/$s.bam -O vcf/$s.g.vcf.gz -ERC GVCF
done
gatk CombineGVCFs -R $REF $(for s in $(cat samples.txt); do echo "-V vcf/$s.g.vcf.gz"; done) -O cohort.g.vcf.gz
gatk GenotypeGVCFs -R $REF -V cohort.g.vcf.gz -O cohort.vcf.gz` },
  { kind: "code", domain: "backend", lang: "Kotlin", text: `fun parseAmount(input: String?): Int {
    try {
        return input!!.trim().toInt()
    } catch (e: Exception) {
        return 0
    }
}` },
  { kind: "code", domain: "datasci", lang: "SQL", text: `SELECT date_trunc('week', created_at) AS week,
       COUNT(DISTINCT user_id) AS active_users,
       COUNT(*) FILTER (WHERE event = 'purchase') AS purchases
FROM events
WHERE created_at >= now() - interval '90 days'
GROUP BY 1
ORDER BY 1;` },
  { kind: "code", domain: "web", lang: "TypeScript", text: `type Props = { items: string[]; onSelect: (s: string) => void }
export const Menu = ({ items, onSelect }: Props) => {
  const [open, setOpen] = useState(false)
  return <div>
    <button onClick={() => setOpen(!open)}>Menu</button>
    {open && items.map((i, idx) => <div key={idx} onClick={() => onSelect(i)}>{i}</div>)}
  </div>
}` }
]

/** Function stubs whose body is to be written. */
export const stubs: ReadonlyArray<Payload> = [
  { kind: "code_stub", domain: "backend", lang: "Python", text: `def merge_intervals(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge overlapping intervals and return them sorted by start.
    >>> merge_intervals([(1, 3), (2, 6), (8, 10)])
    [(1, 6), (8, 10)]
    """` },
  { kind: "code_stub", domain: "everyday", lang: "Python", text: `def count_vowels(word: str) -> int:
    """Return how many vowels (a, e, i, o, u, case-insensitive) the word holds.
    count_vowels("Banana") == 3
    """` },
  { kind: "code_stub", domain: "bioinfo", lang: "Python", text: `def reverse_complement(seq: str) -> str:
    """Return the reverse complement of a DNA sequence; keep N as N.
    >>> reverse_complement("ATGCN")
    'NGCAT'
    """` },
  { kind: "code_stub", domain: "bioinfo", lang: "Python", text: `def gc_content(seq):
    """
    Compute the GC fraction of a sequence, ignoring gaps ('-').
    Example: gc_content("GGCA-T") -> 0.6
    """` },
  { kind: "code_stub", domain: "datasci", lang: "Python", text: `def moving_average(values: list[float], window: int) -> list[float]:
    """Return the simple moving average with the given window size.
    The result has len(values) - window + 1 items.
    >>> moving_average([1, 2, 3, 4], 2)
    [1.5, 2.5, 3.5]
    """` },
  { kind: "code_stub", domain: "web", lang: "JavaScript", text: `/**
 * Turn a title into a URL slug: lowercase, words joined by "-", no punctuation.
 * slugify("Hello, World!") === "hello-world"
 */
function slugify(title) {
}` },
  { kind: "code_stub", domain: "web", lang: "TypeScript", text: `/**
 * Group items by the key the function returns.
 * groupBy([1, 2, 3], (n) => n % 2 ? "odd" : "even") // { odd: [1, 3], even: [2] }
 */
export function groupBy<T>(items: T[], key: (item: T) => string): Record<string, T[]> {
  // TODO
}` },
  { kind: "code_stub", domain: "backend", lang: "Go", text: `// IsValidIPv4 reports whether s is a dotted-quad IPv4 address with no leading zeros.
// IsValidIPv4("192.168.0.1") == true, IsValidIPv4("01.2.3.4") == false
func IsValidIPv4(s string) bool {
}` },
  { kind: "code_stub", domain: "everyday", lang: "Python", text: `def is_leap_year(year: int) -> bool:
    """Return True if year is a leap year in the Gregorian calendar."""` },
  { kind: "code_stub", domain: "backend", lang: "Rust", text: `/// Returns the n-th Fibonacci number, or None on overflow.
/// assert_eq!(fib(10), Some(55));
fn fib(n: u32) -> Option<u64> {
    todo!()
}` },
  { kind: "code_stub", domain: "datasci", lang: "Python", text: `def median(numbers):
    """Return the median of a non-empty list of numbers.

    >>> median([3, 1, 2])
    2
    >>> median([4, 1, 2, 3])
    2.5
    """` },
  { kind: "code_stub", domain: "everyday", lang: "Python", text: `from typing import List

def below_zero(operations: List[int]) -> bool:
    """ You get deposits and withdrawals on an account that starts at zero.
    Return True if at any point the balance falls below zero.
    >>> below_zero([1, 2, -4, 5])
    True
    """` },
  { kind: "code_stub", domain: "bioinfo", lang: "Python", text: `def phred_to_prob(qual_string: str, offset: int = 33) -> list[float]:
    """Convert a FASTQ quality string to error probabilities.
    >>> phred_to_prob("I")
    [0.0001]
    """` },
  { kind: "code_stub", domain: "devops", lang: "Python", text: `def parse_duration(text: str) -> int:
    """Parse durations like "1h30m", "45s" or "2d" into seconds.
    >>> parse_duration("1h30m")
    5400
    """
    pass` },
  { kind: "code_stub", domain: "web", lang: "JavaScript", text: `// Return true when the brackets in the string are balanced: (), [] and {}.
// balanced("{[()]}") -> true, balanced("(]") -> false
const balanced = (s) => {
}` }
]
