//! `interdict identify`: controlled substances in goods descriptions.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};

use anyhow::{Context as _, Result};
use interdict_registry::{Identification, Identifier, Registry};
use rayon::prelude::*;
use serde_json::{json, Value};

use crate::cli::IdentifyArgs;
use crate::exit;
use crate::output::{round3, Context, Table};

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
        writeln!(out, "{}", identification_json(text, &id))?;
    } else {
        out.write_all(render(text, &id).as_bytes())?;
    }
    Ok(exit::OK)
}

fn run_file(ctx: &Context, identifier: &Identifier<'_>, path: &std::path::Path) -> Result<u8> {
    let (reader, size): (Box<dyn Read>, u64) = if path.as_os_str() == "-" {
        (Box::new(io::stdin().lock()), 0)
    } else {
        let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        (Box::new(file), size)
    };
    let bar = ctx.progress(size, "identifying");
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let mut batch: Vec<(u64, Vec<u8>)> = Vec::with_capacity(BATCH);
    let mut line_no = 0u64;
    let mut bad_lines = 0u64;
    loop {
        let mut buf = Vec::new();
        let n = reader
            .read_until(b'\n', &mut buf)
            .with_context(|| format!("reading {} after line {line_no}", path.display()))?;
        if n > 0 {
            line_no += 1;
            bar.inc(n as u64);
            while matches!(buf.last(), Some(b'\n' | b'\r')) {
                buf.pop();
            }
            batch.push((line_no, buf));
        }
        if batch.len() == BATCH || (n == 0 && !batch.is_empty()) {
            let rendered: Vec<(String, bool)> = batch
                .par_iter()
                .map(|(line, bytes)| match std::str::from_utf8(bytes) {
                    Ok(text) => (identification_json(text, &identifier.identify(text)).to_string(), true),
                    Err(e) => (
                        json!({
                            "input": String::from_utf8_lossy(bytes),
                            "line": line,
                            "error": {"code": "invalid_utf8", "message": format!("line {line}: not UTF-8 ({e})")},
                        })
                        .to_string(),
                        false,
                    ),
                })
                .collect();
            for (line, ok) in rendered {
                bad_lines += u64::from(!ok);
                out.write_all(line.as_bytes())?;
                out.write_all(b"\n")?;
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

/// The JSON object for one identified text (the `--input` line format, extended for single texts).
pub fn identification_json(text: &str, id: &Identification<'_>) -> Value {
    let matches: Vec<Value> = id
        .matches
        .iter()
        .map(|m| {
            let mut v = json!({
                "substance_id": m.substance.id,
                "name": m.substance.name,
                "cas": m.substance.cas,
                "controls": m.substance.control_ids(),
                "score": round3(m.score),
                "matched_on": m.matched_on,
                "matched_text": m.matched_text,
            });
            if let Some(form) = m.form {
                v["form"] = json!(form);
            }
            v
        })
        .collect();
    let mut v = json!({"input": text, "matches": matches});
    if !id.cas_mentions.is_empty() {
        v["cas_mentions"] = id
            .cas_mentions
            .iter()
            .map(|c| {
                json!({
                    "text": c.text,
                    "valid": c.cas.is_some(),
                    "cas": c.cas,
                    "substance_id": c.substance.map(|s| s.id.as_str()),
                })
            })
            .collect();
    }
    if id.cas_name_conflict {
        v["cas_name_conflict"] = json!(true);
    }
    v
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
