//! `interdict match-party` and `interdict compare-names`.

use std::io::{self, BufWriter, Write};
use std::path::Path;

use anyhow::{bail, Context as _, Result};
use interdict_app::parties::{self, DEFAULT_THRESHOLD};
use interdict_core::CountryCode;
use interdict_types::ErrorRecord;
use interdict_watchlist::Index;

use crate::cli::{CompareNamesArgs, MatchPartyArgs};
use crate::exit;
use crate::output::{write_ordered, Context, Table};

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
    CountryCode::parse(c)
        .map(|code| code.to_string())
        .map_err(|_| format!("`{c}` is not an ISO 3166-1 alpha-2 country code"))
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
    let hits = parties::search(&index, name, country.as_deref(), threshold, args.limit);
    let mut out = io::stdout().lock();
    if ctx.json {
        let answer = parties::answer(name, country.as_deref(), &hits);
        writeln!(out, "{}", serde_json::to_string(&answer)?)?;
    } else if hits.is_empty() {
        writeln!(
            out,
            "No watchlist entry matches \"{}\" at or above {threshold}.",
            crate::output::terminal(name)
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
                let fields: Vec<&str> = idx
                    .iter()
                    .map(|c| c.and_then(|c| r.get(c)).unwrap_or("").trim())
                    .collect();
                // Names over the matcher's limits (MAX_NAME_BYTES, MAX_NAME_WORDS) are refused
                // for this row before any work, like the importers refuse them.
                let oversized = columns.iter().zip(&fields).find_map(|(column, value)| {
                    let checked = if column.starts_with("name") {
                        interdict_watchlist::check_name_size(value).err()
                    } else {
                        None
                    };
                    match checked {
                        Some(interdict_watchlist::NameError::NoWords) | None
                            if value.len() <= interdict_watchlist::MAX_NAME_BYTES =>
                        {
                            None
                        }
                        Some(e) => Some(format!("line {line}, field {column}: {e}")),
                        None => Some(format!(
                            "line {line}, field {column}: {} bytes, over the limit of {} bytes",
                            value.len(),
                            interdict_watchlist::MAX_NAME_BYTES
                        )),
                    }
                });
                out.push((
                    line,
                    match oversized {
                        Some(message) => Err(message),
                        None => Ok(fields.into_iter().map(str::to_string).collect()),
                    },
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
    if crate::output::empty_input(ctx, path) {
        return Ok(exit::OK);
    }
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
        // Serialising into a Vec cannot fail.
        let _ = match row {
            Row::Query { name, country } => serde_json::to_writer(
                &mut *buf,
                &parties::match_party(index, name, country.as_deref(), threshold, limit),
            ),
            Row::Bad { line, message } => serde_json::to_writer(
                &mut *buf,
                &ErrorRecord::invalid_record(message.as_str()).with_line(*line),
            ),
        };
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
    if crate::output::empty_input(ctx, &args.input) {
        return Ok(exit::OK);
    }
    let rows = read_rows(&args.input, &["name1", "name2", "schema"])?;
    let bad = rows.iter().filter(|r| r.1.is_err()).count();
    let mut out = BufWriter::new(io::stdout().lock());
    write_ordered(&mut out, &rows, |(line, row), buf| {
        let _ = match row {
            Ok(v) => serde_json::to_writer(&mut *buf, &parties::compare_names(&v[0], &v[1], &v[2])),
            Err(message) => serde_json::to_writer(
                &mut *buf,
                &ErrorRecord::invalid_record(message.as_str()).with_line(*line),
            ),
        };
        buf.push(b'\n');
    })?;
    out.flush()?;
    Ok(if bad > 0 { exit::PARTIAL } else { exit::OK })
}
