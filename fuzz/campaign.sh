#!/usr/bin/env bash
# A fuzzing campaign: each target run by libFuzzer until it has made RUNS executions or
# SECONDS have passed, whichever comes first, starting from the committed seed corpus where
# there is one (new inputs go to a scratch directory). Prints one Markdown row per target for
# the Runs table of fuzz/README.md: date, target, executions, time, result.
#   fuzz/campaign.sh [SECONDS=600] [RUNS=10000000] [TARGET...]
# Needs cargo-fuzz (`cargo install cargo-fuzz`); the stable toolchain runs it with
# RUSTC_BOOTSTRAP=1. Built with optimisations and debug assertions, without a sanitizer
# (`-s none`: Rust code is memory-safe, the sanitizer would cost most of the executions).
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
runs=${2:-10000000}
shift 2 2>/dev/null || shift $#
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(cas labels audit_proofs notifications context incidents declarations identify watchlists ews names structures)
export RUSTC_BOOTSTRAP=1
scratch=${FUZZ_SCRATCH:-/tmp/interdict-fuzz}
for t in "${targets[@]}"; do
  mkdir -p "$scratch/$t"
  dirs=("$scratch/$t")
  [ -d "corpus/$t" ] && dirs+=("corpus/$t")
  log="$scratch/$t.log"
  cargo fuzz run -O -s none "$t" "${dirs[@]}" -- -runs="$runs" -max_total_time="$seconds" \
    -rss_limit_mb=2048 -timeout=30 -print_final_stats=1 >"$log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
  secs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | tail -1 | grep -o 'in [0-9]*' | grep -o '[0-9]*')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
  if [ $rc -eq 0 ]; then result="no crash (coverage ${cov:-?})"; else result="**exit $rc**: see $log"; fi
  printf '| %s | %s | %s | %s s | %s |\n' "$(date -u +%F)" "$t" "$(printf "%'d" "${execs:-0}")" "${secs:-?}" "$result"
done
