#!/usr/bin/env bash
# Golden outputs: runs an `interdict` binary over the bundled examples, the engines' test data and
# (when present) the shared watchlists, and writes every answer to OUTDIR. Two builds whose OUTDIRs
# are identical (`diff -r`) answer alike; a refactoring that must not change behaviour is checked
# this way against the commit before it.
#   tools/golden/run.sh target/release/interdict /tmp/golden-new
set -uo pipefail
bin=$(readlink -f "$1"); out=$2
cd "$(dirname "$0")/../.."
shared=${INTERDICT_SHARED:-../shared}
mkdir -p "$out"; rm -rf "$out"/*
data=$(mktemp -d)
run() { # name, command…
  local name=$1; shift
  "$@" >"$out/$name.out" 2>"$out/$name.err"; echo "exit $?" >>"$out/$name.out"
  # timings and paths vary between runs
  sed -i -E 's/in [0-9.]+ s/in N s/g; s#'"$data"'#DATA#g; s#/tmp/[^ ]*#TMP#g' "$out/$name.err"
  # an import records when it ran
  sed -i -E 's/"imported_at":"[^"]*"/"imported_at":"T"/g' "$out/$name.out"
}
J="--json --data-dir $data"
run screen $bin screen examples/declarations.csv $J --watchlist examples/watchlist.csv --alr examples/alr.csv --pens examples/pens.csv --route-risk examples/route_risk.csv
run identify-goods $bin identify $J --input examples/goods_descriptions.txt
cut -d, -f1 crates/registry/tests/data/realistic_descriptions.csv | tail -n +2 | tr -d '"' > "$data/texts.txt"
run identify-realistic $bin identify $J --input "$data/texts.txt"
grep -v '^#' crates/structure/tests/data/definitions.csv | cut -d, -f1 | tail -n +2 > "$data/defs.smi"
grep -v '^#' crates/structure/tests/data/designer_precursors.csv | cut -d, -f1 | tail -n +2 > "$data/dp.smi"
run classify-defs $bin classify $J --input "$data/defs.smi"
run classify-dp $bin classify $J --input "$data/dp.smi"
run classify-sdf $bin classify $J --input crates/structure/tests/data/rdkit_v3000.sdf
for m in ears-c1 ears-c2 ears-c3 cusum farrington glr-pois; do
  run "alerts-$m" $bin alerts $J --incidents examples/incidents.csv --method $m
done
for f in crates/ews/tests/fixtures/series/*.csv; do
  n=$(basename "$f" .csv)
  run "detect-c3-$n" $bin detect --method ears-c3 --input "$f"
  run "detect-far-$n" $bin detect --method farrington --input "$f" --no-periods 10 --past-weeks-not-included 26 --threshold-method nbPlugin
  run "detect-cusum-$n" $bin detect --method cusum --input "$f" --trans rossi
done
run substances $bin substances list $J
run substances-search $bin substances search $J fentanyl
if [ -f "$shared/data/watchlists/sdn.csv" ]; then
  run lists-import $bin lists import $J --format ofac-sdn "$shared/data/watchlists/sdn.csv"
  { echo name,country; tail -n +2 "$shared/data/watchlists/yente/positives_un_treated.csv" | head -300 \
      | python3 -c 'import csv,sys; w=csv.writer(sys.stdout); [w.writerow([r[0], r[-1].upper()]) for r in csv.reader(sys.stdin)]'; } > "$data/parties.csv"
  { echo name1,name2; tail -n +2 "$shared/data/watchlists/nomenklatura/cases.csv" | head -400 | python3 -c 'import csv,sys; w=csv.writer(sys.stdout); [w.writerow([r[2], r[3]]) for r in csv.reader(sys.stdin)]'; } > "$data/pairs.csv"
  run compare-names $bin compare-names $J --input "$data/pairs.csv"
  run match-party $bin match-party $J --input "$data/parties.csv"
  run screen-sdn $bin screen examples/declarations.csv $J --alr examples/alr.csv --pens examples/pens.csv
fi
rm -rf "$data"
echo "golden outputs in $out"
