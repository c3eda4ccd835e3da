//! The engines as long-lived services: the identifier, the structure engine and a screener
//! over the database's context are built once and shared by every request or batch, and the
//! screener is rebuilt only when an import changed what it screens against.

use std::sync::{Arc, Mutex, OnceLock};

use interdict_registry::{Identifier, Registry};
use interdict_resolve::Resolver;
use interdict_screen::{AlrLedger, Context, LedgerEntry, Screener};
use interdict_store::Database;
use interdict_structure::{Engine, Options};
use interdict_watchlist::Index;

use crate::{lists, screening, AppError};

self_cell::self_cell!(
    /// A screener borrowing the watchlist index it owns, so the pair can be cached and shared.
    struct ScreenerCell {
        owner: Index,
        #[not_covariant]
        dependent: Screener,
    }
);

/// A screener over one version of the database's context.
pub struct CachedScreener {
    fingerprint: String,
    cell: ScreenerCell,
    recorded: Vec<LedgerEntry>,
    entities: usize,
}

impl CachedScreener {
    /// Runs `work` with the screener and a fresh ledger of the recorded imports (this run's own
    /// imports count towards ALR totals within the run, and are not stored).
    pub fn with<T>(&self, work: impl FnOnce(&Screener<'_>, &mut AlrLedger) -> T) -> T {
        let mut ledger = AlrLedger::new(self.recorded.clone(), false);
        self.cell
            .with_dependent(|_, screener| work(screener, &mut ledger))
    }

    /// Entities of the loaded watchlists.
    pub fn entities(&self) -> usize {
        self.entities
    }
}

/// The platform's engines over one database.
pub struct App {
    pub db: Database,
    registry: &'static Registry,
    identifier: Identifier<'static>,
    resolver: Resolver<'static>,
    classifier: OnceLock<Result<Engine, String>>,
    screener: Mutex<Option<Arc<CachedScreener>>>,
    index: Mutex<Option<(String, Arc<Index>)>>,
}

impl App {
    pub fn new(db: Database) -> App {
        let registry = Registry::builtin();
        App {
            db,
            registry,
            identifier: Identifier::new(registry),
            resolver: Resolver::new(registry),
            classifier: OnceLock::new(),
            screener: Mutex::new(None),
            index: Mutex::new(None),
        }
    }

    pub fn registry(&self) -> &'static Registry {
        self.registry
    }

    pub fn identifier(&self) -> &Identifier<'static> {
        &self.identifier
    }

    pub fn resolver(&self) -> &Resolver<'static> {
        &self.resolver
    }

    /// The structure engine with InChIKeys (as `interdict classify`), built on first use.
    pub fn classifier(&self) -> Result<&Engine, AppError> {
        self.classifier
            .get_or_init(|| {
                Engine::new(self.registry, Options::default()).map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|e| {
                AppError::Unavailable(format!("the structure engine could not be prepared: {e}"))
            })
    }

    /// What the screening context is made of now: the active snapshots' checksums and times.
    fn fingerprint(&self, kinds: &[&str]) -> Result<String, AppError> {
        let mut f = String::new();
        for kind in kinds {
            for s in self.db.snapshots(kind)? {
                f.push_str(&format!(
                    "{kind}/{}/{}/{};",
                    s.name, s.checksum, s.imported_at
                ));
            }
        }
        Ok(f)
    }

    /// The watchlist index of the database, reloaded only after an import.
    pub fn index(&self) -> Result<Arc<Index>, AppError> {
        let fingerprint = self.fingerprint(&[lists::KIND])?;
        let mut slot = self
            .index
            .lock()
            .map_err(|_| AppError::Unavailable("index cache poisoned".into()))?;
        if let Some((f, index)) = slot.as_ref() {
            if *f == fingerprint {
                return Ok(Arc::clone(index));
            }
        }
        let index = Arc::new(lists::load_index(&self.db)?);
        *slot = Some((fingerprint, Arc::clone(&index)));
        Ok(index)
    }

    /// The screener over the database's watchlists, ALRs, PENs and recorded imports, rebuilt
    /// only when one of them changed.
    pub fn screener(&self) -> Result<Arc<CachedScreener>, AppError> {
        let fingerprint = format!(
            "{}ledger/{}",
            self.fingerprint(&[lists::KIND, "alr", "pens"])?,
            self.db.ledger()?.len()
        );
        let mut slot = self
            .screener
            .lock()
            .map_err(|_| AppError::Unavailable("screener cache poisoned".into()))?;
        if let Some(cached) = slot.as_ref() {
            if cached.fingerprint == fingerprint {
                return Ok(Arc::clone(cached));
            }
        }
        let session = screening::load(&self.db, screening::Extra::default())?;
        let recorded = session.recorded;
        let entities = session.index.entity_count();
        let context: Context = session.context;
        let registry = self.registry;
        let cell = ScreenerCell::new(session.index, |index| {
            let watchlist = (index.entity_count() > 0).then_some(index);
            Screener::new(registry, watchlist, context)
        });
        let cached = Arc::new(CachedScreener {
            fingerprint,
            cell,
            recorded,
            entities,
        });
        *slot = Some(Arc::clone(&cached));
        Ok(cached)
    }
}
