//! The structure readers alone, at the speed of parsing: `.smi` lines and SDF records read,
//! each SMILES or MOL block parsed, written as canonical SMILES, and that SMILES parsed again.
//! (`structures` also classifies every record — class definitions, similarity, precursor
//! search — at a few hundred inputs a second; this target reaches the readers' corners in the
//! millions of inputs the goal of issue 19 asks of a parser.)
#![no_main]

use interdict_structure::{read_sdf, read_smi, RawText, Structure};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for record in read_smi(&text).into_iter().chain(read_sdf(&text)).take(16) {
        let parsed = match &record.text {
            RawText::Smiles(smiles) => Structure::from_smiles(smiles),
            RawText::Molblock(block) => Structure::from_molblock(block),
        };
        let structure = match parsed {
            Ok(s) => s,
            Err(e) => {
                assert!(!e.code().is_empty() && !e.to_string().is_empty());
                continue;
            }
        };
        // What the platform writes it can read back.
        if let Ok(canonical) = structure.canonical_smiles(true) {
            if let Err(e) = Structure::from_smiles(&canonical) {
                panic!("canonical SMILES {canonical:?} does not parse again: {e}");
            }
        }
    }
});
