#!/usr/bin/env bash
# A mixed workload against `interdict serve` on loopback: screening, identification,
# incident search and creation, the notification inbox, alerts, flows, the audit checkpoint.
# Prints, per route, requests, errors (non-2xx or no answer), p50 and p99 in ms; the total
# throughput; and the server's resident memory sampled every 30 s (a leak shows as growth
# over a long run).
#   bench/load.sh [DURATION=20] [CONNECTIONS=16] [BIN=target/release/interdict]
# Against the demo coalition (`serve --demo`, SQLite) unless LOAD_SEED=coalition: then a
# coalition of realistic size is written first by bench/seed_coalition.py (50 countries, 200
# organisations, 100,000 incidents, 30,000 notifications a year for 3 years; sizes from
# LOAD_INCIDENTS, LOAD_PENS_PER_YEAR), on SQLite or, with LOAD_POSTGRES=postgres://…/postgres,
# on a fresh PostgreSQL database of that server; every connection acts as one of the 150
# reporting officers or 50 competent-authority officers, so visibility differs per request.
# Long form (issue 19): LOAD_SEED=coalition bench/load.sh 600 64 (and again with LOAD_POSTGRES).
# The load generator is Python's standard library only (one keep-alive connection per
# thread), so it is the client, not the server, that bounds the throughput on a small machine:
# the figures are a floor. Loopback only; the data directory is a temporary one.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20}
conns=${2:-16}
bin=$(readlink -f "${3:-target/release/interdict}")
[ -x "$bin" ] || { echo "bench/load.sh: no binary at $bin (cargo build --release -p interdict)"; exit 2; }
work=$(mktemp -d)
pgdb=
cleanup() {
  [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true
  [ -n "$pgdb" ] && psql "$LOAD_POSTGRES" -qc "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
export INTERDICT_AUDIT_KEY="$work/audit.key"
if [ "${LOAD_SEED:-demo}" = coalition ]; then
  if [ -n "${LOAD_POSTGRES:-}" ]; then
    pgdb="interdict_load_$$"
    psql "$LOAD_POSTGRES" -qc "CREATE DATABASE $pgdb" >/dev/null
    database="${LOAD_POSTGRES%/*}/$pgdb"
  else
    database="$work/data"
  fi
  python3 bench/seed_coalition.py "$bin" "$database" "$work/tokens.json" \
    --incidents "${LOAD_INCIDENTS:-100000}" --pens-per-year "${LOAD_PENS_PER_YEAR:-30000}"
  "$bin" --database "$database" serve --listen 127.0.0.1:0 2>"$work/server.log" &
  pid=$!
else
  "$bin" --data-dir "$work/data" serve --demo --listen 127.0.0.1:0 2>"$work/server.log" &
  pid=$!
fi
for _ in $(seq 1 600); do grep -q "serving on" "$work/server.log" && break; sleep 0.2; done
grep -q "serving on" "$work/server.log" || { cat "$work/server.log"; exit 2; }
base=$(grep -o 'serving on http://[0-9.:]*' "$work/server.log" | head -1 | sed 's/serving on //')
echo "== $(uname -srm), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); $bin"
if [ -f "$work/tokens.json" ]; then
  echo "== $base: $conns connections, ${duration}s, coalition of realistic size on ${LOAD_POSTGRES:+PostgreSQL}${LOAD_POSTGRES:-SQLite}"
else
  echo "== $base: $conns connections, ${duration}s, demo coalition ($(grep -o '[0-9]* incidents' "$work/server.log" | head -1), $(grep -o '[0-9]* pre-export notifications' "$work/server.log" | head -1))"
fi

export DECL="$(head -1 examples/declarations.csv)
$(sed -n 60p examples/declarations.csv)
"
python3 - "$base" "$duration" "$conns" "$pid" "$work/server.log" "$work/tokens.json" <<'PY'
import http.client, json, os, random, sys, threading, time, urllib.parse

base, duration, conns, pid, log, tokens_file = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
host, port = urllib.parse.urlparse(base).hostname, urllib.parse.urlparse(base).port

# The coalition seed wrote its officers' tokens; the demo prints its users: email, role,
# password, token.
users = []
if os.path.exists(tokens_file):
    users = [{"email": o["email"], "role": "officer", "token": o["token"]}
             for o in json.load(open(tokens_file))["officers"]]
for line in open(log):
    parts = line.split()
    if len(parts) == 4 and "@" in parts[0] and parts[3].startswith("itd_"):
        users.append({"email": parts[0], "role": parts[1], "token": parts[3]})
if not users:
    # Tokens may have another prefix: take the last column of the demo table.
    for line in open(log):
        parts = line.split()
        if len(parts) == 4 and "@" in parts[0] and parts[1] in ("admin", "officer"):
            users.append({"email": parts[0], "role": parts[1], "token": parts[3]})
assert users, "no demo users in the server's log"
officers = [u for u in users if u["role"] == "officer"] or users
token = officers[0]["token"]

def rss():
    try:
        for l in open(f"/proc/{pid}/status"):
            if l.startswith("VmRSS"):
                return int(l.split()[1]) // 1024
    except OSError:
        return -1

import os
decl = os.environ["DECL"]
ROUTES = [  # (weight, name, method, path, content type, body)
    (20, "screen", "POST", "/api/v1/screen", "text/csv", decl.encode()),
    (20, "identify", "POST", "/api/v1/identify", "application/json", json.dumps({"text": "N-Phenethyl-4-piperidone 99%, 25 kg drum"}).encode()),
    (15, "incidents?q", "GET", "/api/v1/incidents?q=cocaine&limit=50", None, None),
    (10, "incidents?substance", "GET", "/api/v1/incidents?substance=fentanyl&limit=50", None, None),
    (10, "pens inbox", "GET", "/api/v1/pens?limit=50", None, None),
    (8, "alerts", "GET", "/api/v1/alerts", None, None),
    (8, "flows", "GET", "/api/v1/flows", None, None),
    (5, "audit checkpoint", "GET", "/api/v1/audit/checkpoint", None, None),
    (4, "incident create", "POST", "/api/v1/incidents", "application/json", None),
]
weights = [r[0] for r in ROUTES]
lat = {r[1]: [] for r in ROUTES}
err = {r[1]: 0 for r in ROUTES}
lock = threading.Lock()
stop = time.monotonic() + duration
start_rss = rss()

def worker(seed):
    rnd = random.Random(seed)
    # Each connection acts as one officer: visibility differs from one connection to the next.
    my_token = officers[seed % len(officers)]["token"]
    c = http.client.HTTPConnection(host, port, timeout=60)
    n = 0
    while time.monotonic() < stop:
        _, name, method, path, ctype, body = rnd.choices(ROUTES, weights)[0]
        headers = {"Authorization": f"Bearer {my_token}"}
        if name == "incident create":
            n += 1
            body = json.dumps({"type": "seizure", "date": "2026-01-05", "substances": [{"text": "cocaine"}],
                               "tlp": "clear", "description": f"load {seed} {n}"}).encode()
        if ctype:
            headers["Content-Type"] = ctype
        t0 = time.perf_counter()
        ok = False
        try:
            c.request(method, path, body=body, headers=headers)
            r = c.getresponse()
            r.read()
            ok = 200 <= r.status < 300
        except Exception:
            c.close()
            c = http.client.HTTPConnection(host, port, timeout=60)
        ms = (time.perf_counter() - t0) * 1000
        with lock:
            if ok:
                lat[name].append(ms)
            else:
                err[name] += 1

samples = []
def sampler():
    while time.monotonic() < stop:
        samples.append(rss())
        time.sleep(min(30, max(1, duration / 10)))
threads = [threading.Thread(target=worker, args=(i,)) for i in range(conns)]
threading.Thread(target=sampler, daemon=True).start()
t0 = time.monotonic()
for t in threads: t.start()
for t in threads: t.join()
elapsed = time.monotonic() - t0

def pct(xs, p):
    if not xs: return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]

print(f"{'route':<22}{'requests':>10}{'errors':>8}{'p50 ms':>10}{'p99 ms':>10}")
total = errors = 0
for _, name, *_ in ROUTES:
    xs = lat[name]
    total += len(xs); errors += err[name]
    print(f"{name:<22}{len(xs):>10}{err[name]:>8}{pct(xs, 50):>10.1f}{pct(xs, 99):>10.1f}")
print(f"{'all':<22}{total:>10}{errors:>8}")
print(f"throughput {total / elapsed:.0f} requests/s over {elapsed:.0f} s; errors {errors}; server RSS {start_rss} MiB at start, {rss()} MiB at end")
print("server RSS over time (MiB):", " ".join(str(x) for x in samples))
PY
