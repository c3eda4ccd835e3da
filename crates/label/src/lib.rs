//! Signed shipment labels (`shared/spec/platform.md`, Shipment labels).
//!
//! When a pre-export notification is cleared, the exporting authority's key signs a label for
//! the consignment: `ITD1.<base64url payload>.<base64url signature>`, the payload canonical
//! JSON, the signature Ed25519 over the payload bytes. Port officers check it offline against
//! the authorities' published keys ([`KeySet`], the `keys.json` of `interdict keys export`).
//!
//! **Architecture invariant:** no I/O and no clock — callers pass the time, the keys and the
//! text, and this crate answers. What only the platform knows (a notification stopped or
//! withdrawn after the label was issued) is the application layer's to add.

mod qr;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use interdict_audit::{canonical_json, PublicKey, Signature, SigningKey};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use qr::{qr_png, qr_svg, QrError};

/// The label text's version prefix.
pub const PREFIX: &str = "ITD1";

/// Longest label text read: a real one is under 1 KB; anything much longer is not a label.
pub const MAX_LABEL_BYTES: usize = 8 * 1024;

/// A quantity on a label.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelQuantity {
    pub value: f64,
    pub unit: String,
}

/// What a label says. Fields are the contract's; times are RFC 3339 UTC.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payload {
    pub pen: String,
    pub exporting_country: String,
    pub importing_country: String,
    pub substance_id: Option<String>,
    pub cas: Option<String>,
    pub quantity: LabelQuantity,
    pub exporter: String,
    pub importer: String,
    pub issued_at: String,
    pub valid_until: String,
    pub key_id: String,
}

/// One published key (`GET /api/v1/keys`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublishedKey {
    pub key_id: String,
    pub organisation: String,
    pub country: String,
    /// Ed25519 public key, 64 lower-case hex digits.
    pub public_key: String,
    pub valid_from: String,
    pub revoked_at: Option<String>,
}

/// The keys a verifier trusts: `{"keys": [...]}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct KeySet {
    pub keys: Vec<PublishedKey>,
}

/// Why a key file cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum KeySetError {
    #[error("not a key file (expected {{\"keys\": [...]}}): {0}")]
    Json(#[from] serde_json::Error),
    #[error("keys[{index}].public_key: not 64 hex digits of an Ed25519 key")]
    PublicKey { index: usize },
    #[error("keys[{index}].key_id: `{found}` is not the id {expected} of its public key")]
    KeyId {
        index: usize,
        expected: String,
        found: String,
    },
}

impl KeySet {
    /// Reads and checks a key file: every public key well formed and named by its own id.
    pub fn from_json(text: &str) -> Result<KeySet, KeySetError> {
        let set: KeySet = serde_json::from_str(text)?;
        for (index, k) in set.keys.iter().enumerate() {
            let public: PublicKey = k
                .public_key
                .parse()
                .map_err(|_| KeySetError::PublicKey { index })?;
            let expected = public.key_id();
            if expected != k.key_id {
                return Err(KeySetError::KeyId {
                    index,
                    expected,
                    found: k.key_id.clone(),
                });
            }
        }
        Ok(set)
    }

    fn get(&self, key_id: &str) -> Option<&PublishedKey> {
        self.keys.iter().find(|k| k.key_id == key_id)
    }
}

/// Why a label is not valid: each its own code, for tests, logs and the UI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    /// Not `ITD1.<payload>.<signature>` in base64url, or the payload is not the label JSON.
    Malformed,
    /// The key that signed it is not among the published keys.
    UnknownKey,
    /// The signature does not verify: the payload or the signature was changed.
    BadSignature,
    /// Signed by a key of another country than the exporting country of the payload.
    WrongCountry,
    /// The key was revoked.
    RevokedKey,
    /// Issued before the key was valid, or in the future.
    NotYetValid,
    /// Past `valid_until`.
    Expired,
    /// The notification was withdrawn after the label was issued (known online only).
    Withdrawn,
    /// The notification was stopped after the label was issued (known online only).
    Stopped,
    /// The platform has no such notification, or the label does not match it (online only).
    NotOnFile,
}

impl Problem {
    pub fn as_str(self) -> &'static str {
        match self {
            Problem::Malformed => "malformed",
            Problem::UnknownKey => "unknown_key",
            Problem::BadSignature => "bad_signature",
            Problem::WrongCountry => "wrong_country",
            Problem::RevokedKey => "revoked_key",
            Problem::NotYetValid => "not_yet_valid",
            Problem::Expired => "expired",
            Problem::Withdrawn => "withdrawn",
            Problem::Stopped => "stopped",
            Problem::NotOnFile => "not_on_file",
        }
    }
}

/// The answer of a verification: `{"valid", "reason", "problem", "payload"}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Verdict {
    pub valid: bool,
    /// In words: who signed it and until when, or what is wrong.
    pub reason: String,
    /// The code of what is wrong (absent when valid).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
    /// The payload when it could be read (also when the label is not valid: the officer sees
    /// what it claims).
    pub payload: Option<Value>,
}

impl Verdict {
    pub fn invalid(problem: Problem, reason: impl Into<String>, payload: Option<Value>) -> Verdict {
        Verdict {
            valid: false,
            reason: reason.into(),
            problem: Some(problem),
            payload,
        }
    }
}

/// Why a label cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum LabelError {
    #[error("the payload's key_id {payload} is not the signing key's {key}")]
    KeyMismatch { payload: String, key: String },
    #[error("the payload cannot be written as JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// Signs `payload` with `key` into the label text.
pub fn sign(payload: &Payload, key: &SigningKey) -> Result<String, LabelError> {
    if payload.key_id != key.key_id() {
        return Err(LabelError::KeyMismatch {
            payload: payload.key_id.clone(),
            key: key.key_id(),
        });
    }
    let bytes = canonical_json(&serde_json::to_value(payload)?);
    let signature = key.sign_bytes(bytes.as_bytes());
    Ok(format!(
        "{PREFIX}.{}.{}",
        URL_SAFE_NO_PAD.encode(bytes.as_bytes()),
        URL_SAFE_NO_PAD.encode(signature.as_bytes())
    ))
}

/// A label taken apart, before any trust in it.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    /// The payload bytes the signature covers.
    pub message: Vec<u8>,
    pub payload: Payload,
    /// The payload as JSON, for answers.
    pub json: Value,
    pub signature: Signature,
}

/// Takes a label apart: prefix, base64url (canonical, unpadded), the payload's JSON in its
/// canonical form with exactly the contract's fields, and a 64-byte signature.
pub fn parse(text: &str) -> Result<Parsed, String> {
    let text = text.trim();
    if text.len() > MAX_LABEL_BYTES {
        return Err(format!(
            "the label is {} bytes, more than the {MAX_LABEL_BYTES} a label can have",
            text.len()
        ));
    }
    let mut parts = text.split('.');
    let (Some(prefix), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("a label is ITD1.<payload>.<signature>: three parts separated by dots".into());
    };
    if prefix != PREFIX {
        return Err(format!(
            "the label starts with `{}`, not {PREFIX}",
            prefix.chars().take(12).collect::<String>()
        ));
    }
    let message = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|e| format!("the payload is not base64url: {e}"))?;
    let signature_bytes = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|e| format!("the signature is not base64url: {e}"))?;
    let signature_bytes: [u8; 64] = signature_bytes
        .try_into()
        .map_err(|b: Vec<u8>| format!("the signature is {} bytes, not 64", b.len()))?;
    let json: Value =
        serde_json::from_slice(&message).map_err(|e| format!("the payload is not JSON: {e}"))?;
    if canonical_json(&json).as_bytes() != message.as_slice() {
        return Err("the payload is not in canonical JSON form".into());
    }
    let payload: Payload = serde_json::from_value(json.clone())
        .map_err(|e| format!("the payload is not a label's: {e}"))?;
    Ok(Parsed {
        message,
        payload,
        json,
        signature: Signature::from_bytes(signature_bytes),
    })
}

/// Verifies a label offline: the signature under a known key of the exporting country that is
/// not revoked, and the time `now_rfc3339` within the label's validity. RFC 3339 UTC times of
/// the same form compare as text.
pub fn verify(text: &str, keys: &KeySet, now_rfc3339: &str) -> Verdict {
    let parsed = match parse(text) {
        Ok(p) => p,
        Err(e) => return Verdict::invalid(Problem::Malformed, e, None),
    };
    let payload = Some(parsed.json.clone());
    let p = &parsed.payload;
    let Some(key) = keys.get(&p.key_id) else {
        return Verdict::invalid(
            Problem::UnknownKey,
            format!(
                "signed with key {}, which is not among the {} published keys",
                clip(&p.key_id),
                keys.keys.len()
            ),
            payload,
        );
    };
    let Ok(public) = key.public_key.parse::<PublicKey>() else {
        return Verdict::invalid(
            Problem::UnknownKey,
            format!("the published key {} is not a valid key", key.key_id),
            payload,
        );
    };
    if public
        .verify_bytes(&parsed.message, &parsed.signature)
        .is_err()
    {
        return Verdict::invalid(
            Problem::BadSignature,
            format!(
                "the signature does not verify under key {}: the label was changed after it was signed",
                key.key_id
            ),
            payload,
        );
    }
    if key.country != p.exporting_country {
        return Verdict::invalid(
            Problem::WrongCountry,
            format!(
                "signed by a key of {} ({}), but the label is for an export from {}",
                key.country,
                key.organisation,
                clip(&p.exporting_country)
            ),
            payload,
        );
    }
    if let Some(revoked) = &key.revoked_at {
        return Verdict::invalid(
            Problem::RevokedKey,
            format!(
                "key {} of {} was revoked at {revoked}",
                key.key_id, key.organisation
            ),
            payload,
        );
    }
    if p.issued_at.as_str() < key.valid_from.as_str() || p.issued_at.as_str() > now_rfc3339 {
        return Verdict::invalid(
            Problem::NotYetValid,
            format!(
                "issued at {}, outside the key's use (from {}) or in the future",
                clip(&p.issued_at),
                key.valid_from
            ),
            payload,
        );
    }
    if now_rfc3339 > p.valid_until.as_str() {
        return Verdict::invalid(
            Problem::Expired,
            format!("the label expired at {}", clip(&p.valid_until)),
            payload,
        );
    }
    Verdict {
        valid: true,
        reason: format!(
            "signed by {} ({}) with key {}; valid until {}",
            key.organisation, key.country, key.key_id, p.valid_until
        ),
        problem: None,
        payload,
    }
}

fn clip(s: &str) -> String {
    s.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn payload(key: &SigningKey) -> Payload {
        Payload {
            pen: "PEN-CN-2026-123456".into(),
            exporting_country: "CN".into(),
            importing_country: "MX".into(),
            substance_id: Some("un-1988-i-npp".into()),
            cas: Some("39742-60-4".into()),
            quantity: LabelQuantity {
                value: 500.0,
                unit: "kg".into(),
            },
            exporter: "Hubei Chem".into(),
            importer: "Quimica MX".into(),
            issued_at: "2026-12-02T10:00:00Z".into(),
            valid_until: "2027-03-01T23:59:59Z".into(),
            key_id: key.key_id(),
        }
    }

    fn published(key: &SigningKey, country: &str) -> PublishedKey {
        PublishedKey {
            key_id: key.key_id(),
            organisation: format!("org-{country}"),
            country: country.into(),
            public_key: key.public_key().to_hex(),
            valid_from: "2026-01-01T00:00:00Z".into(),
            revoked_at: None,
        }
    }

    const NOW: &str = "2026-12-03T08:00:00Z";

    #[test]
    fn a_signed_label_verifies_and_reads_back() {
        let key = SigningKey::from_seed([7; 32]);
        let label = sign(&payload(&key), &key).unwrap();
        assert!(label.starts_with("ITD1."));
        let keys = KeySet {
            keys: vec![published(&key, "CN")],
        };
        let v = verify(&label, &keys, NOW);
        assert!(v.valid, "{v:?}");
        assert_eq!(v.payload.unwrap()["pen"], "PEN-CN-2026-123456");
        let round = KeySet::from_json(&serde_json::to_string(&keys).unwrap()).unwrap();
        assert_eq!(round, keys);
    }

    #[test]
    fn every_changed_byte_fails() {
        let key = SigningKey::from_seed([7; 32]);
        let label = sign(&payload(&key), &key).unwrap();
        let keys = KeySet {
            keys: vec![published(&key, "CN")],
        };
        let bytes = label.as_bytes();
        for i in 0..bytes.len() {
            for replacement in [b'A', b'z', b'-', b'.'] {
                if bytes[i] == replacement {
                    continue;
                }
                let mut changed = bytes.to_vec();
                changed[i] = replacement;
                let text = String::from_utf8(changed).unwrap();
                let v = verify(&text, &keys, NOW);
                assert!(
                    !v.valid,
                    "byte {i} changed to {} still verifies",
                    replacement as char
                );
                assert!(
                    matches!(
                        v.problem,
                        Some(Problem::Malformed | Problem::BadSignature | Problem::UnknownKey)
                    ),
                    "byte {i}: {v:?}"
                );
            }
        }
    }

    #[test]
    fn each_failure_has_its_own_reason() {
        let cn = SigningKey::from_seed([1; 32]);
        let mx = SigningKey::from_seed([2; 32]);
        let keys = KeySet {
            keys: vec![published(&cn, "CN"), published(&mx, "MX")],
        };
        // Signed by Mexico's key for an export from China.
        let mut forged = payload(&mx);
        forged.exporting_country = "CN".into();
        let v = verify(&sign(&forged, &mx).unwrap(), &keys, NOW);
        assert_eq!(v.problem, Some(Problem::WrongCountry), "{v:?}");
        // A key nobody published.
        let stranger = SigningKey::from_seed([3; 32]);
        let v = verify(&sign(&payload(&stranger), &stranger).unwrap(), &keys, NOW);
        assert_eq!(v.problem, Some(Problem::UnknownKey));
        // Claims China's key id but is signed by another key.
        let mut claimed = payload(&stranger);
        claimed.key_id = cn.key_id();
        let bytes = canonical_json(&serde_json::to_value(&claimed).unwrap());
        let sig = stranger.sign_bytes(bytes.as_bytes());
        let text = format!(
            "ITD1.{}.{}",
            URL_SAFE_NO_PAD.encode(bytes.as_bytes()),
            URL_SAFE_NO_PAD.encode(sig.as_bytes())
        );
        assert_eq!(
            verify(&text, &keys, NOW).problem,
            Some(Problem::BadSignature)
        );
        // Revoked.
        let mut revoked = keys.clone();
        revoked.keys[0].revoked_at = Some("2026-12-01T00:00:00Z".into());
        let good = sign(&payload(&cn), &cn).unwrap();
        assert_eq!(
            verify(&good, &revoked, NOW).problem,
            Some(Problem::RevokedKey)
        );
        // Expired, and not yet issued.
        assert_eq!(
            verify(&good, &keys, "2027-03-02T00:00:00Z").problem,
            Some(Problem::Expired)
        );
        assert_eq!(
            verify(&good, &keys, "2026-12-01T00:00:00Z").problem,
            Some(Problem::NotYetValid)
        );
        // Malformed.
        for text in ["", "ITD2.a.b", "ITD1.a", "ITD1.!!.??", "ITD1.e30.AAAA"] {
            assert_eq!(
                verify(text, &keys, NOW).problem,
                Some(Problem::Malformed),
                "{text}"
            );
        }
        // Not canonical JSON (a space) though signed.
        let spaced = b"{ \"pen\": 1}";
        let sig = cn.sign_bytes(spaced);
        let text = format!(
            "ITD1.{}.{}",
            URL_SAFE_NO_PAD.encode(spaced),
            URL_SAFE_NO_PAD.encode(sig.as_bytes())
        );
        assert_eq!(verify(&text, &keys, NOW).problem, Some(Problem::Malformed));
    }

    #[test]
    fn key_files_are_checked() {
        let key = SigningKey::from_seed([1; 32]);
        let mut k = published(&key, "CN");
        k.key_id = "0000000000000000".into();
        let text = serde_json::to_string(&KeySet { keys: vec![k] }).unwrap();
        assert!(matches!(
            KeySet::from_json(&text),
            Err(KeySetError::KeyId { .. })
        ));
        assert!(KeySet::from_json("[]").is_err());
    }
}
