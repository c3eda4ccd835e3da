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
