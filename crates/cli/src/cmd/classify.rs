//! `interdict classify`: listed substance, class-wide definitions, similar and designer precursors
//! from a structure.

use std::io::{self, Write};

use anyhow::{Context as _, Result};
use interdict_app::classify;
use interdict_registry::Registry;
use interdict_structure::{
    is_sdf_path, Classification, Engine, Format, InchikeyPolicy, RawRecord, RecordReader,
};
use interdict_types::ErrorRecord;

use crate::cli::{ClassifyArgs, InchikeyArg};
use crate::exit;
use crate::output::{open_input, write_ordered, Context, Table};

pub fn run(ctx: &Context, args: &ClassifyArgs) -> Result<u8> {
    let inchikey = args.inchikey.map(|a| match a {
        InchikeyArg::Always => InchikeyPolicy::Always,
        InchikeyArg::Never => InchikeyPolicy::Never,
        InchikeyArg::Hits => InchikeyPolicy::Hits,
    });
    let options = classify::options(
        args.top,
        args.min_similarity,
        inchikey,
        args.input.is_some(),
    );
    let engine =
        Engine::new(Registry::builtin(), options).context("preparing the registry's structures")?;
    if let Some(path) = &args.input {
        return run_file(ctx, &engine, path);
    }
    let smiles = args.smiles.as_deref().unwrap_or_default();
    let mut out = io::stdout().lock();
    match engine.classify_smiles(smiles) {
        Ok(c) => {
            if ctx.json {
                let mut buf = Vec::new();
                write_json(&mut buf, &c);
                out.write_all(&buf)?;
            } else {
                out.write_all(crate::output::terminal(&render(&c)).as_bytes())?;
            }
            Ok(exit::OK)
        }
        Err(e) => {
            if ctx.json {
                let record = ErrorRecord::new(e.code(), e.to_string()).with_input(smiles);
                writeln!(out, "{}", serde_json::to_string(&record)?)?;
            }
            eprintln!("error: {}", crate::output::terminal(&e.to_string()));
            Ok(exit::ERROR)
        }
    }
}

/// Records classified in parallel per batch; output order is the input order and memory stays
/// bounded whatever the file's length.
const BATCH: usize = 4096;

fn run_file(ctx: &Context, engine: &Engine, path: &std::path::Path) -> Result<u8> {
    if crate::output::empty_input(ctx, path) {
        return Ok(exit::OK);
    }
    let (reader, size) = open_input(path)?;
    let counted = CountingReader {
        inner: reader,
        bar: ctx.progress(size, "classifying"),
    };
    let mut buffered = io::BufReader::with_capacity(1 << 16, counted);
    // SDF by its name or by its content (a counts line or `M  END` in the first records), so
    // SDF on standard input or in a `.txt` is read as SDF, said once.
    let head = io::BufRead::fill_buf(&mut buffered)
        .with_context(|| format!("reading {}", path.display()))?;
    let looks_sdf = looks_like_sdf(head);
    let format = if is_sdf_path(path) || looks_sdf {
        if looks_sdf && !is_sdf_path(path) && !ctx.quiet {
            eprintln!("{}: reading as SDF (it holds MOL records)", path.display());
        }
        Format::Sdf
    } else {
        Format::Smi
    };
    let mut records = RecordReader::new(buffered, format);
    let failures = std::sync::atomic::AtomicU64::new(0);
    let mut total = 0u64;
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    loop {
        let batch: Vec<RawRecord> = records
            .by_ref()
            .take(BATCH)
            .collect::<io::Result<_>>()
            .with_context(|| format!("reading {} after record {total}", path.display()))?;
        if batch.is_empty() {
            break;
        }
        total += batch.len() as u64;
        write_ordered(&mut out, &batch, |record: &RawRecord, buf: &mut Vec<u8>| {
            if !classify::write_record(engine, record, buf) {
                failures.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        })?;
    }
    out.flush()?;
    let failed = failures.into_inner();
    if failed > 0 {
        eprintln!("{failed} of {total} structures could not be read; each has an error record");
        return Ok(exit::PARTIAL);
    }
    Ok(exit::OK)
}

/// Advances the progress bar by the bytes read.
struct CountingReader<R> {
    inner: R,
    bar: crate::output::Progress,
}

impl<R: io::Read> io::Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 {
            self.bar.finish_and_clear();
        } else {
            self.bar.inc(n as u64);
        }
        Ok(n)
    }
}

fn write_json(buf: &mut Vec<u8>, c: &Classification) {
    // Serialising owned strings and numbers into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *buf, c);
    buf.push(b'\n');
}

fn render(c: &Classification) -> String {
    let mut s = String::new();
    s.push_str(&format!("Structure  {}\n", c.canonical_smiles));
    if let Some(key) = &c.inchikey {
        s.push_str(&format!("InChIKey   {key}\n"));
    }
    for note in &c.standardization {
        s.push_str(&format!("Standardised: {note}\n"));
    }
    s.push('\n');
    if c.listed.is_empty() {
        s.push_str("Listed: no listed substance has this structure.\n");
    } else {
        let mut t = Table::new(&["LISTED", "CAS", "MATCH", "CONTROLS"]);
        for l in &c.listed {
            t.row(vec![
                format!("{} ({})", l.name, l.substance_id),
                l.cas.clone().unwrap_or_default(),
                l.match_kind.to_string(),
                l.controls
                    .iter()
                    .map(|c| c.list.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ]);
        }
        s.push_str(&t.render());
    }
    s.push('\n');
    if c.classes.is_empty() {
        s.push_str("Class definitions: inside none.\n");
    }
    for m in &c.classes {
        s.push_str(&format!(
            "INSIDE {} — clauses {}\n  {}\n",
            m.definition,
            m.clauses.join(", "),
            m.explanation
        ));
        for (clause, text) in &m.clause_text {
            s.push_str(&format!("  law ({clause}): {text}\n"));
        }
    }
    for n in &c.not_covered {
        s.push_str(&format!("OUTSIDE {}\n  {}\n", n.definition, n.reason));
    }
    if !c.designer_precursor_of.is_empty() {
        s.push('\n');
        for p in &c.designer_precursor_of {
            s.push_str(&format!(
                "DESIGNER PRECURSOR of {} ({}): {}\n",
                p.name, p.substance_id, p.explanation
            ));
        }
    }
    if !c.similar.is_empty() {
        s.push('\n');
        let mut t = Table::new(&["SIMILAR", "TANIMOTO"]);
        for m in &c.similar {
            t.row(vec![
                format!("{} ({})", m.name, m.substance_id),
                format!("{:.3}", m.similarity),
            ]);
        }
        s.push_str(&t.render());
    }
    s
}

/// Whether the first bytes of an input are MOL/SDF records: a V2000/V3000 counts line on the
/// fourth line, or an `M  END` line.
fn looks_like_sdf(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(1 << 16)]);
    let fourth = text.lines().nth(3).unwrap_or("");
    fourth.contains("V2000")
        || fourth.contains("V3000")
        || text.lines().any(|l| l.trim_end() == "M  END")
}
