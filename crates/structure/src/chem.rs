//! The only module that touches the cheminformatics toolkit (`cosmolkit`, pinned exactly).
//!
//! Everything else in the engine works on [`Graph`], the project's own molecular graph, and on the
//! handful of toolkit services exposed here: parsing, canonical SMILES, InChIKey and Morgan
//! fingerprints. Swapping the toolkit (for `chematic`, or RDKit through FFI) means rewriting this
//! file and nothing else; `tools/rdkit/parity.py` checks that whatever sits here agrees with RDKit.

use cosmolkit::{BondOrder, Molecule, MorganFingerprintParams, SmilesParseParams};

use crate::graph::{Atom, Bond, Graph};

/// Why a structure could not be read or processed; `message` comes from the toolkit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChemError {
    #[error("not a readable SMILES: {0}")]
    Smiles(String),
    #[error("not a readable MOL block: {0}")]
    Molfile(String),
    #[error("the structure has no atoms")]
    Empty,
    #[error("the toolkit could not process the structure: {0}")]
    Toolkit(String),
}

impl ChemError {
    /// Stable machine-readable code for JSON output.
    pub fn code(&self) -> &'static str {
        match self {
            ChemError::Smiles(_) => "invalid_smiles",
            ChemError::Molfile(_) => "invalid_molfile",
            ChemError::Empty => "empty_structure",
            ChemError::Toolkit(_) => "toolkit_error",
        }
    }
}

/// Morgan fingerprint, radius 2, 2048 bits (RDKit's `GetMorganGenerator(radius=2, fpSize=2048)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    words: [u64; 32],
    ones: u32,
}

impl Fingerprint {
    pub fn tanimoto(&self, other: &Fingerprint) -> f64 {
        let common: u32 = self
            .words
            .iter()
            .zip(other.words.iter())
            .map(|(a, b)| (a & b).count_ones())
            .sum();
        let union = self.ones + other.ones - common;
        if union == 0 {
            0.0
        } else {
            f64::from(common) / f64::from(union)
        }
    }

    pub fn on_bits(&self) -> Vec<u32> {
        let mut bits = Vec::with_capacity(self.ones as usize);
        for (w, word) in self.words.iter().enumerate() {
            for b in 0..64 {
                if word >> b & 1 == 1 {
                    bits.push(w as u32 * 64 + b);
                }
            }
        }
        bits
    }
}

/// A parsed, sanitised structure held by the toolkit.
#[derive(Clone)]
pub struct Structure {
    mol: Molecule,
}

fn text(t: impl AsRef<[u8]>) -> String {
    String::from_utf8_lossy(t.as_ref()).into_owned()
}

impl Structure {
    /// Parse one SMILES (no name, no CXSMILES extensions).
    pub fn from_smiles(smiles: &str) -> Result<Structure, ChemError> {
        let params = SmilesParseParams {
            allow_cxsmiles: false,
            ..SmilesParseParams::default()
        };
        let mol = Molecule::from_smiles_with_params(smiles, &params)
            .map_err(|e| ChemError::Smiles(e.to_string()))?;
        if mol.num_atoms() == 0 {
            return Err(ChemError::Empty);
        }
        Ok(Structure { mol })
    }

    /// Parse one MOL block (V2000 or V3000), as found between `$$$$` lines of an SDF file.
    pub fn from_molblock(block: &str) -> Result<Structure, ChemError> {
        let mol = Molecule::from_mol(block).map_err(|e| ChemError::Molfile(e.to_string()))?;
        if mol.num_atoms() == 0 {
            return Err(ChemError::Empty);
        }
        Ok(Structure { mol })
    }

    /// Canonical SMILES as RDKit writes it; `isomeric` keeps stereo and isotopes.
    pub fn canonical_smiles(&self, isomeric: bool) -> Result<String, ChemError> {
        let out = if isomeric {
            self.mol.to_smiles()
        } else {
            let params = cosmolkit::SmilesWriteParams {
                isomeric_smiles: false,
                ..Default::default()
            };
            self.mol.to_smiles_with_params(&params)
        };
        out.map(text).map_err(|e| ChemError::Toolkit(e.to_string()))
    }

    /// Standard InChIKey. Slow (a few thousand per second): computed once per structure, never in a loop.
    pub fn inchikey(&self) -> Result<String, ChemError> {
        self.mol
            .to_inchi_key()
            .map_err(|e| ChemError::Toolkit(e.to_string()))
    }

    pub fn morgan(&self) -> Result<Fingerprint, ChemError> {
        let mut params = MorganFingerprintParams::default();
        params.generator.radius = 2;
        params.generator.fp_size = 2048;
        let fp = self
            .mol
            .fingerprint_morgan_with_params(&params, None)
            .map_err(|e| ChemError::Toolkit(e.to_string()))?;
        let mut words = [0u64; 32];
        let mut ones = 0;
        for bit in fp.on_bits() {
            let bit = bit as usize;
            if bit < 2048 {
                words[bit / 64] |= 1 << (bit % 64);
                ones += 1;
            }
        }
        Ok(Fingerprint { words, ones })
    }

    /// The same structure with the formal charge of `atoms` removed and their hydrogens left to
    /// the valence model (a protonated amine loses its proton, a carboxylate gains one); stereo
    /// tags of every atom are kept.
    pub(crate) fn with_neutralised(&self, atoms: &[usize]) -> Result<Structure, ChemError> {
        let toolkit = |e: &dyn std::fmt::Display| ChemError::Toolkit(e.to_string());
        let mut topology = self.mol.topology().clone();
        for &a in atoms {
            let atom = topology
                .atoms
                .get_mut(a)
                .ok_or_else(|| ChemError::Toolkit(format!("no atom {a}")))?;
            atom.set_formal_charge(0);
            atom.set_explicit_hydrogens(0);
            atom.set_no_implicit(false);
        }
        let mol = cosmolkit::MoleculeBuilder::from_parts(
            topology,
            Default::default(),
            self.mol.properties().clone(),
        )
        .build()
        .and_then(|m| m.sanitize())
        .map_err(|e| toolkit(&e))?;
        Ok(Structure { mol })
    }

    /// Isomeric SMILES of a subset of atoms (a fragment), keeping its stereo.
    pub(crate) fn fragment_smiles(&self, atoms: &[usize]) -> Result<String, ChemError> {
        let ids: Vec<cosmolkit::AtomId> =
            atoms.iter().map(|&i| cosmolkit::AtomId::new(i)).collect();
        self.mol
            .to_fragment_smiles(&ids)
            .map(text)
            .map_err(|e| ChemError::Toolkit(e.to_string()))
    }

    /// The molecule as the project's own graph: elements, charges, hydrogens, bonds and rings.
    pub(crate) fn graph(&self) -> Result<Graph, ChemError> {
        let toolkit = |e: &dyn std::fmt::Display| ChemError::Toolkit(e.to_string());
        let mut atoms = Vec::with_capacity(self.mol.num_atoms());
        for atom in self.mol.atoms() {
            atoms.push(Atom {
                z: atom.atomic_number(),
                charge: atom.formal_charge(),
                aromatic: atom.is_aromatic(),
                hydrogens: u8::try_from(atom.total_hydrogens().map_err(|e| toolkit(&e))?)
                    .unwrap_or(0),
                isotope: atom.isotope().unwrap_or(0),
            });
        }
        let bonds = self
            .mol
            .bonds()
            .iter()
            .map(|b| Bond {
                a: b.begin().index(),
                b: b.end().index(),
                order: match b.order() {
                    BondOrder::Single => 1,
                    BondOrder::Double => 2,
                    BondOrder::Triple => 3,
                    BondOrder::Aromatic => 4,
                    _ => 1,
                },
            })
            .collect();
        let rings = self
            .mol
            .symmetrized_sssr()
            .map_err(|e| toolkit(&e))?
            .atom_rings()
            .iter()
            .map(|ring| ring.iter().map(|a| a.index()).collect())
            .collect();
        Ok(Graph::new(atoms, bonds, rings))
    }
}

#[cfg(test)]
mod tests {
    use crate::elements::element_symbol;

    /// The project's own element symbols (used to write SMILES from a graph) are the toolkit's.
    #[test]
    fn element_symbols_agree_with_the_toolkit() {
        for z in 0..=u8::MAX {
            let toolkit = cosmolkit::Element::from_atomic_number(z)
                .map(|e| e.symbol())
                .unwrap_or("*");
            assert_eq!(element_symbol(z), toolkit, "Z = {z}");
        }
    }
}
