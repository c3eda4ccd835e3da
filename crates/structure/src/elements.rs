//! Facts about elements the project's own code needs: symbols (to write SMILES from a [`Graph`])
//! and standard atomic weights (mass limits in legal definitions, fragment choice).
//!
//! Kept here rather than taken from the toolkit so that `graph.rs` does not depend on the
//! toolkit boundary (`chem.rs` depends on `graph.rs`, never the reverse); a test in `chem.rs`
//! checks the symbols against the toolkit's periodic table.
//!
//! [`Graph`]: crate::graph::Graph

/// Element symbols by atomic number; index 0 is the dummy atom `*` of SMILES.
const SYMBOLS: [&str; 119] = [
    "*", "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P", "S",
    "Cl", "Ar", "K", "Ca", "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge",
    "As", "Se", "Br", "Kr", "Rb", "Sr", "Y", "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd",
    "In", "Sn", "Sb", "Te", "I", "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd",
    "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W", "Re", "Os", "Ir", "Pt", "Au", "Hg",
    "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th", "Pa", "U", "Np", "Pu", "Am", "Cm",
    "Bk", "Cf", "Es", "Fm", "Md", "No", "Lr", "Rf", "Db", "Sg", "Bh", "Hs", "Mt", "Ds", "Rg", "Cn",
    "Nh", "Fl", "Mc", "Lv", "Ts", "Og",
];

/// Element symbol for an atomic number; `*` (the SMILES dummy atom) for 0 and for numbers past
/// the periodic table.
pub fn element_symbol(z: u8) -> &'static str {
    SYMBOLS.get(usize::from(z)).copied().unwrap_or("*")
}

/// Standard atomic weights (IUPAC 2021, conventional values) for the elements of this field;
/// other elements use 2.5 × Z, which only matters for mass limits of exotic structures.
pub fn atomic_weight(z: u8) -> f64 {
    match z {
        1 => 1.008,
        5 => 10.81,
        6 => 12.011,
        7 => 14.007,
        8 => 15.999,
        9 => 18.998,
        11 => 22.990,
        14 => 28.085,
        15 => 30.974,
        16 => 32.06,
        17 => 35.45,
        19 => 39.098,
        34 => 78.971,
        35 => 79.904,
        53 => 126.904,
        _ => 2.5 * f64::from(z),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_cover_the_periodic_table_and_nothing_past_it() {
        assert_eq!(element_symbol(0), "*");
        assert_eq!(element_symbol(6), "C");
        assert_eq!(element_symbol(17), "Cl");
        assert_eq!(element_symbol(118), "Og");
        assert_eq!(element_symbol(119), "*");
        assert_eq!(element_symbol(u8::MAX), "*");
    }
}
