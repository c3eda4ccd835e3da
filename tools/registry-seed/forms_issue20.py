#!/usr/bin/env python3
# Issue 20: salt, isomer and isotope-labelled forms of listed substances with their own CAS RN,
# from the reference records (refdata): parent fragment, isotopes removed, InChIKey (or its
# connectivity block when only one listed substance shares it) equal to a registry substance.
# Prints forms.csv rows; the output was reviewed by hand (cathine, 492-39-7, dropped: a separately
# controlled diastereomer of norephedrine) and appended to data/forms.csv. Provenance record.
import csv, json, re, sys
from rdkit import Chem, RDLogger
RDLogger.DisableLog('rdApp.*')
D='/work/wt-domain/data/'; REF='/work/shared/data/substances/refdata/'
subs=list(csv.DictReader(open(D+'substances.csv')))
forms=list(csv.DictReader(open(D+'forms.csv')))
known={s['cas'] for s in subs if s['cas']}|{f['cas'] for f in forms}
def parent(smi):
    m=Chem.MolFromSmiles(smi)
    if m is None: return None,None,False,0
    frags=Chem.GetMolFrags(m,asMols=True); big=max(frags,key=lambda f:f.GetNumHeavyAtoms())
    iso=any(a.GetIsotope() for a in big.GetAtoms())
    for a in big.GetAtoms(): a.SetIsotope(0)
    big=Chem.MolFromSmiles(Chem.MolToSmiles(big))
    return Chem.MolToInchiKey(big), big, iso, len(frags)
full={}; conn={}
for s in subs:
    if not s['smiles']: continue
    k,_,_,_=parent(s['smiles'])
    if not k: continue
    full[k]=s; conn.setdefault(k[:14],[]).append(s)
def cas_ok(c):
    m=re.fullmatch(r'(\d{2,7})-(\d{2})-(\d)',c or '')
    if not m: return False
    d=(m.group(1)+m.group(2))[::-1]
    return sum((k+1)*int(x) for k,x in enumerate(d))%10==int(m.group(3))
seen=set(); out=[]
for fn in ['CAYMANCHEM_Elias_Michael_2024-06-22.json','Danzl_Zaja_swgdrg.json']:
    for r in json.load(open(REF+fn)):
        smi=r.get('smiles') or ''; cas=(r.get('cas_num') or '').strip()
        mcas=re.search(r'\d{2,7}-\d{2}-\d',cas)
        if not smi or not mcas: continue
        cas=mcas.group(0)
        if not cas_ok(cas) or cas in known or cas in seen: continue
        k,big,iso,nfr=parent(smi)
        if not k: continue
        s=full.get(k); how='same'
        if not s:
            c=conn.get(k[:14],[])
            if len(c)!=1: continue
            s=c[0]; how='stereoisomer'
        names=r.get('names') or ['']
        n0=names[0]
        salt=re.search(r'\(([^()]*(?:hydrochloride|citrate|hydrobromide|oxalate|sulfate|phosphate|tartrate|fumarate|maleate|succinate|salt|hydrate|mesylate)[^()]*)\)',n0,re.I)
        if nfr==1 and not iso and how=='same': continue  # the substance itself under another CAS? report
        seen.add(cas)
        out.append((s["id"],how,iso,salt.group(1) if salt else "",cas,fn,n0,big))
skip={'492-39-7','41804-96-0'}
rows=[]
for sid,how,iso,salt,cas,fn,n0,big in out:
    if cas in skip: continue
    salt=salt.lower().replace('(crm)','').strip()
    if salt=='sodium salt' and sid=='ghb': salt='sodium salt'
    parts=[salt or 'base']
    if how=='stereoisomer': parts.append('stereoisomer')
    if iso:
        m=re.search(r'-(d\d+|13C\d*)',n0)
        parts.append('isotope-labelled' + (f' ({m.group(1)})' if m else ''))
    rows.append((sid,', '.join(parts),cas,f'shared/data/substances/refdata/{fn} ({n0}; parent InChIKey{" connectivity" if how=="stereoisomer" else ""} matched with RDKit, isotopes removed)'))
w=csv.writer(sys.stdout,lineterminator='\n')
for r in rows: w.writerow(r)
