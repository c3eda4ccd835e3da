//! Fentanyl class definitions: US fentanyl-related substances and China's 2019 fentanyl class.
//!
//! Both are written as modifications of fentanyl, N-phenyl-N-[1-(2-phenylethyl)piperidin-4-yl]-
//! propanamide, `CCC(=O)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1`. The shared skeleton is a
//! 4-anilidopiperidine: a piperidine ring (a six-membered saturated monocycle with one nitrogen),
//! whose 4-carbon bears an amide nitrogen that carries an acyl group and an aromatic ring.
//!
//! US text (21 U.S.C. 812(c) Schedule I(e)(2), quoted in `shared/data/substances/README.md` §3.1):
//! "structurally related to fentanyl by 1 or more of the following modifications:
//! (A) By replacement of the phenyl portion of the phenethyl group by any monocycle, whether or not
//! further substituted in or on the monocycle. (B) By substitution in or on the phenethyl group with
//! alkyl, alkenyl, alkoxyl, hydroxyl, halo, haloalkyl, amino, or nitro groups. (C) By substitution in
//! or on the piperidine ring with alkyl, alkenyl, alkoxyl, ester, ether, hydroxyl, halo, haloalkyl,
//! amino, or nitro groups. (D) By replacement of the aniline ring with any aromatic monocycle whether
//! or not further substituted in or on the aromatic monocycle. (E) By replacement of the N-propionyl
//! group with another acyl group."
//! Paragraph (3), the exclusions, was not retrieved and is not applied.
//!
//! China (2019, §3.2): "一、使用其他酰基替代丙酰基; 二、使用任何取代或未取代的单环芳香基团替代与氮原子直接相连的
//! 苯基; 三、哌啶环上存在烷基、烯基、烷氧基、酯基、醚基、羟基、卤素、卤代烷基、氨基及硝基等取代基; 四、使用其他任意
//! 基团(氢原子除外)替代苯乙基。" Clauses are reported as 1–4.
//!
//! Readings taken (documented in ARCHITECTURE.md): "monocycle" is a ring sharing no atom with
//! another ring (a fused, bridged or spiro system is not one); "acyl" is a carbonyl group R–C(=O)–
//! whose carbonyl carbon is not in a ring, whatever R is (IUPAC: the group left when an oxoacid
//! loses OH, so alkanoyl, aroyl, alkoxycarbonyl and carbamoyl all count); a thioacyl (C=S) or a
//! sulfonyl is not a carbonyl acyl and is not taken;
//! substituent kinds are those of `substituent.rs`. Every atom of the structure must be accounted
//! for by the skeleton or by a group some clause allows: anything else takes it outside.

use super::{
    atom_list, outside, Definition, Findings, InputForm, NotCovered, Outcome, Undecided,
    CN_FENTANYL_2019, US_FRS,
};
use crate::graph::{Graph, C, H, N, O};

/// Why China's clause 3 cannot decide a group it does not name.
const OPEN_LIST: &str = "the text leaves it open (a list ending in 等, \"and other such\")";
use crate::substituent::{classify, Kind, Substituent};

/// Substituent kinds of US (B): on the phenethyl group.
const PHENETHYL_KINDS: [Kind; 8] = [
    Kind::Alkyl,
    Kind::Alkenyl,
    Kind::Alkoxyl,
    Kind::Hydroxyl,
    Kind::Halo,
    Kind::Haloalkyl,
    Kind::Amino,
    Kind::Nitro,
];

/// Substituent kinds of US (C) and China clause 3: on the piperidine ring.
const PIPERIDINE_KINDS: [Kind; 10] = [
    Kind::Alkyl,
    Kind::Alkenyl,
    Kind::Alkoxyl,
    Kind::Ester,
    Kind::Ether,
    Kind::Hydroxyl,
    Kind::Halo,
    Kind::Haloalkyl,
    Kind::Amino,
    Kind::Nitro,
];

/// Piperidine kinds, read with the texts' broader words: an acetyloxy group is an ester (a
/// propionyloxy already is `Ester`; the nitazene text's separate word "acetyloxy" is why the
/// kinds tell them apart).
fn piperidine_kind_ok(kind: Kind) -> bool {
    PIPERIDINE_KINDS.contains(&kind) || kind == Kind::Acetyloxy
}

/// A clause that applies, the atoms that satisfy it, and the sentence saying so.
type Found = (&'static str, Vec<usize>, String);

/// The 4-anilidopiperidine skeleton found in a structure.
#[derive(Clone, Debug)]
struct Skeleton {
    ring: Vec<usize>,
    ring_n: usize,
    amide_n: usize,
    carbonyl_c: usize,
    carbonyl_o: usize,
    /// The atom of the ring on the amide nitrogen ("aniline ring").
    aryl_atom: usize,
}

fn find_skeletons(g: &Graph) -> Vec<Skeleton> {
    let mut out = Vec::new();
    for (r, ring) in g.rings.iter().enumerate() {
        if ring.len() != 6 || !g.is_isolated_ring(r) {
            continue;
        }
        let nitrogens: Vec<usize> = ring.iter().copied().filter(|&a| g.z(a) == N).collect();
        if nitrogens.len() != 1 || ring.iter().any(|&a| g.z(a) != C && g.z(a) != N) {
            continue;
        }
        if ring.iter().any(|&a| g.atoms[a].aromatic) {
            continue;
        }
        // All ring bonds single.
        let saturated = (0..6).all(|i| g.bond_order(ring[i], ring[(i + 1) % 6]) == Some(1));
        if !saturated {
            continue;
        }
        let pos_n = ring.iter().position(|&a| a == nitrogens[0]).unwrap_or(0);
        let c4 = ring[(pos_n + 3) % 6];
        for amide_n in g.neighbors(c4) {
            if g.z(amide_n) != N || g.in_ring(amide_n) || g.atoms[amide_n].aromatic {
                continue;
            }
            let others: Vec<usize> = g
                .neighbors(amide_n)
                .filter(|&n| n != c4 && g.z(n) != H)
                .collect();
            if others.len() != 2 {
                continue;
            }
            for (i, &carbonyl_c) in others.iter().enumerate() {
                let aryl_atom = others[1 - i];
                if g.z(carbonyl_c) != C {
                    continue;
                }
                let Some(carbonyl_o) = g
                    .neighbor_bonds(carbonyl_c)
                    .find(|&(n, o)| o == 2 && g.z(n) == O)
                    .map(|(n, _)| n)
                else {
                    continue;
                };
                if !g.in_ring(aryl_atom) {
                    continue;
                }
                out.push(Skeleton {
                    ring: ring.clone(),
                    ring_n: nitrogens[0],
                    amide_n,
                    carbonyl_c,
                    carbonyl_o,
                    aryl_atom,
                });
            }
        }
    }
    out
}

/// The ring containing `atom` if it is in exactly one ring.
fn only_ring(g: &Graph, atom: usize) -> Option<usize> {
    match g.rings_of(atom) {
        [r] => Some(*r),
        _ => None,
    }
}

fn is_benzene(g: &Graph, r: usize) -> bool {
    let ring = &g.rings[r];
    ring.len() == 6 && ring.iter().all(|&a| g.z(a) == C && g.atoms[a].aromatic)
}

fn ring_name(g: &Graph, r: usize) -> String {
    let ring = &g.rings[r];
    let hetero = ring.iter().filter(|&&a| g.z(a) != C).count();
    let aromatic = g.ring_is_aromatic(r);
    format!(
        "{}{}-membered {}ring",
        if aromatic {
            "aromatic "
        } else {
            "non-aromatic "
        },
        ring.len(),
        if hetero > 0 { "hetero" } else { "carbo" }
    )
}

/// Groups hanging off `atom`, other than through atoms in `blocked`; `None` if one ties back.
fn groups(g: &Graph, atom: usize, blocked: &[bool]) -> Option<Vec<Substituent>> {
    let mut out = Vec::new();
    for (n, order) in g.neighbor_bonds(atom) {
        if blocked[n] || g.z(n) == H {
            continue;
        }
        let branch = g.branch(n, atom, blocked)?;
        out.push(classify(g, &branch, n, order));
    }
    Some(out)
}

/// Result of examining the common part (piperidine ring, acyl, aniline ring) of one skeleton.
struct Common {
    blocked: Vec<bool>,
    findings: Vec<(Clause, Vec<usize>, String)>,
    /// The substituent on the ring nitrogen, if any.
    n_substituent: Option<usize>,
    /// Groups on the piperidine ring's carbons of a kind neither US (C) nor China's clause 3
    /// names, in words. US (C) is a closed list ("…, amino, or nitro groups"), so one of these
    /// takes a structure outside; China's clause 3 ends its list with 等 ("and other such"), and
    /// the text does not say how far that reaches, so there it is a question for a lawyer.
    unlisted_piperidine: Vec<String>,
}

/// Whether `sub`, hanging off `atom`, is attached through an oxygen bearing a carbon: the ester
/// or the ether of a hydroxyl on that atom (which it is, in words). US (B) names hydroxyl on the
/// phenethyl group but not ester or ether; the 2018 temporary order's summary covers the
/// "esters, ethers" of fentanyl-related substances, (e)(1) of the HALT Act does not
/// (`ORDER_2018`), so such a structure is undecided, not outside.
fn ester_or_ether_of_hydroxyl(g: &Graph, atom: usize, sub: &Substituent) -> Option<&'static str> {
    // The attaching oxygen, with one other heavy neighbour, a carbon: O–C(=O)–R is the ester of
    // the hydroxyl, O–R the ether, whatever R is.
    sub.atoms.iter().find_map(|&o| {
        if g.z(o) != O
            || !g.neighbors(o).any(|n| n == atom)
            || g.neighbors(o).filter(|&n| g.z(n) != H).count() != 2
        {
            return None;
        }
        let c = g.neighbors(o).find(|&n| n != atom && g.z(n) == C)?;
        let carbonyl = g
            .neighbor_bonds(c)
            .any(|(n, order)| n != o && order == 2 && g.z(n) == O);
        Some(if carbonyl { "an ester" } else { "an ether" })
    })
}

/// Why US (e) cannot decide an ester or ether of a hydroxyl (B) or (C) allows.
const ORDER_2018: &str = "the text that would decide it was not retrieved: the 2018 temporary scheduling order placed fentanyl-related substances \"and their isomers, esters, ethers, salts and salts of isomers, esters, and ethers\" in schedule I (83 FR 5188, summary; its regulatory text, 21 CFR 1308.11(h)(30), was not retrieved), while (e)(1) of the HALT Act names salts and isomers only";

impl Common {
    /// The common findings under a definition's clause labels for [acyl, aryl, piperidine].
    fn findings_as(&self, labels: [&str; 3]) -> Findings {
        let mut findings = Findings::default();
        for (clause, atoms, sentence) in &self.findings {
            let label = match clause {
                Clause::Acyl => labels[0],
                Clause::Aryl => labels[1],
                Clause::Piperidine => labels[2],
            };
            findings.add(label, atoms, sentence.clone());
        }
        findings
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Clause {
    Acyl,
    Aryl,
    Piperidine,
}

fn examine_common(g: &Graph, s: &Skeleton) -> Result<Common, String> {
    let mut blocked = vec![false; g.len()];
    for &a in &s.ring {
        blocked[a] = true;
    }
    blocked[s.amide_n] = true;
    blocked[s.carbonyl_c] = true;
    blocked[s.carbonyl_o] = true;
    let mut findings = Vec::new();

    // Aniline ring: an aromatic monocycle.
    let Some(ar) = only_ring(g, s.aryl_atom) else {
        return Err(format!(
            "the ring on the amide nitrogen (atom {}) is part of a fused or bridged ring system, not a monocycle",
            s.aryl_atom
        ));
    };
    if !g.is_isolated_ring(ar) {
        return Err(format!(
            "the ring on the amide nitrogen (atom {}) is part of a fused or bridged ring system, not a monocycle",
            s.aryl_atom
        ));
    }
    if !g.ring_is_aromatic(ar) {
        return Err(format!(
            "the aniline ring is replaced by a {} (atoms {:?}), which is not an aromatic monocycle",
            ring_name(g, ar),
            g.rings[ar]
        ));
    }
    for &a in &g.rings[ar] {
        blocked[a] = true;
    }
    let mut aryl_subs = Vec::new();
    for &a in &g.rings[ar] {
        let subs = groups(g, a, &blocked).ok_or_else(|| {
            "a group on the aniline ring is bonded back into the skeleton".to_string()
        })?;
        for sub in subs {
            aryl_subs.extend(sub.atoms);
        }
    }
    if !is_benzene(g, ar) || !aryl_subs.is_empty() {
        let mut atoms = g.rings[ar].clone();
        atoms.extend(&aryl_subs);
        let what = if is_benzene(g, ar) {
            "a substituted benzene ring".to_string()
        } else {
            format!(
                "an {}{}",
                ring_name(g, ar),
                if aryl_subs.is_empty() {
                    ""
                } else {
                    " with substituents"
                }
            )
        };
        findings.push((
            Clause::Aryl,
            atoms.clone(),
            format!(
                "the aniline ring is replaced by {what}, an aromatic monocycle ({})",
                atom_list(&atoms)
            ),
        ));
    }

    // Acyl group on the amide nitrogen.
    if g.in_ring(s.carbonyl_c) {
        return Err(format!(
            "the carbonyl carbon on the amide nitrogen (atom {}) is in a ring (a lactam), so the nitrogen carries no acyl group",
            s.carbonyl_c
        ));
    }
    let acyl_r: Vec<usize> = g
        .neighbors(s.carbonyl_c)
        .filter(|&n| !blocked[n] && g.z(n) != H)
        .collect();
    let acyl_atoms = match acyl_r.as_slice() {
        [] => {
            findings.push((
                Clause::Acyl,
                vec![s.carbonyl_c, s.carbonyl_o],
                "the N-propionyl group is replaced by formyl, another acyl group".to_string(),
            ));
            vec![]
        }
        [r] => {
            let branch = g.branch(*r, s.carbonyl_c, &blocked).ok_or_else(|| {
                "the acyl group is bonded back into the skeleton (a ring through the acyl)"
                    .to_string()
            })?;
            let is_ethyl = branch.len() == 2
                && branch.iter().all(|&a| g.z(a) == C)
                && g.bond_order(branch[0], branch[1]) == Some(1)
                && g.z(*r) == C;
            if !is_ethyl {
                let mut atoms = vec![s.carbonyl_c, s.carbonyl_o];
                atoms.extend(&branch);
                findings.push((
                    Clause::Acyl,
                    atoms.clone(),
                    format!(
                        "the N-propionyl group is replaced by another acyl group ({})",
                        atom_list(&atoms)
                    ),
                ));
            }
            branch
        }
        _ => {
            return Err(
                "the carbonyl carbon on the amide nitrogen has an unexpected extra bond".into(),
            )
        }
    };
    for &a in &acyl_atoms {
        blocked[a] = true;
    }

    // Piperidine ring substituents.
    let mut n_substituent = None;
    let mut unlisted_piperidine = Vec::new();
    for &a in &s.ring {
        if a == s.ring_n {
            let subs: Vec<usize> = g
                .neighbors(a)
                .filter(|&n| !blocked[n] && g.z(n) != H)
                .collect();
            match subs.as_slice() {
                [] => {}
                [one] => n_substituent = Some(*one),
                _ => {
                    return Err(
                        "the piperidine nitrogen carries more than one group (quaternary)".into(),
                    )
                }
            }
            continue;
        }
        let subs = groups(g, a, &blocked).ok_or_else(|| {
            format!("a group on piperidine atom {a} is bonded back into the skeleton (a fused or bridged ring)")
        })?;
        for sub in subs {
            if !piperidine_kind_ok(sub.kind) {
                // US (C) closes its list; China's clause 3 ends it with 等: each definition
                // decides what this means (`Common::unlisted_piperidine`).
                unlisted_piperidine.push(format!(
                    "the piperidine ring carries {} at atom {a} ({}), not one of alkyl, alkenyl, alkoxyl, ester, ether, hydroxyl, halo, haloalkyl, amino or nitro",
                    sub.kind.word(),
                    atom_list(&sub.atoms)
                ));
                continue;
            }
            findings.push((
                Clause::Piperidine,
                sub.atoms.clone(),
                format!(
                    "the piperidine ring is substituted at atom {a} with {} ({})",
                    sub.kind.word(),
                    atom_list(&sub.atoms)
                ),
            ));
        }
    }
    Ok(Common {
        blocked,
        findings,
        n_substituent,
        unlisted_piperidine,
    })
}

/// The phenethyl side as US (A)/(B) read it: chain carbons, ring, and what was modified.
fn examine_phenethyl_us(
    g: &Graph,
    s: &Skeleton,
    first: usize,
    blocked: &[bool],
) -> Result<(Vec<Found>, Vec<String>), String> {
    let sp3_chain_carbon = |a: usize| {
        g.z(a) == C
            && !g.in_ring(a)
            && !g.atoms[a].aromatic
            && g.neighbor_bonds(a).all(|(_, o)| o == 1)
    };
    if !sp3_chain_carbon(first) {
        return Err(format!(
            "the piperidine nitrogen carries {} (atom {first}) instead of the phenethyl group's CH2",
            describe_atom(g, first)
        ));
    }
    let mut last_error = String::new();
    // The second chain carbon: a non-ring carbon neighbour bonded to a ring atom.
    for second in g.neighbors(first).filter(|&n| n != s.ring_n) {
        if !sp3_chain_carbon(second) {
            continue;
        }
        let ring_atoms: Vec<usize> = g.neighbors(second).filter(|&n| g.in_ring(n)).collect();
        let [ring_atom] = ring_atoms.as_slice() else {
            continue;
        };
        match examine_chain(g, first, second, *ring_atom, blocked) {
            Ok(found) => return Ok(found),
            Err(e) => last_error = e,
        }
    }
    if last_error.is_empty() {
        let ring_next_to_first = g.neighbors(first).any(|n| g.in_ring(n) && n != s.ring_n);
        last_error = if ring_next_to_first {
            "the piperidine nitrogen carries a ring through one carbon (a benzyl-type group), not the two-carbon phenethyl chain".into()
        } else {
            "the piperidine nitrogen carries no phenethyl group (no ring two carbons away)".into()
        };
    }
    Err(last_error)
}

/// The phenethyl chain and ring as US (A)/(B) read them: the clauses found, and the esters or
/// ethers of a chain hydroxyl, which (B) does not name and the 2018 order's summary does.
fn examine_chain(
    g: &Graph,
    first: usize,
    second: usize,
    ring_atom: usize,
    blocked_common: &[bool],
) -> Result<(Vec<Found>, Vec<String>), String> {
    let Some(r) = only_ring(g, ring_atom) else {
        return Err(format!(
            "the ring of the phenethyl group (at atom {ring_atom}) is part of a fused or bridged ring system, not a monocycle"
        ));
    };
    if !g.is_isolated_ring(r) {
        return Err(format!(
            "the phenyl of the phenethyl group is replaced by a bicyclic or polycyclic system (atoms {:?}), not a monocycle",
            g.rings[r]
        ));
    }
    let mut blocked = blocked_common.to_vec();
    blocked[first] = true;
    blocked[second] = true;
    for &a in &g.rings[r] {
        blocked[a] = true;
    }
    let mut found = Vec::new();
    let mut esters = Vec::new();
    for chain_atom in [first, second] {
        let subs = groups(g, chain_atom, &blocked).ok_or_else(|| {
            "a group on the phenethyl chain is bonded back into the skeleton".to_string()
        })?;
        for sub in subs {
            let derivative = (!PHENETHYL_KINDS.contains(&sub.kind))
                .then(|| ester_or_ether_of_hydroxyl(g, chain_atom, &sub))
                .flatten();
            if let Some(derivative) = derivative {
                esters.push(format!(
                    "the phenethyl chain carries {} at atom {chain_atom} ({}), {derivative} of the hydroxyl (B) names",
                    sub.kind.word(),
                    atom_list(&sub.atoms)
                ));
                continue;
            }
            if !PHENETHYL_KINDS.contains(&sub.kind) {
                return Err(format!(
                    "the phenethyl chain carries {} at atom {chain_atom} ({}), not one of alkyl, alkenyl, alkoxyl, hydroxyl, halo, haloalkyl, amino or nitro",
                    sub.kind.word(),
                    atom_list(&sub.atoms)
                ));
            }
            found.push(clause_b(
                format!("the phenethyl chain is substituted at atom {chain_atom}"),
                &sub,
            ));
        }
    }
    let mut ring_subs: Vec<Substituent> = Vec::new();
    for &a in &g.rings[r] {
        let subs = groups(g, a, &blocked).ok_or_else(|| {
            "a group on the phenethyl ring is bonded back into the skeleton".to_string()
        })?;
        ring_subs.extend(subs);
    }
    if is_benzene(g, r) && ring_subs.iter().all(|s| PHENETHYL_KINDS.contains(&s.kind)) {
        for sub in ring_subs {
            found.push(clause_b(
                "the phenyl of the phenethyl group is substituted".into(),
                &sub,
            ));
        }
        return Ok((found, esters));
    }
    // (A): a monocycle other than benzene, or a benzene substituted beyond (B)'s kinds.
    let mut atoms = g.rings[r].clone();
    atoms.extend(ring_subs.iter().flat_map(|s| s.atoms.iter().copied()));
    let what = if is_benzene(g, r) {
        "a further-substituted benzene monocycle".to_string()
    } else {
        format!("a {}, a monocycle", ring_name(g, r))
    };
    found.push((
        "A",
        atoms.clone(),
        format!(
            "the phenyl portion of the phenethyl group is replaced by {what} ({})",
            atom_list(&atoms)
        ),
    ));
    Ok((found, esters))
}

/// US (B): a listed kind of group on the phenethyl group, at `place`.
fn clause_b(place: String, sub: &Substituent) -> Found {
    (
        "B",
        sub.atoms.clone(),
        format!(
            "{place} with {} ({})",
            sub.kind.word(),
            atom_list(&sub.atoms)
        ),
    )
}

fn describe_atom(g: &Graph, a: usize) -> String {
    let symbol = crate::elements::element_symbol(g.z(a));
    if g.in_ring(a) {
        format!("a ring atom ({symbol}) directly")
    } else if g.has_double_bond(a) {
        format!("an unsaturated or carbonyl {symbol}")
    } else {
        symbol.to_string()
    }
}

const PREAMBLE: &str =
    "4-Anilidopiperidine skeleton of fentanyl found (piperidine ring, amide nitrogen, acyl carbonyl).";

/// What one skeleton reading comes to when nothing takes it outside: the clauses found, and,
/// when the text leaves a modification open, what it is.
struct Verdict {
    findings: Findings,
    /// The modification the text leaves open, and why it cannot decide it.
    open: Option<(String, &'static str)>,
}

impl From<Findings> for Verdict {
    fn from(findings: Findings) -> Verdict {
        Verdict {
            findings,
            open: None,
        }
    }
}

/// US fentanyl-related substances, 21 U.S.C. 812(c) Schedule I(e): the modifications of
/// (e)(2)(A)–(E), and (e)(1)'s salts, isomers, salts of isomers and mixtures of a structure
/// inside them.
pub fn assess_us(g: &Graph, form: &InputForm) -> Outcome {
    assess_with(g, &US_FRS, |g, s, common| {
        if let Some(first) = common.unlisted_piperidine.first() {
            return Err(first.clone());
        }
        let mut findings = common.findings_as(["E", "D", "C"]);
        let Some(first) = common.n_substituent else {
            return Err("the piperidine nitrogen carries hydrogen, not the phenethyl group (a nor-compound)".into());
        };
        let (found, esters) = examine_phenethyl_us(g, s, first, &common.blocked)?;
        for (clause, atoms, sentence) in found {
            findings.add(clause, &atoms, sentence);
        }
        // (e)(1) only widens a structure that (e)(2) already takes in: fentanyl's own salts are
        // fentanyl, controlled by name.
        if !findings.is_empty() {
            if let Some((atoms, sentence)) = paragraph_1(g, form) {
                findings.add("1", &atoms, sentence);
            }
        }
        if !esters.is_empty() {
            return Ok(Verdict {
                findings,
                open: Some((esters.join("; "), ORDER_2018)),
            });
        }
        Ok(findings.into())
    })
}

/// (e)(1): the input is a salt, an isomer drawn with its stereo, a salt of one, or a mixture or
/// preparation that contains the structure judged under (e)(2). Its atoms are the whole parent,
/// which is the fentanyl-related substance the salt, isomer or mixture is of.
fn paragraph_1(g: &Graph, form: &InputForm) -> Option<(Vec<usize>, String)> {
    let salt = !form.form.salt.is_empty();
    // What the input is, and the words of (e)(1) that take it in.
    let (what, words) = match (salt, form.stereo) {
        (true, true) => ("a salt of an isomer of", "the salts of isomers"),
        (true, false) => ("a salt of", "the salts"),
        (false, true) => ("an isomer of", "the isomers"),
        (false, false) if form.form.other.is_empty() => return None,
        (false, false) => (
            "a mixture or preparation containing",
            "any mixture or preparation which contains any quantity",
        ),
    };
    let mut parts = Vec::new();
    if salt {
        parts.push(format!(
            "salt-forming part removed: {}",
            form.form.salt.join(", ")
        ));
    }
    if form.stereo {
        parts.push(
            "drawn with its stereochemistry; paragraph (2) is judged on its connectivity"
                .to_string(),
        );
    }
    if !form.form.other.is_empty() {
        parts.push(format!("it also contains {}", form.form.other.join(", ")));
    }
    let atoms: Vec<usize> = (0..g.len()).filter(|&a| g.z(a) != H).collect();
    Some((
        atoms.clone(),
        format!(
            "the input is {what} this fentanyl-related substance ({}), and paragraph (1) covers {words} of one ({})",
            parts.join("; "),
            atom_list(&atoms)
        ),
    ))
}

/// China's 2019 fentanyl class, clauses 1–4.
/// The 2019 text names no salts or isomers (unlike US (e)(1)): a salt is judged on its parent
/// and the answer says that the text is silent on the form, rather than adding a clause it lacks.
/// Its clause 3 ends the list of piperidine groups with 等: a group of another kind leaves the
/// structure undecided (held, with what could be checked), not outside.
pub fn assess_cn(g: &Graph, form: &InputForm) -> Outcome {
    let outcome = assess_with(g, &CN_FENTANYL_2019, |g, s, common| {
        let mut findings = common.findings_as(["1", "2", "3"]);
        let Some(first) = common.n_substituent else {
            return Err(
                "the phenethyl group is replaced by hydrogen, which clause 4 excludes".into(),
            );
        };
        let branch = g.branch(first, s.ring_n, &common.blocked).ok_or_else(|| {
            "the group on the piperidine nitrogen is bonded back into the skeleton".to_string()
        })?;
        if !is_plain_phenethyl(g, first, &branch) {
            findings.add(
                "4",
                &branch,
                format!(
                    "the phenethyl group is replaced by another group ({})",
                    atom_list(&branch)
                ),
            );
        }
        let open = (!common.unlisted_piperidine.is_empty()).then(|| {
            (
                format!(
                    "{}; clause 3 names its groups followed by 等 (\"and other such\"), and the text does not say whether that reaches this group",
                    common.unlisted_piperidine.join("; ")
                ),
                OPEN_LIST,
            )
        });
        Ok(Verdict { findings, open })
    });
    match outcome {
        Outcome::Inside(mut m) if form.is_other_form() => {
            m.explanation.push_str(
                " The input is a salt, an isomer or a mixture: the 2019 announcement names no salts or isomers, so it was judged on its parent structure.",
            );
            Outcome::Inside(m)
        }
        other => other,
    }
}

/// CH2–CH2–C6H5 and nothing else.
fn is_plain_phenethyl(g: &Graph, first: usize, branch: &[usize]) -> bool {
    let heavy: Vec<usize> = branch.iter().copied().filter(|&a| g.z(a) != H).collect();
    if heavy.len() != 8 || g.z(first) != C || g.total_h(first) != 2 {
        return false;
    }
    let Some(second) = g.neighbors(first).find(|&n| heavy.contains(&n)) else {
        return false;
    };
    if g.z(second) != C || g.total_h(second) != 2 || g.in_ring(second) {
        return false;
    }
    let Some(ring_atom) = g.neighbors(second).find(|&n| g.in_ring(n)) else {
        return false;
    };
    match only_ring(g, ring_atom) {
        Some(r) => is_benzene(g, r) && g.is_isolated_ring(r),
        None => false,
    }
}

fn assess_with(
    g: &Graph,
    def: &Definition,
    judge: impl Fn(&Graph, &Skeleton, &Common) -> Result<Verdict, String>,
) -> Outcome {
    let skeletons = find_skeletons(g);
    if skeletons.is_empty() {
        return Outcome::NoSkeleton;
    }
    let mut reasons = Vec::new();
    let mut unmodified = false;
    let mut undecided = None;
    for s in &skeletons {
        let result = examine_common(g, s).and_then(|common| judge(g, s, &common));
        match result {
            Ok(Verdict {
                findings,
                open: Some((open, question)),
            }) => {
                reasons.push(format!("{open}: this cannot be decided from the text"));
                undecided = undecided.or(Some(Undecided {
                    checked: findings.sentences(),
                    unretrieved: open,
                    question,
                }));
            }
            Ok(Verdict { findings, .. }) if findings.is_empty() => unmodified = true,
            Ok(Verdict { findings, .. }) => {
                return Outcome::Inside(findings.into_match(def, PREAMBLE))
            }
            Err(reason) => reasons.push(reason),
        }
    }
    if let Some(u) = undecided {
        reasons.dedup();
        return Outcome::Outside(NotCovered {
            definition: def.id,
            reason: format!(
                "4-anilidopiperidine skeleton found, but {}",
                reasons.join("; and in another reading, ")
            ),
            undecided: Some(u),
        });
    }
    if unmodified {
        return outside(
            def,
            "the structure is fentanyl itself (no modification); it is controlled by name, not by the class definition".into(),
        );
    }
    reasons.dedup();
    outside(
        def,
        format!(
            "4-anilidopiperidine skeleton found, but {}",
            reasons.join("; and in another reading, ")
        ),
    )
}
