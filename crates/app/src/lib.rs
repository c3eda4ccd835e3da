//! The application layer: the use cases both shells call. The CLI and the server parse their
//! input (arguments and files, or requests), call a function here, and print its typed answer;
//! what a use case means — where the screening context comes from, what an import replaces,
//! which defaults a method has — is decided here once.
//!
//! Architecture invariant: the only crate that combines the store with the engines. It reads
//! no files and speaks no HTTP: a shell hands it text, records or bytes.

pub mod alerts;
pub mod audit;
pub mod classify;
pub mod demo;
pub mod detect;
pub mod early_warning;
mod engines;
mod error;
pub mod flows;
pub mod identity;
pub mod incidents;
pub mod labels;
pub mod lists;
pub mod needs;
pub mod parties;
pub mod pens;
mod records;
pub mod screening;
pub mod subscriptions;
pub mod substances;

pub use engines::{App, CachedScreener};
pub use error::AppError;
/// Backups of a SQLite data directory (`interdict backup` / `restore`).
pub use interdict_store::{postgres_advice, restore as restore_backup, BackupReport};
pub use interdict_store::{Database, ErrorKind, PoolStats, StoreError};
