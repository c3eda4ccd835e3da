//! The engines as long-lived services: the identifier, the structure engine and a screener
//! over the database's context are built once and shared by every request or batch, and the
//! screener is rebuilt only when an import changed what it screens against.

use std::sync::{Arc, Mutex, OnceLock};

use interdict_registry::{Identifier, Registry};
use interdict_resolve::Resolver;
use interdict_screen::{AlrLedger, Context, RecordedImports, Screener};
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
    recorded: Arc<RecordedImports>,
    entities: usize,
}

impl CachedScreener {
    /// Runs `work` with the screener and a fresh ledger of the recorded imports (this run's own
    /// imports count towards ALR totals within the run, and are not stored).
    pub fn with<T>(&self, work: impl FnOnce(&Screener<'_>, &mut AlrLedger) -> T) -> T {
        let mut ledger = AlrLedger::over(Arc::clone(&self.recorded), false);
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
    /// When the context's fingerprint was last read from the database, and what it was: a
    /// request within [`FINGERPRINT_TTL`] of the last check reuses it instead of querying.
    checked: Mutex<Option<(std::time::Instant, String, String)>>,
    /// Bearer tokens seen recently (their hash → who), so a burst of requests does not write
    /// the token's row each time; see [`App::cached_actor`].
    pub(crate) tokens:
        Mutex<std::collections::HashMap<String, (std::time::Instant, interdict_domain::Actor)>>,
    /// The key checkpoints of the audit log are signed with (see [`crate::audit`]).
    pub(crate) audit_key: OnceLock<interdict_audit::SigningKey>,
    /// The audit log's tree as far as this process has read it.
    pub(crate) audit_tree: Mutex<interdict_audit::Tree>,
    /// The incidents each organisation may see, for its alerts (see [`crate::early_warning`]).
    pub(crate) feeds: crate::early_warning::Feeds,
    /// The notifications' flow records per organisation (see [`crate::flows`]).
    pub(crate) flow_caches: crate::flows::FlowCaches,
    /// Held while notifications are moved at their deadline, so that requests arriving during
    /// a sweep wait for it rather than each moving the same notifications again.
    pub(crate) sweeping: Mutex<()>,
}

/// How long a check of the context's version stands. An import on this process is seen at
/// once (it clears the check); one made by another process sharing the database within this.
pub const FINGERPRINT_TTL: std::time::Duration = std::time::Duration::from_secs(2);

/// How long an authenticated token is trusted without asking the database again. A token
/// revoked through this process is refused at once; through another process within this.
pub const TOKEN_TTL: std::time::Duration = std::time::Duration::from_secs(5);

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
            checked: Mutex::new(None),
            tokens: Mutex::new(std::collections::HashMap::new()),
            audit_key: OnceLock::new(),
            audit_tree: Mutex::new(interdict_audit::Tree::new()),
            feeds: crate::early_warning::Feeds::default(),
            flow_caches: crate::flows::FlowCaches::default(),
            sweeping: Mutex::new(()),
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

    /// The fingerprints of the watchlists alone and of the whole screening context, read at
    /// most every [`FINGERPRINT_TTL`].
    fn fingerprints(&self) -> Result<(String, String), AppError> {
        let mut checked = self
            .checked
            .lock()
            .map_err(|_| AppError::Unavailable("fingerprint cache poisoned".into()))?;
        if let Some((at, lists, all)) = checked.as_ref() {
            if at.elapsed() < FINGERPRINT_TTL {
                return Ok((lists.clone(), all.clone()));
            }
        }
        let lists = self.fingerprint(&[lists::KIND])?;
        let (pens, pens_changed) = self.db.read(|tx| tx.pens_version())?;
        let all = format!(
            "{lists}{}ledger/{}/notifications/{pens}/{pens_changed}",
            self.fingerprint(&["alr", "pens"])?,
            self.db.ledger_len()?
        );
        *checked = Some((std::time::Instant::now(), lists.clone(), all.clone()));
        Ok((lists, all))
    }

    /// Forgets the last check of the context's version (after an import through this process).
    pub fn context_changed(&self) {
        if let Ok(mut checked) = self.checked.lock() {
            *checked = None;
        }
    }

    /// The actor of a token hash seen within [`TOKEN_TTL`], if any.
    ///
    /// When the entry has just expired, the first caller to notice asks the database again (it
    /// gets `None`) while the others keep the answer until that caller has refreshed or dropped
    /// it: one query per token and TTL, not one per request in flight.
    pub(crate) fn cached_actor(&self, hash: &str) -> Option<interdict_domain::Actor> {
        let mut tokens = self.tokens.lock().ok()?;
        let (at, actor) = tokens.get_mut(hash)?;
        if at.elapsed() < TOKEN_TTL {
            return Some(actor.clone());
        }
        *at = std::time::Instant::now();
        None
    }

    /// Forgets one token (the database no longer knows it).
    pub(crate) fn forget_token(&self, hash: &str) {
        if let Ok(mut tokens) = self.tokens.lock() {
            tokens.remove(hash);
        }
    }

    pub(crate) fn remember_actor(&self, hash: &str, actor: &interdict_domain::Actor) {
        if let Ok(mut tokens) = self.tokens.lock() {
            if tokens.len() > 10_000 {
                tokens.retain(|_, (at, _)| at.elapsed() < TOKEN_TTL);
            }
            tokens.insert(hash.to_string(), (std::time::Instant::now(), actor.clone()));
        }
    }

    /// Forgets every cached token (after a revocation or a change of a user).
    pub fn forget_tokens(&self) {
        if let Ok(mut tokens) = self.tokens.lock() {
            tokens.clear();
        }
    }

    /// Whether the last check of the context's version is recent enough to trust without
    /// asking the database, and its fingerprints.
    fn fresh_fingerprints(&self) -> Option<(String, String)> {
        // `try_lock`: these run on a shell's event loop, which must never wait for a thread that
        // holds the lock while it asks the database; busy means "not known to be fresh".
        let checked = self.checked.try_lock().ok()?;
        let (at, lists, all) = checked.as_ref()?;
        (at.elapsed() < FINGERPRINT_TTL).then(|| (lists.clone(), all.clone()))
    }

    /// The watchlist index when it is known to be current without asking the database (a
    /// shell may call this on its event loop; `None`: call [`App::index`] where blocking is
    /// allowed).
    pub fn fresh_index(&self) -> Option<Arc<Index>> {
        let (lists, _) = self.fresh_fingerprints()?;
        let slot = self.index.try_lock().ok()?;
        let (f, index) = slot.as_ref()?;
        (*f == lists).then(|| Arc::clone(index))
    }

    /// The screener when it is known to be current without asking the database (as
    /// [`App::fresh_index`]).
    pub fn fresh_screener(&self) -> Option<Arc<CachedScreener>> {
        let (_, all) = self.fresh_fingerprints()?;
        let slot = self.screener.try_lock().ok()?;
        let cached = slot.as_ref()?;
        (cached.fingerprint == all).then(|| Arc::clone(cached))
    }

    /// The watchlist index of the database, reloaded only after an import.
    pub fn index(&self) -> Result<Arc<Index>, AppError> {
        let (fingerprint, _) = self.fingerprints()?;
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
        let (_, fingerprint) = self.fingerprints()?;
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
        let recorded = Arc::new(RecordedImports::new(session.recorded));
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
