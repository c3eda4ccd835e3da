#!/usr/bin/env bash
# The limits of issue 19 at 1M incidents, on loopback: incident search p99 < 50 ms, flows < 1 s,
# and an import of 10,000 incidents updating the alerts in < 1 s. Prints each figure beside its
# limit and the ratio (figure / limit: under 1 is within it).
#   bench/million.sh [INCIDENTS=1000000] [BIN=target/release/interdict]
# SQLite by default; with MILLION_POSTGRES=postgres://…/postgres on a database of that server.
# The coalition is written by bench/seed_coalition.py (50 countries, 200 organisations, 3 years,
# 30,000 notifications a year, 40% of seizures with an origin country so that they are flows)
# through the CLI's bulk import: it takes a while (about 20 minutes for 1M in a release build on
# 2 cores), so it is kept and reused: in MILLION_SEED (default /tmp/interdict-million-N, a data
# directory; on PostgreSQL the database interdict_million_N and its tokens file beside). Every
# run works on a copy (cp of the directory; CREATE DATABASE … TEMPLATE), so runs are alike and
# the seed is never changed; an older seed is migrated forward by the server on its first start.
# Search: 16 filter queries (words common and rare, substance, class, country, type, date
# ranges, combinations) run 25 times each, and 20 pages followed by cursor, as one officer; the
# first run of each is left out of the figures (it warms SQLite's page cache, like a server
# that has been running). Flows: the first query after start (cold), the query again (warm),
# filtered variants, and the first after the import. Alerts: GET /api/v1/alerts once before
# (cold feed), then 10,000 incidents of the latest weeks imported through
# POST /api/v1/incidents:import, then GET /api/v1/alerts timed: the figure.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
bin=$(readlink -f "${2:-target/release/interdict}")
[ -x "$bin" ] || { echo "bench/million.sh: no binary at $bin (cargo build --release -p interdict)"; exit 2; }
work=$(mktemp -d)
pgdb=
cleanup() {
  [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true
  [ -n "$pgdb" ] && psql "$MILLION_POSTGRES" -qc "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
if [ -n "${MILLION_POSTGRES:-}" ]; then
  seeddb=${MILLION_SEED:-interdict_million_$n}
  tokens="/tmp/$seeddb.tokens.json"
  key="/tmp/$seeddb.audit.key"
  export INTERDICT_AUDIT_KEY="$key"
  if ! psql "$MILLION_POSTGRES" -tAc "SELECT 1 FROM pg_database WHERE datname = '$seeddb'" | grep -q 1 \
      || [ ! -f "$tokens" ]; then
    psql "$MILLION_POSTGRES" -qc "DROP DATABASE IF EXISTS $seeddb" >/dev/null
    psql "$MILLION_POSTGRES" -qc "CREATE DATABASE $seeddb" >/dev/null
    rm -f "$key"
    python3 bench/seed_coalition.py "$bin" "${MILLION_POSTGRES%/*}/$seeddb" "$tokens.part" \
      --incidents "$n" --routes 0.4
    # What autovacuum does within minutes of a bulk load, done at once: the statistics (the
    # planner chose a bitmap scan and a sort of every row for a feed page without them) and
    # the visibility map (index-only scans).
    psql "${MILLION_POSTGRES%/*}/$seeddb" -qc "VACUUM ANALYZE" >/dev/null
    mv "$tokens.part" "$tokens"
  fi
  pgdb="interdict_million_run_$$"
  psql "$MILLION_POSTGRES" -qc "CREATE DATABASE $pgdb TEMPLATE $seeddb" >/dev/null
  database="${MILLION_POSTGRES%/*}/$pgdb"
  backend=PostgreSQL
else
  seed=${MILLION_SEED:-/tmp/interdict-million-$n}
  tokens="$seed.tokens.json"
  key="$seed.audit.key"
  export INTERDICT_AUDIT_KEY="$key"
  if [ ! -f "$tokens" ]; then
    rm -rf "$seed" "$key"
    python3 bench/seed_coalition.py "$bin" "$seed" "$tokens.part" --incidents "$n" --routes 0.4
    mv "$tokens.part" "$tokens"
  fi
  cp -a "$seed" "$work/data"
  database="$work/data"
  backend=SQLite
fi
t0=$(date +%s.%N)
# The server's own info lines (not every request's), to see when its background warm-up ends.
INTERDICT_LOG=warn,interdict_server=info \
  "$bin" --database "$database" serve --listen 127.0.0.1:0 2>"$work/server.log" &
pid=$!
for _ in $(seq 1 3000); do grep -q "serving on" "$work/server.log" && break; sleep 0.2; done
grep -q "serving on" "$work/server.log" || { cat "$work/server.log"; exit 2; }
t1=$(date +%s.%N)
base=$(grep -o 'serving on http://[0-9.:]*' "$work/server.log" | head -1 | sed 's/serving on //')
echo "== $(uname -srm), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); $bin"
echo "== $backend, $n incidents (seed $([ -n "$pgdb" ] && echo "$seeddb" || echo "$seed")); server up in $(python3 -c "print(f'{$t1 - $t0:.1f}')") s (migrations included)"
python3 - "$base" "$tokens" "$pid" "$work/server.log" <<'PY'
import datetime, http.client, json, random, sys, time, urllib.parse

base, tokens_file, pid = sys.argv[1], sys.argv[2], sys.argv[3]
u = urllib.parse.urlparse(base)
officers = json.load(open(tokens_file))["officers"]
# A customs officer of a member with many partners: sees its own, its country's, the coalition's
# and what other members shared with it.
me = next(o for o in officers if o["kind"] == "customs" and o["country"] == "MX")
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=600)

def call(method, path, body=None, ctype=None):
    headers = {"Authorization": f"Bearer {me['token']}"}
    if ctype:
        headers["Content-Type"] = ctype
    t = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    data = r.read()
    ms = (time.perf_counter() - t) * 1000
    if not 200 <= r.status < 300:
        sys.exit(f"{method} {path}: HTTP {r.status}: {data[:300]!r}")
    return ms, data

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]

def rss():
    for l in open(f"/proc/{pid}/status"):
        if l.startswith("VmRSS"):
            return int(l.split()[1]) // 1024

def row(what, figure, limit, unit):
    print(f"{what:<58} {figure:>10.1f} {unit:<3} limit {limit:>6} {unit:<3} ratio {figure / limit:5.2f}"
          f"{'' if figure < limit else '  OVER'}", flush=True)

ms, _ = call("GET", "/api/v1/alerts")
print(f"first GET /api/v1/alerts (cold: feed of every visible incident read): {ms / 1000:.2f} s", flush=True)
ms, _ = call("GET", "/api/v1/flows")
print(f"first GET /api/v1/flows (cold): {ms:.0f} ms; server RSS {rss()} MiB", flush=True)

# The server reads every incident and runs the detectors once per country in the background as
# it starts (minutes at this size, on every core it may take): the searches below are timed on
# a server that has done so, like one that has been running, not against that work.
t = time.monotonic()
while "alert detectors run once per country" not in open(sys.argv[4]).read():
    if time.monotonic() - t > 1800:
        sys.exit("the server's warm-up did not end within 30 minutes")
    time.sleep(1)
import re
warm = [re.sub(r"\x1b\[[0-9;]*m", "", l).split("INFO")[-1].strip() for l in open(sys.argv[4])
        if "alert detectors run once per country" in l or "alert feeds read" in l]
print("server warm-up: " + "; ".join(warm), flush=True)
# The server closes a keep-alive connection left idle that long: a new one.
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=600)

# Realistic filters: words of the seed's descriptions (common and rare), substances common and
# rare, a class, countries, types, date ranges recent and old, and combinations.
QUERIES = [
    "q=container", "q=postal%20hub", "q=border%20crossing%20123", "q=483920",
    "substance=fentanyl", "substance=carfentanil", "class=nitazene",
    "country=MX", "country=NG&substance=cocaine", "type=overdose",
    "from=2026-11-01&to=2026-11-30", "from=2024-03-01&to=2024-03-31",
    "country=DE&from=2025-01-01&to=2025-06-30", "substance=heroin&from=2025-06-01&to=2025-06-30",
    "q=parcel&country=CN&substance=tramadol", "type=drug_checking&country=US&from=2026-01-01",
]
lat, per = [], {}
for q in QUERIES:
    xs = []
    for k in range(26):
        ms, data = call("GET", f"/api/v1/incidents?{q}&limit=50")
        if k:
            xs.append(ms)
    per[q] = (pct(xs, 50), pct(xs, 99), len(json.loads(data)["items"]))
    lat += xs
pages = []
for k in range(3):
    cursor = None
    for _ in range(20):
        ms, data = call("GET", "/api/v1/incidents?substance=fentanyl&limit=50" + (f"&cursor={cursor}" if cursor else ""))
        if k:
            pages.append(ms)
        cursor = json.loads(data).get("next_cursor")
        if not cursor:
            break
lat += pages
print(f"{'search query':<58} {'p50 ms':>8} {'p99 ms':>8} {'items':>6}")
for q, (p50, p99, items) in per.items():
    print(f"  {q:<56} {p50:>8.1f} {p99:>8.1f} {items:>6}")
print(f"  {'20 pages of substance=fentanyl by cursor':<56} {pct(pages, 50):>8.1f} {pct(pages, 99):>8.1f}")
print(f"search over all {len(lat)} requests: p50 {pct(lat, 50):.1f} ms")
row("incident search p99", pct(lat, 99), 50, "ms")

flows = {}
for q in ["", "?substance=acetic%20anhydride", "?class=fentanyl-precursor", "?source=incidents",
          "?from=2026-06-01&to=2026-11-30"]:
    xs = [call("GET", f"/api/v1/flows{q}")[0] for _ in range(5)]
    flows[q] = max(xs)
    print(f"  GET /api/v1/flows{q:<40} max of 5 {max(xs):>8.1f} ms  p50 {pct(xs, 50):.1f} ms")
ms, _ = call("GET", "/api/v1/flows/changes")
print(f"  GET /api/v1/flows/changes {ms:>8.1f} ms")
row("flows, slowest query (warm)", max(flows.values()) / 1000, 1, "s")

rnd = random.Random(20261202)
subs = ["fentanyl", "methamphetamine", "cocaine", "heroin", "tramadol", "ketamine", "MDMA",
        "isotonitazene", "xylazine", "ephedrine"]
countries = ["MX", "US", "CN", "NL", "DE", "NG", "GT", "CA"]
today = datetime.date(2026, 11, 30)
stamp = int(time.time())
lines = []
for i in range(10000):
    rec = {"type": "seizure", "date": (today - datetime.timedelta(days=rnd.randrange(21))).isoformat(),
           "country": "MX", "distribution": rnd.choice(["country", "coalition"]), "tlp": "green",
           "substances": [{"text": rnd.choice(subs), "quantity": {"value": round(rnd.lognormvariate(1, 2), 3), "unit": "kg"}}],
           "reference": f"M-{stamp}-{i}", "description": f"container at port {rnd.randrange(10**6)}"}
    if rnd.random() < 0.4:
        rec["origin_country"] = rnd.choice(countries[1:])
    lines.append(json.dumps(rec))
body = ("\n".join(lines) + "\n").encode()
ms, data = call("POST", "/api/v1/incidents:import", body, "application/x-ndjson")
print(f"import of 10,000 incidents (POST /api/v1/incidents:import): {ms / 1000:.2f} s", flush=True)
ms, data = call("GET", "/api/v1/alerts")
alerts = json.loads(data)
print(f"  alerts after it: {len(alerts['items'])} alerts over {alerts['incidents_considered']} incidents")
row("GET /api/v1/alerts after the import (the update)", ms / 1000, 1, "s")
ms, _ = call("GET", "/api/v1/alerts")
print(f"  GET /api/v1/alerts again (nothing new): {ms:.1f} ms")
ms, _ = call("GET", "/api/v1/flows")
row("first GET /api/v1/flows after the import", ms / 1000, 1, "s")
print(f"server RSS at the end: {rss()} MiB")
PY
