//! UK generic definition of 2-benzylbenzimidazole opioids (nitazenes), as far as its text is known.
//!
//! Text (SI 2024/1361 art. 2(3), Misuse of Drugs Act 1971 Sch. 2 Pt 1 para 1(ea); quoted in
//! `shared/data/substances/README.md` §3.3): "any compound (not being a compound for the time being
//! specified in sub-paragraph (a) above) with a maximum molecular mass of 500 atomic mass units and
//! structurally derived from 2-(2-benzyl-benzimidazol-1-yl)ethanamine by modification in any of the
//! following ways, that is to say— (i) by substitution at the nitrogen of the ethanamine to any
//! extent by alkyl substituents containing up to three carbon atoms or alkenyl substituents
//! containing up to three carbon atoms or by inclusion of the nitrogen atom (and no other atoms of
//! the side chain) in a cyclic structure; (ii) by substitution in the phenyl ring of the benzyl
//! system to any extent by alkyl or haloalkyl containing up to six carbon atoms, alkoxy or
//! haloalkoxy containing up to five carbon atoms, acetyloxy, hydroxy, cyano, halogen, thioalkyl
//! containing up to five carbon atoms or alkylsulphonyl …"
//!
//! The retrieved copy stops there. Covered: (i) and (ii) exactly, the 500 u limit. Not covered,
//! because their text is unknown: the carbon limit (if any) of alkylsulphonyl (taken as up to five,
//! like thioalkyl), and clauses (iii) onwards — which presumably allow substitution in the
//! benzimidazole ring (the 5-nitro of isotonitazene), on the methylene bridge or on the ethylene
//! chain. A structure needing any of those is reported as not decidable from the known text, with
//! the modification named, never as inside.

use super::{atom_list, outside, Findings, Outcome, Undecided, UK_NITAZENE_2025, UNRETRIEVED};
use crate::graph::{Graph, C, H, N};
use crate::substituent::{classify, Kind};

const MAX_MASS: f64 = 500.0;

struct Skeleton {
    /// Benzimidazole N1 (bearing the ethanamine chain), C2, N3, and the benzo ring.
    n1: usize,
    c2: usize,
    imidazole: Vec<usize>,
    benzo: Vec<usize>,
    methylene: usize,
    phenyl: Vec<usize>,
    chain: [usize; 2],
    amine_n: usize,
}

fn find_skeletons(g: &Graph) -> Vec<Skeleton> {
    let mut out = Vec::new();
    for (r5, ring) in g.rings.iter().enumerate() {
        if ring.len() != 5 || !g.ring_is_aromatic(r5) {
            continue;
        }
        let ns: Vec<usize> = ring.iter().copied().filter(|&a| g.z(a) == N).collect();
        if ns.len() != 2 || ring.iter().filter(|&&a| g.z(a) == C).count() != 3 {
            continue;
        }
        // The benzo ring: a six-membered aromatic carbocycle sharing two carbons with this ring.
        let Some(r6) = g.rings.iter().position(|other| {
            other.len() == 6
                && other.iter().all(|&a| g.z(a) == C && g.atoms[a].aromatic)
                && other.iter().filter(|a| ring.contains(a)).count() == 2
        }) else {
            continue;
        };
        // C2: the carbon of the five-ring bonded to both nitrogens.
        let Some(c2) = ring
            .iter()
            .copied()
            .find(|&a| g.z(a) == C && ns.iter().all(|&n| g.bond_order(a, n).is_some()))
        else {
            continue;
        };
        for &n1 in &ns {
            // N1 carries the chain: CH2-CH2-N.
            let Some(a1) = g.neighbors(n1).find(|&x| !ring.contains(&x) && g.z(x) != H) else {
                continue;
            };
            let Some(methylene) = g.neighbors(c2).find(|&x| !ring.contains(&x) && g.z(x) != H)
            else {
                continue;
            };
            if g.z(methylene) != C || g.in_ring(methylene) || g.z(a1) != C || g.in_ring(a1) {
                continue;
            }
            let Some(phenyl_atom) = g.neighbors(methylene).find(|&x| x != c2 && g.in_ring(x))
            else {
                continue;
            };
            let Some(phenyl) = g.rings_of(phenyl_atom).first().map(|&r| g.rings[r].clone()) else {
                continue;
            };
            if phenyl.len() != 6 || phenyl.iter().any(|&a| g.z(a) != C || !g.atoms[a].aromatic) {
                continue;
            }
            for a2 in g.neighbors(a1).filter(|&x| x != n1) {
                if g.z(a2) != C || g.in_ring(a2) {
                    continue;
                }
                for amine_n in g.neighbors(a2).filter(|&x| x != a1) {
                    if g.z(amine_n) != N || g.atoms[amine_n].aromatic {
                        continue;
                    }
                    out.push(Skeleton {
                        n1,
                        c2,
                        imidazole: ring.clone(),
                        benzo: g.rings[r6].clone(),
                        methylene,
                        phenyl: phenyl.clone(),
                        chain: [a1, a2],
                        amine_n,
                    });
                }
            }
        }
    }
    out
}

/// UK SI 2024/1361 para 1(ea), clauses (i) and (ii).
pub fn assess_uk(g: &Graph) -> Outcome {
    let skeletons = find_skeletons(g);
    if skeletons.is_empty() {
        return Outcome::NoSkeleton;
    }
    let mut reasons = Vec::new();
    let mut undecided = None;
    for s in &skeletons {
        match judge(g, s) {
            Ok(findings) => return Outcome::Inside(findings),
            Err(rejection) => {
                reasons.push(rejection.reason);
                undecided = undecided.or(rejection.undecided);
            }
        }
    }
    reasons.dedup();
    // A modification under the clauses that were not retrieved (a ring fused onto the skeleton,
    // a group on the benzimidazole) is undecided too, even without a clause satisfied.
    if undecided.is_none() {
        if let Some(r) = reasons.iter().find(|r| r.contains("not retrieved")) {
            undecided = Some(Undecided {
                checked: Vec::new(),
                unretrieved: r.clone(),
                question: UNRETRIEVED,
            });
        }
    }
    match outside(
        &UK_NITAZENE_2025,
        reasons.join("; and in another reading, "),
    ) {
        Outcome::Outside(mut n) => {
            n.undecided = undecided;
            Outcome::Outside(n)
        }
        other => other,
    }
}

/// Why a skeleton reading is not inside, and, when the retrieved clauses cannot decide it, what
/// they could check.
struct Rejection {
    reason: String,
    undecided: Option<Undecided>,
}

impl From<String> for Rejection {
    fn from(reason: String) -> Rejection {
        Rejection {
            reason,
            undecided: None,
        }
    }
}

impl From<&str> for Rejection {
    fn from(reason: &str) -> Rejection {
        Rejection::from(reason.to_string())
    }
}

fn judge(g: &Graph, s: &Skeleton) -> Result<super::ClassMatch, Rejection> {
    let def = &UK_NITAZENE_2025;
    let mut blocked = vec![false; g.len()];
    for &a in s
        .imidazole
        .iter()
        .chain(&s.benzo)
        .chain(&s.phenyl)
        .chain(&s.chain)
        .chain([&s.methylene, &s.amine_n])
    {
        blocked[a] = true;
    }
    let mass = g.molecular_mass();
    if mass > MAX_MASS {
        return Err(format!(
            "2-benzylbenzimidazole skeleton found, but the molecular mass is {mass:.1} u, above the 500 u limit"
        )
        .into());
    }
    let mut findings = Findings::default();
    let mut unknown: Vec<String> = Vec::new();

    // Modifications the known text does not reach: benzimidazole, methylene, chain.
    let mut others = s.benzo.clone();
    others.extend(&s.imidazole);
    others.sort_unstable();
    others.dedup();
    for &a in &others {
        if a == s.c2 || a == s.n1 {
            continue;
        }
        let subs = groups_or_tie(g, a, &blocked)?;
        for sub in subs {
            unknown.push(format!(
                "{} on the benzimidazole ring system at atom {a} ({})",
                sub.kind.word_for_nitazene(g, &sub.atoms),
                atom_list(&sub.atoms)
            ));
        }
    }
    for &a in [s.methylene, s.chain[0], s.chain[1]].iter() {
        for sub in groups_or_tie(g, a, &blocked)? {
            unknown.push(format!(
                "{} on {} (atom {a}, {})",
                sub.kind.word_for_nitazene(g, &sub.atoms),
                if a == s.methylene {
                    "the benzyl methylene"
                } else {
                    "the ethanamine chain"
                },
                atom_list(&sub.atoms)
            ));
        }
    }

    // (i) the ethanamine nitrogen.
    if g.in_ring(s.amine_n) {
        let branch_atoms: Vec<usize> = g
            .neighbors(s.amine_n)
            .filter(|&n| n != s.chain[1] && g.z(n) != H)
            .collect();
        let mut ring_atoms = Vec::new();
        for n in branch_atoms {
            let mut stack = vec![n];
            let mut seen = vec![false; g.len()];
            seen[n] = true;
            seen[s.amine_n] = true;
            while let Some(a) = stack.pop() {
                ring_atoms.push(a);
                for x in g.neighbors(a) {
                    if blocked[x] && x != s.amine_n {
                        return Err("the amine ring is bonded back into the skeleton".into());
                    }
                    if !seen[x] {
                        seen[x] = true;
                        stack.push(x);
                    }
                }
            }
        }
        ring_atoms.push(s.amine_n);
        ring_atoms.sort_unstable();
        ring_atoms.dedup();
        findings.add(
            "i",
            &ring_atoms,
            format!(
                "the ethanamine nitrogen (atom {}) is included, with no other side-chain atom, in a cyclic structure ({})",
                s.amine_n,
                atom_list(&ring_atoms)
            ),
        );
    } else {
        for sub in groups_or_tie(g, s.amine_n, &blocked)? {
            let ok = matches!(sub.kind, Kind::Alkyl | Kind::Alkenyl) && sub.carbons <= 3;
            if !ok {
                return Err(format!(
                    "2-benzylbenzimidazole skeleton found, but the ethanamine nitrogen carries {} with {} carbon atoms ({}), not alkyl or alkenyl of up to three carbons",
                    sub.kind.word(),
                    sub.carbons,
                    atom_list(&sub.atoms)
                )
                .into());
            }
            findings.add(
                "i",
                &sub.atoms,
                format!(
                    "the ethanamine nitrogen is substituted with {} of {} carbon atom(s) ({})",
                    sub.kind.word(),
                    sub.carbons,
                    atom_list(&sub.atoms)
                ),
            );
        }
    }

    // (ii) the phenyl ring of the benzyl system.
    for &a in &s.phenyl {
        for sub in groups_or_tie(g, a, &blocked)? {
            let limit = match sub.kind {
                Kind::Alkyl | Kind::Haloalkyl => Some(6),
                Kind::Alkoxyl | Kind::Haloalkoxyl | Kind::Thioalkyl | Kind::Alkylsulfonyl => {
                    Some(5)
                }
                Kind::Acetyloxy | Kind::Hydroxyl | Kind::Cyano | Kind::Halo => Some(usize::MAX),
                _ => None,
            };
            match limit {
                Some(max) if sub.carbons <= max => findings.add(
                    "ii",
                    &sub.atoms,
                    format!(
                        "the phenyl ring of the benzyl system is substituted at atom {a} with {} ({})",
                        sub.kind.word(),
                        atom_list(&sub.atoms)
                    ),
                ),
                _ => unknown.push(format!(
                    "{} with {} carbon atoms on the phenyl ring at atom {a} ({}), which clause (ii) as retrieved does not list",
                    sub.kind.word_for_nitazene(g, &sub.atoms),
                    sub.carbons,
                    atom_list(&sub.atoms)
                )),
            }
        }
    }
    if !unknown.is_empty() {
        return Err(Rejection {
            reason: format!(
                "2-benzylbenzimidazole skeleton found, but it carries {} — a modification the known clauses (i)–(ii) do not cover; clauses (iii) onwards of the order were not retrieved, so this cannot be decided from the known text",
                unknown.join(", ")
            ),
            undecided: Some(Undecided {
                checked: findings.sentences(),
                unretrieved: unknown.join(", "),
                question: UNRETRIEVED,
            }),
        });
    }
    if findings.is_empty() {
        return Err(
            "the structure is 2-(2-benzyl-benzimidazol-1-yl)ethanamine itself, the unmodified parent of the definition".into(),
        );
    }
    Ok(findings.into_match(
        def,
        &format!(
            "2-(2-Benzyl-benzimidazol-1-yl)ethanamine skeleton found; molecular mass {mass:.1} u (limit 500 u)."
        ),
    ))
}

fn groups_or_tie(
    g: &Graph,
    atom: usize,
    blocked: &[bool],
) -> Result<Vec<crate::substituent::Substituent>, String> {
    let mut out = Vec::new();
    for (n, order) in g.neighbor_bonds(atom) {
        if blocked[n] || g.z(n) == H {
            continue;
        }
        let branch = g.branch(n, atom, blocked).ok_or_else(|| {
            format!(
                "2-benzylbenzimidazole skeleton found, but a ring is fused or bridged onto it at atom {atom} (e.g. methylenedioxy): not a substitution clauses (i)–(ii) describe, and the later clauses were not retrieved"
            )
        })?;
        out.push(classify(g, &branch, n, order));
    }
    Ok(out)
}

impl Kind {
    /// A name for groups the substituent kinds do not cover but a chemist would recognise here.
    fn word_for_nitazene(self, g: &Graph, atoms: &[usize]) -> String {
        if self == Kind::Other
            && atoms.len() == 3
            && atoms.iter().filter(|&&a| g.z(a) == N).count() == 1
            && atoms.iter().filter(|&&a| g.z(a) == crate::graph::O).count() == 2
        {
            return "nitro".into();
        }
        self.word().into()
    }
}
