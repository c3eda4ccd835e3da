//! Watchlists: parse a list file's text, store it as the new snapshot of its list, and load every
//! active list into one screening index.

use interdict_store::{Database, Snapshot};
use interdict_watchlist::import::{coalition_csv, ftm, ofac, un_xml, Format};
use interdict_watchlist::{Entity, ImportError, Index};
use sha2::{Digest, Sha256};

use crate::AppError;

/// The kind under which watchlist snapshots are stored.
pub const KIND: &str = "watchlist";

/// A list file as read by a shell: its main text and, for OFAC, the `alt.csv`/`add.csv` beside it.
pub struct ListText<'a> {
    pub format: Format,
    pub main: &'a str,
    pub alt: Option<&'a str>,
    pub add: Option<&'a str>,
}

/// The entities of a list and the SHA-256 of every byte read.
pub struct ParsedList {
    pub entities: Vec<Entity>,
    pub checksum: String,
}

/// Parses a list in its format.
pub fn parse(list: &ListText<'_>) -> Result<ParsedList, ImportError> {
    let mut hasher = Sha256::new();
    hasher.update(list.main.as_bytes());
    for extra in [list.alt, list.add].into_iter().flatten() {
        hasher.update(extra.as_bytes());
    }
    let entities = match list.format {
        Format::OfacSdn => ofac::parse(list.main, list.alt, list.add)?,
        Format::UnXml => un_xml::parse(list.main)?,
        Format::Ftm => ftm::parse(list.main)?,
        Format::Csv => coalition_csv::parse(list.main)?,
    };
    Ok(ParsedList {
        entities,
        checksum: hex(&hasher.finalize()),
    })
}

/// The snapshot an import would replace, as the shells report it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replaced {
    pub name: String,
    pub source: String,
    pub records: usize,
    pub imported_at: String,
}

/// The rule every import of a snapshot (watchlists, ALRs, PENs) follows before it replaces a
/// loaded one, in the CLI and the API alike: a file that yields no records, or fewer than
/// half the records of the snapshot it would replace, is refused unless the caller allows it
/// (`--allow-shrink`, `?allow_shrink=true`): an empty file, an HTML error page or a cut
/// download must not silently empty the set screening relies on. Returns the snapshot that
/// will be replaced, to say so; the refusal is a conflict that names both counts.
pub fn check_shrink(
    db: &Database,
    kind: &str,
    name: &str,
    source: &str,
    new_count: usize,
    allow_shrink: bool,
) -> Result<Option<Replaced>, AppError> {
    let previous = db
        .snapshots(kind)?
        .into_iter()
        .find(|s| s.name == name)
        .map(|s| Replaced {
            name: s.name,
            source: s.source,
            records: s.record_count.max(0) as usize,
            imported_at: s.imported_at,
        });
    let old = previous.as_ref().map_or(0, |s| s.records);
    let shrinks = new_count == 0 || new_count.saturating_mul(2) < old;
    if shrinks && !allow_shrink {
        let what = match &previous {
            Some(p) => format!(
                "the loaded snapshot of `{name}` ({old} records from {}, imported {})",
                p.source, p.imported_at
            ),
            None => format!("`{name}`, which has no snapshot yet"),
        };
        return Err(AppError::Conflict(format!(
            "{source} yields {new_count} records and would replace {what}; not imported. An empty file, an error page or a cut download looks like this: check the file, or allow the shrink (--allow-shrink, ?allow_shrink=true) to replace it anyway"
        )));
    }
    Ok(previous)
}

/// Whether a list name is acceptable: 1 to 100 printable characters.
pub fn check_list_name(name: &str) -> Result<(), AppError> {
    if name.trim().is_empty() || name.chars().any(char::is_control) || name.len() > 100 {
        return Err(AppError::invalid(
            "name",
            "a list name needs 1 to 100 printable characters",
        ));
    }
    Ok(())
}

/// What an import stored.
pub struct Imported {
    pub snapshot: Snapshot,
    pub entities: usize,
    pub names: usize,
}

/// Stores `list` as the new active snapshot of `name`, replacing the previous one atomically.
pub fn import(
    db: &Database,
    actor: Option<&interdict_domain::Actor>,
    name: &str,
    format: Format,
    source: &str,
    list: &ParsedList,
    imported_at: &str,
) -> Result<Imported, AppError> {
    let records: Vec<(String, String)> = list
        .entities
        .iter()
        .map(|e| {
            serde_json::to_string(e)
                .map(|body| (e.id.clone(), body))
                .map_err(|err| AppError::invalid("entity", err))
        })
        .collect::<Result<_, _>>()?;
    let snapshot = Snapshot {
        kind: KIND.into(),
        name: name.into(),
        source: source.into(),
        format: format.name().into(),
        checksum: list.checksum.clone(),
        record_count: records.len() as i64,
        imported_at: imported_at.into(),
    };
    crate::audit::replace_snapshot_audited(db, actor, &snapshot, &records)?;
    Ok(Imported {
        snapshot,
        entities: list.entities.len(),
        names: list.entities.iter().map(|e| e.names.len()).sum(),
    })
}

/// Every active watchlist of the database in one index.
pub fn load_index(db: &Database) -> Result<Index, AppError> {
    let mut index = Index::new();
    for (name, bodies) in db.snapshot_records(KIND)? {
        let entities: Vec<Entity> = bodies
            .iter()
            .map(|b| serde_json::from_str(b))
            .collect::<Result<_, _>>()
            .map_err(|e| AppError::corrupt(format!("the entries of list `{name}`"), e))?;
        index.add_list(&name, entities);
    }
    Ok(index)
}

/// The active watchlist snapshots.
pub fn status(db: &Database) -> Result<Vec<Snapshot>, AppError> {
    Ok(db.snapshots(KIND)?)
}

/// Lower-case hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
