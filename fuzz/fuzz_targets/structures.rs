//! Structures come from seized-sample reports and traders: the SMILES and SDF readers, the
//! standardiser, the class definitions and the precursor search must never panic, and every record
//! must come out as a classification or an error with a code and a message.
#![no_main]

use std::sync::OnceLock;

use interdict_registry::Registry;
use interdict_structure::{read_sdf, read_smi, Engine, Options};
use libfuzzer_sys::fuzz_target;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::new(Registry::builtin(), Options::default()).expect("registry"))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for record in read_smi(&text).into_iter().chain(read_sdf(&text)).take(64) {
        match engine().classify_record(&record) {
            Ok(c) => assert!(!c.canonical_smiles.is_empty() || c.listed.is_empty()),
            Err(e) => assert!(!e.code().is_empty() && !e.to_string().is_empty()),
        }
    }
});
