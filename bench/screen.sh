#!/usr/bin/env bash
# Declaration screening throughput: `interdict screen` with the full OFAC SDN (with aliases) loaded
# and the example context, against the straightforward Python script (bench/screen_baseline.py:
# dictionary lookup of substance names + rapidfuzz of every party against every listed name) on
# the same declarations. Needs the shared data (../shared or $INTERDICT_SHARED).
# usage: bench/screen.sh [DECLARATIONS] [BASELINE_DECLARATIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${INTERDICT_SHARED:-../shared}
n=${1:-200000}; nb=${2:-300}
out=bench/out; mkdir -p "$out"
if [ ! -x bench/.venv/bin/python ]; then python3 -m venv bench/.venv; fi
bench/.venv/bin/pip install -q rapidfuzz >/dev/null
cargo build --release -q
sdn="$out/sdn"; mkdir -p "$sdn"
cp "$shared/data/watchlists/sdn.csv" "$sdn/"
cp "$shared/data/watchlists/watchman/tfidf_2025-12/alt.csv" "$shared/data/watchlists/watchman/tfidf_2025-12/add.csv" "$sdn/"
data="$out/screen-data"; rm -rf "$data"
target/release/interdict --data-dir "$data" -q lists import --format ofac-sdn "$sdn/sdn.csv" > /dev/null
python3 bench/make_declarations.py "$n" > "$out/declarations.csv"
ctx=(--watchlist examples/watchlist.csv --alr examples/alr.csv --pens examples/pens.csv --route-risk examples/route_risk.csv)

now() { date +%s.%N; }
s=$(now); target/release/interdict --data-dir "$data" -q screen "$out/declarations.csv" "${ctx[@]}" --out "$out/screen_interdict.jsonl" || true; e=$(now)
t2=$(echo "$e - $s" | bc -l)
s=$(now); RAYON_NUM_THREADS=1 target/release/interdict --data-dir "$data" -q screen "$out/declarations.csv" "${ctx[@]}" --out "$out/screen_interdict1.jsonl" || true; e=$(now)
t1=$(echo "$e - $s" | bc -l)
cmp -s "$out/screen_interdict.jsonl" "$out/screen_interdict1.jsonl" || { echo "output differs between 1 and 2 threads" >&2; exit 1; }
rss=$( { /usr/bin/time -f "%M" target/release/interdict --data-dir "$data" -q screen "$out/declarations.csv" "${ctx[@]}" --out /dev/null; } 2>&1 | tail -1)
s=$(now); bench/.venv/bin/python bench/screen_baseline.py data "$sdn" examples/watchlist.csv "$out/declarations.csv" "$nb" > "$out/screen_baseline.jsonl"; e=$(now)
tb=$(echo "$e - $s" | bc -l)
awk -v n="$n" -v a="$t2" -v b="$t1" -v rss="$rss" -v nb="$nb" -v c="$tb" 'BEGIN {
  printf "declarations                        %d (SDN with aliases loaded, example context)\n", n
  printf "interdict, 2 cores                  %8.3f s  %10.0f declarations/s (whole process)\n", a, n / a
  printf "interdict, 1 thread                 %8.3f s  %10.0f declarations/s\n", b, n / b
  printf "interdict peak memory               %8.1f MB\n", rss / 1024
  printf "python dict + rapidfuzz (%d decl.)  %8.3f s  %10.1f declarations/s\n", nb, c, nb / c
  printf "ratio, 2 cores / python             %8.0fx\n", (n / a) / (nb / c)
  printf "ratio, 1 thread / python            %8.0fx\n", (n / b) / (nb / c)
}'
