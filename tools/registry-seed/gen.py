import csv, re, sys
from rdkit import Chem
from rdkit.Chem.SaltRemover import SaltRemover
S='/work/shared/data/substances/'
OUT='/work/main/data/'
SH='shared/data/substances'

def slug(s): return re.sub(r'[^a-z0-9]+','-',s.lower()).strip('-')

# id overrides for readability/stability
IDS={'Acetic anhydride':'acetic-anhydride','N-Acetylanthranilic acid':'n-acetylanthranilic-acid','3,4-Methylenedioxyphenyl-2-propanone':'3-4-mdp-2-p',
 '1-Phenyl-2-propanone':'p-2-p','alpha-Phenylacetoacetonitrile':'apaan','4-Anilino-N-phenethylpiperidine':'anpp','N-Phenethyl-4-piperidone':'npp',
 'alpha-Phenylacetoacetamide':'apaa','3,4-MDP-2-P methyl glycidic acid':'pmk-glycidic-acid','3,4-MDP-2-P methyl glycidate':'pmk-methyl-glycidate',
 'Methyl alpha-phenylacetoacetate':'mapa','4-Anilinopiperidine':'4-ap','tert-Butyl 4-(phenylamino)piperidine-1-carboxylate':'1-boc-4-ap',
 'tert-Butyl 4-oxopiperidine-1-carboxylate':'1-boc-4-piperidone','P-2-P methyl glycidic acid':'bmk-glycidic-acid','Ethyl ether':'ethyl-ether',
 'Hydrochloric acid':'hydrochloric-acid','Methyl ethyl ketone':'mek','Sulphuric acid':'sulphuric-acid','Potassium permanganate':'potassium-permanganate',
 'Etazene (etodesnitazene)':'etazene','Etonitazepyne (N-pyrrolidino etonitazene)':'etonitazepyne','Etonitazepipne (N-piperidinyl etonitazene)':'etonitazepipne',
 'N-Pyrrolidino protonitazene (protonitazepyne)':'protonitazepyne','N-Pyrrolidino metonitazene (metonitazepyne)':'metonitazepyne',
 'Brorphine (piperidine benzimidazolone, not a nitazene)':'brorphine'}
NAMEFIX={'Etazene (etodesnitazene)':'Etazene','Etonitazepyne (N-pyrrolidino etonitazene)':'Etonitazepyne','Etonitazepipne (N-piperidinyl etonitazene)':'Etonitazepipne',
 'N-Pyrrolidino protonitazene (protonitazepyne)':'Protonitazepyne','N-Pyrrolidino metonitazene (metonitazepyne)':'Metonitazepyne','Brorphine (piperidine benzimidazolone, not a nitazene)':'Brorphine'}
ESTER={'methyl':'methyl','ethyl':'ethyl','propyl':'propyl','isopropyl':'isopropyl','butyl':'butyl','isobutyl':'isobutyl','sec-butyl':'sec-butyl','tert-butyl':'tert-butyl'}
def gid(name):
    if name in IDS: return IDS[name]
    m=re.match(r'P-2-P methyl glycidic acid (\S+) ester',name)
    if m: return 'bmk-%s-glycidate'%m.group(1)
    m=re.match(r'3,4-MDP-2-P methyl glycidic acid (\S+) ester',name)
    if m: return 'pmk-%s-glycidate'%m.group(1)
    return slug(name)

subs=[]   # dicts
syn=[]    # (id, synonym, kind, source)
ctl=[]    # (id, list, schedule, effective, basis, source)
forms=[]  # (id, form, cas, source)
hsn=[]    # (id, country, code, source)

SRC_PREC=SH+'/precursors.csv'
URL_1988='https://www.incb.org/incb/en/precursors/Red_Forms/red-list.html'
URL_1961='https://www.incb.org/incb/en/narcotic-drugs/Yellowlist/yellow-list.html'
URL_1971='https://www.incb.org/incb/en/psychotropics/green-list.html'

for r in csv.DictReader(open(S+'precursors.csv')):
    i=gid(r['name']); name=NAMEFIX.get(r['name'],r['name'])
    hs=r['hs2022_6digit'].strip()
    table=r['table_1988'].strip()
    yr=r['year_added'].strip()
    eff=re.search(r'(\d{4})',yr.split(';')[-1] if 'moved' in yr else yr).group(1)
    if 'moved to Table I' in yr: eff=re.search(r'moved to Table I (\d{4})',yr).group(1)
    covers='salts' if i not in ('hydrochloric-acid','sulphuric-acid') else 'the substance itself (salts of HCl and H2SO4 are excluded)'
    if i in ('ephedrine','pseudoephedrine','norephedrine','ergometrine','ergotamine','lysergic-acid'): covers='salts; the optical isomers where their existence is possible'
    if 'glycid' in i: covers='salts and, for the glycidic acids, their esters'
    prov=f"{SH}/precursors.csv (CAS: {r['cas_source']}; HS: {r['hs_corroboration'] or 'own knowledge'}; SMILES: {r['smiles_status']})"
    subs.append(dict(id=i,name=name,category='precursor',cas=r['cas_rn'].strip(),hs2022=hs,smiles=r['smiles'],inchikey=r['rdkit_inchikey'],covers=covers,structure_status=r['smiles_status'] or 'n/a',source=prov))
    ctl.append((i,'UN-1988-TABLE-'+table,'Table '+table,eff,'shared' if 'unverified' not in yr else 'unverified-year',SRC_PREC+' table_1988; '+URL_1988))
    syn.append((i,name,'name',SRC_PREC))
    for s in [x.strip() for x in r['synonyms'].split(';') if x.strip()]:
        s=re.sub(r'\s*\(and salts.*\)$','',s)
        if s.startswith('incl.') or s.startswith('cis- and'): continue
        kind='abbreviation' if re.fullmatch(r'[A-Z0-9][A-Z0-9,\-]{1,9}',s) and not re.search('[a-z]',s) else 'synonym'
        syn.append((i,s,kind,SRC_PREC))

NITCAS={'etonitazene':'911-65-9','isotonitazene':'14188-81-9','metonitazene':'14680-51-4','clonitazene':'3861-76-5','butonitazene':'95810-54-1','etonitazepyne':'2785346-75-8','n-desethyl-isotonitazene':'2732926-24-6','protonitazene':'119276-01-6'}
def add_1961(fn,cat_src):
    for r in csv.DictReader(open(S+fn)):
        i=gid(r['name']); name=NAMEFIX.get(r['name'],r['name'])
        cas=r.get('cas_rn','').strip() or NITCAS.get(gid(r['name']),'')
        prov=f"{SH}/{fn} (listing: {r['listing_source'][:60]}; SMILES: {r['smiles_status']}; CAS: {r.get('cas_check','') or 'see forms/refdata'})"
        subs.append(dict(id=i,name=name,category='drug',cas=cas,hs2022='',smiles=r['smiles'],inchikey=r['rdkit_inchikey'],covers='salts, isomers, esters and ethers (1961 Convention Schedule I)',structure_status=r['smiles_status'],source=prov))
        yr=r.get('year_added','').strip().rstrip('?')
        ctl.append((i,'UN-1961-SCHEDULE-I','Schedule I',yr if re.fullmatch(r'\d{4}',yr) else '', 'shared' if 'unverified' not in r.get('year_source','unverified') else 'unverified-year', f"{SH}/{fn} schedule_1961; {URL_1961}"))
        syn.append((i,name,'name',SH+'/'+fn))
        for s in [x.strip() for x in r.get('synonyms','').split(';') if x.strip()]:
            kind='abbreviation' if re.fullmatch(r'[A-Z0-9\-]{2,8}',s) else 'synonym'
            syn.append((i,s,kind,SH+'/'+fn))
        m=re.match(r'.*\((.*)\)$',r['name'])
        if m and 'not a nitazene' not in m.group(1):
            syn.append((i,m.group(1),'synonym',SH+'/'+fn))
add_1961('fentanyl_analogues.csv','')
add_1961('nitazenes.csv','')

exec(open('/tmp/gen/extra.py').read())

ids=[s['id'] for s in subs]
assert len(ids)==len(set(ids)), [x for x in ids if ids.count(x)>1]
# verify new SMILES with RDKit, compute inchikey if missing
for s in subs:
    m=Chem.MolFromSmiles(s['smiles'])
    assert m is not None, s
    frags=Chem.GetMolFrags(m,asMols=True)
    big=max(frags,key=lambda f:f.GetNumHeavyAtoms())
    k=Chem.MolToInchiKey(big) if s['id'] not in ('potassium-permanganate',) else Chem.MolToInchiKey(m)
    if s['inchikey'] and s['inchikey']!=k and s['id']!='potassium-permanganate':
        print('INCHIKEY DIFF',s['id'],s['inchikey'],k,file=sys.stderr)
    if not s['inchikey']: s['inchikey']=k

def w(fn,header,rows):
    with open(OUT+fn,'w',newline='') as f:
        wr=csv.writer(f,lineterminator='\n'); wr.writerow(header)
        for r in rows: wr.writerow(r)
w('substances.csv',['id','name','category','cas','hs2022','smiles','inchikey','covers','structure_status','source'],[[s[k] for k in ['id','name','category','cas','hs2022','smiles','inchikey','covers','structure_status','source']] for s in subs])
# dedupe synonyms by (id, normalised)
seen=set(); syn2=[]
for r in syn:
    k=(r[0],r[1].lower())
    if k in seen: continue
    seen.add(k); syn2.append(r)
w('synonyms.csv',['substance_id','synonym','kind','source'],syn2)
w('controls.csv',['substance_id','list','entry','effective','basis','source'],ctl)
w('forms.csv',['substance_id','form','cas','source'],forms)
w('hs_national.csv',['substance_id','country','code','source'],hsn)
print(len(subs),'substances',len(syn2),'synonyms',len(ctl),'controls',len(forms),'forms')
