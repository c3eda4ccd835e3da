//! One entry of the audit log, exactly the contract's JSON, and the hashes made from it.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::canonical::canonical_json;
use crate::hash::{leaf_hash, Hash};

/// Who did it: the user and the organisation they acted for (their ids as the platform
/// writes them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    pub user: String,
    pub organisation: String,
}

/// `{"seq", "at", "actor": {"user", "organisation"}, "action", "resource", "record_hash"}`.
///
/// Unknown fields are refused when reading: the leaf hash covers exactly these six fields, so
/// an entry carrying anything else would not hash to what was appended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Position in the log, counting from 0; also the entry's leaf index in the tree.
    pub seq: u64,
    /// When, RFC 3339 UTC (`2025-03-01T12:00:00Z`). Hashed as the exact text given.
    pub at: String,
    pub actor: Actor,
    /// What was done (`incident.create`, `incident.read`, …), as the platform names it.
    pub action: String,
    /// What it was done to (`incident/…`): the key of [`crate::verify_log`]'s record check.
    pub resource: String,
    /// SHA-256 of the record's canonical JSON after the change (see [`record_hash`]).
    pub record_hash: Hash,
}

impl Entry {
    /// The entry as a JSON value. Built field by field rather than through `Serialize`, so it
    /// cannot fail and its shape is visible here.
    pub fn to_json(&self) -> Value {
        json!({
            "seq": self.seq,
            "at": self.at,
            "actor": {"user": self.actor.user, "organisation": self.actor.organisation},
            "action": self.action,
            "resource": self.resource,
            "record_hash": self.record_hash.to_hex(),
        })
    }

    /// The canonical JSON that the leaf hash covers.
    pub fn canonical_json(&self) -> String {
        canonical_json(&self.to_json())
    }

    /// The entry's leaf in the tree: `SHA-256(0x00 ‖ canonical JSON of the entry)`.
    pub fn leaf_hash(&self) -> Hash {
        leaf_hash(self.canonical_json().as_bytes())
    }
}

/// The `record_hash` of a record: SHA-256 of its canonical JSON. The same function serves when
/// the entry is appended and when `audit verify` re-hashes the record's current content.
pub fn record_hash(record: &Value) -> Hash {
    Hash::sha256(canonical_json(record).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry {
            seq: 7,
            at: "2025-03-01T12:00:00Z".into(),
            actor: Actor {
                user: "u-1".into(),
                organisation: "org-nl-customs".into(),
            },
            action: "incident.create".into(),
            resource: "incident/42".into(),
            record_hash: record_hash(&json!({"id": 42, "tlp": "amber"})),
        }
    }

    #[test]
    fn canonical_json_of_an_entry() {
        let e = entry();
        assert_eq!(
            e.canonical_json(),
            format!(
                r#"{{"action":"incident.create","actor":{{"organisation":"org-nl-customs","user":"u-1"}},"at":"2025-03-01T12:00:00Z","record_hash":"{}","resource":"incident/42","seq":7}}"#,
                e.record_hash
            )
        );
        // The serde form is the same JSON value, so either may be served.
        let via_serde = serde_json::to_value(&e).unwrap();
        assert_eq!(canonical_json(&via_serde), e.canonical_json());
        let back: Entry = serde_json::from_value(via_serde).unwrap();
        assert_eq!(back, e);
    }

    #[test]
    fn leaf_hash_is_prefixed_sha256_of_canonical_json() {
        let e = entry();
        let mut bytes = vec![0u8];
        bytes.extend_from_slice(e.canonical_json().as_bytes());
        assert_eq!(e.leaf_hash(), Hash::sha256(&bytes));
    }

    #[test]
    fn record_hash_ignores_key_order() {
        let a: Value = serde_json::from_str(r#"{"b":1,"a":2}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"a":2,"b":1}"#).unwrap();
        assert_eq!(record_hash(&a), record_hash(&b));
        assert_eq!(record_hash(&a), Hash::sha256(br#"{"a":2,"b":1}"#));
    }

    #[test]
    fn unknown_fields_are_refused() {
        let mut v = serde_json::to_value(entry()).unwrap();
        v["extra"] = json!(1);
        assert!(serde_json::from_value::<Entry>(v).is_err());
    }
}
