//! Declaration screening with its context: the watchlists, ALRs, PENs and recorded imports of
//! the database, plus whatever a run adds (files given on the command line, a request's
//! options), assembled once; then the ALR ledger written back when the run records imports.

use interdict_screen::{AlrLedger, Context, LedgerEntry};
use interdict_screen::{AlrRow, Pen};
use interdict_store::{Database, Snapshot};
use interdict_watchlist::{Entity, Index};

use crate::{lists, AppError};

/// What a run adds to the database's context.
#[derive(Default)]
pub struct Extra {
    /// Watchlists of this run only (list name, entities).
    pub watchlists: Vec<(String, Vec<Entity>)>,
    pub alr: Vec<AlrRow>,
    pub pens: Vec<Pen>,
    /// Route risk and weights, already parsed (they have no stored form).
    pub context: Context,
}

/// Everything a screening run needs, loaded.
pub struct Session {
    pub index: Index,
    pub context: Context,
    /// The imports earlier runs recorded, for ALR totals.
    pub recorded: Vec<LedgerEntry>,
    /// Recorded imports that could not be read (position from 1, reason), left out of the
    /// totals: one damaged entry must not stop every later run. Shells warn about them.
    pub damaged_ledger: Vec<Damaged>,
}

impl Session {
    /// A ledger starting from the recorded imports; `record` keeps this run's imports so
    /// [`record_imports`] can store them.
    pub fn ledger(&self, record: bool) -> AlrLedger {
        AlrLedger::new(self.recorded.clone(), record)
    }
}

/// Loads the context: stored watchlists, ALRs, PENs and recorded imports, then the run's own.
pub fn load(db: &Database, extra: Extra) -> Result<Session, AppError> {
    let mut index = lists::load_index(db)?;
    for (name, entities) in extra.watchlists {
        index.add_list(&name, entities);
    }
    let mut context = extra.context;
    context.alr = stored(db, "alr", "ALR records")?;
    context.alr.extend(extra.alr);
    // Notifications imported as snapshots by earlier versions, then the platform's own (live
    // status, what already shipped), which win for the same reference.
    context.pens = stored(db, "pens", "PEN records")?;
    context.pens.extend(db.read(crate::pens::for_screening)?);
    context.pens.extend(extra.pens);
    let (recorded, damaged_ledger) = read_ledger(db)?;
    for (at, why) in &damaged_ledger {
        tracing::warn!(entry = at, reason = %why, "recorded import unreadable; left out of ALR totals");
    }
    Ok(Session {
        index,
        context,
        recorded,
        damaged_ledger,
    })
}

/// A recorded import that cannot be read: its position in the ledger (from 1) and why.
pub type Damaged = (usize, String);

/// The recorded imports that can be read, and the position (from 1) and reason of each one
/// that cannot ([`LedgerEntry::read_stored`]).
pub fn read_ledger(db: &Database) -> Result<(Vec<LedgerEntry>, Vec<Damaged>), AppError> {
    let mut good = Vec::new();
    let mut damaged = Vec::new();
    for (i, body) in db.ledger()?.iter().enumerate() {
        match LedgerEntry::read_stored(body) {
            Ok(e) => good.push(e),
            Err(why) => damaged.push((i + 1, why)),
        }
    }
    Ok((good, damaged))
}

/// The ALRs on file.
pub fn stored_alr(db: &Database) -> Result<Vec<AlrRow>, AppError> {
    stored(db, "alr", "ALR records")
}

fn stored<T: serde::de::DeserializeOwned>(
    db: &Database,
    kind: &str,
    what: &str,
) -> Result<Vec<T>, AppError> {
    db.snapshot_records(kind)?
        .into_iter()
        .flat_map(|(_, bodies)| bodies)
        .map(|b| serde_json::from_str(&b).map_err(|e| AppError::corrupt(what, e)))
        .collect()
}

/// Stores the imports a run recorded, for later ALR totals, one per importing country,
/// declaration and substance; an entry recorded before is left as it was. Returns how many
/// were new.
pub fn record_imports(
    db: &Database,
    entries: &[LedgerEntry],
    recorded_at: &str,
) -> Result<usize, AppError> {
    let rows: Vec<interdict_store::LedgerRow> = entries
        .iter()
        .map(|e| {
            serde_json::to_string(e)
                .map(|body| interdict_store::LedgerRow {
                    key: e.store_key(),
                    declaration_id: e.declaration_id.clone(),
                    body,
                })
                .map_err(|err| AppError::invalid("ledger entry", err))
        })
        .collect::<Result<_, _>>()?;
    Ok(db.record_ledger(&rows, recorded_at)?)
}

/// The kinds of context file a shell may import into the database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContextKind {
    Alr,
    Pens,
}

impl ContextKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ContextKind::Alr => "alr",
            ContextKind::Pens => "pens",
        }
    }
}

/// Parses an ALR or PEN file and stores it as the new snapshot of its kind.
pub fn import_context(
    db: &Database,
    actor: Option<&interdict_domain::Actor>,
    kind: ContextKind,
    source: &str,
    text: &str,
    imported_at: &str,
) -> Result<Snapshot, AppError> {
    let records: Vec<(String, String)> = match kind {
        ContextKind::Alr => interdict_screen::parse_alr(source, text)
            .map_err(|e| AppError::invalid(source, e))?
            .iter()
            .map(|r| Ok((format!("{}:{}:{}", r.country, r.cas, r.year), json(r)?)))
            .collect::<Result<_, AppError>>()?,
        ContextKind::Pens => interdict_screen::parse_pens(source, text)
            .map_err(|e| AppError::invalid(source, e))?
            .iter()
            .map(|p| Ok((p.reference.clone(), json(p)?)))
            .collect::<Result<_, AppError>>()?,
    };
    use sha2::Digest;
    let snapshot = Snapshot {
        kind: kind.as_str().into(),
        name: kind.as_str().into(),
        source: source.into(),
        format: "csv".into(),
        checksum: lists::hex(&sha2::Sha256::digest(text.as_bytes())),
        record_count: records.len() as i64,
        imported_at: imported_at.into(),
    };
    crate::audit::replace_snapshot_audited(db, actor, &snapshot, &records)?;
    Ok(snapshot)
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|e| AppError::invalid("record", e))
}

/// Declarations screened in parallel per batch; the ALR totals are applied in input order.
pub const BATCH: usize = 4096;

/// Batches smaller than this are prepared on the calling thread.
const IN_PARALLEL_FROM: usize = 8;

/// One declaration's outcome, in input order.
pub enum Screened<'a> {
    Assessed(
        &'a interdict_screen::Declaration,
        interdict_screen::Assessment,
    ),
    Invalid(&'a interdict_screen::RecordError),
}

/// Screens every declaration of `reader`: batches prepared in parallel (rayon), finished in
/// input order (ALR totals depend on earlier lines). `each` sees every outcome; `after_batch`
/// runs after each batch and stops the run by answering `false` (a client that went away).
pub fn screen_batches<R: std::io::BufRead, E>(
    screener: &interdict_screen::Screener<'_>,
    ledger: &mut AlrLedger,
    reader: &mut interdict_screen::DeclarationReader<R>,
    mut each: impl FnMut(Screened<'_>) -> Result<(), E>,
    mut after_batch: impl FnMut(&interdict_screen::DeclarationReader<R>) -> Result<bool, E>,
) -> Result<(), E> {
    use rayon::prelude::*;
    loop {
        // A declaration under an id an earlier run recorded for its importing country on
        // another day is another declaration: an error record, not silently left uncounted.
        let batch: Vec<Result<interdict_screen::Declaration, interdict_screen::RecordError>> =
            reader
                .by_ref()
                .take(BATCH)
                .map(|item| match item {
                    Ok(d) => match ledger.clash(d.importer_country.as_str(), &d.id, d.date) {
                        Some(clash) => Err(interdict_screen::RecordError {
                            line: d.line,
                            message: format!("line {}, field id: {clash}", d.line),
                            id: Some(d.id),
                        }),
                        None => Ok(d),
                    },
                    e => e,
                })
                .collect();
        if batch.is_empty() {
            return Ok(());
        }
        let prepare = |item: &Result<_, _>| item.as_ref().ok().map(|d| screener.prepare(d));
        // A handful of declarations (a request of one) is not worth handing to the pool.
        let prepared: Vec<Option<interdict_screen::Prepared>> = if batch.len() < IN_PARALLEL_FROM {
            batch.iter().map(prepare).collect()
        } else {
            batch.par_iter().map(prepare).collect()
        };
        for (item, prep) in batch.iter().zip(prepared) {
            match (item, prep) {
                (Ok(d), Some(p)) => each(Screened::Assessed(d, screener.finish(p, ledger)))?,
                (Err(e), _) => each(Screened::Invalid(e))?,
                // Every valid declaration was prepared just above.
                (Ok(_), None) => {}
            }
        }
        if !after_batch(reader)? {
            return Ok(());
        }
    }
}

/// Appends the JSON line of an outcome: the result of `declarations.md`, or its error record.
pub fn write_outcome(out: &mut Vec<u8>, outcome: &Screened<'_>) {
    let _ = match outcome {
        Screened::Assessed(_, a) => serde_json::to_writer(&mut *out, a),
        Screened::Invalid(e) => serde_json::to_writer(
            &mut *out,
            &interdict_types::ErrorRecord::invalid_record(e.message.clone())
                .with_id(e.id.as_deref())
                .with_line(e.line),
        ),
    };
    out.push(b'\n');
}

/// Counts of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub screened: u64,
    pub invalid: u64,
}

/// Screens a whole body (CSV or JSON Lines, told apart by `name` and the first bytes) with a
/// cached screener, handing JSON Lines to `emit` batch by batch; `emit` answering `false`
/// stops the run.
pub fn screen_bytes(
    screener: &crate::CachedScreener,
    name: &str,
    bytes: &[u8],
    mut emit: impl FnMut(Vec<u8>) -> bool,
) -> Result<Counts, AppError> {
    let head = &bytes[..bytes.len().min(4096)];
    let format = interdict_screen::InputFormat::detect(name, head);
    let mut reader = interdict_screen::DeclarationReader::in_memory(bytes, format);
    let mut counts = Counts::default();
    screener.with(|s, ledger| {
        let buf = std::cell::RefCell::new(Vec::new());
        screen_batches::<_, AppError>(
            s,
            ledger,
            &mut reader,
            |outcome| {
                match &outcome {
                    Screened::Assessed(..) => counts.screened += 1,
                    Screened::Invalid(_) => counts.invalid += 1,
                }
                write_outcome(&mut buf.borrow_mut(), &outcome);
                Ok(())
            },
            |_| Ok(emit(std::mem::take(&mut *buf.borrow_mut()))),
        )
    })?;
    reader.recycle();
    Ok(counts)
}
