#!/usr/bin/env python3
"""Writes N declarations for the screening benchmark by repeating the example day
(examples/declarations.csv) with fresh ids, so that goods and party names repeat as they do in
real trade. usage: make_declarations.py N > out.csv"""
import csv, os, sys
here = os.path.dirname(os.path.abspath(__file__))
rows = list(csv.DictReader(open(os.path.join(here, '..', 'examples', 'declarations.csv'))))
n = int(sys.argv[1])
fields = [f for f in rows[0] if f != 'planted']
w = csv.DictWriter(sys.stdout, fieldnames=fields, lineterminator='\n', extrasaction='ignore')
w.writeheader()
for k in range(n):
    r = dict(rows[k % len(rows)])
    r['id'] = f'B-{k:08d}'
    w.writerow(r)
