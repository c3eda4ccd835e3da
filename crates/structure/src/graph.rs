//! The project's own molecular graph: what the legal definitions are written against.
//!
//! Hydrogens are counts on heavy atoms (explicit hydrogen vertices only survive where the toolkit
//! keeps them, e.g. isotopes). Bond order 4 means aromatic. Rings are the symmetrised SSSR.

use crate::elements::{atomic_weight, element_symbol};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Atom {
    pub z: u8,
    pub charge: i8,
    pub aromatic: bool,
    pub hydrogens: u8,
    pub isotope: u16,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bond {
    pub a: usize,
    pub b: usize,
    /// 1, 2, 3, or 4 for aromatic.
    pub order: u8,
}

pub const H: u8 = 1;
pub const C: u8 = 6;
pub const N: u8 = 7;
pub const O: u8 = 8;
pub const F: u8 = 9;
pub const S: u8 = 16;
pub const CL: u8 = 17;
pub const BR: u8 = 35;
pub const I: u8 = 53;

pub fn is_halogen(z: u8) -> bool {
    matches!(z, F | CL | BR | I)
}

#[derive(Clone, Debug)]
pub struct Graph {
    pub atoms: Vec<Atom>,
    pub bonds: Vec<Bond>,
    /// Per atom: (neighbour, bond index).
    adjacency: Vec<Vec<(usize, usize)>>,
    pub rings: Vec<Vec<usize>>,
    /// Per atom: the indices into `rings` of the rings it belongs to.
    atom_rings: Vec<Vec<usize>>,
}

impl Graph {
    pub fn new(atoms: Vec<Atom>, bonds: Vec<Bond>, rings: Vec<Vec<usize>>) -> Graph {
        let mut adjacency = vec![Vec::new(); atoms.len()];
        for (i, bond) in bonds.iter().enumerate() {
            adjacency[bond.a].push((bond.b, i));
            adjacency[bond.b].push((bond.a, i));
        }
        let mut atom_rings = vec![Vec::new(); atoms.len()];
        for (r, ring) in rings.iter().enumerate() {
            for &a in ring {
                atom_rings[a].push(r);
            }
        }
        Graph {
            atoms,
            bonds,
            adjacency,
            rings,
            atom_rings,
        }
    }

    pub fn len(&self) -> usize {
        self.atoms.len()
    }

    pub fn z(&self, a: usize) -> u8 {
        self.atoms[a].z
    }

    /// Neighbours of `a`, hydrogen vertices included.
    pub fn neighbors(&self, a: usize) -> impl Iterator<Item = usize> + '_ {
        self.adjacency[a].iter().map(|&(n, _)| n)
    }

    /// Neighbours with the order of the bond to them.
    pub fn neighbor_bonds(&self, a: usize) -> impl Iterator<Item = (usize, u8)> + '_ {
        self.adjacency[a]
            .iter()
            .map(|&(n, b)| (n, self.bonds[b].order))
    }

    pub fn degree(&self, a: usize) -> usize {
        self.adjacency[a].len()
    }

    pub fn bond_order(&self, a: usize, b: usize) -> Option<u8> {
        self.adjacency[a]
            .iter()
            .find(|&&(n, _)| n == b)
            .map(|&(_, i)| self.bonds[i].order)
    }

    /// Hydrogens on `a`, counting both the count and explicit hydrogen vertices.
    pub fn total_h(&self, a: usize) -> usize {
        self.atoms[a].hydrogens as usize + self.neighbors(a).filter(|&n| self.z(n) == H).count()
    }

    pub fn in_ring(&self, a: usize) -> bool {
        !self.atom_rings[a].is_empty()
    }

    pub fn rings_of(&self, a: usize) -> &[usize] {
        &self.atom_rings[a]
    }

    /// A ring none of whose atoms belongs to another ring: a monocycle (not fused, bridged or spiro).
    pub fn is_isolated_ring(&self, r: usize) -> bool {
        self.rings[r].iter().all(|&a| self.atom_rings[a].len() == 1)
    }

    pub fn ring_is_aromatic(&self, r: usize) -> bool {
        self.rings[r].iter().all(|&a| self.atoms[a].aromatic)
    }

    /// Whether `a` carries a double bond to an atom outside `ring` or inside it.
    pub fn has_double_bond(&self, a: usize) -> bool {
        self.neighbor_bonds(a).any(|(_, o)| o == 2)
    }

    /// Connected components as atom lists, in order of their lowest atom.
    pub fn components(&self) -> Vec<Vec<usize>> {
        let mut seen = vec![false; self.len()];
        let mut out = Vec::new();
        for start in 0..self.len() {
            if seen[start] {
                continue;
            }
            seen[start] = true;
            let mut stack = vec![start];
            let mut comp = Vec::new();
            while let Some(a) = stack.pop() {
                comp.push(a);
                for n in self.neighbors(a) {
                    if !seen[n] {
                        seen[n] = true;
                        stack.push(n);
                    }
                }
            }
            comp.sort_unstable();
            out.push(comp);
        }
        out
    }

    /// Atoms reachable from `start` without passing through atoms marked in `blocked`.
    /// Returns `None` if the walk touches a blocked atom other than `from` (the group is
    /// tied back into the blocked part, e.g. a bridge or ring closure).
    pub fn branch(&self, start: usize, from: usize, blocked: &[bool]) -> Option<Vec<usize>> {
        let mut seen = vec![false; self.len()];
        seen[start] = true;
        let mut stack = vec![start];
        let mut out = Vec::new();
        while let Some(a) = stack.pop() {
            out.push(a);
            for n in self.neighbors(a) {
                if seen[n] {
                    continue;
                }
                if blocked[n] {
                    if n == from && a == start {
                        continue;
                    }
                    return None;
                }
                seen[n] = true;
                stack.push(n);
            }
        }
        out.sort_unstable();
        Some(out)
    }

    /// Average molecular mass from standard atomic weights (hydrogens included).
    pub fn molecular_mass(&self) -> f64 {
        self.atoms
            .iter()
            .map(|a| atomic_weight(a.z) + f64::from(a.hydrogens) * atomic_weight(H))
            .sum()
    }

    /// Heavy-atom element counts, used as a cheap pre-filter before canonicalising.
    pub fn formula_key(&self) -> Vec<(u8, u16)> {
        formula_key(self.atoms.iter())
    }

    /// A (non-canonical) SMILES of the atoms marked in `keep` with every atom in brackets and
    /// its hydrogen count explicit, so the toolkit re-reads exactly this graph. Stereo is not written.
    pub fn to_smiles(&self, keep: &[bool]) -> String {
        let n = self.len();
        // Pass 1: DFS order and ring-closure bonds.
        let mut visited = vec![false; n];
        let mut tree_bond = vec![false; self.bonds.len()];
        for root in 0..n {
            if !keep[root] || visited[root] {
                continue;
            }
            let mut stack = vec![(root, usize::MAX)];
            while let Some((a, via)) = stack.pop() {
                if visited[a] {
                    continue;
                }
                visited[a] = true;
                if via != usize::MAX {
                    tree_bond[via] = true;
                }
                for &(nb, bi) in self.adjacency[a].iter().rev() {
                    if keep[nb] && !visited[nb] {
                        stack.push((nb, bi));
                    }
                }
            }
        }
        // A bond is a ring closure iff it joins two kept atoms and is not a tree bond.
        let closure_bond: Vec<bool> = self
            .bonds
            .iter()
            .enumerate()
            .map(|(i, b)| keep[b.a] && keep[b.b] && !tree_bond[i])
            .collect();
        let mut out = String::new();
        let mut written = vec![false; n];
        let mut ring_label: Vec<Option<u32>> = vec![None; self.bonds.len()];
        let mut free_labels: Vec<u32> = (1..100).rev().collect();
        for root in 0..n {
            if !keep[root] || written[root] {
                continue;
            }
            if !out.is_empty() {
                out.push('.');
            }
            self.write_branch(
                root,
                usize::MAX,
                keep,
                &closure_bond,
                &mut written,
                &mut ring_label,
                &mut free_labels,
                &mut out,
            );
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn write_branch(
        &self,
        a: usize,
        via: usize,
        keep: &[bool],
        closure_bond: &[bool],
        written: &mut [bool],
        ring_label: &mut [Option<u32>],
        free_labels: &mut Vec<u32>,
        out: &mut String,
    ) {
        written[a] = true;
        out.push_str(&self.atom_token(a));
        // Ring-closure digits for this atom.
        for &(nb, bi) in &self.adjacency[a] {
            if !closure_bond[bi] || !keep[nb] {
                continue;
            }
            let label = match ring_label[bi] {
                Some(label) => {
                    free_labels.push(label);
                    free_labels.sort_unstable_by(|x, y| y.cmp(x));
                    label
                }
                None => {
                    let label = free_labels.pop().unwrap_or(99);
                    ring_label[bi] = Some(label);
                    out.push_str(self.bond_symbol(bi));
                    label
                }
            };
            if label < 10 {
                out.push_str(&label.to_string());
            } else {
                out.push_str(&format!("%{label}"));
            }
        }
        let children: Vec<(usize, usize)> = self.adjacency[a]
            .iter()
            .copied()
            .filter(|&(nb, bi)| keep[nb] && !written[nb] && !closure_bond[bi] && bi != via)
            .collect();
        let count = children.len();
        for (k, (nb, bi)) in children.into_iter().enumerate() {
            if written[nb] {
                continue;
            }
            let last = k + 1 == count;
            if !last {
                out.push('(');
            }
            out.push_str(self.bond_symbol(bi));
            self.write_branch(
                nb,
                bi,
                keep,
                closure_bond,
                written,
                ring_label,
                free_labels,
                out,
            );
            if !last {
                out.push(')');
            }
        }
    }

    fn bond_symbol(&self, bi: usize) -> &'static str {
        let bond = self.bonds[bi];
        match bond.order {
            2 => "=",
            3 => "#",
            4 => "",
            _ if self.atoms[bond.a].aromatic && self.atoms[bond.b].aromatic => "-",
            _ => "",
        }
    }

    fn atom_token(&self, a: usize) -> String {
        let atom = &self.atoms[a];
        let mut t = String::from("[");
        if atom.isotope > 0 {
            t.push_str(&atom.isotope.to_string());
        }
        let symbol = element_symbol(atom.z);
        if atom.aromatic {
            t.push_str(&symbol.to_ascii_lowercase());
        } else {
            t.push_str(symbol);
        }
        match atom.hydrogens {
            0 => {}
            1 => t.push('H'),
            h => t.push_str(&format!("H{h}")),
        }
        match atom.charge {
            0 => {}
            1 => t.push('+'),
            -1 => t.push('-'),
            c if c > 0 => t.push_str(&format!("+{c}")),
            c => t.push_str(&format!("{c}")),
        }
        t.push(']');
        t
    }
}

/// Heavy-atom element counts of `atoms`, sorted by element.
pub fn formula_key<'a>(atoms: impl Iterator<Item = &'a Atom>) -> Vec<(u8, u16)> {
    let mut counts: Vec<(u8, u16)> = Vec::new();
    for atom in atoms {
        if atom.z == H {
            continue;
        }
        match counts.iter_mut().find(|(z, _)| *z == atom.z) {
            Some((_, c)) => *c += 1,
            None => counts.push((atom.z, 1)),
        }
    }
    counts.sort_unstable();
    counts
}
