//! What kind of group a substituent is, in the words the legal definitions use.
//!
//! The definitions list kinds ("alkyl, alkenyl, alkoxyl, ester, ether, hydroxyl, halo, haloalkyl,
//! amino, or nitro"); each kind here is defined narrowly, as a chemist reading the text would:
//! alkyl is an acyclic saturated hydrocarbon group, so a cycloalkyl, a phenyl or an oxo group is
//! none of them. The most specific kind is reported (methoxy is alkoxyl, not just ether).

use crate::graph::{is_halogen, Graph, C, H, N, O, S};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Alkyl,
    Alkenyl,
    Alkoxyl,
    Hydroxyl,
    Halo,
    Haloalkyl,
    Haloalkoxyl,
    Amino,
    Nitro,
    Ester,
    Ether,
    Acetyloxy,
    Cyano,
    Thioalkyl,
    Alkylsulfonyl,
    /// Anything else: rings, oxo, carbonyls other than esters, other elements.
    Other,
}

impl Kind {
    pub fn word(self) -> &'static str {
        match self {
            Kind::Alkyl => "alkyl",
            Kind::Alkenyl => "alkenyl",
            Kind::Alkoxyl => "alkoxyl",
            Kind::Hydroxyl => "hydroxyl",
            Kind::Halo => "halo",
            Kind::Haloalkyl => "haloalkyl",
            Kind::Haloalkoxyl => "haloalkoxyl",
            Kind::Amino => "amino",
            Kind::Nitro => "nitro",
            Kind::Ester => "ester",
            Kind::Ether => "ether",
            Kind::Acetyloxy => "acetyloxy",
            Kind::Cyano => "cyano",
            Kind::Thioalkyl => "thioalkyl",
            Kind::Alkylsulfonyl => "alkylsulphonyl",
            Kind::Other => "a group of no listed kind",
        }
    }
}

/// A classified substituent: its atoms (heavy atoms only), its kind and its carbon count (the UK
/// definition limits chain lengths).
#[derive(Clone, Debug)]
pub struct Substituent {
    pub atoms: Vec<usize>,
    pub kind: Kind,
    pub carbons: usize,
}

/// Classify the group `atoms` attached through `root` by a bond of order `bond_to_parent`.
pub fn classify(g: &Graph, atoms: &[usize], root: usize, bond_to_parent: u8) -> Substituent {
    let heavy: Vec<usize> = atoms.iter().copied().filter(|&a| g.z(a) != H).collect();
    let carbons = heavy.iter().filter(|&&a| g.z(a) == C).count();
    let kind = kind_of(g, &heavy, root, bond_to_parent);
    Substituent {
        atoms: heavy,
        kind,
        carbons,
    }
}

fn kind_of(g: &Graph, atoms: &[usize], root: usize, bond_to_parent: u8) -> Kind {
    let charged = atoms.iter().any(|&a| g.atoms[a].charge != 0);
    if atoms.iter().any(|&a| g.in_ring(a) || g.atoms[a].aromatic) {
        return Kind::Other;
    }
    let inside = |a: usize| atoms.binary_search(&a).is_ok();
    // Bonds inside the group.
    let mut internal: Vec<(usize, usize, u8)> = Vec::new();
    for &a in atoms {
        for (n, o) in g.neighbor_bonds(a) {
            if a < n && inside(n) {
                internal.push((a, n, o));
            }
        }
    }
    let rz = g.z(root);
    if bond_to_parent == 3 {
        return Kind::Other;
    }
    if bond_to_parent == 2 {
        return Kind::Other;
    }
    // Nitro: N(+)(=O)[O-] or N(=O)=O, attached by N.
    if rz == N && atoms.len() == 3 {
        let oxygens: Vec<usize> = atoms.iter().copied().filter(|&a| g.z(a) == O).collect();
        if oxygens.len() == 2 && oxygens.iter().all(|&o| g.degree(o) == 1) {
            return Kind::Nitro;
        }
    }
    if charged {
        return Kind::Other;
    }
    if atoms.len() == 1 {
        return match rz {
            z if is_halogen(z) => Kind::Halo,
            O if g.total_h(root) == 1 => Kind::Hydroxyl,
            N if g.total_h(root) == 2 => Kind::Amino,
            C if g.total_h(root) == 3 => Kind::Alkyl,
            _ => Kind::Other,
        };
    }
    let all_single = internal.iter().all(|&(_, _, o)| o == 1);
    let elements_only = |allowed: &dyn Fn(u8) -> bool| atoms.iter().all(|&a| allowed(g.z(a)));
    // Cyano.
    if rz == C && atoms.len() == 2 && internal.len() == 1 && internal[0].2 == 3 {
        let other = if internal[0].0 == root {
            internal[0].1
        } else {
            internal[0].0
        };
        if g.z(other) == N {
            return Kind::Cyano;
        }
    }
    // Hydrocarbon groups.
    if rz == C && elements_only(&|z| z == C) {
        if all_single {
            return Kind::Alkyl;
        }
        if internal.iter().all(|&(_, _, o)| o <= 2) {
            return Kind::Alkenyl;
        }
        return Kind::Other;
    }
    if rz == C && all_single && elements_only(&|z| z == C || is_halogen(z)) {
        return Kind::Haloalkyl;
    }
    // Amino: N bearing only hydrogens and alkyl groups.
    if rz == N && all_single && elements_only(&|z| z == C || z == N) {
        let only_root_n = atoms.iter().filter(|&&a| g.z(a) == N).count() == 1;
        if only_root_n {
            return Kind::Amino;
        }
        return Kind::Other;
    }
    // Oxygen-attached groups.
    if rz == O && all_single && g.degree(root) == 2 {
        if elements_only(&|z| z == C || z == O) {
            let oxygens = atoms.iter().filter(|&&a| g.z(a) == O).count();
            if oxygens == 1 {
                return Kind::Alkoxyl;
            }
        }
        if elements_only(&|z| z == C || z == O || is_halogen(z))
            && atoms.iter().filter(|&&a| g.z(a) == O).count() == 1
        {
            return Kind::Haloalkoxyl;
        }
    }
    // Sulfur-attached groups.
    if rz == S
        && g.degree(root) == 2
        && all_single
        && elements_only(&|z| z == C || z == S)
        && atoms.iter().filter(|&&a| g.z(a) == S).count() == 1
    {
        return Kind::Thioalkyl;
    }
    if rz == S && elements_only(&|z| z == C || z == S || z == O) {
        let oxo = g
            .neighbor_bonds(root)
            .filter(|&(n, o)| o == 2 && g.z(n) == O && g.degree(n) == 1)
            .count();
        let rest_alkyl = atoms
            .iter()
            .filter(|&&a| a != root && g.z(a) != O)
            .all(|&a| g.z(a) == C && g.neighbor_bonds(a).all(|(_, o)| o == 1));
        if oxo == 2 && rest_alkyl && atoms.iter().filter(|&&a| g.z(a) == O).count() == 2 {
            return Kind::Alkylsulfonyl;
        }
    }
    // C, H, O groups: esters and ethers.
    if elements_only(&|z| z == C || z == O) {
        let carbonyl_o: Vec<usize> = atoms
            .iter()
            .copied()
            .filter(|&a| g.z(a) == O && g.degree(a) == 1 && g.bond_order(a, nb0(g, a)) == Some(2))
            .collect();
        let double_bonds = internal.iter().filter(|&&(_, _, o)| o == 2).count();
        if double_bonds != carbonyl_o.len() || internal.iter().any(|&(_, _, o)| o == 3) {
            return Kind::Other;
        }
        // Every other oxygen must be an ether/ester oxygen between two carbons (or root-to-parent).
        let ether_ok = atoms.iter().all(|&a| {
            if g.z(a) != O || carbonyl_o.contains(&a) {
                return true;
            }
            let heavy_nbrs = g.neighbors(a).filter(|&n| g.z(n) != H).count();
            heavy_nbrs == 2 && g.total_h(a) == 0
        });
        if !ether_ok {
            return Kind::Other;
        }
        if carbonyl_o.is_empty() {
            return Kind::Ether;
        }
        // Each carbonyl carbon must be an ester carbon: C(=O) single-bonded to an ether oxygen.
        let ester = carbonyl_o.iter().all(|&o| {
            let c = nb0(g, o);
            g.neighbor_bonds(c)
                .any(|(n, order)| order == 1 && g.z(n) == O && g.degree(n) == 2)
        });
        // Acyloxy attached by its oxygen: root O - C(=O) - R.
        let acyloxy_on_root = rz == O
            && carbonyl_o.len() == 1
            && g.neighbors(root).any(|n| n == nb0(g, carbonyl_o[0]));
        if ester || acyloxy_on_root {
            if acyloxy_on_root && atoms.len() == 4 {
                return Kind::Acetyloxy;
            }
            return Kind::Ester;
        }
        return Kind::Other;
    }
    Kind::Other
}

/// The first neighbour of a terminal atom.
fn nb0(g: &Graph, a: usize) -> usize {
    g.neighbors(a).next().unwrap_or(a)
}
