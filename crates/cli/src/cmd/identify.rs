//! `interdict identify`: controlled substances in goods descriptions.

use std::io::{self, BufReader, BufWriter, Write};

use anyhow::{Context as _, Result};
use interdict_registry::{Identification, Identifier, Registry, MAX_TEXT_BYTES};
use interdict_types::{ErrorRecord, IdentificationWire};
use rayon::prelude::*;

use crate::cli::IdentifyArgs;
use crate::exit;
use crate::output::{open_input, Context, Table};

/// Lines identified in parallel per batch; output order is the input order.
const BATCH: usize = 8192;

pub fn run(ctx: &Context, args: &IdentifyArgs) -> Result<u8> {
    let identifier = Identifier::new(Registry::builtin()).with_threshold(args.threshold);
    if let Some(path) = &args.input {
        return run_file(ctx, &identifier, path);
    }
    let text = args.text.as_deref().unwrap_or_default();
    let id = identifier.identify(text);
    let mut out = io::stdout().lock();
    if ctx.json {
        let mut buf = Vec::new();
        write_identification(&mut buf, text, &id);
        out.write_all(&buf)?;
    } else {
        out.write_all(crate::output::terminal(&render(text, &id)).as_bytes())?;
    }
    Ok(exit::OK)
}

fn run_file(ctx: &Context, identifier: &Identifier<'_>, path: &std::path::Path) -> Result<u8> {
    if crate::output::empty_input(ctx, path) {
        return Ok(exit::OK);
    }
    let (reader, size) = open_input(path)?;
    let bar = ctx.progress(size, "identifying");
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let mut batch: Vec<(u64, Vec<u8>, usize)> = Vec::with_capacity(BATCH);
    let mut line_no = 0u64;
    let mut bad_lines = 0u64;
    loop {
        let mut buf = Vec::new();
        let (n, length) =
            interdict_core::lines::read_line_capped(&mut reader, &mut buf, MAX_TEXT_BYTES)
                .with_context(|| format!("reading {} after line {line_no}", path.display()))?;
        if n > 0 {
            line_no += 1;
            bar.inc(n as u64);
            batch.push((line_no, buf, length));
        }
        if batch.len() == BATCH || (n == 0 && !batch.is_empty()) {
            let rendered: Vec<(Vec<u8>, u64)> = batch
                .par_chunks(256)
                .map(|chunk| {
                    let mut buf = Vec::with_capacity(chunk.len() * 160);
                    let mut bad = 0u64;
                    for (line, bytes, length) in chunk {
                        if *length > MAX_TEXT_BYTES {
                            bad += 1;
                            let input = format!(
                                "{}…",
                                String::from_utf8_lossy(&bytes[..bytes.len().min(100)])
                            );
                            let record = ErrorRecord::new(
                                "too_large",
                                format!(
                                    "line {line}: {length} bytes, more than the {MAX_TEXT_BYTES} a description may hold"
                                ),
                            )
                            .with_input(&input)
                            .with_line(*line);
                            let _ = serde_json::to_writer(&mut buf, &record);
                            buf.push(b'\n');
                            continue;
                        }
                        match std::str::from_utf8(bytes) {
                            Ok(text) => {
                                write_identification(&mut buf, text, &identifier.identify(text))
                            }
                            Err(e) => {
                                bad += 1;
                                let input = String::from_utf8_lossy(bytes);
                                let record = ErrorRecord::new(
                                    "invalid_utf8",
                                    format!("line {line}: not UTF-8 ({e})"),
                                )
                                .with_input(&input)
                                .with_line(*line);
                                let _ = serde_json::to_writer(&mut buf, &record);
                                buf.push(b'\n');
                            }
                        }
                    }
                    (buf, bad)
                })
                .collect();
            for (chunk, bad) in rendered {
                bad_lines += bad;
                out.write_all(&chunk)?;
            }
            batch.clear();
        }
        if n == 0 {
            break;
        }
    }
    out.flush()?;
    bar.finish_and_clear();
    if bad_lines > 0 {
        eprintln!("{bad_lines} of {line_no} lines could not be read; each has an error record");
        return Ok(exit::PARTIAL);
    }
    Ok(exit::OK)
}

/// Appends one JSON line for an identified text.
fn write_identification(buf: &mut Vec<u8>, text: &str, id: &Identification<'_>) {
    // Serialising borrowed strings and numbers into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *buf, &IdentificationWire::new(text, id));
    buf.push(b'\n');
}

fn render(text: &str, id: &Identification<'_>) -> String {
    let mut s = String::new();
    if id.matches.is_empty() {
        s.push_str(&format!(
            "No controlled substance identified in \"{text}\".\n"
        ));
    } else {
        let mut table = Table::new(&[
            "SCORE",
            "SUBSTANCE",
            "CAS",
            "MATCHED ON",
            "MATCHED TEXT",
            "CONTROLS",
        ]);
        for m in &id.matches {
            table.row(vec![
                format!("{:.2}", m.score),
                format!("{} ({})", m.substance.name, m.substance.id),
                m.substance
                    .cas
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| "-".into()),
                format!("{:?}", m.matched_on).to_lowercase()
                    + &m.form.map(|f| format!(" ({f})")).unwrap_or_default(),
                m.matched_text.clone(),
                m.substance.control_ids().join(", "),
            ]);
        }
        s.push_str(&table.render());
    }
    for c in &id.cas_mentions {
        match (c.cas, c.substance) {
            (None, _) => s.push_str(&format!(
                "note: `{}` looks like a CAS number but is not valid\n",
                c.text
            )),
            (Some(cas), None) => s.push_str(&format!(
                "note: CAS {cas} is not a controlled substance in the registry\n"
            )),
            _ => {}
        }
    }
    if id.cas_name_conflict {
        s.push_str("warning: the CAS number and the description name different substances\n");
    }
    s
}
