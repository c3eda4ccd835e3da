//! Writes what the toolkit boundary (`chem.rs`) computes for each SMILES line of a file, for the
//! RDKit parity check (`tools/rdkit/parity.py`): canonical SMILES, InChIKey, Morgan on-bits.
//! Output: one tab-separated line per input line, `ERR` for structures that do not parse.

use std::io::{BufRead, Write};

use interdict_structure::Structure;

fn main() -> std::io::Result<()> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "-".into());
    let reader: Box<dyn BufRead> = if path == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::io::BufReader::new(std::fs::File::open(&path)?))
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in reader.lines() {
        let line = line?;
        let smiles = line.split_whitespace().next().unwrap_or("");
        let row = Structure::from_smiles(smiles).and_then(|s| {
            let canonical = s.canonical_smiles(true)?;
            let key = s.inchikey()?;
            let bits: Vec<String> = s
                .morgan()?
                .on_bits()
                .iter()
                .map(|b| b.to_string())
                .collect();
            Ok(format!("{canonical}\t{key}\t{}", bits.join(",")))
        });
        match row {
            Ok(r) => writeln!(out, "{r}")?,
            Err(_) => writeln!(out, "ERR")?,
        }
    }
    Ok(())
}
