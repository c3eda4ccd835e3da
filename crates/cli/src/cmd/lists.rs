//! `interdict lists`: import watchlists into the data directory and show what is loaded.

use std::io::{self, Write};
use std::path::Path;

use anyhow::{bail, Context as _, Result};
use interdict_store::Snapshot;
use interdict_watchlist::import::{coalition_csv, ftm, ofac, un_xml, Format};
use interdict_watchlist::{Entity, Index};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::exit;
use crate::output::{Context, Table};

const KIND: &str = "watchlist";

fn read(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        let prefix = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = prefix.iter().filter(|&&b| b == b'\n').count() + 1;
        anyhow::anyhow!("{}, line {line}: not UTF-8", path.display())
    })
}

/// Parses a list file in the given format. For OFAC, `alt.csv` and `add.csv` beside `sdn.csv`
/// are read too when present. Returns the entities and the SHA-256 of every byte read.
pub fn parse_list(format: Format, path: &Path) -> Result<(Vec<Entity>, String)> {
    let text = read(path)?;
    let mut hasher = Sha256::new();
    hasher.update(text.as_bytes());
    let entities = match format {
        Format::OfacSdn => {
            let dir = path.parent().unwrap_or(Path::new("."));
            let mut extra = |name: &str| -> Result<Option<String>> {
                let p = dir.join(name);
                if p.exists() {
                    let t = read(&p)?;
                    hasher.update(t.as_bytes());
                    Ok(Some(t))
                } else {
                    Ok(None)
                }
            };
            let (alt, add) = (extra("alt.csv")?, extra("add.csv")?);
            ofac::parse(&text, alt.as_deref(), add.as_deref())?
        }
        Format::UnXml => un_xml::parse(&text)?,
        Format::Ftm => ftm::parse(&text)?,
        Format::Csv => coalition_csv::parse(&text)?,
    };
    let checksum = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((entities, checksum))
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
    let records: Vec<(String, String)> = entities
        .iter()
        .map(|e| Ok((e.id.clone(), serde_json::to_string(e)?)))
        .collect::<Result<_>>()?;
    let store = ctx.store()?;
    let meta = Snapshot {
        kind: KIND.into(),
        name: name.into(),
        source: path.display().to_string(),
        format: format.name().into(),
        checksum,
        record_count: records.len() as i64,
        imported_at: crate::output::now_rfc3339(),
    };
    store.replace_snapshot(&meta, &records)?;
    let names: usize = entities.iter().map(|e| e.names.len()).sum();
    if ctx.json {
        writeln!(
            io::stdout().lock(),
            "{}",
            json!({"list": name, "format": format.name(), "source": meta.source, "entities": entities.len(),
                   "names": names, "checksum": meta.checksum, "imported_at": meta.imported_at})
        )?;
    } else if !ctx.quiet {
        eprintln!(
            "imported {} entities ({} names) into list `{name}` (sha256 {})",
            entities.len(),
            names,
            &meta.checksum[..12]
        );
    }
    Ok(exit::OK)
}

/// Loads every active watchlist of the data directory into one index.
pub fn load_index(ctx: &Context) -> Result<Index> {
    let store = ctx.store()?;
    let mut index = Index::new();
    for (name, bodies) in store.snapshot_records(KIND)? {
        let entities: Vec<Entity> = bodies
            .iter()
            .map(|b| serde_json::from_str(b))
            .collect::<Result<_, _>>()
            .with_context(|| {
                format!(
                    "list `{name}` in {} is corrupt; import it again",
                    ctx.data_dir.display()
                )
            })?;
        index.add_list(&name, entities);
    }
    Ok(index)
}

/// `interdict lists status`: what is loaded, from where, when, with which checksum and counts.
pub fn status(ctx: &Context) -> Result<u8> {
    let store = ctx.store()?;
    let rows = store.snapshots(KIND)?;
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
            ctx.data_dir.display()
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
