#!/usr/bin/env python3
"""Writes N goods descriptions for the identification benchmark: the repository's realistic and
synthetic test descriptions (controlled and ordinary goods) repeated with seeded shuffling, plus
ordinary trade descriptions so that most lines, as in real trade, contain no controlled substance.

usage: make_identify_input.py N > out.txt
"""
import csv, os, random, sys

here = os.path.dirname(os.path.abspath(__file__))
data = os.path.join(here, '..', 'crates', 'registry', 'tests', 'data')
texts = []
for f in ('realistic_descriptions.csv', 'synthetic_descriptions.csv'):
    texts += [r['text'] for r in csv.DictReader(open(os.path.join(data, f)))]
ordinary = ['Men\'s cotton T-shirts, knitted, 500 pcs', 'Polyethylene granules LDPE 25 kg bags',
            'Stainless steel kitchen sinks', 'Frozen shrimp 20 cartons', 'LED light bulbs E27 9W',
            'Citric acid monohydrate 25 kg bag', 'Ethyl acetate 99.9% 180 kg drums', 'Sodium chloride 99% 50 kg',
            'Automotive spare parts: brake pads', 'Plastic toys assorted', 'Titanium dioxide rutile grade',
            'Printed circuit boards', 'Ceramic floor tiles 60x60', 'Glass bottles 500 ml', 'Paracetamol 500 mg tablets',
            'Vitamin C 1000 mg effervescent tablets', 'Laboratory nitrile gloves', 'Solar panels 450W mono',
            'Acetic acid glacial 99.8%', 'Isopropyl alcohol 99.9%', 'Caffeine anhydrous 25 kg drum']
rng = random.Random(42)
n = int(sys.argv[1])
pool = texts + ordinary * 12
for _ in range(n):
    print(rng.choice(pool))
