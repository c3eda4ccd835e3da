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
//! Modules are private; what callers use is re-exported here, the evidence types of the flags
//! under [`evidence`].

mod assess;
mod checks;
mod context;
mod declaration;
mod flag;
mod ledger;

pub use assess::{Assessment, Level, Prepared, Risk, ScreenWarning, Screener, SubstanceOut};
pub use checks::parties::{PartyHit, PartyOut, PartyRole};
pub use checks::substances::MatchedOn;
pub use context::{
    parse_alr, parse_pens, parse_route_risk, substance_key, AlrRow, Context, ContextError, Pen,
    PenStatus, RouteKind, RouteRule, Weights,
};
pub use declaration::{
    Declaration, DeclarationReader, InputFormat, Item, RecordError, Unit, FIELDS, ID_CHECK_LIMIT,
};
pub use flag::{Evidence, Flag, FlagCode, Severity, UnknownFlagCode, FLAG_CODES};
pub use interdict_core::Date;
pub use ledger::{AlrLedger, LedgerEntry, RecordedImports};

/// The typed evidence of each flag ([`Evidence`]'s variants), written as the contract's JSON.
pub mod evidence {
    pub use crate::checks::alr::AlrExceeded;
    pub use crate::checks::analogues::{ClassAnalog, DesignerPrecursor, Method};
    pub use crate::checks::cas::{CasInvalid, CasNameConflict};
    pub use crate::checks::hs::{HsMismatch, NationalCode};
    pub use crate::checks::parties::WatchlistParty;
    pub use crate::checks::pen::{DeclaredExport, NoPen, PenProblem};
    pub use crate::checks::route::RouteRisk;
    pub use crate::checks::substances::ControlledSubstance;
    pub use crate::checks::tableting::TabletingMachine;
    pub use crate::checks::vague::VagueDescription;
}
