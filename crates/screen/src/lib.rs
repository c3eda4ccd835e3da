//! Declaration screening: every line of goods gets a risk score, a level and the flags that
//! explain them, each with its evidence (`shared/spec/declarations.md` is the contract).
//!
//! The engine combines the substance registry (identification, relatives, HS codes, CAS numbers),
//! the watchlist index (parties), annual legitimate requirements, pre-export notifications and
//! route risk. Everything except the running ALR totals is computed per declaration and can run
//! in parallel ([`Screener::prepare`]); the ALR totals depend on earlier declarations and are
//! applied in input order ([`Screener::finish`]), so results never depend on thread scheduling.
//! No storage, HTTP or terminal code here.

pub mod assess;
pub mod context;
pub mod declaration;
pub mod ledger;

pub use assess::{Assessment, Flag, Level, Prepared, Screener, Severity};
pub use context::{Context, ContextError, Weights};
pub use declaration::{Declaration, DeclarationReader, InputFormat, RecordError};
pub use interdict_core::Date;
pub use ledger::{AlrLedger, LedgerEntry};

/// The flag codes of the contract, in the order of the spec.
pub const FLAG_CODES: &[&str] = &[
    "CONTROLLED_PRECURSOR",
    "CONTROLLED_DRUG",
    "CLASS_ANALOG",
    "DESIGNER_PRECURSOR",
    "HS_MISMATCH",
    "CAS_INVALID",
    "CAS_NAME_CONFLICT",
    "VAGUE_DESCRIPTION",
    "WATCHLIST_PARTY",
    "ALR_EXCEEDED",
    "NO_PEN",
    "TABLETING_MACHINE",
    "ROUTE_RISK",
];
