#!/usr/bin/env python3
"""Checks the registry's structures with RDKit, the reference toolkit: every SMILES in
data/substances.csv parses, and the InChIKey of its parent (largest) fragment equals the
`inchikey` column. Exit status 1 on any failure. Run by .ci/run.

usage: check_registry_structures.py [DATA_DIR]
"""
import csv, os, sys
from rdkit import Chem, RDLogger

RDLogger.DisableLog('rdApp.*')
data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..', 'data')
failures, checked = [], 0
for line, row in enumerate(csv.DictReader(open(os.path.join(data, 'substances.csv'))), start=2):
    mol = Chem.MolFromSmiles(row['smiles'])
    if mol is None:
        failures.append(f"substances.csv line {line} ({row['id']}): SMILES does not parse: {row['smiles']}")
        continue
    frags = Chem.GetMolFrags(mol, asMols=True)
    parent = max(frags, key=lambda f: f.GetNumHeavyAtoms())
    # Inorganic salts (KMnO4) are identified by the whole formula unit.
    inorganic = not any(a.GetSymbol() == 'C' for a in mol.GetAtoms())
    key = Chem.MolToInchiKey(mol if inorganic else parent)
    if key != row['inchikey']:
        failures.append(f"substances.csv line {line} ({row['id']}): InChIKey {row['inchikey']} but RDKit gives {key}")
    checked += 1
for f in failures:
    print(f, file=sys.stderr)
print(f"registry structures: {checked - len(failures)} passed, {len(failures)} failed")

sys.exit(1 if failures else 0)
