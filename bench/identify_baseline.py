#!/usr/bin/env python3
"""Baseline for the identification benchmark: what a competent analyst would script in an
afternoon. A dictionary of every registry name (lower-cased, punctuation squeezed) looked up over
word n-grams of each text, a regex for CAS numbers, and rapidfuzz's best fuzzy match of the whole
text against all names when nothing matched exactly. Writes one JSON line per input line.

usage: identify_baseline.py DATA_DIR INPUT > out.jsonl
"""
import csv, json, os, re, sys
from rapidfuzz import fuzz, process

data_dir, input_path = sys.argv[1], sys.argv[2]
subs = {r['id']: r for r in csv.DictReader(open(os.path.join(data_dir, 'substances.csv')))}
names = {}
for r in csv.DictReader(open(os.path.join(data_dir, 'synonyms.csv'))):
    names[re.sub(r'[^a-z0-9]+', ' ', r['synonym'].lower()).strip()] = r['substance_id']
by_cas = {s['cas']: i for i, s in subs.items() if s['cas']}
choices = list(names)
cas_re = re.compile(r'\b(\d{2,7})-?(\d{2})-?(\d)\b')

def identify(text):
    found = {}
    for m in cas_re.finditer(text):
        cas = f'{m.group(1)}-{m.group(2)}-{m.group(3)}'
        if cas in by_cas:
            found[by_cas[cas]] = ('cas', 1.0)
    words = re.sub(r'[^a-z0-9]+', ' ', text.lower()).split()
    for n in range(min(8, len(words)), 0, -1):
        for i in range(len(words) - n + 1):
            sid = names.get(' '.join(words[i:i + n]))
            if sid and sid not in found:
                found[sid] = ('name', 0.95)
    if not found:
        best = process.extractOne(' '.join(words), choices, scorer=fuzz.WRatio, score_cutoff=90)
        if best:
            found[names[best[0]]] = ('fuzzy', best[1] / 100)
    return [{'substance_id': k, 'matched_on': v[0], 'score': v[1]} for k, v in found.items()]

out = sys.stdout
with open(input_path, encoding='utf-8') as f:
    for line in f:
        text = line.rstrip('\n')
        out.write(json.dumps({'input': text, 'matches': identify(text)}) + '\n')
