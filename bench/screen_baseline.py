#!/usr/bin/env python3
"""The straightforward Python screening script the issue names as the baseline: a dictionary
lookup of registry names in the goods description, and rapidfuzz (WRatio) of every party against
every listed name (full OFAC SDN with aliases plus the example watchlist). usage:
screen_baseline.py DATA_DIR SDN_DIR WATCHLIST.csv DECLARATIONS.csv N > out.jsonl"""
import csv, json, re, sys
from rapidfuzz import process, fuzz

data_dir, sdn_dir, watch, decl_path, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
names = {}
for r in csv.DictReader(open(f'{data_dir}/synonyms.csv')):
    names[re.sub(r'[^a-z0-9]+', ' ', r['synonym'].lower()).strip()] = r['substance_id']
listed = []
for row in csv.reader(open(f'{sdn_dir}/sdn.csv', encoding='utf-8')):
    if len(row) > 2 and row[0].strip().isdigit():
        listed.append(row[1])
for row in csv.reader(open(f'{sdn_dir}/alt.csv', encoding='utf-8')):
    if len(row) > 3:
        listed.append(row[3])
for r in csv.DictReader(open(watch)):
    listed.append(r['name'])
    listed.extend(a for a in r['aliases'].split(';') if a)
out = sys.stdout
for k, d in enumerate(csv.DictReader(open(decl_path))):
    if k >= n:
        break
    words = re.sub(r'[^a-z0-9]+', ' ', d['goods_description'].lower()).split()
    subs = sorted({names[' '.join(words[i:i + m])] for m in range(1, 6) for i in range(len(words) - m + 1) if ' '.join(words[i:i + m]) in names})
    parties = []
    for role in ('exporter_name', 'importer_name', 'consignee_name', 'notify_party'):
        if d.get(role):
            best = process.extractOne(d[role], listed, scorer=fuzz.WRatio, score_cutoff=88)
            if best:
                parties.append({'role': role, 'match': best[0], 'score': best[1]})
    out.write(json.dumps({'id': d['id'], 'substances': subs, 'parties': parties}) + '\n')
