//! `interdict screen`, `interdict alr`, `interdict pens`.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::Path;

use anyhow::{bail, Context as _, Result};
use interdict_app::screening::{self, ContextKind, Screened};
use interdict_registry::Registry;
use interdict_screen::{parse_alr, parse_pens, parse_route_risk};
use interdict_screen::{Assessment, DeclarationReader, InputFormat, Level, Screener};
use interdict_watchlist::import::Format;
use serde_json::json;

use crate::cli::{ImportCommand, ScreenArgs};
use crate::exit;
use crate::output::{open_input, Context, Table};

fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// `interdict alr import|status` and `interdict pens import|status`.
pub fn context_import(ctx: &Context, kind: ContextKind, cmd: &ImportCommand) -> Result<u8> {
    match cmd {
        ImportCommand::Import { file, allow_shrink } => {
            let text = read_text(file)?;
            let name = file.display().to_string();
            let db = ctx.database()?;
            // Counted by the same parser the import runs (its errors are reported there).
            let count = match kind {
                ContextKind::Alr => parse_alr(&name, &text).map(|r| r.len()),
                ContextKind::Pens => parse_pens(&name, &text).map(|r| r.len()),
            };
            let previous = match count {
                Ok(n) => super::lists::guard_replacement(
                    &db,
                    kind.as_str(),
                    kind.as_str(),
                    file,
                    n,
                    *allow_shrink,
                )?,
                Err(_) => None,
            };
            let snapshot = screening::import_context(
                &db,
                None,
                kind,
                &name,
                &text,
                &crate::output::now_rfc3339(),
            )
            .map_err(|e| match e {
                interdict_app::AppError::Invalid { message, .. } => anyhow::anyhow!(message),
                other => anyhow::anyhow!(other),
            })?;
            super::lists::say_replaced(ctx, previous.as_ref());
            if !ctx.quiet {
                eprintln!(
                    "imported {} {} records from {name}",
                    snapshot.record_count,
                    kind.as_str()
                );
            }
            Ok(exit::OK)
        }
        ImportCommand::Status => {
            let db = ctx.database_for_reading()?;
            let mut out = io::stdout().lock();
            for s in db.snapshots(kind.as_str())? {
                writeln!(
                    out,
                    "{}",
                    json!({"kind": kind.as_str(), "records": s.record_count, "source": s.source, "imported_at": s.imported_at, "checksum": s.checksum})
                )?;
            }
            Ok(exit::OK)
        }
    }
}

fn watchlist_format(path: &Path) -> Format {
    let name = path.to_string_lossy().to_ascii_lowercase();
    if name.ends_with(".xml") {
        Format::UnXml
    } else if name.ends_with(".json") || name.ends_with(".jsonl") || name.ends_with(".ndjson") {
        Format::Ftm
    } else if name.ends_with("sdn.csv") {
        Format::OfacSdn
    } else {
        Format::Csv
    }
}

/// Whether two paths name one file (the same device and inode), for `--out` over the input.
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

pub fn screen(ctx: &Context, args: &ScreenArgs) -> Result<u8> {
    let started = std::time::Instant::now();
    if let Some(out) = &args.out {
        let inputs = std::iter::once(&args.file)
            .chain(&args.watchlist)
            .chain(args.alr.iter())
            .chain(args.pens.iter())
            .chain(args.route_risk.iter())
            .chain(args.weights.iter());
        for input in inputs {
            if same_file(input, out) {
                bail!(
                    "--out {} is an input of this run ({}): it would be overwritten before it is read; write the results elsewhere",
                    out.display(),
                    input.display()
                );
            }
        }
    }
    let db = if args.record {
        ctx.database()?
    } else {
        ctx.database_for_reading()?
    };

    // Context: the database, then this run's files.
    let mut extra = screening::Extra::default();
    for path in &args.watchlist {
        let format = watchlist_format(path);
        let (entities, _) = super::lists::parse_list(format, path)
            .with_context(|| format!("--watchlist {}", path.display()))?;
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        extra.watchlists.push((name, entities));
    }
    if let Some(p) = &args.alr {
        extra.alr = parse_alr(&p.display().to_string(), &read_text(p)?)?;
    }
    if let Some(p) = &args.pens {
        extra.pens = parse_pens(&p.display().to_string(), &read_text(p)?)?;
    }
    if let Some(p) = &args.route_risk {
        extra.context.route_risk = parse_route_risk(&p.display().to_string(), &read_text(p)?)?;
    }
    if let Some(p) = &args.weights {
        extra
            .context
            .weights
            .parse_overrides(&p.display().to_string(), &read_text(p)?)?;
    }
    for c in &args.pen_table_ii {
        let Ok(code) = interdict_core::CountryCode::parse(c) else {
            bail!(
                "--pen-table-ii: `{}` is not an ISO 3166-1 alpha-2 code",
                c.trim().to_ascii_uppercase()
            );
        };
        extra.context.pen_table_ii_countries.push(code);
    }
    let session = screening::load(&db, extra).with_context(|| {
        format!(
            "reading the screening context of {}",
            ctx.database_location()
        )
    })?;
    if !session.damaged_ledger.is_empty() && !ctx.quiet {
        let (first, why) = &session.damaged_ledger[0];
        eprintln!(
            "warning: {} recorded import(s) in the ALR ledger of {} cannot be read and are left out of the totals (entry {first}: {why}); `interdict lists status` lists them",
            session.damaged_ledger.len(),
            ctx.database_location()
        );
    }
    let mut ledger = session.ledger(args.record);
    let index = session.index;
    let watchlist = (index.entity_count() > 0).then_some(&index);
    let screener = Screener::new(Registry::builtin(), watchlist, session.context);
    tracing::info!(
        ms = started.elapsed().as_millis() as u64,
        entities = index.entity_count(),
        "screening context loaded"
    );

    // Input.
    let (reader, size) = open_input(&args.file)?;
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let head = reader
        .fill_buf()
        .context("reading the declarations")?
        .to_vec();
    let format = InputFormat::detect(&args.file.to_string_lossy(), &head);
    if let Some(named) = InputFormat::by_name(&args.file.to_string_lossy()) {
        if named != format {
            let said = |f: InputFormat| match f {
                InputFormat::Csv => "CSV",
                InputFormat::JsonLines => "JSON",
            };
            eprintln!(
                "warning: {} is named as {} but holds {}; read as {}",
                args.file.display(),
                said(named),
                said(format),
                said(format)
            );
        }
    }
    let counter = CountingReader {
        inner: reader,
        count: std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0)),
    };
    let consumed = counter.count.clone();
    let mut declarations = DeclarationReader::new(BufReader::new(counter), format);

    // Output: JSON Lines to --out or a pipe; a table on a terminal.
    let table_mode = args.out.is_none() && !ctx.json && io::stdout().is_terminal();
    let out: Box<dyn Write> = match &args.out {
        Some(p) => Box::new(BufWriter::new(
            File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        )),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    // Written by each outcome and flushed after each batch.
    let out = std::cell::RefCell::new(out);
    // On a terminal: the flagged declarations, riskiest first.
    let mut table_rows: Vec<(u32, u64, Vec<String>)> = Vec::new();
    let bar = ctx.progress(size, "screening");
    let mut summary = Summary::default();
    let mut warned_unknown = false;
    screening::screen_batches::<_, anyhow::Error>(
        &screener,
        &mut ledger,
        &mut declarations,
        |outcome| {
            match &outcome {
                Screened::Assessed(d, a) => {
                    summary.add(a);
                    if !table_mode {
                        let mut buf = Vec::with_capacity(512);
                        screening::write_outcome(&mut buf, &outcome);
                        out.borrow_mut().write_all(&buf)?;
                    } else if a.risk.level != Level::None {
                        let mut flags: Vec<&str> =
                            a.flags.iter().map(|f| f.code.as_str()).collect();
                        flags.dedup();
                        let goods: String = d.goods_description.chars().take(40).collect();
                        let row = vec![
                            a.id.clone(),
                            a.risk.level.as_str().into(),
                            a.risk.score.to_string(),
                            flags.join(" "),
                            goods,
                        ];
                        table_rows.push((a.risk.score, d.line, row));
                    }
                }
                Screened::Invalid(e) => {
                    summary.errors += 1;
                    if table_mode {
                        let row = vec![
                            e.id.clone().unwrap_or_else(|| format!("line {}", e.line)),
                            "error".into(),
                            "-".into(),
                            e.message.clone(),
                            String::new(),
                        ];
                        table_rows.push((101, e.line, row));
                    } else {
                        let mut buf = Vec::with_capacity(256);
                        screening::write_outcome(&mut buf, &outcome);
                        out.borrow_mut().write_all(&buf)?;
                    }
                }
            }
            Ok(())
        },
        |declarations| {
            if !warned_unknown && !declarations.unknown_fields().is_empty() {
                warned_unknown = true;
                let names: Vec<&str> = declarations
                    .unknown_fields()
                    .iter()
                    .map(String::as_str)
                    .collect();
                eprintln!(
                    "warning: ignoring fields not in the declaration format: {}",
                    names.join(", ")
                );
            }
            bar.set_position(consumed.load(std::sync::atomic::Ordering::Relaxed));
            // What is computed is written: a later record that stops the process cannot take
            // the results before it with it.
            if !table_mode {
                out.borrow_mut().flush()?;
            }
            Ok(true)
        },
    )?;
    bar.finish_and_clear();
    if declarations.id_check_exhausted() {
        eprintln!(
            "warning: only the first {} ids were checked for duplicates",
            interdict_screen::ID_CHECK_LIMIT
        );
    }
    for warning in screener.warnings() {
        eprintln!("warning: {warning}");
    }
    let mut out = out.into_inner();
    if table_mode {
        table_rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut table = Table::new(&["ID", "LEVEL", "SCORE", "FLAGS", "GOODS"]);
        for (_, _, row) in table_rows {
            table.row(row);
        }
        out.write_all(table.render().as_bytes())?;
        let none = summary.by_level.get(&Level::None).copied().unwrap_or(0);
        if none > 0 {
            writeln!(out, "({none} declarations rated none are not listed; --json or --out gives every result)")?;
        }
    }
    out.flush()?;
    drop(out);

    if args.record && !ledger.new_entries().is_empty() {
        let n =
            screening::record_imports(&db, ledger.new_entries(), &crate::output::now_rfc3339())?;
        if !ctx.quiet {
            eprintln!(
                "recorded {n} imports in {} for later ALR totals",
                ctx.database_location()
            );
        }
    }
    if !ctx.quiet {
        eprint!("{}", summary.render(started.elapsed()));
    }
    Ok(if summary.errors > 0 {
        exit::PARTIAL
    } else {
        exit::OK
    })
}

/// Counts bytes read, for the progress bar.
struct CountingReader<R> {
    inner: R,
    count: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

#[derive(Default)]
struct Summary {
    screened: u64,
    errors: u64,
    by_level: BTreeMap<Level, u64>,
    by_flag: BTreeMap<&'static str, u64>,
    /// Results that say part of the declaration was not examined (`notes`).
    noted: u64,
}

impl Summary {
    fn add(&mut self, a: &Assessment) {
        self.screened += 1;
        self.noted += u64::from(!a.notes.is_empty());
        *self.by_level.entry(a.risk.level).or_default() += 1;
        let mut seen: Vec<&str> = Vec::new();
        for f in &a.flags {
            let code = f.code.as_str();
            if !seen.contains(&code) {
                seen.push(code);
                *self.by_flag.entry(code).or_default() += 1;
            }
        }
    }

    fn render(&self, elapsed: std::time::Duration) -> String {
        let mut s = format!(
            "screened {} declarations in {:.2} s; {} could not be read\n",
            self.screened,
            elapsed.as_secs_f64(),
            self.errors
        );
        if self.noted > 0 {
            s.push_str(&format!(
                "{} results carry notes on what was not examined (a structure past the limits); `--json` shows them\n",
                self.noted
            ));
        }
        let levels: Vec<String> = [
            Level::Critical,
            Level::High,
            Level::Medium,
            Level::Low,
            Level::None,
        ]
        .iter()
        .map(|l| {
            format!(
                "{} {}",
                l.as_str(),
                self.by_level.get(l).copied().unwrap_or(0)
            )
        })
        .collect();
        s.push_str(&format!("levels: {}\n", levels.join(", ")));
        if !self.by_flag.is_empty() {
            let flags: Vec<String> = interdict_screen::FLAG_CODES
                .iter()
                .filter_map(|c| self.by_flag.get(c).map(|n| format!("{c} {n}")))
                .collect();
            s.push_str(&format!("flags: {}\n", flags.join(", ")));
        }
        s
    }
}
