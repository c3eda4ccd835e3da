#!/usr/bin/env python3
"""Generates a realistic synthetic incident stream for `interdict alerts` (seeded):
two years of weekly seizures, overdoses and drug-checking results across several countries, with
planted events in the last weeks — a nitazene rise in GB, first detections of a new fentanyl
analogue (US) and of xylazine (CA), and a captagon surge in JO.

    python3 examples/generate_incidents.py     # writes examples/incidents.csv
"""
import csv, datetime, math, os, random

rng = random.Random(7)
here = os.path.dirname(os.path.abspath(__file__))
start = datetime.date(2024, 1, 1)
weeks = 104
steady = [  # (substance as reported, country, mean per week, type)
    ('Fentanyl', 'US', 6, 'seizure'), ('fentanyl HCl', 'MX', 3, 'seizure'), ('437-38-7', 'CA', 2, 'drug_checking'),
    ('Methamphetamine', 'US', 5, 'seizure'), ('crystal meth', 'AU', 3, 'seizure'), ('Tramadol', 'NG', 4, 'seizure'),
    ('tramadol HCl 225mg', 'GH', 2, 'seizure'), ('Captagon', 'SA', 3, 'seizure'), ('Captagon', 'JO', 1, 'seizure'),
    ('Isotonitazene', 'GB', 1, 'overdose'), ('MDMA', 'NL', 3, 'drug_checking'), ('Ketamine', 'GB', 2, 'drug_checking'),
]
def poisson(lam):
    l, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= l:
            return k
        k += 1
rows = []
def add(week, substance, country, kind, qty=''):
    day = start + datetime.timedelta(days=7 * week + rng.randrange(7))
    rows.append([f'INC-{len(rows) + 1:05d}', day.isoformat(), country, substance, kind, qty])
for w in range(weeks):
    for substance, country, mean, kind in steady:
        lam = mean
        if substance == 'Isotonitazene' and w >= weeks - 4:
            lam = 7          # planted: nitazene rise in GB over the last 4 weeks
        if substance == 'Captagon' and country == 'JO' and w >= weeks - 3:
            lam = 8          # planted: captagon surge in JO
        for _ in range(poisson(lam)):
            add(w, substance, country, kind, str(round(rng.uniform(0.01, 5), 2)))
# planted first detections
for w in (weeks - 3, weeks - 2, weeks - 1):
    add(w, 'para-chloroisobutyryl fentanyl', 'US', 'drug_checking')
add(weeks - 2, 'Xylazine', 'CA', 'drug_checking')
add(weeks - 1, 'N-pyrrolidino protonitazene', 'GB', 'overdose')
with open(os.path.join(here, 'incidents.csv'), 'w', newline='') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow(['id', 'date', 'country', 'substance', 'type', 'quantity'])
    w.writerows(rows)
print(len(rows), 'incidents')
