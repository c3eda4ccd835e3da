#!/usr/bin/env bash
# Early-warning throughput: `interdict detect --method farrington` (Noufaily settings) against R
# surveillance::farringtonFlexible on the same series, whole process against whole process; the
# outputs are compared (same alarms, upper bounds within 1e-6). Then the scale run: 100,000 series
# of 6 years, the latest week of each. Needs Rscript with r-cran-surveillance.
# usage: bench/ews.sh [R_SERIES] [WEEKS_MONITORED] [SCALE_SERIES]
set -euo pipefail
cd "$(dirname "$0")/.."
nr=${1:-500}; m=${2:-4}; ns=${3:-100000}
out=bench/out; mkdir -p "$out"
cargo build --release -q
python3 bench/make_series.py "$nr" 312 > "$out/ews_series.csv"
base=(--method farrington --b 5 --w 3 --weights-threshold 2.58 --p-threshold-trend 1 --no-periods 10
      --past-weeks-not-included 26 --threshold-method nbPlugin --alpha 0.05)
opts=("${base[@]}" --range "$((312 - m + 1))..312")
now() { date +%s.%N; }
s=$(now); target/release/interdict detect "${opts[@]}" --input "$out/ews_series.csv" > "$out/ews_interdict.csv"; e=$(now)
ti=$(echo "$e - $s" | bc -l)
s=$(now); Rscript bench/ews_baseline.R "$out/ews_series.csv" "$m" "$out/ews_r.csv"; e=$(now)
tr=$(echo "$e - $s" | bc -l)
python3 - "$out/ews_interdict.csv" "$out/ews_r.csv" <<'PY'
import csv, sys
a = list(csv.DictReader(open(sys.argv[1]))); b = list(csv.DictReader(open(sys.argv[2])))
assert len(a) == len(b), (len(a), len(b))
bad = 0
for x, y in zip(a, b):
    same = x['alarm'] == y['alarm'] and (x['upperbound'] == y['upperbound'] == 'NA' or (
        x['upperbound'] != 'NA' and y['upperbound'] != 'NA' and abs(float(x['upperbound']) - float(y['upperbound'])) <= 1e-6 * max(1, abs(float(y['upperbound'])))))
    bad += not same
print(f"agreement with R: {len(a) - bad}/{len(a)} points identical (alarm and upper bound within 1e-6)")
PY
python3 bench/make_series.py "$ns" 312 > "$out/ews_scale.csv"
s=$(now); target/release/interdict detect "${base[@]}" --range 312..312 --input "$out/ews_scale.csv" > /dev/null; e=$(now)
tsc=$(echo "$e - $s" | bc -l)
awk -v nr="$nr" -v m="$m" -v ti="$ti" -v tr="$tr" -v ns="$ns" -v tsc="$tsc" 'BEGIN {
  printf "series x weeks monitored           %d x %d (312 weeks each, Noufaily settings)\n", nr, m
  printf "interdict (2 cores)                %8.3f s\n", ti
  printf "R surveillance 1.20.3              %8.3f s\n", tr
  printf "ratio                              %8.0fx\n", tr / ti
  printf "scale: %d series, latest week    %8.3f s (whole process, 2 cores)\n", ns, tsc
}'
