//! The platform's domain: who the members are (organisations, users, roles), what a caller may
//! do, and the records the platform keeps. Pure rules and types: no I/O, no HTTP, no database.
//!
//! Architecture invariant: this crate knows nothing of storage, HTTP or terminals. The store
//! implements persistence of these types; the application layer (`interdict-app`) decides with
//! [`authz`] and calls the store; the shells only translate.

pub mod authz;
pub mod identity;
pub mod incident;
pub mod pen;
pub mod sharing;

pub use identity::{Actor, OrgKind, Organisation, Role, User};
