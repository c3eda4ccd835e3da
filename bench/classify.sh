#!/usr/bin/env bash
# Structure classification throughput: `interdict classify --input` (all cores) against the RDKit
# Python script doing the same work (bench/classify_baseline.py, one process), whole process, on
# the same molecules: the rdkit wheel's NCI first_5K.smi cycled to N lines (default 15000).
# Both are run with InChIKey generation for every molecule, and then interdict with its default
# (InChIKey only for hits) against the script without InChIKey (the issue's list of work).
# usage: bench/classify.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-15000}
out=bench/out; mkdir -p "$out"
if [ ! -x bench/.venv-rdkit/bin/python ]; then
  python3 -m venv bench/.venv-rdkit
  bench/.venv-rdkit/bin/pip install -q "rdkit==2026.09.1"
fi
py=bench/.venv-rdkit/bin/python
cargo build --release -q
nci=$($py -c 'import rdkit, os; print(os.path.join(os.path.dirname(rdkit.__file__), "Data", "NCI", "first_5K.smi"))')
awk -v n="$n" '{ l[NR] = $0 } END { for (i = 0; i < n; i++) print l[i % NR + 1] }' "$nci" > "$out/classify_input.smi"

seconds() { local s e; s=$(date +%s.%N); "$@"; e=$(date +%s.%N); echo "$e - $s" | bc -l; }

a=$(seconds sh -c "target/release/interdict classify --inchikey always --input $out/classify_input.smi > $out/classify_interdict.jsonl || true")
a1=$(seconds sh -c "RAYON_NUM_THREADS=1 target/release/interdict classify --inchikey always --input $out/classify_input.smi > $out/classify_interdict1.jsonl || true")
b=$(seconds sh -c "$py bench/classify_baseline.py data $out/classify_input.smi > $out/classify_rdkit.jsonl")
c=$(seconds sh -c "target/release/interdict classify --input $out/classify_input.smi > $out/classify_interdict_nokey.jsonl || true")
d=$(seconds sh -c "$py bench/classify_baseline.py data $out/classify_input.smi --no-inchikey > $out/classify_rdkit_nokey.jsonl")
cmp -s "$out/classify_interdict.jsonl" "$out/classify_interdict1.jsonl" || { echo "output differs between 1 and 2 threads" >&2; exit 1; }
# Same canonical SMILES and InChIKeys as RDKit on every molecule both read.
$py - "$out/classify_interdict.jsonl" "$out/classify_rdkit.jsonl" <<'PY'
import json, sys
ours = [json.loads(l) for l in open(sys.argv[1])]
theirs = [json.loads(l) for l in open(sys.argv[2])]
assert len(ours) == len(theirs), (len(ours), len(theirs))
both = [(o, t) for o, t in zip(ours, theirs) if "error" not in o and "error" not in t]
smi = sum(o["canonical_smiles"] == t["canonical_smiles"] for o, t in both)
key = sum(o["inchikey"] == t["inchikey"] for o, t in both)
print(f"agreement with RDKit on {len(both)} standardised molecules: canonical SMILES {smi}, InChIKey {key}")
PY
awk -v n="$n" -v a="$a" -v a1="$a1" -v b="$b" -v c="$c" -v d="$d" 'BEGIN {
  printf "molecules                                %d\n", n
  printf "interdict, 2 cores, with InChIKey        %8.2f s  %8.0f mol/s\n", a, n / a
  printf "interdict, 1 thread, with InChIKey       %8.2f s  %8.0f mol/s\n", a1, n / a1
  printf "rdkit script, with InChIKey              %8.2f s  %8.0f mol/s\n", b, n / b
  printf "interdict, 2 cores, InChIKey of hits      %8.2f s  %8.0f mol/s\n", c, n / c
  printf "rdkit script, no InChIKey                %8.2f s  %8.0f mol/s\n", d, n / d
  printf "ratio with InChIKey (2 cores / rdkit)    %8.2fx\n", b / a
  printf "ratio default (hits) / rdkit no InChIKey  %8.2fx\n", d / c
  printf "ratio per core, with InChIKey            %8.2fx\n", b / a1
}'
