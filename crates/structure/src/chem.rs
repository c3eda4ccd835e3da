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
    /// Past a size limit ([`MAX_SMILES_LEN`], [`MAX_ATOMS`], [`MAX_RING_BONDS`]), found before
    /// the toolkit parses: its ring perception grows much faster than the input.
    #[error("structure too large: {0}")]
    TooLarge(String),
}

impl ChemError {
    /// Stable machine-readable code for JSON output.
    pub fn code(&self) -> &'static str {
        match self {
            ChemError::Smiles(_) => "invalid_smiles",
            ChemError::Molfile(_) => "invalid_molfile",
            ChemError::Empty => "empty_structure",
            ChemError::Toolkit(_) => "toolkit_error",
            ChemError::TooLarge(_) => "too_large",
        }
    }
}

/// Structures above this many atoms are refused (polymers, proteins): nothing on the lists is near.
/// Checked before the toolkit parses (SMILES atoms, the MOL counts line) and again on the
/// standardised parent.
pub const MAX_ATOMS: usize = 1000;

/// Structures closing more rings than this (ring-closure bonds; for a connected structure, its
/// number of independent rings) are refused before the toolkit parses. The toolkit's ring
/// perception costs about the cube of the ring count: a ladder of 100 rings takes 0.2 s and
/// 30 MB, one of 500 rings 10 s and 500 MB. The most ring-rich structures of the field (fused
/// polycyclics, fullerenes) close far fewer than 100.
pub const MAX_RING_BONDS: usize = 100;

/// SMILES longer than this (bytes) are refused before anything else: room for [`MAX_ATOMS`]
/// atoms written in brackets with stereo, charges, bonds and branches.
pub const MAX_SMILES_LEN: usize = 16 * 1024;

/// Atoms and ring-closure bonds a SMILES writes, counted from its text alone (no parsing), so
/// that oversized input is refused before the toolkit sees it. Atoms: every bracket atom, every
/// letter outside brackets (`Cl` and `Br` once) and `*`. Ring bonds: each ring-closure label
/// (`1`, `%12`, `%(123)`) opens or closes one, so half the labels written, rounded up. Exact for a
/// valid SMILES; an invalid one may be over-counted, which the toolkit would refuse anyway.
fn smiles_size(smiles: &str) -> (usize, usize) {
    let bytes = smiles.as_bytes();
    let (mut atoms, mut labels) = (0usize, 0usize);
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        i += 1;
        match c {
            b'[' => {
                atoms += 1;
                while bytes.get(i).is_some_and(|&b| b != b']') {
                    i += 1;
                }
                i += 1;
            }
            b'%' => {
                labels += 1;
                if bytes.get(i) == Some(&b'(') {
                    while bytes.get(i).is_some_and(|&b| b != b')') {
                        i += 1;
                    }
                    i += 1;
                } else {
                    i += 2;
                }
            }
            b'0'..=b'9' => labels += 1,
            b'C' if bytes.get(i) == Some(&b'l') => {
                atoms += 1;
                i += 1;
            }
            b'B' if bytes.get(i) == Some(&b'r') => {
                atoms += 1;
                i += 1;
            }
            b'*' => atoms += 1,
            c if c.is_ascii_alphabetic() => atoms += 1,
            _ => {}
        }
    }
    (atoms, labels.div_ceil(2))
}

/// Refuses a structure of `atoms` atoms closing at least `ring_bonds` rings, past the limits.
fn check_size(atoms: usize, ring_bonds: usize) -> Result<(), ChemError> {
    if atoms > MAX_ATOMS {
        return Err(ChemError::TooLarge(format!(
            "{atoms} atoms; structures above {MAX_ATOMS} atoms are not classified"
        )));
    }
    if ring_bonds > MAX_RING_BONDS {
        return Err(ChemError::TooLarge(format!(
            "{ring_bonds} ring closures; structures closing more than {MAX_RING_BONDS} rings are not classified"
        )));
    }
    Ok(())
}

/// The most wildcard atoms (`*`) a SMILES may hold. A seized or traded substance is a definite
/// structure; wildcards stand for "any atom", and in an aromatic ring each doubles the ways the
/// toolkit tries to kekulize it: fuzzing found a SMILES of 36 bytes with 21 of them that took 20 s.
pub const MAX_WILDCARDS: usize = 4;

/// Refuses the query features of SMARTS that the toolkit reads in a SMILES but cannot write back
/// readably (`~`, any bond: fuzzing found its canonical SMILES unreadable) and more than
/// [`MAX_WILDCARDS`] wildcard atoms, saying where.
fn check_definite(smiles: &str) -> Result<(), ChemError> {
    let mut wildcards = 0;
    let mut in_bracket = false;
    for (position, c) in smiles.chars().enumerate() {
        match c {
            '[' => in_bracket = true,
            ']' => in_bracket = false,
            '~' if !in_bracket => {
                return Err(ChemError::Smiles(format!(
                    "`~` at position {} is a SMARTS query bond (any bond), not SMILES",
                    position + 1
                )))
            }
            '*' => {
                wildcards += 1;
                if wildcards > MAX_WILDCARDS {
                    return Err(ChemError::Smiles(format!(
                        "more than {MAX_WILDCARDS} wildcard atoms `*` (the next at position {}); \
                         a substance is classified from a definite structure",
                        position + 1
                    )));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Atom and bond counts of a MOL block, from its V2000 counts line (the fourth line) or its
/// V3000 `M  V30 COUNTS` line; `None` when neither can be read (the toolkit will say why).
fn molblock_counts(block: &str) -> Option<(usize, usize)> {
    let mut lines = block.lines();
    let counts = lines.nth(3)?;
    if counts.trim_end().ends_with("V3000") {
        let line = lines.find_map(|l| l.strip_prefix("M  V30 COUNTS"))?;
        let mut fields = line.split_whitespace().map(|f| f.parse::<usize>().ok());
        return Some((fields.next()??, fields.next()??));
    }
    let field = |range: std::ops::Range<usize>| counts.get(range)?.trim().parse::<usize>().ok();
    Some((field(0..3)?, field(3..6)?))
}

/// Turns the toolkit's record-relative line numbers (`on line N`, `at line N`) into lines of the
/// file, for a record whose first line is `first_line` of its file (1-based).
fn file_line_numbers(message: &str, first_line: usize) -> String {
    const MARKS: [&str; 2] = ["on line ", "at line "];
    let mut out = String::with_capacity(message.len() + 8);
    let mut rest = message;
    while let Some((at, mark)) = MARKS
        .iter()
        .filter_map(|m| rest.find(m).map(|at| (at, m.len())))
        .min()
    {
        let after = &rest[at + mark..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        out.push_str(&rest[..at + mark]);
        match after[..digits].parse::<usize>() {
            Ok(n) if n > 0 => out.push_str(&(n + first_line - 1).to_string()),
            _ => out.push_str(&after[..digits]),
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
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
    /// Parse one SMILES (no name, no CXSMILES extensions). Oversized input (see [`MAX_SMILES_LEN`],
    /// [`MAX_ATOMS`], [`MAX_RING_BONDS`]) is refused before the toolkit parses it.
    pub fn from_smiles(smiles: &str) -> Result<Structure, ChemError> {
        if smiles.len() > MAX_SMILES_LEN {
            return Err(ChemError::TooLarge(format!(
                "a SMILES of {} bytes; SMILES above {MAX_SMILES_LEN} bytes are not classified",
                smiles.len()
            )));
        }
        let (atoms, ring_bonds) = smiles_size(smiles);
        check_size(atoms, ring_bonds)?;
        check_definite(smiles)?;
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
    /// Oversized blocks (by their counts line: atoms, and bonds − atoms + 1, the fewest rings they
    /// can close) are refused before the toolkit parses them.
    pub fn from_molblock(block: &str) -> Result<Structure, ChemError> {
        Self::from_molblock_at(block, 1)
    }

    /// [`Structure::from_molblock`] for a block starting at line `first_line` of its file: the
    /// line numbers in the toolkit's messages are then lines of the file.
    pub fn from_molblock_at(block: &str, first_line: usize) -> Result<Structure, ChemError> {
        if let Some((atoms, bonds)) = molblock_counts(block) {
            check_size(atoms, (bonds + 1).saturating_sub(atoms))?;
        }
        let mol = Molecule::from_mol(block)
            .map_err(|e| ChemError::Molfile(file_line_numbers(&e.to_string(), first_line)))?;
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
    use super::*;
    use crate::elements::element_symbol;

    #[test]
    fn smiles_atoms_and_ring_closures_are_counted_without_parsing() {
        assert_eq!(smiles_size("CCO"), (3, 0));
        assert_eq!(smiles_size("c1ccccc1Cl"), (7, 1));
        assert_eq!(smiles_size("[NH4+].[Cl-]"), (2, 0));
        assert_eq!(smiles_size("C%12CC%(123)CC%12C%(123)"), (6, 2));
        assert_eq!(smiles_size("C1CC2CCC1C2Br"), (8, 2));
        assert_eq!(smiles_size("*C[13CH3"), (3, 0));
        assert_eq!(smiles_size("%"), (0, 1));
    }

    /// Regression: a 4 KB ring SMILES took gigabytes in the toolkit's ring perception before
    /// the 1,000-atom limit was checked; a 998-atom ladder (498 rings) took 10 s. Both are now
    /// refused from their text, at no cost.
    #[test]
    fn oversized_structures_are_refused_before_the_toolkit_parses() {
        let ring = format!("C1{}C1", "C".repeat(4000));
        let err = Structure::from_smiles(&ring).err().unwrap();
        assert_eq!(err.code(), "too_large");
        assert!(err.to_string().contains("4002 atoms"), "{err}");
        let mut ladder = String::from("C");
        for i in 0..200 {
            // Fused four-membered rings, two closures each: 400 ring closures in 600 atoms.
            ladder.push_str(&format!("C%{n}C%{m}C", n = 10 + i % 40, m = 50 + i % 40));
        }
        assert_eq!(
            Structure::from_smiles(&ladder).err().map(|e| e.code()),
            Some("too_large")
        );
        let long = "C".repeat(MAX_SMILES_LEN + 1);
        assert!(Structure::from_smiles(&long)
            .err()
            .is_some_and(|e| e.to_string().contains("bytes")));
        // At the limits, the structure is read.
        let big_ring = format!("C1{}C1", "C".repeat(MAX_ATOMS - 2));
        assert!(Structure::from_smiles(&big_ring).is_ok());
        // Found by the `smiles` fuzz target: 21 wildcards in an aromatic ring took 20 s, and a
        // SMARTS any-bond was written back unreadably. Refused, saying where.
        let slow = "P1*****************=Sss:b****=Sss:b1";
        let err = Structure::from_smiles(slow).err().map(|e| e.to_string());
        assert!(
            err.as_deref().is_some_and(|e| e.contains("position 7")),
            "{err:?}"
        );
        let err = Structure::from_smiles("P~4oSSS4**P")
            .err()
            .map(|e| e.to_string());
        assert!(
            err.as_deref()
                .is_some_and(|e| e.contains("`~` at position 2")),
            "{err:?}"
        );
        assert!(
            Structure::from_smiles("*c1ccccc1").is_ok(),
            "one wildcard is read"
        );
    }

    #[test]
    fn oversized_molblocks_are_refused_from_their_counts_line() {
        // V2000 counts (three digits) cannot pass the atom limit, but can the ring limit.
        let rings = "x\n  p\n\n500700  0  0  0  0  0  0  0  0999 V2000\nM  END\n";
        assert_eq!(
            Structure::from_molblock(rings).err().map(|e| e.code()),
            Some("too_large")
        );
        let v3000 = "x\n  p\n\n  0  0  0  0  0  0  0  0  0  0999 V3000\nM  V30 BEGIN CTAB\nM  V30 COUNTS 2000 1999 0 0 0\n";
        assert_eq!(
            Structure::from_molblock(v3000).err().map(|e| e.code()),
            Some("too_large")
        );
        assert_eq!(molblock_counts("short"), None);
    }

    #[test]
    fn toolkit_line_numbers_become_lines_of_the_file() {
        assert_eq!(
            file_line_numbers("Atom line too short: 'x' on line 6", 17),
            "Atom line too short: 'x' on line 22"
        );
        assert_eq!(
            file_line_numbers("on line 2, on line 3", 1),
            "on line 2, on line 3"
        );
        assert_eq!(
            file_line_numbers("no number on line x", 5),
            "no number on line x"
        );
        let block = "bad\n  p\n\n  3  2  0  0  0  0  0  0  0  0999 V2000\n    xx\n";
        let err = Structure::from_molblock_at(block, 40)
            .err()
            .unwrap()
            .to_string();
        assert!(
            !err.contains("on line 5") && err.contains("on line 44"),
            "{err}"
        );
    }

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
