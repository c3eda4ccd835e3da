//! Designer precursors: unlisted structures one or two easy steps from a listed substance.
//!
//! Traffickers ship what is not on the lists: the isopropyl ester of a listed glycidic acid, the
//! Boc- or Cbz-protected form of 4-piperidone or 4-AP, an alcohol one oxidation away from a listed
//! ketone. Each transformation here is applied *backwards* to the query (hydrolyse the ester,
//! remove the protecting group, oxidise the alcohol) and the result looked up among the listed
//! structures; a hit names the listed substance and the relation in words.

use crate::graph::{is_halogen, Graph, C, H, N, O};

/// A candidate parent: the edited graph (same atom indices), which atoms remain, and the steps.
#[derive(Clone)]
pub struct Candidate {
    pub graph: Graph,
    pub keep: Vec<bool>,
    pub steps: Vec<&'static str>,
}

impl Candidate {
    pub fn origin(g: &Graph) -> Candidate {
        Candidate {
            graph: g.clone(),
            keep: vec![true; g.len()],
            steps: Vec::new(),
        }
    }

    /// Heavy-atom element counts of the kept atoms (a cheap filter before canonicalising).
    pub fn formula_key(&self) -> Vec<(u8, u16)> {
        crate::graph::formula_key(
            self.graph
                .atoms
                .iter()
                .zip(&self.keep)
                .filter(|(_, &k)| k)
                .map(|(a, _)| a),
        )
    }

    /// Formula plus bond counts by order (single, double, triple, aromatic) among kept heavy
    /// atoms: a sharper pre-filter than the formula alone, still without the toolkit.
    pub fn shape_key(&self) -> (Vec<(u8, u16)>, [u16; 4]) {
        let g = &self.graph;
        let mut orders = [0u16; 4];
        for b in &g.bonds {
            if self.keep[b.a] && self.keep[b.b] && g.z(b.a) != H && g.z(b.b) != H {
                orders[usize::from(b.order.clamp(1, 4)) - 1] += 1;
            }
        }
        (self.formula_key(), orders)
    }

    pub fn smiles(&self) -> String {
        self.graph.to_smiles(&self.keep)
    }

    /// Remove the atoms reachable from `start` away from `from`; the atom `from` gains a hydrogen
    /// per bond order lost.
    fn cut(&self, from: usize, start: usize, relation: &'static str) -> Option<Candidate> {
        let g = &self.graph;
        // Atoms already removed hang off earlier cut points only, so walking into them again
        // just removes them again; only `from` blocks the walk.
        let mut blocked = vec![false; g.len()];
        blocked[from] = true;
        let branch = g.branch(start, from, &blocked)?;
        let order = g.bond_order(from, start)?;
        if order != 1 {
            return None;
        }
        let mut next = self.clone();
        for a in branch {
            next.keep[a] = false;
        }
        let mut atoms = next.graph.atoms.clone();
        atoms[from].hydrogens += 1;
        next.graph = Graph::new(atoms, g.bonds.clone(), g.rings.clone());
        next.steps.push(relation);
        Some(next)
    }

    /// Change the order of the bond a–b and adjust hydrogens (oxidation of an alcohol).
    fn oxidise(&self, carbon: usize, oxygen: usize, relation: &'static str) -> Option<Candidate> {
        let g = &self.graph;
        if g.atoms[carbon].hydrogens == 0 || g.atoms[oxygen].hydrogens == 0 {
            return None;
        }
        let mut atoms = g.atoms.clone();
        atoms[carbon].hydrogens -= 1;
        atoms[oxygen].hydrogens -= 1;
        let bonds = g
            .bonds
            .iter()
            .map(|b| {
                let mut b = *b;
                if (b.a == carbon && b.b == oxygen) || (b.a == oxygen && b.b == carbon) {
                    b.order = 2;
                }
                b
            })
            .collect();
        let mut next = self.clone();
        next.graph = Graph::new(atoms, bonds, g.rings.clone());
        next.steps.push(relation);
        Some(next)
    }
}

/// Most candidates kept per structure: bounds the work on large molecules.
const MAX_CANDIDATES: usize = 64;

/// One-step backwards candidates of `g` (not including `g` itself).
pub fn one_step_candidates(g: &Graph) -> Vec<Candidate> {
    let mut first = one_step(&Candidate::origin(g));
    first.truncate(MAX_CANDIDATES);
    first
}

/// All one- and two-step backwards candidates of `g` (not including `g` itself).
pub fn candidates(g: &Graph) -> Vec<Candidate> {
    let origin = Candidate::origin(g);
    let first = one_step(&origin);
    let mut all = first.clone();
    for c in &first {
        all.extend(one_step(c));
    }
    all.truncate(MAX_CANDIDATES);
    all
}

fn one_step(c: &Candidate) -> Vec<Candidate> {
    let g = &c.graph;
    let mut out = Vec::new();
    for a in 0..g.len() {
        if !c.keep[a] {
            continue;
        }
        let atom = &g.atoms[a];
        // Carbonyl carbons outside rings: esters, amides/carbamates, acid halides.
        if atom.z == C && !g.in_ring(a) && !atom.aromatic {
            let Some(carbonyl_o) = g
                .neighbor_bonds(a)
                .find(|&(n, o)| o == 2 && g.z(n) == O && c.keep[n])
                .map(|(n, _)| n)
            else {
                continue;
            };
            let singles: Vec<usize> = g
                .neighbor_bonds(a)
                .filter(|&(n, o)| o == 1 && c.keep[n] && n != carbonyl_o && g.z(n) != H)
                .map(|(n, _)| n)
                .collect();
            for &x in &singles {
                match g.z(x) {
                    // Ester oxygen: hydrolysis gives the acid (cut the alkoxy side) or the alcohol
                    // (cut the acyl side).
                    O if g.degree(x) == 2 && !g.in_ring(x) => {
                        // The other side must not be a carbonyl too (that is an anhydride).
                        let alkyl = g
                            .neighbors(x)
                            .find(|&n| n != a)
                            .filter(|&n| !g.neighbor_bonds(n).any(|(m, o)| o == 2 && g.z(m) == O));
                        if let Some(alkyl) = alkyl {
                            if let Some(next) = c.cut(x, alkyl, "ester of") {
                                out.push(next);
                            }
                            if let Some(next) = c.cut(x, a, "ester (O-acyl form) of") {
                                out.push(next);
                            }
                        }
                    }
                    // Nitrogen: N-acyl and N-alkoxycarbonyl protecting groups.
                    N if !g.atoms[x].aromatic => {
                        if let Some(relation) = protecting_group(c, a, x, carbonyl_o) {
                            if let Some(next) = c.cut(x, a, relation) {
                                out.push(next);
                            }
                        }
                    }
                    z if is_halogen(z) => {
                        // Acid halide: hydrolysis gives the acid.
                        let mut atoms = g.atoms.clone();
                        atoms[x].z = O;
                        atoms[x].hydrogens = 1;
                        let mut next = c.clone();
                        next.graph = Graph::new(atoms, g.bonds.clone(), g.rings.clone());
                        next.steps.push("acid halide of");
                        out.push(next);
                    }
                    _ => {}
                }
            }
        }
        // N-benzyl protecting group.
        if atom.z == N && !atom.aromatic {
            for m in g.neighbors(a) {
                if c.keep[m] && is_benzyl_carbon(c, m, a) {
                    if let Some(next) = c.cut(a, m, "N-benzyl-protected form of") {
                        out.push(next);
                    }
                }
            }
        }
        // Alcohol one oxidation from a ketone or aldehyde.
        if atom.z == O && atom.hydrogens == 1 && g.degree(a) == 1 && !atom.aromatic {
            if let Some(carbon) = g.neighbors(a).next() {
                if g.z(carbon) == C
                    && !g.atoms[carbon].aromatic
                    && g.neighbor_bonds(carbon).all(|(_, o)| o == 1)
                {
                    if let Some(next) = c.oxidise(carbon, a, "alcohol one oxidation step from") {
                        out.push(next);
                    }
                }
            }
        }
    }
    out
}

/// Names the group on nitrogen `n` whose carbonyl carbon is `carbonyl`, if it is a protecting
/// group of the trade (Boc, Cbz, acetyl, trifluoroacetyl, formyl, Fmoc).
fn protecting_group(
    c: &Candidate,
    carbonyl: usize,
    n: usize,
    carbonyl_o: usize,
) -> Option<&'static str> {
    let g = &c.graph;
    let mut blocked = vec![false; g.len()];
    blocked[n] = true;
    let group = g.branch(carbonyl, n, &blocked)?;
    let heavy: Vec<usize> = group.into_iter().filter(|&a| g.z(a) != H).collect();
    let count = |z: u8| heavy.iter().filter(|&&a| g.z(a) == z).count();
    let aromatic = heavy.iter().filter(|&&a| g.atoms[a].aromatic).count();
    let ether_o = g
        .neighbors(carbonyl)
        .find(|&x| x != carbonyl_o && g.z(x) == O);
    match (heavy.len(), ether_o) {
        (2, None) => Some("N-formyl-protected form of"),
        (3, None) if count(C) == 2 => Some("N-acetyl-protected form of"),
        (6, None) if count(9) == 3 => Some("N-trifluoroacetyl-protected form of"),
        (7, Some(_)) if count(C) == 5 && aromatic == 0 => Some("N-Boc-protected form of"),
        (10, Some(_)) if aromatic == 6 => Some("N-Cbz-protected form of"),
        (17, Some(_)) if aromatic == 12 => Some("N-Fmoc-protected form of"),
        _ => None,
    }
}

fn is_benzyl_carbon(c: &Candidate, m: usize, n: usize) -> bool {
    let g = &c.graph;
    if g.z(m) != C || g.in_ring(m) || g.total_h(m) != 2 {
        return false;
    }
    let Some(ring_atom) = g.neighbors(m).find(|&x| x != n) else {
        return false;
    };
    match g.rings_of(ring_atom) {
        [r] => {
            let ring = &g.rings[*r];
            ring.len() == 6
                && ring.iter().all(|&a| g.z(a) == C && g.atoms[a].aromatic)
                && ring.iter().all(|&a| {
                    g.neighbors(a).filter(|&x| g.z(x) != H).count() == 2 || a == ring_atom
                })
        }
        _ => false,
    }
}
