#!/usr/bin/env bash
# How fast the platform's alerts catch up with a bulk import, against the limit of issue 19
# ("an import of 10,000 incidents updates the alerts in < 1 s"), on loopback only.
# A server over a fresh SQLite data directory; BASE incidents over two years imported and the
# alerts computed once (the feed is then warm); then 10,000 more incidents imported and
# GET /api/v1/alerts timed: the feed reads only the new incidents and the detectors run again.
# Also the full recomputation (a new server process on the same data: cold feed) for contrast.
# Prints the seconds and the ratio to the 1 s limit.
#   bench/alerts_update.sh [BASE=50000] [BIN=target/release/interdict]
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-50000}
bin=$(readlink -f "${2:-target/release/interdict}")
work=$(mktemp -d)
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
data="$work/data"
"$bin" --data-dir "$data" --audit-key "$work/audit.key" -q admin init --email admin@bench.test >/dev/null
org=$("$bin" --data-dir "$data" --json admin org add --name Customs --country MX --kind customs | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
"$bin" --data-dir "$data" -q admin user add --org "$org" --email o@bench.test --role officer >/dev/null
token=$("$bin" --data-dir "$data" --json admin token create --user o@bench.test | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
python3 - "$work" "$base" <<'PY'
import json, random, sys, datetime
work, base = sys.argv[1], int(sys.argv[2])
rnd = random.Random(20261202)
subs = ["fentanyl", "methamphetamine", "cocaine", "heroin", "ketamine", "MDMA", "tramadol",
        "isotonitazene", "4-anilinopiperidine", "N-phenethyl-4-piperidone", "ephedrine", "safrole"]
countries = ["MX", "US", "CN", "IN", "NL", "DE", "NG", "GT", "CA", "BE"]
start = datetime.date(2024, 12, 2)
def line(i, day, tag):
    return json.dumps({"type": "seizure", "date": (start + datetime.timedelta(days=day)).isoformat(),
        "country": rnd.choice(countries), "substances": [{"text": rnd.choice(subs)}],
        "distribution": "country", "reference": f"{tag}-{i}"})
with open(f"{work}/base.jsonl", "w") as f:
    for i in range(base):
        f.write(line(i, rnd.randrange(0, 700), "b") + "\n")
with open(f"{work}/more.jsonl", "w") as f:
    for i in range(10000):
        f.write(line(i, rnd.randrange(680, 730), "m") + "\n")
PY
start_server() {
  "$bin" --data-dir "$data" --audit-key "$work/audit.key" serve --listen 127.0.0.1:0 2> "$work/log" &
  pid=$!
  for _ in $(seq 1 100); do grep -q 'serving on' "$work/log" 2>/dev/null && break; sleep 0.2; done
  addr=$(sed -n 's/.*serving on //p' "$work/log" | head -1)
}
stop_server() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; }
import() { curl -sf -o /dev/null -H "Authorization: Bearer $token" -H 'content-type: application/x-ndjson' --data-binary "@$1" "$addr/api/v1/incidents:import"; }
alerts_secs() { curl -sf -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "$addr/api/v1/alerts"; }
start_server
t0=$(date +%s.%N); import "$work/base.jsonl"; t1=$(date +%s.%N)
cold=$(alerts_secs)
import "$work/more.jsonl"
t2=$(date +%s.%N)
incremental=$(alerts_secs)
stop_server
start_server
full=$(alerts_secs)
stop_server
python3 - "$base" "$t0" "$t1" "$t2" "$cold" "$incremental" "$full" <<'PY'
import sys
base, t0, t1, t2, cold, inc, full = sys.argv[1:]
base = int(base); t0, t1, t2, cold, inc, full = map(float, (t0, t1, t2, cold, inc, full))
print(f"import of {base} incidents: {t1 - t0:.1f} s ({base / (t1 - t0):.0f}/s)")
print(f"first GET /api/v1/alerts (cold feed, {base} incidents): {cold:.3f} s")
print(f"GET /api/v1/alerts after importing 10,000 more (incremental): {inc:.3f} s "
      f"= {inc / 1.0:.2f} x the 1 s limit")
print(f"the same after a restart (full recomputation over {base + 10000}): {full:.3f} s")
PY
