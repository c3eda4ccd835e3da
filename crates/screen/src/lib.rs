//! Declaration screening: every line of goods gets a risk score, a level and the flags that
//! explain them, each with its evidence (`shared/spec/declarations.md` is the contract).
//!
//! The engine combines the substance registry (identification, relatives, HS codes, CAS numbers),
//! the watchlist index (parties), annual legitimate requirements, pre-export notifications and
//! route risk. Everything except the running ALR totals is computed per declaration and can run
//! in parallel ([`Screener::prepare`]); the ALR totals depend on earlier declarations and are
//! applied in input order ([`Screener::finish`]), so results never depend on thread scheduling.
//! No storage, HTTP or terminal code here.
//!
//! Modules are private but [`evidence`], the typed evidence of the flags; what callers use is
//! re-exported here.

mod assess;
mod checks;
mod code;
mod context;
mod declaration;
pub mod evidence;
mod flag;
mod ledger;

pub use assess::{
    Assessment, Level, Prepared, Risk, ScreenWarning, Screener, SubstanceOut,
    MAX_STRUCTURES_PER_DESCRIPTION,
};
pub use checks::parties::{PartyHit, PartyOut};
pub use code::{FlagCode, UnknownFlagCode, FLAG_CODES};
pub use context::{
    parse_alr, parse_pens, parse_route_risk, substance_key, AlrRow, Context, ContextError, Pen,
    PenStatus, RouteKind, RouteRule, Weights,
};
pub use declaration::{
    Declaration, DeclarationReader, InputFormat, Item, RecordError, Unit, FIELDS, ID_CHECK_LIMIT,
    MAX_FIELD_BYTES,
};
pub use evidence::{Evidence, MatchedOn, PartyRole};
pub use flag::{Flag, Severity};
pub use interdict_core::Date;
pub use ledger::{AlrLedger, IdClash, LedgerEntry, RecordedImports};
