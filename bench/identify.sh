#!/usr/bin/env bash
# Identification throughput: `interdict identify --input` against the Python baseline
# (dictionary + rapidfuzz, bench/identify_baseline.py) on the same descriptions, whole process.
# usage: bench/identify.sh [LINES]   (default 200000)
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-200000}
out=bench/out; mkdir -p "$out"
if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q rapidfuzz
fi
cargo build --release -q
python3 bench/make_identify_input.py "$lines" > "$out/identify_input.txt"

seconds() { local s e; s=$(date +%s.%N); "$@"; e=$(date +%s.%N); echo "$e - $s" | bc -l; }

t1=$(seconds sh -c "RAYON_NUM_THREADS=1 target/release/interdict identify --input $out/identify_input.txt > $out/identify_interdict.jsonl")
t2=$(seconds sh -c "target/release/interdict identify --input $out/identify_input.txt > $out/identify_interdict2.jsonl")
tb=$(seconds sh -c "bench/.venv/bin/python bench/identify_baseline.py data $out/identify_input.txt > $out/identify_baseline.jsonl")
cmp -s "$out/identify_interdict.jsonl" "$out/identify_interdict2.jsonl" || { echo "output differs between 1 and 2 threads" >&2; exit 1; }

awk -v n="$lines" -v a="$t1" -v b="$t2" -v c="$tb" 'BEGIN {
  printf "lines                      %d\n", n
  printf "interdict, 1 thread        %8.3f s  %10.0f texts/s\n", a, n / a
  printf "interdict, all cores       %8.3f s  %10.0f texts/s\n", b, n / b
  printf "python dict+rapidfuzz      %8.3f s  %10.0f texts/s\n", c, n / c
  printf "ratio (1 thread / python)  %8.1fx\n", c / a
}'
