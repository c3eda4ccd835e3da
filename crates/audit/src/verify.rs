//! `audit verify` without the database: given the stored entries in order, the stored
//! checkpoints and the records' current hashes, find the first thing that does not hold.
//!
//! What is checked, in this order (the first failure is the report's problem):
//! 1. walking the entries in the order given: each entry's `seq` is its position (an entry
//!    deleted, inserted or moved shows here, at the first position it disturbs); and whenever
//!    the walk reaches the size of a checkpoint, that checkpoint is signed by the platform's
//!    key and its root is the root of the entries so far (an entry changed in place shows
//!    here, at the first checkpoint that covers it);
//! 2. checkpoints larger than the log: signed, but covering entries that are gone;
//! 3. each record, in the order given: its current content hash equals the `record_hash` of
//!    the last entry about it (a record changed outside the platform shows here).
//!
//! Entries after the last checkpoint are covered by no signature yet; only step 3 can catch a
//! change to them. The walk holds O(log n) hashes plus one hash per resource, so it streams.

use std::collections::HashMap;

use thiserror::Error;

use crate::checkpoint::{Checkpoint, CheckpointError, PublicKey};
use crate::entry::Entry;
use crate::hash::Hash;
use crate::merkle::Frontier;

/// The first thing found wrong, naming the entry, checkpoint or record.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Problem {
    #[error(
        "entry at position {position} has seq {seq}: an entry was deleted, inserted or moved there"
    )]
    EntryOutOfPlace { position: u64, seq: u64 },
    #[error("checkpoint {index} (tree_size {tree_size}): {error}")]
    CheckpointSignature {
        /// Position in the checkpoints given.
        index: usize,
        tree_size: u64,
        error: CheckpointError,
    },
    #[error(
        "checkpoint {index} (tree_size {tree_size}) signs root {signed}, but the stored entries give \
         {computed}: the entries with seq from {first_suspect} to below {tree_size} are not the ones \
         that were signed"
    )]
    CheckpointRoot {
        index: usize,
        tree_size: u64,
        signed: Hash,
        computed: Hash,
        /// The size of the last checkpoint that matched (0 if none): the changed entry is at
        /// or after this seq.
        first_suspect: u64,
    },
    #[error(
        "checkpoint {index} covers {tree_size} entries, but the log holds {log_size}: entries \
         from seq {log_size} on were deleted"
    )]
    CheckpointBeyondLog {
        index: usize,
        tree_size: u64,
        log_size: u64,
    },
    #[error(
        "record {resource}: its content hashes to {current}, but its last audit entry (seq {seq}) \
         recorded {recorded}"
    )]
    RecordChanged {
        resource: String,
        seq: u64,
        recorded: Hash,
        current: Hash,
    },
    #[error("record {resource} has no audit entry")]
    RecordWithoutEntry { resource: String },
}

/// What was checked, and the first problem if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Entries read (all of them, unless a problem stopped the walk).
    pub entries: u64,
    /// Checkpoints found signed and matching.
    pub checkpoints: usize,
    /// Records found matching their last entry.
    pub records: usize,
    /// MTH of the entries read.
    pub root: Hash,
    pub problem: Option<Problem>,
}

impl Report {
    /// No problem found.
    pub fn is_ok(&self) -> bool {
        self.problem.is_none()
    }
}

/// The walk of [`verify_log`], one entry at a time, for entries streamed from storage.
#[derive(Debug)]
pub struct LogVerifier<'a> {
    key: &'a PublicKey,
    /// (position in the caller's list, checkpoint), by tree size.
    checkpoints: Vec<(usize, &'a Checkpoint)>,
    next_checkpoint: usize,
    frontier: Frontier,
    /// Per resource, the seq and record hash of its last entry so far.
    last: HashMap<String, (u64, Hash)>,
    matched_size: u64,
    matched: usize,
    problem: Option<Problem>,
}

impl<'a> LogVerifier<'a> {
    /// A walk over an empty log, to check `checkpoints` against `key`, the platform's public key.
    pub fn new(key: &'a PublicKey, checkpoints: &'a [Checkpoint]) -> Self {
        let mut ordered: Vec<(usize, &Checkpoint)> = checkpoints.iter().enumerate().collect();
        // Stable: checkpoints of equal size stay in the caller's order.
        ordered.sort_by_key(|(_, c)| c.tree_size);
        LogVerifier {
            key,
            checkpoints: ordered,
            next_checkpoint: 0,
            frontier: Frontier::new(),
            last: HashMap::new(),
            matched_size: 0,
            matched: 0,
            problem: None,
        }
    }

    /// Reads the next stored entry. Returns `false` once a problem is found: later entries
    /// change nothing in the report, and the caller may stop reading.
    pub fn push(&mut self, entry: &Entry) -> bool {
        if self.problem.is_some() {
            return false;
        }
        let position = self.frontier.size();
        if !self.check_checkpoints_at(position) {
            return false;
        }
        if entry.seq != position {
            self.problem = Some(Problem::EntryOutOfPlace {
                position,
                seq: entry.seq,
            });
            return false;
        }
        self.frontier.push(entry.leaf_hash());
        match self.last.get_mut(entry.resource.as_str()) {
            Some(last) => *last = (entry.seq, entry.record_hash),
            None => {
                self.last
                    .insert(entry.resource.clone(), (entry.seq, entry.record_hash));
            }
        }
        true
    }

    /// Ends the walk: the checkpoints not reached yet, then `records` (resource, hash of its
    /// current canonical JSON), in the order given.
    pub fn finish<K: AsRef<str>>(mut self, records: impl IntoIterator<Item = (K, Hash)>) -> Report {
        let log_size = self.frontier.size();
        let mut checked_records = 0;
        if self.problem.is_none() && self.check_checkpoints_at(log_size) {
            if let Some(&(index, cp)) = self.checkpoints.get(self.next_checkpoint) {
                // Only checkpoints beyond the log are left; the smallest is reported.
                self.problem = Some(match cp.verify(self.key) {
                    Err(error) => Problem::CheckpointSignature {
                        index,
                        tree_size: cp.tree_size,
                        error,
                    },
                    Ok(()) => Problem::CheckpointBeyondLog {
                        index,
                        tree_size: cp.tree_size,
                        log_size,
                    },
                });
            }
        }
        if self.problem.is_none() {
            for (resource, current) in records {
                let resource = resource.as_ref();
                match self.last.get(resource) {
                    None => {
                        self.problem = Some(Problem::RecordWithoutEntry {
                            resource: resource.to_string(),
                        });
                    }
                    Some(&(seq, recorded)) if recorded != current => {
                        self.problem = Some(Problem::RecordChanged {
                            resource: resource.to_string(),
                            seq,
                            recorded,
                            current,
                        });
                    }
                    Some(_) => checked_records += 1,
                }
                if self.problem.is_some() {
                    break;
                }
            }
        }
        Report {
            entries: log_size,
            checkpoints: self.matched,
            records: checked_records,
            root: self.frontier.root(),
            problem: self.problem,
        }
    }

    /// Checks every checkpoint of exactly `size` against the tree so far; `false` on the first
    /// that fails (recorded as the problem).
    fn check_checkpoints_at(&mut self, size: u64) -> bool {
        while let Some(&(index, cp)) = self.checkpoints.get(self.next_checkpoint) {
            if cp.tree_size != size {
                break;
            }
            self.next_checkpoint += 1;
            if let Err(error) = cp.verify(self.key) {
                self.problem = Some(Problem::CheckpointSignature {
                    index,
                    tree_size: cp.tree_size,
                    error,
                });
                return false;
            }
            let computed = self.frontier.root();
            if computed != cp.root_hash {
                self.problem = Some(Problem::CheckpointRoot {
                    index,
                    tree_size: cp.tree_size,
                    signed: cp.root_hash,
                    computed,
                    first_suspect: self.matched_size,
                });
                return false;
            }
            self.matched_size = size;
            self.matched += 1;
        }
        true
    }
}

/// Verifies a whole log at once: `entries` in stored order, the stored `checkpoints`, the
/// records' current hashes (see [`LogVerifier::finish`]), against the platform's public `key`.
pub fn verify_log<'e, K: AsRef<str>>(
    entries: impl IntoIterator<Item = &'e Entry>,
    checkpoints: &[Checkpoint],
    records: impl IntoIterator<Item = (K, Hash)>,
    key: &PublicKey,
) -> Report {
    let mut walk = LogVerifier::new(key, checkpoints);
    for entry in entries {
        if !walk.push(entry) {
            break;
        }
    }
    walk.finish(records)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkpoint::{sign, SigningKey};
    use crate::entry::{record_hash, Actor};
    use crate::merkle::Tree;
    use serde_json::json;
    use std::collections::BTreeMap;

    struct Log {
        key: SigningKey,
        entries: Vec<Entry>,
        checkpoints: Vec<Checkpoint>,
        records: BTreeMap<String, Hash>,
    }

    /// 12 entries about 4 incidents (created, then updated or read), checkpoints at 4 and 9.
    fn log() -> Log {
        let key = SigningKey::from_seed([42; 32]);
        let mut entries = Vec::new();
        let mut records = BTreeMap::new();
        for seq in 0..12u64 {
            let id = seq % 4;
            let record = json!({"id": id, "version": seq / 4});
            let resource = format!("incident/{id}");
            let hash = record_hash(&record);
            records.insert(resource.clone(), hash);
            entries.push(Entry {
                seq,
                at: format!("2025-03-01T12:00:{seq:02}Z"),
                actor: Actor {
                    user: "u-1".into(),
                    organisation: "org-1".into(),
                },
                action: if seq < 4 {
                    "incident.create"
                } else {
                    "incident.update"
                }
                .into(),
                resource,
                record_hash: hash,
            });
        }
        let tree = Tree::from_leaves(entries.iter().map(Entry::leaf_hash));
        let checkpoints = [4u64, 9]
            .iter()
            .map(|&n| sign(n, tree.root_at(n).unwrap(), "2025-03-01T12:01:00Z", &key))
            .collect();
        Log {
            key,
            entries,
            checkpoints,
            records,
        }
    }

    impl Log {
        fn verify(&self) -> Report {
            verify_log(
                &self.entries,
                &self.checkpoints,
                self.records.iter().map(|(r, h)| (r, *h)),
                &self.key.public_key(),
            )
        }
    }

    #[test]
    fn an_intact_log_verifies() {
        let log = log();
        let report = log.verify();
        assert_eq!(report.problem, None);
        assert!(report.is_ok());
        assert_eq!(report.entries, 12);
        assert_eq!(report.checkpoints, 2);
        assert_eq!(report.records, 4);
        let tree = Tree::from_leaves(log.entries.iter().map(Entry::leaf_hash));
        assert_eq!(report.root, tree.root());
    }

    #[test]
    fn the_empty_log_verifies() {
        let key = SigningKey::from_seed([1; 32]);
        let cp = sign(0, crate::hash::empty_root(), "t", &key);
        let report = verify_log(
            [],
            &[cp],
            std::iter::empty::<(&str, Hash)>(),
            &key.public_key(),
        );
        assert!(report.is_ok());
        assert_eq!(report.checkpoints, 1);
    }

    #[test]
    fn a_deleted_entry_is_named() {
        let mut log = log();
        log.entries.remove(6);
        assert_eq!(
            log.verify().problem,
            Some(Problem::EntryOutOfPlace {
                position: 6,
                seq: 7
            })
        );
    }

    #[test]
    fn reordered_entries_are_named() {
        let mut log = log();
        log.entries.swap(2, 3);
        assert_eq!(
            log.verify().problem,
            Some(Problem::EntryOutOfPlace {
                position: 2,
                seq: 3
            })
        );
    }

    #[test]
    fn an_inserted_entry_is_named() {
        let mut log = log();
        let mut extra = log.entries[5].clone();
        extra.action = "incident.delete".into();
        log.entries.insert(6, extra);
        assert_eq!(
            log.verify().problem,
            Some(Problem::EntryOutOfPlace {
                position: 6,
                seq: 5
            })
        );
    }

    #[test]
    fn renumbered_entries_after_a_deletion_break_the_checkpoint() {
        // Deleting entry 6 and renumbering the rest keeps the seqs in place, but the tree
        // at the checkpoint of size 9 is no longer the one that was signed.
        let mut log = log();
        log.entries.remove(6);
        for (i, e) in log.entries.iter_mut().enumerate() {
            e.seq = i as u64;
        }
        match log.verify().problem {
            Some(Problem::CheckpointRoot {
                index,
                tree_size,
                first_suspect,
                ..
            }) => {
                assert_eq!((index, tree_size, first_suspect), (1, 9, 4));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_entry_changed_in_place_breaks_the_first_checkpoint_covering_it() {
        let mut log = log();
        log.entries[2].actor.user = "someone-else".into();
        let problem = log.verify().problem;
        assert!(
            matches!(
                problem,
                Some(Problem::CheckpointRoot {
                    index: 0,
                    tree_size: 4,
                    first_suspect: 0,
                    ..
                })
            ),
            "{problem:?}"
        );
        let text = problem.unwrap().to_string();
        assert!(text.contains("checkpoint 0 (tree_size 4)"), "{text}");
    }

    #[test]
    fn an_entrys_record_hash_changed_in_place_is_caught() {
        let mut log = log();
        log.entries[5].record_hash = Hash::sha256(b"forged");
        assert!(matches!(
            log.verify().problem,
            Some(Problem::CheckpointRoot {
                index: 1,
                tree_size: 9,
                first_suspect: 4,
                ..
            })
        ));
    }

    #[test]
    fn a_changed_checkpoint_fails_its_signature() {
        let mut log = log();
        log.checkpoints[1].root_hash = Hash::sha256(b"other");
        assert_eq!(
            log.verify().problem,
            Some(Problem::CheckpointSignature {
                index: 1,
                tree_size: 9,
                error: CheckpointError::BadSignature
            })
        );
        let mut log = self::log();
        log.checkpoints[0].tree_size = 5;
        assert_eq!(
            log.verify().problem,
            Some(Problem::CheckpointSignature {
                index: 0,
                tree_size: 5,
                error: CheckpointError::BadSignature
            })
        );
    }

    #[test]
    fn a_checkpoint_resigned_with_another_key_is_refused() {
        let mut log = log();
        let other = SigningKey::from_seed([9; 32]);
        let cp = &log.checkpoints[0];
        log.checkpoints[0] = sign(cp.tree_size, cp.root_hash, &cp.timestamp, &other);
        assert!(matches!(
            log.verify().problem,
            Some(Problem::CheckpointSignature {
                index: 0,
                error: CheckpointError::WrongKey { .. },
                ..
            })
        ));
    }

    #[test]
    fn entries_deleted_from_the_end_under_a_checkpoint() {
        let mut log = log();
        log.entries.truncate(7);
        assert_eq!(
            log.verify().problem,
            Some(Problem::CheckpointBeyondLog {
                index: 1,
                tree_size: 9,
                log_size: 7
            })
        );
        // Past the last checkpoint nothing is signed yet: only the records can tell.
        let mut log = self::log();
        log.entries.truncate(10);
        assert!(matches!(
            log.verify().problem,
            Some(Problem::RecordChanged { ref resource, seq: 6, .. }) if resource == "incident/2"
        ));
    }

    #[test]
    fn a_record_changed_outside_the_platform_is_named() {
        let mut log = log();
        let changed = record_hash(&json!({"id": 1, "version": 2, "tlp": "clear"}));
        log.records.insert("incident/1".into(), changed);
        let problem = log.verify().problem;
        assert_eq!(
            problem,
            Some(Problem::RecordChanged {
                resource: "incident/1".into(),
                seq: 9,
                recorded: log.entries[9].record_hash,
                current: changed,
            })
        );
        assert!(problem.unwrap().to_string().contains("incident/1"));
    }

    #[test]
    fn a_record_without_entry_is_named() {
        let mut log = log();
        log.records
            .insert("incident/99".into(), Hash::sha256(b"new"));
        assert_eq!(
            log.verify().problem,
            Some(Problem::RecordWithoutEntry {
                resource: "incident/99".into()
            })
        );
    }

    #[test]
    fn the_first_problem_wins() {
        // A record change and a deleted entry: the log is walked first.
        let mut log = log();
        log.records.insert("incident/0".into(), Hash::sha256(b"x"));
        log.entries.remove(10);
        assert!(matches!(
            log.verify().problem,
            Some(Problem::EntryOutOfPlace { position: 10, .. })
        ));
        // A bad checkpoint at 4 comes before a deleted entry at 6.
        let mut log = self::log();
        log.entries[1].action = "incident.read".into();
        log.entries.remove(6);
        assert!(matches!(
            log.verify().problem,
            Some(Problem::CheckpointRoot { tree_size: 4, .. })
        ));
    }

    #[test]
    fn checkpoints_may_come_in_any_order() {
        let mut log = log();
        log.checkpoints.reverse();
        let report = log.verify();
        assert!(report.is_ok(), "{report:?}");
        log.entries[7].at = "2025-03-01T13:00:00Z".into();
        assert!(matches!(
            log.verify().problem,
            Some(Problem::CheckpointRoot {
                index: 0,
                tree_size: 9,
                ..
            })
        ));
    }

    #[test]
    fn streaming_stops_at_the_first_problem() {
        let log = log();
        let key = log.key.public_key();
        let mut walk = LogVerifier::new(&key, &log.checkpoints);
        assert!(walk.push(&log.entries[0]));
        assert!(!walk.push(&log.entries[2]));
        assert!(!walk.push(&log.entries[1]));
        let report = walk.finish(std::iter::empty::<(&str, Hash)>());
        assert_eq!(report.entries, 1);
        assert_eq!(
            report.problem,
            Some(Problem::EntryOutOfPlace {
                position: 1,
                seq: 2
            })
        );
    }
}
