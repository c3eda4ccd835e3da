//! `interdict match-party` and `interdict compare-names`.

use std::io::{self, BufWriter, Write};
use std::path::Path;

use anyhow::{bail, Context as _, Result};
use interdict_watchlist::{compare, Index, NameForm, PartyMatch, Query, Schema, DEFAULT_THRESHOLD};
use serde_json::json;

use interdict_types::{PartyMatchWire, PartyQueryWire, PartyResultWire};

use crate::cli::{CompareNamesArgs, MatchPartyArgs};
use crate::exit;
use crate::output::{round3, write_ordered, Context, Table};

/// One `match-party` answer as JSON: the query and its matches, best first.
fn result_json(name: &str, country: Option<&str>, hits: &[PartyMatch<'_>]) -> String {
    serde_json::to_string(&PartyResultWire {
        query: PartyQueryWire { name, country },
        matches: PartyMatchWire::from_matches(hits),
    })
    .unwrap_or_default()
}

/// One row of `--input`: a name and an optional country, or why the row could not be read.
enum Row {
    Query {
        name: String,
        country: Option<String>,
    },
    Bad {
        line: u64,
        message: String,
    },
}

fn check_country(c: &str) -> Result<String, String> {
    let up = c.trim().to_ascii_uppercase();
    if interdict_core::is_iso2(&up) {
        Ok(up)
    } else {
        Err(format!("`{c}` is not an ISO 3166-1 alpha-2 country code"))
    }
}

pub fn match_party(ctx: &Context, args: &MatchPartyArgs) -> Result<u8> {
    let threshold = args.threshold.unwrap_or(DEFAULT_THRESHOLD);
    let started = std::time::Instant::now();
    let index = super::lists::load_index(ctx)?;
    if index.entity_count() == 0 {
        bail!(
            "no watchlists loaded in {}; import one with `interdict lists import --format ofac-sdn sdn.csv`",
            ctx.data_dir.display()
        );
    }
    tracing::info!(
        entities = index.entity_count(),
        names = index.name_count(),
        ms = started.elapsed().as_millis() as u64,
        "watchlist index loaded"
    );
    if let Some(path) = &args.input {
        return match_file(ctx, &index, path, threshold, args.limit);
    }
    let Some(name) = args.name.as_deref() else {
        bail!("give a NAME or --input FILE");
    };
    let country = match args.country.as_deref().map(check_country).transpose() {
        Ok(c) => c,
        Err(e) => bail!("--country: {e}"),
    };
    let hits = index.search(
        &Query {
            name,
            country: country.as_deref(),
            schema: Schema::Unknown,
        },
        threshold,
        args.limit,
    );
    let mut out = io::stdout().lock();
    if ctx.json {
        writeln!(out, "{}", result_json(name, country.as_deref(), &hits))?;
    } else if hits.is_empty() {
        writeln!(
            out,
            "No watchlist entry matches \"{name}\" at or above {threshold}."
        )?;
    } else {
        let mut t = Table::new(&["SCORE", "LIST", "ID", "LISTED NAME", "PROGRAMS", "WHY"]);
        for h in &hits {
            t.row(vec![
                format!("{:.2}", h.score),
                h.list.to_string(),
                h.entity.id.clone(),
                h.matched_name.to_string(),
                h.entity.programs.join(" "),
                h.explanation.clone(),
            ]);
        }
        write!(out, "{}", t.render())?;
    }
    Ok(exit::OK)
}

/// A CSV row of the requested columns (by line number), or why it could not be read.
type CsvRow = (u64, Result<Vec<String>, String>);

fn read_rows(path: &Path, columns: &[&str]) -> Result<Vec<CsvRow>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(file);
    let headers = reader
        .headers()
        .with_context(|| format!("{}, line 1: unreadable header", path.display()))?
        .clone();
    let idx: Vec<Option<usize>> = columns
        .iter()
        .map(|c| {
            headers
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(c))
        })
        .collect();
    if idx[0].is_none() {
        bail!(
            "{}, line 1: missing column `{}`",
            path.display(),
            columns[0]
        );
    }
    let mut out = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let line = i as u64 + 2;
        match rec {
            Ok(r) => {
                let line = r.position().map_or(line, |p| p.line());
                out.push((
                    line,
                    Ok(idx
                        .iter()
                        .map(|c| c.and_then(|c| r.get(c)).unwrap_or("").trim().to_string())
                        .collect()),
                ))
            }
            Err(e) => out.push((line, Err(format!("line {line}: {e}")))),
        }
    }
    Ok(out)
}

fn match_file(
    ctx: &Context,
    index: &Index,
    path: &Path,
    threshold: f32,
    limit: usize,
) -> Result<u8> {
    let rows: Vec<Row> = read_rows(path, &["name", "country"])?
        .into_iter()
        .map(|(line, r)| match r {
            Err(message) => Row::Bad { line, message },
            Ok(v) if v[0].is_empty() => Row::Bad {
                line,
                message: format!("line {line}: empty `name`"),
            },
            Ok(v) => match (!v[1].is_empty()).then(|| check_country(&v[1])).transpose() {
                Ok(country) => Row::Query {
                    name: v[0].clone(),
                    country,
                },
                Err(e) => Row::Bad {
                    line,
                    message: format!("line {line}, field country: {e}"),
                },
            },
        })
        .collect();
    let bad = rows.iter().filter(|r| matches!(r, Row::Bad { .. })).count();
    let bar = ctx.progress(rows.len() as u64, "screening");
    let mut out = BufWriter::new(io::stdout().lock());
    write_ordered(&mut out, &rows, |row, buf| {
        match row {
            Row::Query { name, country } => {
                let hits = index.search(
                    &Query {
                        name,
                        country: country.as_deref(),
                        schema: Schema::Unknown,
                    },
                    threshold,
                    limit,
                );
                buf.extend_from_slice(result_json(name, country.as_deref(), &hits).as_bytes());
            }
            Row::Bad { line, message } => {
                let v =
                    json!({"line": line, "error": {"code": "invalid_record", "message": message}});
                let _ = serde_json::to_writer(&mut *buf, &v);
            }
        }
        buf.push(b'\n');
        bar.inc(1);
    })?;
    out.flush()?;
    bar.finish_and_clear();
    if bad > 0 {
        eprintln!(
            "{bad} of {} rows could not be read; each has an error record",
            rows.len()
        );
        return Ok(exit::PARTIAL);
    }
    Ok(exit::OK)
}

pub fn compare_names(ctx: &Context, args: &CompareNamesArgs) -> Result<u8> {
    let rows = read_rows(&args.input, &["name1", "name2", "schema"])?;
    let bad = rows.iter().filter(|r| r.1.is_err()).count();
    let mut out = BufWriter::new(io::stdout().lock());
    let _ = ctx;
    write_ordered(&mut out, &rows, |(line, row), buf| {
        let v = match row {
            Ok(v) => {
                let c = compare(
                    &NameForm::new(&v[0]),
                    &NameForm::new(&v[1]),
                    Schema::parse(&v[2]),
                );
                json!({"name1": v[0], "name2": v[1], "score": round3(c.score), "match": c.score >= DEFAULT_THRESHOLD,
                       "explanation": c.explanation})
            }
            Err(message) => {
                json!({"line": line, "error": {"code": "invalid_record", "message": message}})
            }
        };
        let _ = serde_json::to_writer(&mut *buf, &v);
        buf.push(b'\n');
    })?;
    out.flush()?;
    Ok(if bad > 0 { exit::PARTIAL } else { exit::OK })
}
