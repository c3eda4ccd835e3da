#!/usr/bin/env bash
# A mixed workload against `interdict serve --demo` on loopback: screening, identification,
# incident search and creation, the notification inbox, alerts, flows, the audit checkpoint.
# Prints, per route, requests, errors (non-2xx or no answer), p50 and p99 in ms; the total
# throughput; and the server's resident memory at the start and the end (a leak shows as
# growth over a long run).
#   bench/load.sh [DURATION=20] [CONNECTIONS=16] [BIN=target/release/interdict]
# Long form (issue 19): bench/load.sh 600 64
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
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

INTERDICT_AUDIT_KEY="$work/audit.key" "$bin" --data-dir "$work/data" serve --demo --listen 127.0.0.1:0 2>"$work/server.log" &
pid=$!
for _ in $(seq 1 600); do grep -q "serving on" "$work/server.log" && break; sleep 0.2; done
grep -q "serving on" "$work/server.log" || { cat "$work/server.log"; exit 2; }
base=$(grep -o 'serving on http://[0-9.:]*' "$work/server.log" | head -1 | sed 's/serving on //')
echo "== $(uname -srm), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); $bin"
echo "== $base: $conns connections, ${duration}s, demo coalition ($(grep -o '[0-9]* incidents' "$work/server.log" | head -1), $(grep -o '[0-9]* pre-export notifications' "$work/server.log" | head -1))"

export DECL="$(head -1 examples/declarations.csv)
$(sed -n 60p examples/declarations.csv)
"
python3 - "$base" "$duration" "$conns" "$pid" "$work/server.log" <<'PY'
import http.client, json, random, sys, threading, time, urllib.parse

base, duration, conns, pid, log = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
host, port = urllib.parse.urlparse(base).hostname, urllib.parse.urlparse(base).port

# The demo prints its users: email, role, password, token.
users = []
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
    c = http.client.HTTPConnection(host, port, timeout=60)
    n = 0
    while time.monotonic() < stop:
        _, name, method, path, ctype, body = rnd.choices(ROUTES, weights)[0]
        headers = {"Authorization": f"Bearer {token}"}
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

threads = [threading.Thread(target=worker, args=(i,)) for i in range(conns)]
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
PY
