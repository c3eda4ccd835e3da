//! `interdict lists`: the watchlists loaded in the data directory.

use std::io::{self, Write};

use anyhow::Result;
use serde_json::json;

use crate::exit;
use crate::output::{Context, Table};

/// `interdict lists status`: what is loaded, from where, when, with which checksum and counts.
pub fn status(ctx: &Context) -> Result<u8> {
    let store = ctx.store()?;
    let mut stmt = store.conn().prepare(
        "SELECT name, format, source, imported_at, checksum, record_count FROM imports
         WHERE kind = 'watchlist' AND active = 1 ORDER BY name",
    )?;
    let rows: Vec<(String, String, String, String, String, i64)> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    let mut out = io::stdout().lock();
    if ctx.json {
        for (name, format, source, at, sum, n) in &rows {
            writeln!(
                out,
                "{}",
                json!({"name": name, "format": format, "source": source, "imported_at": at, "checksum": sum, "records": n})
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
        for (name, format, source, at, sum, n) in rows {
            t.row(vec![
                name,
                format,
                n.to_string(),
                at,
                sum.chars().take(12).collect(),
                source,
            ]);
        }
        out.write_all(t.render().as_bytes())?;
    }
    Ok(exit::OK)
}
