#!/usr/bin/env python3
"""The RDKit (Python) script `interdict classify` is measured against: the same work per molecule.

Per SMILES: parse; standardise (rdMolStandardize LargestFragmentChooser, preferring organic
fragments, then Uncharger); canonical SMILES with and without stereo; exact lookup of both in a
dictionary of the registry's standardised structures; InChIKey (unless --no-inchikey); the class
checks as substructure searches (4-anilidopiperidine, 2-benzylbenzimidazole ethanamine) with the
substituent atoms enumerated; Morgan radius-2 2048-bit fingerprint and BulkTanimotoSimilarity
against every registry structure, top 3 at >= 0.3. Writes one JSON line per input line.

Usage: classify_baseline.py DATA_DIR SMI_FILE [--no-inchikey]
"""
import csv
import json
import sys

from rdkit import Chem, DataStructs, RDLogger
from rdkit.Chem import rdFingerprintGenerator
from rdkit.Chem.MolStandardize import rdMolStandardize

RDLogger.DisableLog("rdApp.*")

FENTANYL_CORE = Chem.MolFromSmarts("O=[CX3;!R][NX3;!R]([a;R])[CH1;R1]1[CH2][CH2][NX3][CH2][CH2]1")
NITAZENE_CORE = Chem.MolFromSmarts("[CH2;!R]([c;R1]1[c;R1][c;R1][c;R1][c;R1][c;R1]1)c1nc2ccccc2n1[CH2;!R][CH2;!R][NX3]")


def main():
    data_dir, path = sys.argv[1], sys.argv[2]
    inchikey = "--no-inchikey" not in sys.argv
    chooser = rdMolStandardize.LargestFragmentChooser(preferOrganic=True)
    uncharger = rdMolStandardize.Uncharger()
    gen = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)

    def standardise(mol):
        return uncharger.uncharge(chooser.choose(mol))

    ids, names, fps, by_smiles, by_skeleton = [], [], [], {}, {}
    with open(f"{data_dir}/substances.csv", newline="") as f:
        for row in csv.DictReader(f):
            mol = Chem.MolFromSmiles(row["smiles"]) if row["smiles"] else None
            if mol is None:
                continue
            mol = standardise(mol)
            i = len(ids)
            ids.append(row["id"])
            names.append(row["name"])
            fps.append(gen.GetFingerprint(mol))
            by_smiles.setdefault(Chem.MolToSmiles(mol), []).append(i)
            by_skeleton.setdefault(Chem.MolToSmiles(mol, isomericSmiles=False), []).append(i)

    out = sys.stdout
    for line in open(path):
        parts = line.split()
        if not parts:
            continue
        smiles = parts[0]
        mol = Chem.MolFromSmiles(smiles)
        if mol is None:
            out.write(json.dumps({"input": smiles, "error": {"code": "invalid_smiles"}}) + "\n")
            continue
        mol = standardise(mol)
        canonical = Chem.MolToSmiles(mol)
        skeleton = Chem.MolToSmiles(mol, isomericSmiles=False)
        listed = sorted({ids[i] for i in by_smiles.get(canonical, []) + by_skeleton.get(skeleton, [])})
        key = Chem.MolToInchiKey(mol) if inchikey else None
        classes = []
        for name, core in (("fentanyl", FENTANYL_CORE), ("nitazene", NITAZENE_CORE)):
            for match in mol.GetSubstructMatches(core):
                core_atoms = set(match)
                substituents = [
                    n.GetIdx()
                    for a in match
                    for n in mol.GetAtomWithIdx(a).GetNeighbors()
                    if n.GetIdx() not in core_atoms
                ]
                classes.append({"skeleton": name, "atoms": list(match), "substituent_roots": substituents})
        fp = gen.GetFingerprint(mol)
        sims = DataStructs.BulkTanimotoSimilarity(fp, fps)
        top = sorted(((s, i) for i, s in enumerate(sims) if s >= 0.3), key=lambda t: (-t[0], t[1]))[:3]
        out.write(json.dumps({
            "input": smiles,
            "canonical_smiles": canonical,
            "inchikey": key,
            "listed": listed,
            "classes": classes,
            "similar": [{"substance_id": ids[i], "similarity": round(s, 3)} for s, i in top],
        }) + "\n")


if __name__ == "__main__":
    main()
