#!/usr/bin/env python3
"""Peers for the party-screening benchmark, on the same SDN and the same queries as Interdict:

- rapidfuzz: Jaro-Winkler of each query against every SDN name (primary and aliases), best match;
- nomenklatura logic-v2 (OpenSanctions' matcher), brute force over every SDN entity, where it installs.

usage: parties_baseline.py SDN_DIR QUERIES.csv N_RAPIDFUZZ N_NOMENKLATURA
Prints `peer queries seconds` lines.
"""
import csv, sys, time

sdn_dir, queries_path, n_rf, n_nk = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
names, entities = [], {}
for row in csv.reader(open(f'{sdn_dir}/sdn.csv', encoding='utf-8')):
    if len(row) < 3 or not row[0].strip().isdigit():
        continue
    entities[row[0]] = {'names': [row[1]], 'type': row[2].strip()}
for row in csv.reader(open(f'{sdn_dir}/alt.csv', encoding='utf-8')):
    if len(row) >= 4 and row[0] in entities:
        entities[row[0]]['names'].append(row[3])
for e in entities.values():
    names.extend(e['names'])
queries = [r['name'] for r in csv.DictReader(open(queries_path, encoding='utf-8'))]

from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler
from rapidfuzz.utils import default_process
choices = [default_process(n) for n in names]
t = time.perf_counter()
for q in queries[:n_rf]:
    process.extractOne(default_process(q), choices, scorer=JaroWinkler.normalized_similarity, processor=None)
print(f"rapidfuzz-jaro-winkler {min(n_rf, len(queries))} {time.perf_counter() - t:.3f}")

try:
    from nomenklatura.matching.logic_v2.model import LogicV2
    from followthemoney import model
except ImportError:
    print("nomenklatura-logic-v2 not-installed 0")
    sys.exit(0)
cfg = LogicV2.default_config()
def make(ent_id, schema, ns):
    e = model.make_entity(schema)
    e.id = ent_id
    for n in ns:
        e.add('name', n)
    return e
listed = [make(k, 'Person' if v['type'] == 'individual' else 'LegalEntity', v['names']) for k, v in entities.items()]
t = time.perf_counter()
for q in queries[:n_nk]:
    qe = make('q', 'LegalEntity', [q])
    best = max((LogicV2.compare(qe, e, cfg).score for e in listed), default=0)
print(f"nomenklatura-logic-v2 {min(n_nk, len(queries))} {time.perf_counter() - t:.3f}")
