//! `interdict lists`: import watchlists into the data directory and show what is loaded.

use std::io::{self, Write};
use std::path::Path;

use anyhow::{bail, Context as _, Result};
use interdict_app::lists::Replaced;
use interdict_app::lists::{self, ListText};
use interdict_watchlist::import::Format;
use interdict_watchlist::{Entity, Index};
use serde_json::json;

use crate::exit;
use crate::output::{Context, Table};

fn read(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        let prefix = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = prefix.iter().filter(|&&b| b == b'\n').count() + 1;
        anyhow::anyhow!("{}, line {line}: not UTF-8", path.display())
    })
}

/// Reads a list file in the given format. For OFAC, `alt.csv` and `add.csv` beside `sdn.csv`
/// are read too when present. Returns the entities and the SHA-256 of every byte read.
pub fn parse_list(format: Format, path: &Path) -> Result<(Vec<Entity>, String)> {
    let text = read(path)?;
    let (alt, add) = if format == Format::OfacSdn {
        let dir = path.parent().unwrap_or(Path::new("."));
        let extra = |name: &str| -> Result<Option<String>> {
            let p = dir.join(name);
            if p.exists() {
                Ok(Some(read(&p)?))
            } else {
                let what = if name == "alt.csv" {
                    "aliases"
                } else {
                    "addresses and countries"
                };
                eprintln!(
                    "warning: no {} beside {}: the entries' {what} are not read",
                    p.display(),
                    path.display()
                );
                Ok(None)
            }
        };
        (extra("alt.csv")?, extra("add.csv")?)
    } else {
        (None, None)
    };
    let parsed = lists::parse(&ListText {
        format,
        main: &text,
        alt: alt.as_deref(),
        add: add.as_deref(),
    })?;
    Ok((parsed.entities, parsed.checksum))
}

/// [`lists::check_shrink`] for a file given on the command line.
pub fn guard_replacement(
    db: &interdict_app::Database,
    kind: &str,
    name: &str,
    source: &Path,
    new_count: usize,
    allow_shrink: bool,
) -> Result<Option<Replaced>> {
    Ok(lists::check_shrink(
        db,
        kind,
        name,
        &source.display().to_string(),
        new_count,
        allow_shrink,
    )?)
}

/// Says what an import replaced.
pub fn say_replaced(ctx: &Context, previous: Option<&Replaced>) {
    if let (Some(p), false) = (previous, ctx.quiet) {
        eprintln!(
            "replaced the snapshot of `{}`: {} records from {}, imported {}",
            p.name, p.records, p.source, p.imported_at
        );
    }
}

pub fn import(
    ctx: &Context,
    format: &str,
    path: &Path,
    name: Option<&str>,
    allow_shrink: bool,
) -> Result<u8> {
    let Some(format) = Format::parse(format) else {
        bail!("unknown format `{format}` (expected ofac-sdn, un-xml, ftm or csv)");
    };
    let name = name.unwrap_or(format.default_list_name());
    lists::check_list_name(name).map_err(|e| anyhow::anyhow!("--{e}"))?;
    let (entities, checksum) = parse_list(format, path).with_context(|| {
        format!(
            "{} was not imported; the previous snapshot of `{name}` is unchanged",
            path.display()
        )
    })?;
    let db = ctx.database()?;
    let previous = guard_replacement(&db, lists::KIND, name, path, entities.len(), allow_shrink)?;
    let imported = lists::import(
        &db,
        None,
        name,
        format,
        &path.display().to_string(),
        &lists::ParsedList { entities, checksum },
        &crate::output::now_rfc3339(),
    )?;
    say_replaced(ctx, previous.as_ref());
    let meta = &imported.snapshot;
    if ctx.json {
        writeln!(
            io::stdout().lock(),
            "{}",
            json!({"list": name, "format": format.name(), "source": meta.source, "entities": imported.entities,
                   "names": imported.names, "checksum": meta.checksum, "imported_at": meta.imported_at})
        )?;
    } else if !ctx.quiet {
        eprintln!(
            "imported {} entities ({} names) into list `{name}` (sha256 {})",
            imported.entities,
            imported.names,
            &meta.checksum[..12]
        );
    }
    Ok(exit::OK)
}

/// Loads every active watchlist of the database into one index.
pub fn load_index(ctx: &Context) -> Result<Index> {
    let db = ctx.database_for_reading()?;
    lists::load_index(&db)
        .with_context(|| format!("reading the watchlists of {}", ctx.database_location()))
}

/// `interdict lists status`: what is loaded, from where, when, with which checksum and counts.
pub fn status(ctx: &Context) -> Result<u8> {
    let db = ctx.database_for_reading()?;
    let rows = lists::status(&db)?;
    // Each list's records are read back, so a damaged database is not reported as fine.
    let stored = db.snapshot_records(lists::KIND);
    let state = |name: &str, expected: i64| -> String {
        let Ok(stored) = &stored else {
            return "unreadable".into();
        };
        let Some((_, bodies)) = stored.iter().find(|(n, _)| n == name) else {
            return "corrupt: no records stored".into();
        };
        if bodies.len() as i64 != expected {
            return format!(
                "corrupt: {} records stored, {expected} recorded",
                bodies.len()
            );
        }
        match bodies
            .iter()
            .position(|b| serde_json::from_str::<Entity>(b).is_err())
        {
            Some(i) => format!("corrupt: record {} unreadable", i + 1),
            None => "ok".into(),
        }
    };
    let states: Vec<String> = rows
        .iter()
        .map(|s| state(&s.name, s.record_count))
        .collect();
    // The ALR ledger of recorded imports: every entry read back the way screening reads it.
    let (ledger, damaged_ledger) = interdict_app::screening::read_ledger(&db)?;
    let mut out = io::stdout().lock();
    if ctx.json {
        for (s, state) in rows.iter().zip(&states) {
            writeln!(
                out,
                "{}",
                json!({"name": s.name, "format": s.format, "source": s.source, "imported_at": s.imported_at,
                       "checksum": s.checksum, "records": s.record_count, "state": state})
            )?;
        }
    } else if rows.is_empty() {
        writeln!(
            out,
            "No watchlists loaded in {} (import one with `interdict lists import`).",
            ctx.database_location()
        )?;
    } else {
        let mut t = Table::new(&[
            "LIST", "FORMAT", "RECORDS", "IMPORTED", "SHA-256", "STATE", "SOURCE",
        ]);
        for (s, state) in rows.into_iter().zip(&states) {
            t.row(vec![
                s.name,
                s.format,
                s.record_count.to_string(),
                s.imported_at,
                s.checksum.chars().take(12).collect(),
                state.clone(),
                s.source,
            ]);
        }
        out.write_all(t.render().as_bytes())?;
    }
    let ledger_state = match damaged_ledger.first() {
        None => "ok".to_string(),
        Some((at, why)) => format!(
            "corrupt: {} entries unreadable (entry {at}: {why})",
            damaged_ledger.len()
        ),
    };
    let ledger_held = !(ledger.is_empty() && damaged_ledger.is_empty());
    if ctx.json && ledger_held {
        writeln!(
            out,
            "{}",
            json!({"name": "alr_ledger", "records": ledger.len() + damaged_ledger.len(),
                   "unreadable": damaged_ledger.len(), "state": ledger_state})
        )?;
    } else if ledger_held && !ctx.json {
        writeln!(
            out,
            "ALR ledger: {} recorded imports, {ledger_state}",
            ledger.len() + damaged_ledger.len()
        )?;
    }
    if !damaged_ledger.is_empty() {
        bail!(
            "{} recorded imports in the ALR ledger of {} cannot be read; screening leaves them out of the ALR totals",
            damaged_ledger.len(),
            ctx.database_location()
        );
    }
    if let Err(e) = &stored {
        bail!(
            "the watchlist records of {} cannot be read: {e}",
            ctx.database_location()
        );
    }
    if states.iter().any(|s| s != "ok") {
        bail!(
            "some watchlists of {} are damaged; import them again",
            ctx.database_location()
        );
    }
    Ok(exit::OK)
}
