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

/// Rows read a window at a time, so memory holds one window however long the file, and what
/// was matched is written before the next window is read (a run stopped part-way keeps its
/// output).
struct RowReader {
    reader: csv::Reader<std::fs::File>,
    columns: &'static [&'static str],
    idx: Vec<Option<usize>>,
    record: csv::StringRecord,
    size: u64,
}

/// Rows per window: enough to keep every core busy, few enough that a window is small.
fn window() -> usize {
    128 * rayon::current_num_threads().max(1)
}

impl RowReader {
    fn open(path: &Path, columns: &'static [&'static str]) -> Result<RowReader> {
        let file =
            std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(file);
        let headers = reader
            .headers()
            .with_context(|| format!("{}, line 1: unreadable header", path.display()))?
            .clone();
        let idx: Vec<Option<usize>> = columns
            .iter()
            .map(|c| {
                headers.iter().position(|h| {
                    h.trim()
                        .trim_start_matches('\u{feff}')
                        .eq_ignore_ascii_case(c)
                })
            })
            .collect();
        if idx[0].is_none() {
            bail!(
                "{}, line 1: missing column `{}`",
                path.display(),
                columns[0]
            );
        }
        Ok(RowReader {
            reader,
            columns,
            idx,
            record: csv::StringRecord::new(),
            size,
        })
    }

    /// Bytes read so far, for the progress bar.
    fn position(&self) -> u64 {
        self.reader.position().byte()
    }

    /// The next `n` rows (fewer at the end of the file).
    fn next_window(&mut self, n: usize) -> Vec<CsvRow> {
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            let line = self.reader.position().line();
            match self.reader.read_record(&mut self.record) {
                Ok(false) => break,
                Ok(true) => {
                    let line = self.record.position().map_or(line, |p| p.line());
                    out.push((line, self.fields(line)));
                }
                Err(e) => {
                    let line = e.position().map_or(line, |p| p.line());
                    let io = matches!(e.kind(), csv::ErrorKind::Io(_));
                    out.push((line, Err(format!("line {line}: {e}"))));
                    if io {
                        break;
                    }
                }
            }
        }
        out
    }

    fn fields(&self, line: u64) -> Result<Vec<String>, String> {
        let fields: Vec<&str> = self
            .idx
            .iter()
            .map(|c| c.and_then(|c| self.record.get(c)).unwrap_or("").trim())
            .collect();
        // Names over the matcher's limits (MAX_NAME_BYTES, MAX_NAME_WORDS) are refused for
        // this row before any work, like the importers refuse them.
        for (column, value) in self.columns.iter().zip(&fields) {
            let checked = if column.starts_with("name") {
                interdict_watchlist::check_name_size(value).err()
            } else {
                None
            };
            match checked {
                Some(interdict_watchlist::NameError::NoWords) | None
                    if value.len() <= interdict_watchlist::MAX_NAME_BYTES => {}
                Some(e) => return Err(format!("line {line}, field {column}: {e}")),
                None => {
                    return Err(format!(
                        "line {line}, field {column}: {} bytes, over the limit of {} bytes",
                        value.len(),
                        interdict_watchlist::MAX_NAME_BYTES
                    ))
                }
            }
        }
        Ok(fields.into_iter().map(str::to_string).collect())
    }
}

fn to_row((line, r): CsvRow) -> Row {
    match r {
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
    }
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
    let mut reader = RowReader::open(path, &["name", "country"])?;
    let bar = ctx.progress(reader.size, "screening");
    let mut out = BufWriter::new(io::stdout().lock());
    let (mut rows, mut bad) = (0usize, 0usize);
    loop {
        let window: Vec<Row> = reader
            .next_window(window())
            .into_iter()
            .map(to_row)
            .collect();
        if window.is_empty() {
            break;
        }
        rows += window.len();
        bad += window
            .iter()
            .filter(|r| matches!(r, Row::Bad { .. }))
            .count();
        write_ordered(&mut out, &window, |row, buf| {
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
        })?;
        bar.set_position(reader.position());
    }
    out.flush()?;
    bar.finish_and_clear();
    if bad > 0 {
        eprintln!("{bad} of {rows} rows could not be read; each has an error record");
        return Ok(exit::PARTIAL);
    }
    Ok(exit::OK)
}

pub fn compare_names(ctx: &Context, args: &CompareNamesArgs) -> Result<u8> {
    if crate::output::empty_input(ctx, &args.input) {
        return Ok(exit::OK);
    }
    let mut reader = RowReader::open(&args.input, &["name1", "name2", "schema"])?;
    let bar = ctx.progress(reader.size, "comparing");
    let mut out = BufWriter::new(io::stdout().lock());
    let mut bad = 0usize;
    loop {
        let window = reader.next_window(window());
        if window.is_empty() {
            break;
        }
        bad += window.iter().filter(|r| r.1.is_err()).count();
        write_ordered(&mut out, &window, |(line, row), buf| {
            let _ = match row {
                Ok(v) => {
                    serde_json::to_writer(&mut *buf, &parties::compare_names(&v[0], &v[1], &v[2]))
                }
                Err(message) => serde_json::to_writer(
                    &mut *buf,
                    &ErrorRecord::invalid_record(message.as_str()).with_line(*line),
                ),
            };
            buf.push(b'\n');
        })?;
        bar.set_position(reader.position());
    }
    out.flush()?;
    bar.finish_and_clear();
    Ok(if bad > 0 { exit::PARTIAL } else { exit::OK })
}
