# Additional curated entries (drugs and national-list precursors), national controls, and
# names/forms collected from the reference datasets by InChIKey. Runs inside gen.py.
CFR_1308_11='https://www.ecfr.gov/current/title-21/chapter-II/part-1308/section-1308.11'
CFR_1308_12='https://www.ecfr.gov/current/title-21/chapter-II/part-1308/section-1308.12'
CFR_1308_13='https://www.ecfr.gov/current/title-21/chapter-II/part-1308/section-1308.13'
CFR_1308_14='https://www.ecfr.gov/current/title-21/chapter-II/part-1308/section-1308.14'
CFR_1310_02='https://www.ecfr.gov/current/title-21/chapter-II/part-1310/section-1310.02'
EU_273='https://eur-lex.europa.eu/eli/reg/2004/273/oj (Annex I, consolidated)'
CN_2024='https://chemradar.com/rsdb/news/du35qbrdem0w'
REF=SH+'/refdata'
new=[
 # id, name, category, cas, hs, smiles, covers, status, source, [(list,entry,eff,basis,src)], [synonyms (name,kind)]
 ('methamphetamine','Methamphetamine','drug','537-46-2','2939.71','CN[C@@H](C)Cc1ccccc1','salts and isomers (1971 Schedule II lists metamfetamine and its racemate)','verified',REF+'/Danzl_Zaja_swgdrg.json (METHAMPHETAMINE, CAS base 537-46-2)',
   [('UN-1971-SCHEDULE-II','Schedule II','1971','citation',URL_1971),('US-CSA-SCHEDULE-II','Schedule II (d)','1971','citation',CFR_1308_12)],
   [('metamfetamine','inn'),('methylamphetamine','synonym'),('N-methylamphetamine','synonym'),('desoxyephedrine','synonym'),('deoxyephedrine','synonym'),('d-desoxyephedrine','synonym'),('methedrine','trade'),('crystal meth','street'),('shabu','street'),('yaba','street'),('(S)-N,alpha-dimethylbenzeneethanamine','iupac'),('N-methyl-1-phenylpropan-2-amine','iupac'),('Benzeneethanamine, N,alpha-dimethyl-','cas_index')]),
 ('amphetamine','Amphetamine','drug','300-62-9','2921.46','CC(N)Cc1ccccc1','salts and isomers (dexamfetamine and levamfetamine are listed separately in 1971 Schedule II)','verified',REF+'/Danzl_Zaja_swgdrg.json (AMPHETAMINE, CAS base 300-62-9)',
   [('UN-1971-SCHEDULE-II','Schedule II','1971','citation',URL_1971),('US-CSA-SCHEDULE-II','Schedule II (d)','1971','citation',CFR_1308_12)],
   [('amfetamine','inn'),('alpha-methylphenethylamine','synonym'),('1-phenylpropan-2-amine','iupac'),('1-phenyl-2-aminopropane','synonym'),('beta-phenylisopropylamine','synonym'),('dexamfetamine','inn'),('dextroamphetamine','synonym'),('levamfetamine','inn'),('Benzeneethanamine, alpha-methyl-','cas_index')]),
 ('mdma','MDMA','drug','42542-10-9','2932.99','CNC(C)Cc1ccc2c(c1)OCO2','salts and isomers','verified',REF+'/Danzl_Zaja_swgdrg.json (MDMA, CAS base 42542-10-9)',
   [('UN-1971-SCHEDULE-I','Schedule I','1985','citation',URL_1971),('US-CSA-SCHEDULE-I','Schedule I (d)','1985','citation',CFR_1308_11)],
   [('3,4-methylenedioxymethamphetamine','synonym'),('midomafetamine','inn'),('ecstasy','street'),('N-methyl-1-(1,3-benzodioxol-5-yl)propan-2-amine','iupac'),('1-(1,3-benzodioxol-5-yl)-N-methylpropan-2-amine','iupac'),('N,alpha-dimethyl-1,3-benzodioxole-5-ethanamine','cas_index')]),
 ('mda','MDA','drug','4764-17-4','2932.99','CC(N)Cc1ccc2c(c1)OCO2','salts and isomers','verified',REF+'/CAYMANCHEM (MDA hydrochloride 6292-91-7); base CAS own knowledge (unverified)',
   [('UN-1971-SCHEDULE-I','Schedule I','1971','citation',URL_1971),('US-CSA-SCHEDULE-I','Schedule I (d)','1971','citation',CFR_1308_11)],
   [('3,4-methylenedioxyamphetamine','synonym'),('tenamfetamine','inn'),('1-(1,3-benzodioxol-5-yl)propan-2-amine','iupac')]),
 ('ketamine','Ketamine','drug','6740-88-1','2922.39','CNC1(c2ccccc2Cl)CCCCC1=O','salts and isomers (national controls; not in the UN schedules)','verified',REF+'/Danzl_Zaja_swgdrg.json (KETAMINE, CAS base 6740-88-1)',
   [('US-CSA-SCHEDULE-III','Schedule III (c)','1999','citation',CFR_1308_13)],
   [('2-(2-chlorophenyl)-2-(methylamino)cyclohexanone','iupac'),('2-(2-chlorophenyl)-2-(methylamino)cyclohexan-1-one','iupac'),('ketalar','trade'),('esketamine','inn'),('Cyclohexanone, 2-(2-chlorophenyl)-2-(methylamino)-','cas_index')]),
 ('tramadol','Tramadol','drug','27203-92-5','','COc1cccc(C2(O)CCCCC2CN(C)C)c1','salts and isomers (national controls; not in the UN schedules)','verified-connectivity',REF+'/Danzl_Zaja_swgdrg.json (Tramadol, CAS 27203-92-5); stereo dropped: the drug is the racemate',
   [('US-CSA-SCHEDULE-IV','Schedule IV (b)','2014','citation',CFR_1308_14+' (79 FR 37623)')],
   [('2-[(dimethylamino)methyl]-1-(3-methoxyphenyl)cyclohexanol','iupac'),('tramal','trade'),('ultram','trade')]),
 ('fenetylline','Fenetylline','drug','3736-08-1','2939.59','CC(Cc1ccccc1)NCCn1cnc2c1c(=O)n(C)c(=O)n2C','salts and isomers','unverified','own knowledge (unverified); 1971 Schedule II listing per INCB Green List',
   [('UN-1971-SCHEDULE-II','Schedule II','1986','citation',URL_1971),('US-CSA-SCHEDULE-I','Schedule I (d)','1988','citation',CFR_1308_11)],
   [('fenethylline','synonym'),('phenethylline','synonym'),('captagon','trade'),('amfetaminoethyltheophylline','synonym'),('7-[2-(1-methyl-2-phenylethylamino)ethyl]theophylline','synonym')]),
 ('ghb','GHB','drug','591-81-1','2918.19','OCCCC(=O)O','salts (1971 Schedule II)','verified-connectivity',REF+'/Danzl_Zaja_swgdrg.json (sodium oxybate 502-85-2); acid CAS own knowledge (unverified)',
   [('UN-1971-SCHEDULE-II','Schedule II','2013','citation',URL_1971),('US-CSA-SCHEDULE-I','Schedule I (c)','2000','citation',CFR_1308_11)],
   [('gamma-hydroxybutyric acid','synonym'),('4-hydroxybutanoic acid','iupac'),('4-hydroxybutyric acid','synonym'),('gamma-hydroxybutyrate','synonym'),('sodium oxybate','inn'),('liquid ecstasy','street')]),
 ('mephedrone','Mephedrone','drug','1189805-46-6','','CNC(C)C(=O)c1ccc(C)cc1','salts and isomers','verified',REF+'/Tim_Jonas_Policija.json (Mephedrone); CAS own knowledge (unverified)',
   [('UN-1971-SCHEDULE-II','Schedule II','2015','citation',URL_1971),('US-CSA-SCHEDULE-I','Schedule I (h)','2011','citation',CFR_1308_11)],
   [('4-methylmethcathinone','synonym'),('4-MMC','abbreviation'),('2-(methylamino)-1-(4-methylphenyl)propan-1-one','iupac')]),
 ('alpha-pvp','alpha-PVP','drug','14530-33-7','','CCCC(N1CCCC1)C(=O)c1ccccc1','salts and isomers','verified',REF+'/CAYMANCHEM (alpha-PVP hydrochloride 5485-65-4); base CAS own knowledge (unverified)',
   [('UN-1971-SCHEDULE-II','Schedule II','2016','citation',URL_1971),('US-CSA-SCHEDULE-I','Schedule I (h)','2014','citation',CFR_1308_11)],
   [('alpha-pyrrolidinovalerophenone','synonym'),('alpha-pyrrolidinopentiophenone','synonym'),('1-phenyl-2-(pyrrolidin-1-yl)pentan-1-one','iupac'),('flakka','street')]),
 ('methcathinone','Methcathinone','drug','5650-44-2','','CNC(C)C(=O)c1ccccc1','salts and isomers','verified',REF+'/Danzl_Zaja_swgdrg.json (METHCATHINONE, CAS base 5650-44-2)',
   [('UN-1971-SCHEDULE-I','Schedule I','1995','citation',URL_1971),('US-CSA-SCHEDULE-I','Schedule I (f)','1993','citation',CFR_1308_11)],
   [('ephedrone','synonym'),('N-methylcathinone','synonym'),('2-(methylamino)-1-phenylpropan-1-one','iupac')]),
 ('heroin','Heroin','drug','561-27-3','2939.11','CC(=O)Oc1ccc2c3c1O[C@H]1[C@@H](OC(C)=O)C=C[C@H]4[C@@H](C2)N(C)CC[C@@]341','salts, isomers, esters and ethers','verified',REF+'/CAYMANCHEM (Heroin, CAS 561-27-3)',
   [('UN-1961-SCHEDULE-I','Schedule I','1961','citation',URL_1961),('UN-1961-SCHEDULE-IV','Schedule IV','1961','citation',URL_1961),('US-CSA-SCHEDULE-I','Schedule I (c)','1971','citation',CFR_1308_11)],
   [('diacetylmorphine','synonym'),('diamorphine','inn'),('3,6-diacetylmorphine','synonym'),('acetomorphine','synonym')]),
 ('cocaine','Cocaine','drug','50-36-2','2939.71','COC(=O)[C@H]1[C@@H](OC(=O)c2ccccc2)C[C@H]2CC[C@@H]1N2C','salts, isomers, esters and ethers','verified',REF+'/CAYMANCHEM (Cocaine, CAS 50-36-2)',
   [('UN-1961-SCHEDULE-I','Schedule I','1961','citation',URL_1961),('US-CSA-SCHEDULE-II','Schedule II (b)','1971','citation',CFR_1308_12)],
   [('benzoylmethylecgonine','synonym'),('methyl benzoylecgonine','synonym')]),
 ('u-47700','U-47700','drug','82657-23-6','','CN(C)C1CCCCC1N(C)C(=O)c1ccc(Cl)c(Cl)c1','salts, isomers, esters and ethers','verified',REF+'/CAYMANCHEM (U-47700, CAS 82657-23-6)',
   [('UN-1961-SCHEDULE-I','Schedule I','2017','unverified-year',URL_1961),('US-CSA-SCHEDULE-I','Schedule I (b)','2017','citation',CFR_1308_11)],
   [('3,4-dichloro-N-[2-(dimethylamino)cyclohexyl]-N-methylbenzamide','iupac')]),
 ('ah-7921','AH-7921','drug','55154-30-8','','CN(C)C1(CNC(=O)c2ccc(Cl)c(Cl)c2)CCCCC1','salts, isomers, esters and ethers','verified',REF+'/Danzl_Zaja_swgdrg.json (AH-7921, CAS base 55154-30-8)',
   [('UN-1961-SCHEDULE-I','Schedule I','2015','unverified-year',URL_1961)],
   [('doxylam','synonym'),('3,4-dichloro-N-{[1-(dimethylamino)cyclohexyl]methyl}benzamide','iupac')]),
 ('mt-45','MT-45','drug','41537-67-1','','c1ccc(CC(c2ccccc2)N2CCN(C3CCCCC3)CC2)cc1','salts, isomers, esters and ethers','verified',REF+'/Danzl_Zaja_swgdrg.json (MT-45, CAS 41537-67-1)',
   [('UN-1961-SCHEDULE-I','Schedule I','2016','unverified-year',URL_1961)],
   [('1-cyclohexyl-4-(1,2-diphenylethyl)piperazine','iupac')]),
 ('2-methyl-ap-237','2-Methyl-AP-237','drug','98608-59-4','','CCCC(=O)N1CCN(C/C=C/c2ccccc2)CC1C','salts, isomers, esters and ethers','verified',REF+'/data.json (2-Methyl AP-237, CAS 98608-59-4)',
   [('UN-1961-SCHEDULE-I','Schedule I','2023','unverified-year',SH+'/README.md §2.2 (Yellow List parse); '+URL_1961)],
   [('2-methyl bucinnazine','synonym')]),
 # national-list precursors
 ('gbl','gamma-Butyrolactone','precursor','96-48-0','2932.20','O=C1CCCO1','the substance (a List I chemical in the US)','verified',REF+'/Danzl_Zaja_swgdrg.json (GAMMA-BUTYROLACTONE, CAS 96-48-0)',
   [('US-DEA-LIST-I','List I','2000','citation',CFR_1310_02)],
   [('GBL','abbreviation'),('butyrolactone','synonym'),('gamma-butyrolactone','synonym'),('dihydrofuran-2(3H)-one','iupac'),('dihydro-2(3H)-furanone','synonym'),('1,4-butanolide','synonym'),('2(3H)-Furanone, dihydro-','cas_index')]),
 ('benzylfentanyl','Benzylfentanyl','precursor','','','CCC(=O)N(c1ccccc1)C1CCN(Cc2ccccc2)CC1','salts (a List I chemical in the US)','verified',REF+'/Danzl_Zaja_swgdrg.json (Benzylfentanyl, HCl CAS 5156-58-1)',
   [('US-DEA-LIST-I','List I','2020','citation',CFR_1310_02+' (85 FR 20822)')],
   [('N-(1-benzylpiperidin-4-yl)-N-phenylpropanamide','iupac'),('1-benzyl-4-(N-phenylpropionamido)piperidine','synonym')]),
 ('methylamine','Methylamine','precursor','74-89-5','2921.11','CN','salts (a List I chemical in the US)','unverified','own knowledge (unverified): CAS 74-89-5, HS 2921.11; US List I per 21 CFR 1310.02(a)',
   [('US-DEA-LIST-I','List I','1989','citation',CFR_1310_02)],
   [('monomethylamine','synonym'),('methanamine','iupac'),('aminomethane','synonym')]),
 ('benzyl-cyanide','Benzyl cyanide','precursor','140-29-4','2926.90','N#CCc1ccccc1','the substance (a List I chemical in the US)','unverified','own knowledge (unverified): CAS 140-29-4; US List I per 21 CFR 1310.02(a)',
   [('US-DEA-LIST-I','List I','1989','citation',CFR_1310_02)],
   [('phenylacetonitrile','synonym'),('benzeneacetonitrile','cas_index'),('2-phenylacetonitrile','iupac')]),
 ('nitroethane','Nitroethane','precursor','79-24-3','2904.20','CC[N+](=O)[O-]','the substance (a List I chemical in the US)','unverified','own knowledge (unverified): CAS 79-24-3; US List I per 21 CFR 1310.02(a)',
   [('US-DEA-LIST-I','List I','1989','citation',CFR_1310_02)],[]),
 ('propionic-anhydride','Propionic anhydride','precursor','123-62-6','2915.90','CCC(=O)OC(=O)CC','the substance (a List I chemical in the US)','unverified','own knowledge (unverified): CAS 123-62-6; US List I per 21 CFR 1310.02(a)',
   [('US-DEA-LIST-I','List I','1989','citation',CFR_1310_02)],
   [('propanoic anhydride','synonym'),('propionic acid anhydride','synonym')]),
]
for (i,name,cat,cas,hs,smi,cov,st,src,ctls,syns) in new:
    subs.append(dict(id=i,name=name,category=cat,cas=cas,hs2022=hs,smiles=smi,inchikey='',covers=cov,structure_status=st,source=src))
    syn.append((i,name,'name',src.split(' (')[0]))
    for (s,k) in syns: syn.append((i,s,k,'curated; see substances.csv source'))
    for (l,e,eff,basis,s) in ctls: ctl.append((i,l,e,eff,basis,s))

# National controls of the 1988-table substances (citations of the legal instruments).
US_LIST_I=['n-acetylanthranilic-acid','ephedrine','ergometrine','ergotamine','isosafrole','3-4-mdp-2-p','norephedrine','phenylacetic-acid','piperonal','pseudoephedrine','safrole','anthranilic-acid','piperidine','npp']
US_LIST_II=['acetic-anhydride','acetone','ethyl-ether','hydrochloric-acid','mek','potassium-permanganate','sulphuric-acid','toluene']
for i in US_LIST_I: ctl.append((i,'US-DEA-LIST-I','List I','', 'citation',CFR_1310_02))
ctl.append(('4-ap','US-DEA-LIST-I','List I','2020','citation',CFR_1310_02+' (85 FR 20822)'))
ctl.append(('1-boc-4-ap','US-DEA-LIST-I','List I','2023','citation',CFR_1310_02))
ctl.append(('4-piperidone','US-DEA-LIST-I','List I','2023','citation',CFR_1310_02+' (88 FR 21902)'))
for i in US_LIST_II: ctl.append((i,'US-DEA-LIST-II','List II','', 'citation',CFR_1310_02))
ctl.append(('anpp','US-CSA-SCHEDULE-II','Schedule II (g) immediate precursor','2010','citation',CFR_1308_12))
ctl.append(('p-2-p','US-CSA-SCHEDULE-II','Schedule II (g) immediate precursor','1979','citation',CFR_1308_12))
EU1=['p-2-p','n-acetylanthranilic-acid','isosafrole','3-4-mdp-2-p','piperonal','safrole','ephedrine','pseudoephedrine','norephedrine','ergometrine','ergotamine','lysergic-acid','apaan','anpp','npp','pmk-methyl-glycidate','pmk-glycidic-acid','apaa','mapa','4-ap','1-boc-4-ap','norfentanyl']
for i in EU1: ctl.append((i,'EU-DP-CATEGORY-1','Category 1','', 'citation',EU_273))
ctl.append(('acetic-anhydride','EU-DP-CATEGORY-2A','Category 2A','', 'citation',EU_273))
for i in ['phenylacetic-acid','anthranilic-acid','piperidine','potassium-permanganate']: ctl.append((i,'EU-DP-CATEGORY-2B','Category 2B','', 'citation',EU_273))
for i in ['hydrochloric-acid','sulphuric-acid','toluene','ethyl-ether','acetone','mek']: ctl.append((i,'EU-DP-CATEGORY-3','Category 3','', 'citation',EU_273))
for i in ['4-ap','1-boc-4-ap','norfentanyl']: ctl.append((i,'CN-PRECURSOR-CATEGORY-1','Category 1','2024-09-01','shared',CN_2024+' (via '+SH+'/README.md §2.1)'))
# US CSA for the 1961 fentanyl-type and nitazene entries
for s in list(subs):
    if s['category']=='drug' and s['source'].startswith(SH+'/fentanyl') or s['source'].startswith(SH+'/nitazenes'):
        if s['id'] in ('fentanyl','alfentanil','sufentanil','remifentanil','carfentanil'):
            ctl.append((s['id'],'US-CSA-SCHEDULE-II','Schedule II (c)','', 'citation',CFR_1308_12))
        else:
            ctl.append((s['id'],'US-CSA-SCHEDULE-I','Schedule I','', 'citation',CFR_1308_11))
# HS codes of the fentanyl entries (HS 2022 headings per shared README §2.1); sulfur or oxygen heterocycles go to 2934.
for s in subs:
    if s['source'].startswith(SH+'/fentanyl'):
        if s['id'] in ('fentanyl','alfentanil','carfentanil','remifentanil'): s['hs2022']='2933.33'
        elif s['id']=='sufentanil': s['hs2022']='2934.91'
        elif any(a in s['smiles'] for a in ('s2','s1','o1','O1')) and s['id'] not in ('fentanyl',): s['hs2022']='2934.92'
        else: s['hs2022']='2933.34'
# National HS subdivisions (shared README §2.1 HS notes)
for i in ['4-ap','1-boc-4-ap','norfentanyl']: hsn.append((i,'CN','2933399073',CN_2024))
for s in subs:
    if s['id'].startswith('bmk-') and 'glycid' in s['id']: hsn.append((s['id'],'VN','2918.99.00',SH+'/README.md §2.1 (Viet Nam Decree 28/2026 list IVA)'))
    if s['id'].startswith('pmk-') and 'glycid' in s['id']: hsn.append((s['id'],'VN','2932.99.90',SH+'/README.md §2.1 (Viet Nam Decree 28/2026 list IVA)'))
for i in ['4-ap','1-boc-4-ap','norfentanyl','4-piperidone','1-boc-4-piperidone','npp']: hsn.append((i,'VN','2933.39.90',SH+'/README.md §2.1 (Viet Nam list)'))

# Curated extra synonyms: CAS index names, spellings seen in trade.
EXTRA={
 'npp':['1-(2-phenylethyl)-4-piperidinone','4-Piperidinone, 1-(2-phenylethyl)-','N-phenethyl-4-piperidinone','1-phenethyl-4-piperidone','1-phenethylpiperidin-4-one','N-phenethylpiperidin-4-one','phenethyl piperidone'],
 'anpp':['N-phenyl-1-(2-phenylethyl)-4-piperidinamine','4-Piperidinamine, N-phenyl-1-(2-phenylethyl)-','4-anilino-1-phenethylpiperidine','1-phenethyl-4-anilinopiperidine','1-phenethyl-N-phenylpiperidin-4-amine'],
 '4-ap':['4-Piperidinamine, N-phenyl-','4-(phenylamino)piperidine','N-phenyl-4-piperidinamine','4-anilino piperidine'],
 '1-boc-4-ap':['1-Piperidinecarboxylic acid, 4-(phenylamino)-, 1,1-dimethylethyl ester','tert-butyl 4-anilinopiperidine-1-carboxylate','1-Boc-4-anilinopiperidine','N-Boc-4-AP','4-anilino-1-Boc-piperidine','1-tert-butoxycarbonyl-4-anilinopiperidine'],
 'norfentanyl':['Propanamide, N-phenyl-N-4-piperidinyl-','N-phenyl-N-4-piperidinylpropanamide'],
 '4-piperidone':['4-Piperidinone','piperidin-4-one','4-oxopiperidine','4-piperidinone hydrochloride monohydrate'],
 '1-boc-4-piperidone':['1-Piperidinecarboxylic acid, 4-oxo-, 1,1-dimethylethyl ester','N-tert-butoxycarbonyl-4-piperidone','1-tert-butoxycarbonyl-4-piperidone','Boc-4-piperidone','tert-butyl 4-oxo-1-piperidinecarboxylate','1-Boc-4-piperidinone'],
 'p-2-p':['2-Propanone, 1-phenyl-','phenyl-2-propanone','1-phenylpropan-2-one','methyl benzyl ketone','phenylpropanone'],
 '3-4-mdp-2-p':['2-Propanone, 1-(1,3-benzodioxol-5-yl)-','1-(1,3-benzodioxol-5-yl)propan-2-one','3,4-methylenedioxyphenylacetone','MDP2P','3,4-methylenedioxyphenyl-2-propanone','piperonylacetone'],
 'bmk-glycidic-acid':['BMK glycidic acid','2-Oxiranecarboxylic acid, 2-methyl-3-phenyl-','alpha-methyl-beta-phenylglycidic acid'],
 'bmk-methyl-glycidate':['new BMK','BMK glycidate','methyl 3-phenyl-2-methylglycidate','2-Oxiranecarboxylic acid, 2-methyl-3-phenyl-, methyl ester','methyl 2-methyl-3-phenylglycidate','BMK methyl glycidate','P-2-P methyl glycidate'],
 'bmk-ethyl-glycidate':['2-Oxiranecarboxylic acid, 2-methyl-3-phenyl-, ethyl ester','ethyl 2-methyl-3-phenylglycidate','ethyl methylphenylglycidate'],
 'pmk-methyl-glycidate':['new PMK','PMK glycidate','methyl 3-(3,4-methylenedioxyphenyl)-2-methylglycidate','2-Oxiranecarboxylic acid, 3-(1,3-benzodioxol-5-yl)-2-methyl-, methyl ester','PMK methyl glycidate'],
 'pmk-glycidic-acid':['PMK glycidic acid','2-Oxiranecarboxylic acid, 3-(1,3-benzodioxol-5-yl)-2-methyl-','3,4-MDP-2-P methyl glycidic acid'],
 'pmk-ethyl-glycidate':['PMK ethyl glycidate','ethyl 3-(1,3-benzodioxol-5-yl)-2-methyloxirane-2-carboxylate','2-Oxiranecarboxylic acid, 3-(1,3-benzodioxol-5-yl)-2-methyl-, ethyl ester'],
 'apaan':['alpha-phenylacetoacetonitrile','2-phenylacetoacetonitrile','Benzeneacetonitrile, alpha-acetyl-','alpha-acetylphenylacetonitrile'],
 'apaa':['2-phenylacetoacetamide','Benzeneacetamide, alpha-acetyl-'],
 'mapa':['methyl 2-phenylacetoacetate','methyl alpha-acetylphenylacetate','Benzeneacetic acid, alpha-acetyl-, methyl ester'],
 'acetic-anhydride':['acetic acid anhydride','Acetic acid, anhydride'],
 'phenylacetic-acid':['Benzeneacetic acid','2-phenylacetic acid','alpha-toluic acid'],
 'anthranilic-acid':['o-aminobenzoic acid','Benzoic acid, 2-amino-'],
 'n-acetylanthranilic-acid':['Benzoic acid, 2-(acetylamino)-','2-acetylaminobenzoic acid','acetylanthranilic acid'],
 'ethyl-ether':['ether','ethoxyethane','Ethane, 1,1\'-oxybis-'],
 'mek':['2-butanone','methyl ethyl ketone','ethyl methyl ketone','butanone'],
 'toluene':['toluol','Benzene, methyl-'],
 'sulphuric-acid':['oil of vitriol','H2SO4'],
 'hydrochloric-acid':['muriatic acid','HCl'],
 'potassium-permanganate':['Permanganic acid (HMnO4), potassium salt','potassium manganate(VII)'],
 'piperidine':['hexahydropyridine','azacyclohexane'],
 'safrole':['1,3-Benzodioxole, 5-(2-propenyl)-','shikimol','sassafras oil'],
 'isosafrole':['1,3-Benzodioxole, 5-(1-propenyl)-'],
 'piperonal':['piperonyl aldehyde','3,4-methylenedioxybenzaldehyde','1,3-Benzodioxole-5-carboxaldehyde'],
 'ephedrine':['l-ephedrine','Benzenemethanol, alpha-[1-(methylamino)ethyl]-'],
 'pseudoephedrine':['d-pseudoephedrine','isoephedrine'],
 'norephedrine':['PPA','norpseudoephedrine'] and ['phenylpropanolamine hydrochloride'],
 'ergometrine':['ergonovine maleate'],
 'fentanyl':['fentanil','Propanamide, N-phenyl-N-[1-(2-phenylethyl)-4-piperidinyl]-','sublimaze','China white'],
 'carfentanil':['carfentanyl','wildnil'],
 'acetylfentanyl':['desmethylfentanyl'],
 'tetrahydrofuranylfentanyl':['tetrahydrofuran fentanyl'],
 'furanylfentanyl':['Fu-F','furanyl fentanyl'],
 '4-fluoroisobutyrfentanyl':['para-fluoroisobutyryl fentanyl','p-FIBF','4-fluoroisobutyrylfentanyl'],
 'isotonitazene':['iso','isotonitazine'] and ['isotonitazine'],
 'ghb':['gamma hydroxybutyrate'],
}
for i,lst in EXTRA.items():
    assert any(s['id']==i for s in subs), i
    for n in lst:
        k='cas_index' if ', ' in n and (n.endswith('-') or 'ester' in n or 'salt' in n or n.endswith(')')) else ('abbreviation' if re.fullmatch(r'[A-Z0-9\-]{2,8}',n) else 'synonym')
        syn.append((i,n,k,'curated (CAS index / trade usage)'))

# Names and salt CAS numbers from the reference datasets, matched by InChIKey of the parent structure.
import json
from rdkit import RDLogger
RDLogger.DisableLog('rdApp.*')
bykey={}
for s in subs:
    m=Chem.MolFromSmiles(s['smiles'])
    frags=Chem.GetMolFrags(m,asMols=True); big=max(frags,key=lambda f:f.GetNumHeavyAtoms())
    if big.GetNumHeavyAtoms()>=4: bykey[Chem.MolToInchiKey(big)]=s['id']
JUNK=re.compile(r'^(NSC|NIH|C\d|O-\d|N;|N/A|Not Available|\d)|CRM|exempt|\bor\b|\[|;|,$|^[^A-Za-z]*$|mixture|solution|deuter|-d\d|d\d\b',re.I)
SALT=re.compile(r'\s*\((hydrochloride|citrate|hydrobromide|oxalate|sulfate|phosphate|tartrate|fumarate|maleate|succinate|salicylate|hemisulfate|free base)\)\s*$',re.I)
def cas_ok(c):
    m=re.fullmatch(r'(\d{2,7})-(\d{2})-(\d)',c)
    if not m: return False
    d=(m.group(1)+m.group(2))[::-1]
    return sum((k+1)*int(x) for k,x in enumerate(d))%10==int(m.group(3))
formseen=set()
for fn,tag in [('CAYMANCHEM_Elias_Michael_2024-06-22.json','CAY'),('Danzl_Zaja_swgdrg.json','SWG'),('Tim_Jonas_Policija.json','POL')]:
    for r in json.load(open(S+'refdata/'+fn)):
        smi=r.get('smiles') or ''
        if not smi: continue
        m=Chem.MolFromSmiles(smi)
        if m is None: continue
        frags=Chem.GetMolFrags(m,asMols=True); big=max(frags,key=lambda f:f.GetNumHeavyAtoms())
        k=Chem.MolToInchiKey(big)
        i=bykey.get(k)
        if not i: continue
        names=r.get('names',[])
        for n in names:
            n=n.strip().replace('α','alpha-').replace('β','beta-').replace('alpha--','alpha-').replace('beta--','beta-').replace('alpha- ','alpha-')
            n=SALT.sub('',n).strip()
            if len(n)<4 or len(n)>70 or JUNK.search(n): continue
            syn.append((i,n,'synonym',f'{REF}/{fn} ({tag})'))
        # salt forms from Cayman records
        cas=(r.get('cas_num') or '').strip()
        mm=SALT.search(names[0]) if names else None
        if tag=='CAY' and mm and cas_ok(cas) and len(frags)>1:
            key=(i,cas)
            if key not in formseen:
                formseen.add(key); forms.append((i,mm.group(1).lower(),cas,f'{REF}/{fn} ({names[0]})'))
forms.append(('4-piperidone','hydrochloride monohydrate','40064-34-4',SH+'/README.md §2.1 (Cayman)'))
forms.append(('methamphetamine','racemate','7632-10-2','1971 Convention Schedule II (metamfetamine racemate); CAS own knowledge (unverified)'))
forms.append(('ghb','sodium salt (sodium oxybate)','502-85-2',REF+'/Danzl_Zaja_swgdrg.json'))
forms.append(('benzylfentanyl','hydrochloride','5156-58-1',REF+'/Danzl_Zaja_swgdrg.json'))
forms.append(('tramadol','hydrochloride','36282-47-0','own knowledge (unverified)'))
forms=[f for f in forms if cas_ok(f[2])]
# a form CAS must not be another substance's own CAS
own={s['cas'] for s in subs}
forms=[f for f in forms if f[2] not in own]
_seen=set(); _f=[]
for f in forms:
    if f[2] in _seen: continue
    _seen.add(f[2]); _f.append(f)
forms=_f
for s in subs:
    m=re.match(r'(bmk|pmk)-(.+)-glycidate$',s['id'])
    if m:
        base=m.group(1).upper(); alkyl=m.group(2)
        syn.append((s['id'],f'{base} glycidic acid {alkyl} ester','synonym','curated (ester naming)'))
        syn.append((s['id'],f'{alkyl} {base} glycidate','synonym','curated (ester naming)'))
