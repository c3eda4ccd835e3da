//! Structure engine: is a structure listed, inside a class-wide legal definition, a designer
//! analogue or a designer precursor — and why.
//!
//! Pipeline per structure: parse (SMILES or MOL block) → standardise (largest organic fragment,
//! neutralised) → exact lookup (canonical SMILES, stereo-free skeleton, InChIKey) → class
//! definitions on the project's own graph (`classes`) → Morgan similarity to every listed
//! structure → backwards transformations towards listed precursors (`precursor`).
//! The toolkit (`cosmolkit`, pinned) is reached only through `chem`.
//!
//! The modules are private; what other crates may use is re-exported here. The project's own
//! graph and the legal definitions' internals stay inside, so they can change freely.

mod chem;
mod classes;
mod elements;
mod engine;
mod graph;
mod input;
mod precursor;
mod standardize;
mod substituent;

pub use chem::{
    ChemError, Fingerprint, Structure, MAX_ATOMS, MAX_RING_BONDS, MAX_SMILES_LEN, MAX_WILDCARDS,
};
pub use classes::{family, ClassMatch, Definition, NotCovered, Undecided, DEFINITIONS};
pub use engine::{
    Classification, ControlRef, Engine, InchikeyPolicy, Listed, Options, PrecursorRelation,
    RegistryStructureError, Similar,
};
pub use input::{
    is_sdf_path, looks_like_smiles, read_sdf, read_smi, Format, RawRecord, RawText, RecordReader,
};
