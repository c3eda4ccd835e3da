#!/usr/bin/env bash
# Party screening throughput: `interdict match-party --input` against the full OFAC SDN with aliases,
# side by side with rapidfuzz (Jaro-Winkler over every SDN name) and nomenklatura logic-v2 (brute
# force), on the same queries: yente's 50,000 synthetic negatives (names in many scripts).
# Needs the shared data (../shared or $INTERDICT_SHARED).
# usage: bench/parties.sh [QUERIES] [RAPIDFUZZ_QUERIES] [NOMENKLATURA_QUERIES]
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${INTERDICT_SHARED:-../shared}
nq=${1:-50000}; nrf=${2:-2000}; nnk=${3:-5}
out=bench/out; mkdir -p "$out"
if [ ! -x bench/.venv/bin/python ]; then python3 -m venv bench/.venv; fi
bench/.venv/bin/pip install -q rapidfuzz nomenklatura >/dev/null 2>&1 || bench/.venv/bin/pip install -q rapidfuzz
cargo build --release -q

sdn="$out/sdn"; mkdir -p "$sdn"
cp "$shared/data/watchlists/sdn.csv" "$sdn/"
cp "$shared/data/watchlists/watchman/tfidf_2025-12/alt.csv" "$shared/data/watchlists/watchman/tfidf_2025-12/add.csv" "$sdn/"
data="$out/parties-data"; rm -rf "$data"
target/release/interdict --data-dir "$data" -q lists import --format ofac-sdn "$sdn/sdn.csv" > /dev/null
{ echo "name"; tail -n +2 "$shared/data/watchlists/yente/negatives_global.csv" | head -n "$nq" | python3 -c '
import csv, sys
w = csv.writer(sys.stdout)
for row in csv.reader(sys.stdin):
    w.writerow([row[0]])'; } > "$out/party_queries.csv"
n=$(($(wc -l < "$out/party_queries.csv") - 1))

now() { date +%s.%N; }
s=$(now); target/release/interdict --data-dir "$data" match-party --limit 1 "WARM UP" > /dev/null || true; e=$(now)
load=$(echo "$e - $s" | bc -l)
s=$(now); RAYON_NUM_THREADS=1 target/release/interdict --data-dir "$data" match-party --input "$out/party_queries.csv" > "$out/parties_interdict.jsonl"; e=$(now)
t1=$(echo "$e - $s" | bc -l)
s=$(now); target/release/interdict --data-dir "$data" match-party --input "$out/party_queries.csv" > "$out/parties_interdict2.jsonl"; e=$(now)
t2=$(echo "$e - $s" | bc -l)
cmp -s "$out/parties_interdict.jsonl" "$out/parties_interdict2.jsonl" || { echo "output differs between 1 and 2 threads" >&2; exit 1; }
rss=$( { /usr/bin/time -f "%M" target/release/interdict --data-dir "$data" match-party --input "$out/party_queries.csv" > /dev/null; } 2>&1 | tail -1)
alarms=$(grep -c '"matches":\[{' "$out/parties_interdict.jsonl" || true)

peers=$(bench/.venv/bin/python bench/parties_baseline.py "$sdn" "$out/party_queries.csv" "$nrf" "$nnk")
echo "$peers" > "$out/parties_peers.txt"
awk -v n="$n" -v ld="$load" -v a="$t1" -v b="$t2" -v rss="$rss" -v alarms="$alarms" '
  BEGIN {
    printf "queries                              %d (yente negatives; %d matched anything = %.2f%%)\n", n, alarms, 100 * alarms / n
    printf "interdict load + 1 query             %8.3f s\n", ld
    printf "interdict, 1 thread                  %8.3f s  %10.0f queries/s (whole process)\n", a, n / a
    printf "interdict, all cores                 %8.3f s  %10.0f queries/s\n", b, n / b
    printf "interdict peak memory                %8.1f MB\n", rss / 1024
    ours = n / a
  }
  $3 > 0 { rate = $2 / $3; printf "%-36s %8.3f s  %10.1f queries/s  -> interdict is %.0fx faster per core\n", $1 " (" $2 " queries)", $3, rate, ours / rate }
' <(echo "$peers")
