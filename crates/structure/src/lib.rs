//! Structure engine: is a structure listed, inside a class-wide legal definition, a designer
//! analogue or a designer precursor — and why.
//!
//! Pipeline per structure: parse (SMILES or MOL block) → standardise (largest organic fragment,
//! neutralised) → exact lookup (canonical SMILES, stereo-free skeleton, InChIKey) → class
//! definitions on the project's own graph (`classes`) → Morgan similarity to every listed
//! structure → backwards transformations towards listed precursors (`precursor`).
//! The toolkit (`cosmolkit`, pinned) is reached only through `chem`.

pub mod chem;
pub mod classes;
pub mod engine;
pub mod graph;
pub mod input;
pub mod precursor;
pub mod standardize;
pub mod substituent;

pub use chem::{ChemError, Structure};
pub use classes::{ClassMatch, NotCovered, DEFINITIONS};
pub use engine::{Classification, Engine, InchikeyPolicy, Options};
pub use input::{looks_like_smiles, read_sdf, read_smi, Format, RawRecord, RawText, RecordReader};
