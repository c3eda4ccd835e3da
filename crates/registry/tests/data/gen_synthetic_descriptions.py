#!/usr/bin/env python3
"""Generates synthetic_descriptions.csv: goods descriptions built from the registry's own names
with the noise traders add (purity, packaging, salts, case, spacing, CAS with or without hyphens,
typos), plus ordinary goods that must come back empty.

Seeded, so the file is reproducible:  python3 gen_synthetic_descriptions.py > synthetic_descriptions.csv
"""
import csv, random, re, sys, os

ROOT = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'data')
rng = random.Random(20261128)
subs = {r['id']: r for r in csv.DictReader(open(os.path.join(ROOT, 'substances.csv')))}
syns = {}
for r in csv.DictReader(open(os.path.join(ROOT, 'synonyms.csv'))):
    syns.setdefault(r['substance_id'], []).append(r)

PURITY = ['99%', '98% min', '99.5%', '>=99%', 'purity 98%', '', '', 'technical grade', 'USP grade', '']
PACK = ['25 kg drum', '25kg/drum', '1 kg bag', '200 L drum', '500 g', '10 kg carton', '', '', 'sample 5 g']
SALT = ['hydrochloride', 'HCl', 'sulfate', 'citrate', '']
LEAD = ['', '', 'Supply ', 'High quality ', 'Pharmaceutical intermediate ', 'Factory supply ']

def typo(word):
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    if len(word) < 10 or len(letters) < 4:
        return None
    i = rng.choice(letters[1:-2])
    op = rng.choice(['swap', 'drop', 'double'])
    if op == 'swap' and word[i + 1].isalpha():
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if op == 'drop':
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]

def case(s):
    return rng.choice([s, s, s.upper(), s.lower(), s.title()])

rows = []
for sid, s in sorted(subs.items()):
    names = [y for y in syns.get(sid, []) if y['kind'] != 'abbreviation' and len(y['synonym']) <= 60]
    abbrevs = [y for y in syns.get(sid, []) if y['kind'] == 'abbreviation']
    if not names:
        continue
    # two name-based descriptions
    for _ in range(2):
        n = rng.choice(names)['synonym']
        salt = rng.choice(SALT) if s['category'] == 'drug' or sid in ('ephedrine', 'pseudoephedrine', '4-piperidone') else ''
        parts = [rng.choice(LEAD) + case(n), salt, rng.choice(PURITY), rng.choice(PACK)]
        rows.append((' '.join(p for p in parts if p).replace('  ', ' ').strip(), sid, 'name'))
    # a CAS-based description
    if s['cas']:
        cas = s['cas'] if rng.random() < 0.6 else s['cas'].replace('-', '')
        label = rng.choice(['CAS ', 'CAS No.: ', 'CAS#', 'cas no ', 'CAS RN '])
        rows.append((f"{rng.choice(['Organic intermediate', 'Chemical raw material', 'Fine chemical', 'Powder'])} {label}{cas}", sid, 'cas'))
    # an abbreviation, if any
    if abbrevs:
        a = rng.choice(abbrevs)['synonym']
        rows.append((f"{a} {rng.choice(PURITY)} {rng.choice(PACK)}".strip(), sid, 'abbreviation'))
    # a typo in the longest word of a name
    n = max(names, key=lambda y: len(y['synonym']))['synonym'] if rng.random() < 0.5 else names[0]['synonym']
    words = n.split(' ')
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    t = typo(words[longest])
    if t:
        words[longest] = t
        rows.append((' '.join(words) + ' ' + rng.choice(PURITY), sid, 'typo'))

NEGATIVE = ['sodium chloride', 'benzoic acid', 'ethyl acetate', 'cotton shirts', 'citric acid', 'glycerine',
            'polypropylene resin', 'titanium dioxide', 'calcium carbonate', 'sodium bicarbonate', 'urea',
            'acetic acid glacial', 'propylene glycol', 'sorbitol', 'lactose monohydrate', 'microcrystalline cellulose',
            'magnesium stearate', 'stearic acid', 'paraffin wax', 'silicone oil', 'copper wire', 'aluminium foil',
            'plastic bottles', 'glass vials', 'laboratory gloves', 'printer cartridges', 'mobile phone cases',
            'tea leaves', 'dried mushrooms', 'rice', 'vanillin', 'menthol crystals', 'camphor', 'ethyl vanillin',
            'sodium benzoate', 'potassium sorbate', 'zinc oxide', 'iron oxide red', 'carbon black', 'epoxy resin']
for n in NEGATIVE:
    rows.append((f"{rng.choice(LEAD)}{case(n)} {rng.choice(PURITY)} {rng.choice(PACK)}".strip(), '', 'negative'))

w = csv.writer(sys.stdout, lineterminator='\n')
w.writerow(['text', 'expected', 'kind'])
for r in rows:
    w.writerow([re.sub(r'\s+', ' ', r[0]), r[1], r[2]])
