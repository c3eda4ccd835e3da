//! `interdict lists`: import watchlists into the data directory and show what is loaded.

use std::io::{self, Write};
use std::path::Path;

use anyhow::{bail, Context as _, Result};
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

/// `interdict lists import`.
pub fn import(ctx: &Context, format: &str, path: &Path, name: Option<&str>) -> Result<u8> {
    let Some(format) = Format::parse(format) else {
        bail!("unknown format `{format}` (expected ofac-sdn, un-xml, ftm or csv)");
    };
    let name = name.unwrap_or(format.default_list_name());
    let (entities, checksum) = parse_list(format, path).with_context(|| {
        format!(
            "{} was not imported; the previous snapshot of `{name}` is unchanged",
            path.display()
        )
    })?;
    let db = ctx.database()?;
    let imported = lists::import(
        &db,
        None,
        name,
        format,
        &path.display().to_string(),
        &lists::ParsedList { entities, checksum },
        &crate::output::now_rfc3339(),
    )?;
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
    let db = ctx.database()?;
    lists::load_index(&db)
        .with_context(|| format!("reading the watchlists of {}", ctx.database_location()))
}

/// `interdict lists status`: what is loaded, from where, when, with which checksum and counts.
pub fn status(ctx: &Context) -> Result<u8> {
    let rows = lists::status(&ctx.database()?)?;
    let mut out = io::stdout().lock();
    if ctx.json {
        for s in &rows {
            writeln!(
                out,
                "{}",
                json!({"name": s.name, "format": s.format, "source": s.source, "imported_at": s.imported_at,
                       "checksum": s.checksum, "records": s.record_count})
            )?;
        }
    } else if rows.is_empty() {
        writeln!(
            out,
            "No watchlists loaded in {} (import one with `interdict lists import`).",
            ctx.database_location()
        )?;
    } else {
        let mut t = Table::new(&["LIST", "FORMAT", "RECORDS", "IMPORTED", "SHA-256", "SOURCE"]);
        for s in rows {
            t.row(vec![
                s.name,
                s.format,
                s.record_count.to_string(),
                s.imported_at,
                s.checksum.chars().take(12).collect(),
                s.source,
            ]);
        }
        out.write_all(t.render().as_bytes())?;
    }
    Ok(exit::OK)
}
