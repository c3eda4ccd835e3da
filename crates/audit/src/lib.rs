//! The platform's tamper-evident audit log, as `shared/spec/platform.md` (section Audit)
//! defines it — everything but the storage:
//!
//! - [`canonical_json`]: keys sorted, no insignificant white space, UTF-8 as is — the bytes
//!   behind every hash and signature;
//! - [`Entry`] and its leaf hash `SHA-256(0x00 ‖ canonical JSON)`, [`record_hash`];
//! - the RFC 9162 Merkle tree: [`Tree`] (roots and proofs at any size), [`Frontier`] (the
//!   O(log n) running root), and the verification of [`InclusionProof`] and
//!   [`ConsistencyProof`] by the RFC's algorithms;
//! - [`Checkpoint`]s signed with Ed25519 by the platform's [`SigningKey`], whose secret has a
//!   small text form the caller stores outside the database;
//! - [`verify_log`]: recompute the tree from the stored entries, check every checkpoint and
//!   every record's current hash, and name the first entry, checkpoint or record that fails.
//!
//! The crate knows no database, file, clock or network: the caller passes text, hashes and
//! entries, and persists what it gets back, so the same code checks the log inside the
//! platform and in an outside verifier.

mod canonical;
mod checkpoint;
mod entry;
mod hash;
mod hex;
mod merkle;
mod proof;
mod verify;

pub use canonical::{canonical_json, to_canonical_json, CanonicalError};
pub use checkpoint::{
    key_id, sign, signed_message, Checkpoint, CheckpointError, KeyError, PublicKey, Signature,
    SigningKey, SECRET_KEY_HEADER,
};
pub use entry::{record_hash, Actor, Entry};
pub use hash::{empty_root, leaf_hash, node_hash, Hash};
pub use hex::HexError;
pub use merkle::{Frontier, Tree, TreeError};
pub use proof::{
    root_from_inclusion, verify_consistency, verify_inclusion, ConsistencyProof, InclusionProof,
    ProofError,
};
pub use verify::{verify_log, LogVerifier, Problem, Report};
