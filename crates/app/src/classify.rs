//! Structure classification: what a structure is (listed substance, class definitions with
//! their clauses, designer-precursor relations, nearest listed structures). The shells read the
//! records (a `.smi` or SDF file, a request body); each record's answer — its classification,
//! or the error record standing in its place — is written here, so `classify --input` and
//! `POST /api/v1/classify` write the same JSON Lines.

use interdict_structure::{Engine, InchikeyPolicy, Options, RawRecord};
use interdict_types::ErrorRecord;

/// The engine's options for a run: `inchikey` when the caller chose, else InChIKeys for every
/// structure when one is classified and only for the hits of a batch (computing them is by far
/// the slowest step, and a batch mostly serves to find the few worth acting on).
pub fn options(
    top_k: usize,
    min_similarity: f64,
    inchikey: Option<InchikeyPolicy>,
    batch: bool,
) -> Options {
    Options {
        top_k,
        min_similarity,
        inchikey: inchikey.unwrap_or(if batch {
            InchikeyPolicy::Hits
        } else {
            InchikeyPolicy::Always
        }),
    }
}

/// Classifies one record of a batch and appends its JSON line to `out`: the classification, or
/// an error record with the record's input, name and line. Returns whether it was classified.
pub fn write_record(engine: &Engine, record: &RawRecord, out: &mut Vec<u8>) -> bool {
    let classified = match engine.classify_record(record) {
        Ok(c) => {
            // Serialising owned strings and numbers into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut *out, &c);
            true
        }
        Err(e) => {
            let label = record.label();
            let r = ErrorRecord::new(e.code(), format!("line {}: {e}", record.line))
                .with_input(&label)
                .with_name(record.name.as_deref())
                .with_line(record.line as u64);
            let _ = serde_json::to_writer(&mut *out, &r);
            false
        }
    };
    out.push(b'\n');
    classified
}
