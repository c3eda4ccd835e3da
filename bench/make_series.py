#!/usr/bin/env python3
"""Writes N weekly series of W weeks (seasonal Poisson counts with a few outbreaks) in the batch
format of `interdict detect` (series,t,observed). Seeded. usage: make_series.py N W > out.csv"""
import math, random, sys
rng = random.Random(11)
n, weeks = int(sys.argv[1]), int(sys.argv[2])
def poisson(lam):
    if lam > 30:
        return max(0, int(round(rng.gauss(lam, math.sqrt(lam)))))
    l, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= l:
            return k
        k += 1
out = sys.stdout
out.write('series,t,observed\n')
for s in range(n):
    base = rng.choice([0.5, 2, 5, 12, 30])
    amp = rng.uniform(0, 0.8)
    trend = rng.uniform(-0.002, 0.004)
    rows = []
    for t in range(1, weeks + 1):
        lam = base * math.exp(amp * math.sin(2 * math.pi * t / 52) + trend * t)
        if rng.random() < 0.01:
            lam *= 4
        rows.append(f'S{s},{t},{poisson(lam)}\n')
    out.write(''.join(rows))
