#!/usr/bin/env python3
"""Generates a realistic synthetic day of declarations for `interdict screen`, with its own small
watchlist, ALR, PEN and route-risk files. Seeded: running it again gives the same files.

    python3 examples/generate_examples.py            # writes examples/*.csv

Most lines are ordinary trade; planted among them are cases of every flag code of
shared/spec/declarations.md. The `planted` column says which flags each line was built to raise
(screening ignores unknown columns, with one warning), so the examples double as a test set.
"""
import csv, os, random

rng = random.Random(20261128)
here = os.path.dirname(os.path.abspath(__file__))
DAY = '2025-06-16'

exporters_cn = ['Jiangsu Huaxin Fine Chemical Co., Ltd.', 'Zhejiang Lanbo Trading Co., Ltd.', 'Shandong Kerui Pharmaceutical Co., Ltd.',
                'Shanghai Haoyuan Import and Export Co., Ltd.', 'Guangzhou Meiya Industrial Co., Ltd.', 'Tianjin Dongfang Machinery Co., Ltd.']
exporters_other = [('Rhein Chemie Handels GmbH', 'DE'), ('Pune Organics Pvt. Ltd.', 'IN'), ('Rotterdam Bulk Trading B.V.', 'NL'),
                   ('Ho Chi Minh Textile JSC', 'VN'), ('Anatolia Food Export A.S.', 'TR'), ('Gujarat Dyes and Intermediates Ltd', 'IN')]
importers = [('Distribuidora Quimica del Pacifico S.A. de C.V.', 'MX'), ('Great Lakes Supply LLC', 'US'), ('Maple Leaf Lab Supplies Inc.', 'CA'),
             ('Lagos Pharma Distribution Ltd', 'NG'), ('Accra General Merchants Ltd', 'GH'), ('Southern Cross Chemicals Pty Ltd', 'AU'),
             ('Manila Bay Commodities Inc.', 'PH'), ('Rotterdam Retail Group B.V.', 'NL')]
# Entries of the example watchlist: two designated by OFAC under EO 14059 (public SDN data),
# the rest fictitious coalition entries.
watch = [
    ('Hubei Amarvel Biotech Co., Ltd.', 'Amarvel Biotech;Hubei Aoge Biotechnology', 'CN', 'company', 'CL-2025-001', 'fentanyl precursor supplier (OFAC SDN, EO 14059)'),
    ('Wuhan Yuancheng Gongchuang Technology Co., Ltd.', 'Yuancheng Gongchuang', 'CN', 'company', 'CL-2025-002', 'precursor vendor (OFAC SDN, EO 14059)'),
    ('Golden Triangle Precursor Trading Ltd', 'GTP Trading', 'HK', 'company', 'CL-2025-003', 'fictitious: diversion case'),
    ('Sinaloa Agroquimicos del Norte S.A. de C.V.', 'Agroquimicos del Norte', 'MX', 'company', 'CL-2025-004', 'fictitious: front company'),
    ('ZHANG, Weiming', 'Weiming Zhang;Zhang Wei Ming', 'CN', 'person', 'CL-2025-005', 'fictitious: broker'),
    ('Pacific Pill Press Machinery Co.', 'PPP Machinery', 'CN', 'company', 'CL-2025-006', 'fictitious: press supplier'),
]
watch_variants = {
    'CL-2025-001': ['HUBEI AMARVEL BIOTECH COMPANY LIMITED', 'Hubei Amarvel Bio-tech Co Ltd', 'Amarvel Biotech'],
    'CL-2025-002': ['WUHAN YUANCHENG GONGCHUANG TECH CO LTD', 'Wuhan Yuancheng Gongchuang Technology Company'],
    'CL-2025-003': ['Golden Triangle Precursor Trading Limited', 'GOLDEN TRIANGLE PRECURSOR TRADING CO'],
    'CL-2025-004': ['Sinaloa Agroquimicos del Norte SA de CV', 'AGROQUIMICOS DEL NORTE S.A.'],
    'CL-2025-005': ['Zhang Weiming', 'WEIMING ZHANG'],
    'CL-2025-006': ['Pacific Pill Press Machinery Company Limited'],
}
ordinary = [
    ("Men's cotton T-shirts, knitted", '6109.10', 'units'), ('LED light bulbs E27 9W', '8539.52', 'units'),
    ('Frozen shrimp, peeled', '0306.17', 'kg'), ('Stainless steel kitchen sinks', '7324.10', 'units'),
    ('Citric acid monohydrate', '2918.14', 'kg'), ('Sodium benzoate, food grade', '2916.31', 'kg'),
    ('Titanium dioxide, rutile', '3206.11', 'kg'), ('Polyethylene granules LDPE', '3901.10', 'kg'),
    ('Ascorbic acid USP', '2936.27', 'kg'), ('Paracetamol 500 mg tablets', '3004.90', 'units'),
    ('Ethyl acetate 99.9%', '2915.31', 'kg'), ('Isopropyl alcohol 99.9%', '2905.12', 'kg'),
    ('Glacial acetic acid', '2915.21', 'kg'), ('Printed circuit boards', '8534.00', 'units'),
    ('Ceramic floor tiles 60x60', '6907.21', 'kg'), ('Solar panels 450W', '8541.43', 'units'),
    ('Laboratory nitrile gloves', '4015.19', 'units'), ('Caffeine anhydrous', '2939.30', 'kg'),
    ('Vanillin, food grade', '2912.41', 'kg'), ('Sodium chloride 99%', '2501.00', 'kg'),
    ('Tablet computer 10 inch', '8471.30', 'units'), ('Hydraulic press for sheet metal', '8462.61', 'units'),
]
rows = []
def add(desc, hs, qty, unit, exporter, ecc, importer, icc, planted, cas='', pen='', transit='', pol='', pod='', consignee='', notify=''):
    rows.append({'id': '', 'date': DAY, 'exporter_name': exporter, 'exporter_country': ecc, 'exporter_address': '',
                 'importer_name': importer, 'importer_country': icc, 'importer_address': '', 'consignee_name': consignee,
                 'notify_party': notify, 'goods_description': desc, 'hs_code': hs, 'cas_number': cas, 'quantity': qty,
                 'unit': unit, 'transit_countries': transit, 'port_of_loading': pol, 'port_of_discharge': pod,
                 'pen_reference': pen, 'planted': planted})

def some_exporter():
    if rng.random() < 0.5:
        return rng.choice(exporters_cn), 'CN'
    return rng.choice(exporters_other)

# Ordinary trade.
for _ in range(150):
    desc, hs, unit = rng.choice(ordinary)
    e, ecc = some_exporter()
    i, icc = rng.choice(importers)
    qty = str(rng.choice([10, 25, 100, 250, 500, 1000, 5000])) if unit == 'kg' else str(rng.choice([100, 500, 2000]))
    add(desc, hs, qty, unit, e, ecc, i, icc, '', pol=rng.choice(['CNSHA', 'CNNGB', 'INNSA', 'DEHAM', '']), pod=rng.choice(['MXZLO', 'USLAX', 'CAVAN', '']))

# Controlled precursors with a valid PEN (CONTROLLED_PRECURSOR only).
pens = []
def pen(ref, ecc, icc, cas, qty, status='no_objection', until='2025-12-31', date='2025-05-20'):
    pens.append({'reference': ref, 'date': date, 'exporter_country': ecc, 'importer_country': icc, 'exporter_name': 'x',
                 'importer_name': 'y', 'cas': cas, 'quantity_kg': qty, 'status': status, 'valid_until': until})
ok_cases = [('N-Phenethyl-4-piperidone (NPP) 99%', '2933.37', '39742-60-4', 25), ('Acetic anhydride 99.5%', '2915.24', '108-24-7', 2000),
            ('Phenylacetic acid 99%', '2916.34', '103-82-2', 200), ('Piperonal (heliotropin)', '2932.93', '120-57-0', 100),
            ('Pseudoephedrine hydrochloride USP', '2939.42', '345-78-8', 50), ('Potassium permanganate 99.3%', '2841.61', '7722-64-7', 1000),
            ('4-Anilinopiperidine', '2933.39', '23056-29-3', 10), ('1-Boc-4-piperidone 98%', '2933.39', '79099-07-3', 20)]
for k, (desc, hs, cas, qty) in enumerate(ok_cases):
    e, _ = rng.choice(exporters_cn), 'CN'
    i, icc = rng.choice(importers)
    ref = f'PEN-CN-2025-{100 + k}'
    pen(ref, 'CN', icc, cas, qty * 2)
    add(desc, hs, str(qty), 'kg', e, 'CN', i, icc, 'CONTROLLED_PRECURSOR', cas=cas if k % 2 == 0 else '', pen=ref)
# Table II solvents (no PEN needed by default).
for desc, hs in [('Toluene 99.8%', '2902.30'), ('Acetone 99.5%', '2914.11'), ('Methyl ethyl ketone (MEK)', '2914.12'), ('Sulphuric acid 98%', '2807.00')]:
    e, ecc = some_exporter(); i, icc = rng.choice(importers)
    add(desc, hs, '5000', 'kg', e, ecc, i, icc, 'CONTROLLED_PRECURSOR')

# NO_PEN: missing, unknown, refused, expired, other substance, too small.
pen('PEN-CN-2025-900', 'CN', 'MX', '39742-60-4', 50, status='objection')
pen('PEN-CN-2025-901', 'CN', 'MX', '21409-26-7', 50, until='2025-03-31')
pen('PEN-CN-2025-902', 'CN', 'US', '120-57-0', 500)
pen('PEN-CN-2025-903', 'CN', 'US', '103-79-7', 10)
for desc, hs, cas, qty, ref in [('NPP powder 99%', '2933.37', '39742-60-4', 25, ''), ('4-ANPP', '2933.36', '21409-26-7', 5, 'PEN-XX-0001'),
                                 ('N-Phenethyl-4-piperidone', '2933.37', '', 25, 'PEN-CN-2025-900'), ('Despropionyl fentanyl', '2933.36', '', 5, 'PEN-CN-2025-901'),
                                 ('1-Phenyl-2-propanone (P2P)', '2914.31', '103-79-7', 100, 'PEN-CN-2025-902'),
                                 ('Phenylacetone', '2914.31', '', 100, 'PEN-CN-2025-903')]:
    icc = 'US' if ref in ('PEN-CN-2025-902', 'PEN-CN-2025-903') else 'MX'
    i = [x for x in importers if x[1] == icc][0][0]
    add(desc, hs, str(qty), 'kg', rng.choice(exporters_cn), 'CN', i, icc, 'CONTROLLED_PRECURSOR NO_PEN', cas=cas, pen=ref)

# ALR: P-2-P into MX, earlier lines in the day add up; pseudoephedrine into NG.
pen('PEN-IN-2025-300', 'IN', 'NG', '90-82-4', 10000)
for k, qty in enumerate([400, 400, 400]):
    ref = f'PEN-CN-2025-2{k}0'
    pen(ref, 'CN', 'MX', '103-79-7', qty)
    add('Benzyl methyl ketone (BMK oil)', '2914.31', str(qty), 'kg', rng.choice(exporters_cn), 'CN',
        importers[0][0], 'MX', 'CONTROLLED_PRECURSOR ALR?', pen=ref)
for k, qty in enumerate([3000, 2500]):
    add('Pseudoephedrine sulphate BP', '2939.42', str(qty), 'kg', 'Pune Organics Pvt. Ltd.', 'IN',
        'Lagos Pharma Distribution Ltd', 'NG', 'CONTROLLED_PRECURSOR ALR?', pen='PEN-IN-2025-300')
alr = [('MX', '103-79-7', 2025, 1000), ('NG', '90-82-4', 2025, 5000), ('US', '299-42-3', 2025, 20000), ('MX', '4676-39-5', 2025, 0)]

# Drugs, class analogues, designer precursors.
for desc, hs in [('Fentanyl citrate', '2933.33'), ('Tramadol HCl 225mg tablets', '3004.49'), ('Ketamine hydrochloride', '2922.39'),
                 ('Isotonitazene powder', '2933.99'), ('Carfentanil', '2933.33')]:
    add(desc, hs, '2', 'kg', rng.choice(exporters_cn), 'CN', rng.choice(importers)[0], 'US', 'CONTROLLED_DRUG')
for desc in ['para-Chloroisobutyryl fentanyl', 'Methoxyacetyl para-fluoro fentanyl', 'Ethyleneoxynitazene',
             'para-Methoxy-butyrylfentanyl', 'Cyclopentyl fentanyl HCl']:
    add(desc, '2933.39', '1', 'kg', rng.choice(exporters_cn), 'CN', rng.choice(importers)[0], 'US', 'CLASS_ANALOG')
for desc in ['1-Cbz-4-piperidone 98%', 'N-Benzyl-4-piperidone', 'tert-Butyl 4-oxopiperidine, N-acetyl derivative: 1-acetyl-4-piperidone',
             'Ethyl 2-phenylacetoacetate (EAPA)', 'Phenylacetic acid ethyl ester', '1-Benzyl-4-anilinopiperidine']:
    add(desc, '2933.39' if 'piperid' in desc else '2918.99', '50', 'kg', rng.choice(exporters_cn), 'CN', importers[0][0], 'MX', 'DESIGNER_PRECURSOR')

# HS code, CAS problems, vague descriptions. The controlled ones cite a PEN that covers them.
pen('PEN-CN-2025-150', 'CN', 'MX', '39742-60-4', 1000)
pen('PEN-CN-2025-151', 'CN', 'MX', '21409-26-7', 1000)
pen('PEN-CN-2025-152', 'CN', 'MX', '120-57-0', 1000)
hs_pens = {'N-Phenethyl-4-piperidone': 'PEN-CN-2025-150', 'N-Phenethyl-4-piperidone,': 'PEN-CN-2025-150', '4-ANPP': 'PEN-CN-2025-151',
           'Piperonal': 'PEN-CN-2025-152', 'Benzoic': 'PEN-CN-2025-150'}
hs_pens['N-Phenethyl-4-piperidone'] = 'PEN-CN-2025-150'
for desc, hs, cas, planted in [('N-Phenethyl-4-piperidone', '2933.39', '', 'CONTROLLED_PRECURSOR HS_MISMATCH'),
                               ('4-ANPP 99%', '2933.39', '', 'CONTROLLED_PRECURSOR HS_MISMATCH'),
                               ('Piperonal', '2922.19', '', 'CONTROLLED_PRECURSOR HS_MISMATCH'),
                               ('Organic intermediate', '2933.39', '39742-60-5', 'CAS_INVALID VAGUE_DESCRIPTION'),
                               ('Sodium benzoate', '2916.31', '532-32-2', 'CAS_INVALID'),
                               ('Benzoic acid derivative, white powder', '2916.31', '39742-60-4', 'CONTROLLED_PRECURSOR CAS_NAME_CONFLICT'),
                               ('Piperonal 99%', '2932.93', '39742-60-4', 'CONTROLLED_PRECURSOR CAS_NAME_CONFLICT'),
                               ('Organic intermediate', '2933.39', '', 'VAGUE_DESCRIPTION'),
                               ('Chemical raw material, white powder', '2942.00', '', 'VAGUE_DESCRIPTION'),
                               ('Pharmaceutical intermediate', '2933.39', '', 'VAGUE_DESCRIPTION'),
                               ('Fine chemical, 25 kg drum', '2914.39', '', 'VAGUE_DESCRIPTION')]:
    add(desc, hs, '25', 'kg', rng.choice(exporters_cn), 'CN', rng.choice(importers)[0], 'MX', planted, cas=cas,
        pen=hs_pens.get(desc.split()[0], '') if 'CONTROLLED_PRECURSOR' in planted else '')

# Pill presses.
for desc, hs in [('TDP-5 single punch tablet press', '8479.89'), ('Rotary tablet press ZP-17 with punches and dies', '8479.89'),
                 ('Capsule filling machine NJP-800', '8479.89'), ('Pill press punches and dies set', '8207.30'),
                 ('Candy tablet press machine', '8438.20')]:
    add(desc, hs, '1', 'units', 'Tianjin Dongfang Machinery Co., Ltd.', 'CN', rng.choice(importers)[0], rng.choice(['US', 'MX', 'CA']), 'TABLETING_MACHINE')

# Watchlisted parties, in every role, written as traders write them.
for ref, variants in watch_variants.items():
    for v in variants:
        desc, hs, unit = rng.choice(ordinary[:10])
        role = rng.choice(['exporter', 'importer', 'consignee', 'notify'])
        e, ecc = some_exporter(); i, icc = rng.choice(importers)
        kw = {}
        if role == 'exporter':
            e, ecc = v, 'HK' if ref == 'CL-2025-003' else 'CN'
        elif role == 'importer':
            i = v
        elif role == 'consignee':
            kw['consignee'] = v
        else:
            kw['notify'] = v
        add(desc, hs, '100', unit, e, ecc, i, icc, 'WATCHLIST_PARTY', **kw)

# Route risk: fentanyl precursors through Guatemala, presses into Mexican ports, PMK through NL.
pen('PEN-CN-2025-400', 'CN', 'US', '23056-29-3', 100)
add('4-Anilinopiperidine 98%', '2933.39', '20', 'kg', rng.choice(exporters_cn), 'CN', 'Great Lakes Supply LLC', 'US',
    'CONTROLLED_PRECURSOR ROUTE_RISK', pen='PEN-CN-2025-400', transit='GT;MX', pol='CNSHA', pod='USLAX')
add('Rotary tablet press, 27 stations', '8479.89', '2', 'units', 'Tianjin Dongfang Machinery Co., Ltd.', 'CN',
    importers[0][0], 'MX', 'TABLETING_MACHINE ROUTE_RISK', pol='CNTXG', pod='MXZLO')
pen('PEN-CN-2025-401', 'CN', 'NL', '4676-39-5', 500)
add('3,4-MDP-2-P (PMK oil)', '2932.92', '200', 'kg', rng.choice(exporters_cn), 'CN', 'Rotterdam Retail Group B.V.', 'NL',
    'CONTROLLED_PRECURSOR ROUTE_RISK', pen='PEN-CN-2025-401', transit='BE', pod='NLRTM')

rng.shuffle(rows)
for k, r in enumerate(rows, 1):
    r['id'] = f'DEC-20250616-{k:04d}'
# ALR lines: the running total in file order decides which line goes over the requirement.
limits = {('MX', 'Benzyl methyl ketone (BMK oil)'): 1000, ('NG', 'Pseudoephedrine sulphate BP'): 5000}
totals = {}
for r in rows:
    if 'ALR?' in r['planted']:
        key = (r['importer_country'], r['goods_description'])
        totals[key] = totals.get(key, 0) + float(r['quantity'])
        r['planted'] = r['planted'].replace('ALR?', 'ALR_EXCEEDED' if totals[key] > limits[key] else '').strip()
fields = ['id', 'date', 'exporter_name', 'exporter_country', 'exporter_address', 'importer_name', 'importer_country',
          'importer_address', 'consignee_name', 'notify_party', 'goods_description', 'hs_code', 'cas_number', 'quantity',
          'unit', 'transit_countries', 'port_of_loading', 'port_of_discharge', 'pen_reference', 'planted']
with open(os.path.join(here, 'declarations.csv'), 'w', newline='') as f:
    w = csv.DictWriter(f, fieldnames=fields, lineterminator='\n'); w.writeheader(); w.writerows(rows)
with open(os.path.join(here, 'watchlist.csv'), 'w', newline='') as f:
    w = csv.writer(f, lineterminator='\n'); w.writerow(['name', 'aliases', 'country', 'type', 'reference', 'notes']); w.writerows(watch)
with open(os.path.join(here, 'alr.csv'), 'w', newline='') as f:
    w = csv.writer(f, lineterminator='\n'); w.writerow(['country', 'cas', 'year', 'quantity_kg']); w.writerows(alr)
seen = {}
for p in pens:
    seen[p['reference']] = p  # the last definition of a reference wins
with open(os.path.join(here, 'pens.csv'), 'w', newline='') as f:
    w = csv.DictWriter(f, fieldnames=list(pens[0]), lineterminator='\n'); w.writeheader(); w.writerows(seen.values())
with open(os.path.join(here, 'route_risk.csv'), 'w', newline='') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow(['class', 'kind', 'code', 'reason'])
    w.writerows([('fentanyl-precursor', 'country', 'GT', 'example: transit hub for fentanyl precursors'),
                 ('fentanyl-precursor', 'port', 'MXZLO', 'example: Manzanillo, precursor seizures'),
                 ('tableting-machine', 'port', 'MXZLO', 'example: press seizures at Manzanillo'),
                 ('mdma-precursor', 'country', 'BE', 'example: PMK transit to MDMA production in NL/BE'),
                 ('mdma-precursor', 'port', 'NLRTM', 'example: Rotterdam PMK seizures'),
                 ('amphetamine-precursor', 'country', 'GT', 'example: meth precursor diversion route')])
print(len(rows), 'declarations')
