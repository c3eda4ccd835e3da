#!/usr/bin/env bash
# HTTP throughput of `interdict serve` against the in-process engine, on loopback only.
# For each of: screening one declaration per request, parties/match, identify — wrk with
# 64 connections for DURATION seconds; then the same input through the CLI's batch path (the
# in-process engine on the same cores). Prints requests/s, p50, p99, the server's peak memory,
# and the ratio HTTP / in-process; and, as the floor of what any route can reach, GET /healthz
# (no work at all) with each route's share of it. Runs on SQLite and, when reachable, PostgreSQL.
#   bench/serve.sh [DURATION=20] [BIN=target/release/interdict]
# Needs wrk (apt-get install wrk). The watchlist is the full OFAC SDN from ../shared when present.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20}
bin=$(readlink -f "${2:-target/release/interdict}")
shared=${INTERDICT_SHARED:-../shared}
pg=${INTERDICT_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}
command -v wrk >/dev/null || { echo "bench/serve.sh needs wrk (apt-get install wrk)"; exit 2; }
work=$(mktemp -d)
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; [ -n "${pgdb:-}" ] && psql "$pg" -qc "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1 || true; }
trap cleanup EXIT

# One declaration, one party, one goods text — the same for HTTP and in-process.
decl_header=$(head -1 examples/declarations.csv)
decl_line=$(sed -n 60p examples/declarations.csv)
party='Hubei Amarvel Biotech Co Ltd'
goods='N-Phenethyl-4-piperidone 99%, 25 kg drum'
n=20000
{ echo "$decl_header"; for i in $(seq 1 $n); do echo "$decl_line" | sed "s/^[^,]*,/DEC-B$i,/"; done; } > "$work/many.csv"
{ echo "name,country"; for i in $(seq 1 $n); do echo "\"$party\",CN"; done; } > "$work/parties.csv"
for i in $(seq 1 $n); do echo "$goods"; done > "$work/goods.txt"
python3 - "$work" "$decl_header" "$decl_line" "$party" "$goods" <<'PY'
import json, sys
work, header, line, party, goods = sys.argv[1:]
def lua(name, path, ctype, body):
    open(f"{work}/{name}.lua", "w").write(
        f'wrk.method = "POST"\nwrk.path = "{path}"\nwrk.headers["Content-Type"] = "{ctype}"\n'
        f'wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")\nwrk.body = {json.dumps(body)}\n')
lua("screen", "/api/v1/screen", "text/csv", header + "\n" + line + "\n")
lua("match", "/api/v1/parties/match", "application/json", json.dumps({"name": party, "country": "CN"}))
lua("identify", "/api/v1/identify", "application/json", json.dumps({"text": goods}))
PY

inprocess() { # label, command… → declarations (lines) per second
  local label=$1; shift
  local t0 t1
  t0=$(date +%s.%N); "$@" > /dev/null; t1=$(date +%s.%N)
  python3 -c "print(f'{$n / ($t1 - $t0):.0f}')"
}

run_backend() { # backend, database location
  local backend=$1 db=$2
  token=$("$bin" --database "$db" --json admin init --email bench@secretariat.test | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  if [ -f "$shared/data/watchlists/sdn.csv" ]; then
    "$bin" --database "$db" -q lists import --format ofac-sdn "$shared/data/watchlists/sdn.csv"
  else
    "$bin" --database "$db" -q lists import --format csv --name coalition examples/watchlist.csv
  fi
  "$bin" --database "$db" -q alr import examples/alr.csv
  "$bin" --database "$db" -q pens import examples/pens.csv
  "$bin" --database "$db" serve --listen 127.0.0.1:0 2>"$work/server.log" &
  pid=$!
  for _ in $(seq 1 150); do grep -q "serving on" "$work/server.log" && break; sleep 0.2; done
  base=$(grep -o 'http://[0-9.:]*' "$work/server.log" | head -1)
  echo "== $backend ($base), $(nproc) cores, 64 connections, ${duration}s per route"
  # Warm the caches (index, screener, structure engine) once.
  TOKEN=$token wrk -t1 -c1 -d2s -s "$work/screen.lua" "$base" >/dev/null
  # The floor: a route that does nothing (no credential, no body) — what HTTP alone costs here.
  floor=$(wrk -t2 -c64 -d"${duration}s" --latency "$base/healthz")
  floor_rps=$(echo "$floor" | awk '/Requests\/sec/ {print $2}')
  printf '%-10s %10s %9s %9s\n' "healthz" "$floor_rps" "$(echo "$floor" | awk '$1=="50%" {print $2}')" "$(echo "$floor" | awk '$1=="99%" {print $2}')"
  printf '%-10s %10s %9s %9s %12s %8s %8s\n' route "req/s" p50 p99 "in-process/s" ratio "of-floor"
  for route in screen match identify; do
    # Each route warmed for 2 s at full concurrency first (after the in-process run of the
    # route before, the server's caches have gone stale): the figures are the steady state.
    TOKEN=$token wrk -t2 -c64 -d2s -s "$work/$route.lua" "$base" >/dev/null
    out=$(TOKEN=$token wrk -t2 -c64 -d"${duration}s" --latency -s "$work/$route.lua" "$base")
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1=="50%" {print $2}')
    p99=$(echo "$out" | awk '$1=="99%" {print $2}')
    errors=$(echo "$out" | awk '/Non-2xx/ {print $5}')
    case $route in
      screen) eng=$(inprocess screen "$bin" --database "$db" --json screen "$work/many.csv") ;;
      match) eng=$(inprocess match "$bin" --database "$db" --json match-party --input "$work/parties.csv") ;;
      identify) eng=$(inprocess identify "$bin" --json identify --input "$work/goods.txt") ;;
    esac
    ratio=$(python3 -c "print(f'{$rps / $eng:.2f}')")
    of_floor=$(python3 -c "print(f'{$rps / $floor_rps:.2f}')")
    printf '%-10s %10s %9s %9s %12s %8s %8s %s\n' "$route" "$rps" "$p50" "$p99" "$eng" "$ratio" "$of_floor" "${errors:+non-2xx: $errors}"
  done
  echo "server peak memory: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
}

run_backend sqlite "$work/sqlite"
pgdb="interdict_bench_$$"
if psql "$pg" -qc "CREATE DATABASE $pgdb" >/dev/null 2>&1; then
  run_backend postgresql "${pg%/*}/$pgdb"
else
  echo "== postgresql: not reachable at $pg; skipped"
fi
