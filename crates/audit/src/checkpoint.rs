//! Signed checkpoints: the platform's Ed25519 key vouches for the tree's root at a size.
//!
//! `{"tree_size", "root_hash", "timestamp", "key_id", "public_key", "signature"}`, the signature
//! over the canonical JSON of `{"key_id", "root_hash", "timestamp", "tree_size"}`. Whoever holds
//! the published public key can check a checkpoint, and then any proof against its root,
//! without trusting the platform's database.
//!
//! The signature library (`ed25519-dalek`) is reached only from this file: the keys and
//! signatures of the API are this crate's own types, so swapping the library changes nothing
//! outside it.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::json;
use thiserror::Error;

use crate::canonical::canonical_json;
use crate::hash::Hash;
use crate::hex::{self, HexError};

/// First line of the secret key's text form; it names the format so that a wrong file (or a
/// future format) is refused rather than read as a key.
pub const SECRET_KEY_HEADER: &str = "interdict-audit-ed25519-seed v1";

/// An Ed25519 public key (32 bytes; lower-case hex in JSON).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PublicKey([u8; 32]);

/// An Ed25519 signature (64 bytes; lower-case hex in JSON).
#[derive(Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Signature([u8; 64]);

/// The platform's signing key. Its `Debug` shows only the key id, and the secret is wiped from
/// memory when the value is dropped (`ed25519-dalek`'s `zeroize`).
#[derive(Clone)]
pub struct SigningKey(ed25519_dalek::SigningKey);

/// `{"tree_size", "root_hash", "timestamp", "key_id", "public_key", "signature"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The number of entries the root covers (entries with seq `0..tree_size`).
    pub tree_size: u64,
    /// MTH of those entries' leaf hashes.
    pub root_hash: Hash,
    /// When it was signed, RFC 3339 UTC. Signed as the exact text given.
    pub timestamp: String,
    /// [`key_id`] of `public_key`.
    pub key_id: String,
    pub public_key: PublicKey,
    pub signature: Signature,
}

/// Why a key cannot be made or read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeyError {
    #[error("the operating system gave no randomness for a new key: {0}")]
    Randomness(String),
    #[error("not an audit signing key: the first line must be `{SECRET_KEY_HEADER}`")]
    Header,
    /// Deliberately says nothing of the content: it is secret.
    #[error("the second line of the key must be the 32-byte seed as 64 lower-case hex digits")]
    Seed,
    #[error("the key has text after its seed line")]
    TrailingText,
}

/// Why a checkpoint is not vouched for by the platform's key.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CheckpointError {
    #[error("signed with public key {found}, not the platform's {expected}")]
    WrongKey {
        expected: PublicKey,
        found: PublicKey,
    },
    #[error("key_id {found:?} is not the id {expected} of its public key")]
    KeyIdMismatch { expected: String, found: String },
    #[error("its public key is not a valid Ed25519 key")]
    InvalidKey,
    #[error("the signature does not verify: the checkpoint was changed after it was signed")]
    BadSignature,
}

/// The short stable id of a public key: the first 16 hex digits (8 bytes) of SHA-256 of its
/// 32 bytes. Enough to tell the platform's keys apart (a collision by chance needs ~2³² keys)
/// and to name a key in messages; it is never used to authenticate — the full key is.
pub fn key_id(public_key: &PublicKey) -> String {
    let mut id = Hash::sha256(&public_key.0).to_hex();
    id.truncate(16);
    id
}

/// The text that is signed: the canonical JSON of
/// `{"key_id", "root_hash", "timestamp", "tree_size"}`.
pub fn signed_message(tree_size: u64, root_hash: &Hash, timestamp: &str, key_id: &str) -> String {
    canonical_json(&json!({
        "key_id": key_id,
        "root_hash": root_hash.to_hex(),
        "timestamp": timestamp,
        "tree_size": tree_size,
    }))
}

/// Signs the root of the first `tree_size` entries.
pub fn sign(tree_size: u64, root_hash: Hash, timestamp: &str, key: &SigningKey) -> Checkpoint {
    let public_key = key.public_key();
    let key_id = key_id(&public_key);
    let message = signed_message(tree_size, &root_hash, timestamp, &key_id);
    Checkpoint {
        tree_size,
        root_hash,
        timestamp: timestamp.to_string(),
        key_id,
        public_key,
        signature: key.sign_bytes(message.as_bytes()),
    }
}

impl Checkpoint {
    /// The text its signature covers.
    pub fn signed_message(&self) -> String {
        signed_message(
            self.tree_size,
            &self.root_hash,
            &self.timestamp,
            &self.key_id,
        )
    }

    /// Whether `trusted` (the platform's published key) signed exactly this checkpoint. The
    /// key in the checkpoint must be `trusted` itself: a checkpoint that carries its own key
    /// proves nothing, since anyone can sign with a key of their own.
    pub fn verify(&self, trusted: &PublicKey) -> Result<(), CheckpointError> {
        if self.public_key != *trusted {
            return Err(CheckpointError::WrongKey {
                expected: *trusted,
                found: self.public_key,
            });
        }
        let expected = key_id(trusted);
        if self.key_id != expected {
            return Err(CheckpointError::KeyIdMismatch {
                expected,
                found: self.key_id.clone(),
            });
        }
        trusted.verify_bytes(self.signed_message().as_bytes(), &self.signature)
    }
}

impl SigningKey {
    /// A new key from the operating system's randomness.
    pub fn generate() -> Result<Self, KeyError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| KeyError::Randomness(e.to_string()))?;
        Ok(Self::from_seed(seed))
    }

    /// The key with this 32-byte seed (RFC 8032's "secret key").
    pub fn from_seed(seed: [u8; 32]) -> Self {
        SigningKey(ed25519_dalek::SigningKey::from_bytes(&seed))
    }

    /// Its public key, to publish with the checkpoints.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.verifying_key().to_bytes())
    }

    /// [`key_id`] of its public key.
    pub fn key_id(&self) -> String {
        key_id(&self.public_key())
    }

    /// The key as text, for a file the caller writes (readable by the platform only):
    ///
    /// ```text
    /// interdict-audit-ed25519-seed v1
    /// <the 32-byte seed as 64 lower-case hex digits>
    /// ```
    pub fn to_text(&self) -> String {
        format!("{SECRET_KEY_HEADER}\n{}\n", hex::encode(self.0.as_bytes()))
    }

    /// Reads [`SigningKey::to_text`]'s format. Line ends may be `\n` or `\r\n`; blank lines may
    /// follow; errors never quote the secret.
    pub fn from_text(text: &str) -> Result<Self, KeyError> {
        let mut lines = text.lines();
        if lines.next().map(str::trim_end) != Some(SECRET_KEY_HEADER) {
            return Err(KeyError::Header);
        }
        let seed_line = lines.next().map(str::trim).ok_or(KeyError::Seed)?;
        let seed: [u8; 32] = hex::decode_array(seed_line).map_err(|_| KeyError::Seed)?;
        if lines.any(|l| !l.trim().is_empty()) {
            return Err(KeyError::TrailingText);
        }
        Ok(Self::from_seed(seed))
    }

    /// A key derived from this one for `context` (HMAC-SHA256 of the context under the seed):
    /// the platform derives each authority's label key from its own, so no signing secret
    /// is ever stored in the database — only the context (a random salt) and the public key.
    pub fn derive(&self, context: &[u8]) -> SigningKey {
        use hmac::Mac;
        let seed = self.0.to_bytes();
        // HMAC takes a key of any length; new_from_slice cannot fail.
        let mut mac = match hmac::Hmac::<sha2::Sha256>::new_from_slice(&seed) {
            Ok(m) => m,
            Err(_) => unreachable!("HMAC accepts keys of any length"),
        };
        mac.update(b"interdict derived key v1\0");
        mac.update(context);
        let out: [u8; 32] = mac.finalize().into_bytes().into();
        SigningKey::from_seed(out)
    }

    /// Ed25519 (RFC 8032, pure) over `message`.
    pub fn sign_bytes(&self, message: &[u8]) -> Signature {
        use ed25519_dalek::Signer;
        Signature(self.0.sign(message).to_bytes())
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("key_id", &self.key_id())
            .finish_non_exhaustive()
    }
}

impl PublicKey {
    /// [`key_id`] of this key.
    pub fn key_id(&self) -> String {
        key_id(self)
    }

    /// Strict verification (`verify_strict`: no small-order keys or non-canonical `S`), so a
    /// checkpoint has one valid signature encoding.
    pub fn verify_bytes(
        &self,
        message: &[u8],
        signature: &Signature,
    ) -> Result<(), CheckpointError> {
        let key = ed25519_dalek::VerifyingKey::from_bytes(&self.0)
            .map_err(|_| CheckpointError::InvalidKey)?;
        let signature = ed25519_dalek::Signature::from_bytes(&signature.0);
        key.verify_strict(message, &signature)
            .map_err(|_| CheckpointError::BadSignature)
    }
}

/// What the two byte-string types share: bytes in and out, lower-case hex as their text
/// (`Display`, `FromStr`, and JSON through `String`).
macro_rules! hex_text {
    ($t:ident, $n:literal) => {
        impl $t {
            /// The value with these bytes (a public key is checked to be a curve point only
            /// when it is used to verify).
            pub const fn from_bytes(bytes: [u8; $n]) -> Self {
                $t(bytes)
            }

            pub const fn as_bytes(&self) -> &[u8; $n] {
                &self.0
            }

            /// From exactly twice as many lower-case hex digits as bytes.
            pub fn from_hex(text: &str) -> Result<Self, HexError> {
                hex::decode_array(text).map($t)
            }

            pub fn to_hex(&self) -> String {
                hex::encode(&self.0)
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.to_hex())
            }
        }
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($t), self.to_hex())
            }
        }
        impl std::str::FromStr for $t {
            type Err = HexError;
            fn from_str(s: &str) -> Result<Self, HexError> {
                <$t>::from_hex(s)
            }
        }
        impl TryFrom<String> for $t {
            type Error = HexError;
            fn try_from(s: String) -> Result<Self, HexError> {
                <$t>::from_hex(&s)
            }
        }
        impl From<$t> for String {
            fn from(v: $t) -> String {
                v.to_hex()
            }
        }
    };
}
hex_text!(PublicKey, 32);
hex_text!(Signature, 64);

#[cfg(test)]
mod tests {
    use super::*;

    fn h<const N: usize>(text: &str) -> [u8; N] {
        hex::decode_array(text).unwrap()
    }

    /// RFC 8032 §7.1, TEST 1–3 (Ed25519): secret key, public key, message, signature.
    const RFC8032: [(&str, &str, &str, &str); 3] = [
        (
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
        ),
        (
            "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
        ),
        (
            "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            "af82",
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
        ),
    ];

    #[test]
    fn rfc8032_test_vectors() {
        for (secret, public, message, signature) in RFC8032 {
            let key = SigningKey::from_seed(h(secret));
            assert_eq!(key.public_key().to_hex(), public);
            let message: Vec<u8> = (0..message.len() / 2)
                .map(|i| h::<1>(&message[2 * i..2 * i + 2])[0])
                .collect();
            let sig = key.sign_bytes(&message);
            assert_eq!(sig.to_hex(), signature);
            let public = PublicKey::from_hex(public).unwrap();
            assert_eq!(public.verify_bytes(&message, &sig), Ok(()));
            assert_eq!(
                public.verify_bytes(b"other", &sig),
                Err(CheckpointError::BadSignature)
            );
        }
    }

    fn rfc_key() -> SigningKey {
        SigningKey::from_seed(h(RFC8032[0].0))
    }

    #[test]
    fn key_id_is_the_start_of_sha256_of_the_public_key() {
        let key = rfc_key();
        let full = Hash::sha256(key.public_key().as_bytes()).to_hex();
        assert_eq!(key.key_id(), full[..16]);
        assert_eq!(key.key_id().len(), 16);
        assert_eq!(key.public_key().key_id(), key.key_id());
    }

    #[test]
    fn sign_and_verify_a_checkpoint() {
        let key = rfc_key();
        let root = Hash::sha256(b"root");
        let cp = sign(8, root, "2025-03-01T12:00:00Z", &key);
        assert_eq!(
            cp.signed_message(),
            format!(
                r#"{{"key_id":"{}","root_hash":"{root}","timestamp":"2025-03-01T12:00:00Z","tree_size":8}}"#,
                key.key_id()
            )
        );
        assert_eq!(cp.verify(&key.public_key()), Ok(()));

        // JSON as the contract's, and back.
        let json = serde_json::to_value(&cp).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "tree_size",
                "root_hash",
                "timestamp",
                "key_id",
                "public_key",
                "signature"
            ]
        );
        assert_eq!(json["public_key"], RFC8032[0].1);
        assert_eq!(json["signature"].as_str().unwrap().len(), 128);
        let back: Checkpoint = serde_json::from_value(json).unwrap();
        assert_eq!(back, cp);

        // Any signed field changed: the signature fails.
        let trusted = key.public_key();
        let mut c = cp.clone();
        c.tree_size = 9;
        assert_eq!(c.verify(&trusted), Err(CheckpointError::BadSignature));
        let mut c = cp.clone();
        c.root_hash = Hash::sha256(b"other");
        assert_eq!(c.verify(&trusted), Err(CheckpointError::BadSignature));
        let mut c = cp.clone();
        c.timestamp = "2025-03-01T12:00:01Z".into();
        assert_eq!(c.verify(&trusted), Err(CheckpointError::BadSignature));
        let mut c = cp.clone();
        c.key_id = "0000000000000000".into();
        assert!(matches!(
            c.verify(&trusted),
            Err(CheckpointError::KeyIdMismatch { .. })
        ));
        let mut c = cp.clone();
        let mut sig = *c.signature.as_bytes();
        sig[0] ^= 1;
        c.signature = Signature::from_bytes(sig);
        assert_eq!(c.verify(&trusted), Err(CheckpointError::BadSignature));

        // Re-signed with another key: refused against the platform's key.
        let other = SigningKey::from_seed([7; 32]);
        let forged = sign(8, root, "2025-03-01T12:00:00Z", &other);
        assert_eq!(forged.verify(&other.public_key()), Ok(()));
        assert!(matches!(
            forged.verify(&trusted),
            Err(CheckpointError::WrongKey { .. })
        ));
    }

    #[test]
    fn an_invalid_public_key_is_reported() {
        let key = rfc_key();
        let cp = sign(1, Hash::sha256(b"r"), "t", &key);
        // The first small y with no point on the curve (about half of all y have none).
        let bad = (2u8..=255)
            .map(|y| {
                let mut b = [0u8; 32];
                b[0] = y;
                b
            })
            .find(|b| ed25519_dalek::VerifyingKey::from_bytes(b).is_err())
            .map(PublicKey::from_bytes)
            .unwrap();
        let forged = Checkpoint {
            public_key: bad,
            key_id: key_id(&bad),
            ..cp
        };
        assert_eq!(forged.verify(&bad), Err(CheckpointError::InvalidKey));
    }

    #[test]
    fn secret_key_text_round_trips() {
        let key = rfc_key();
        let text = key.to_text();
        assert_eq!(
            text,
            format!("interdict-audit-ed25519-seed v1\n{}\n", RFC8032[0].0)
        );
        let back = SigningKey::from_text(&text).unwrap();
        assert_eq!(back.public_key(), key.public_key());
        let crlf = text.replace('\n', "\r\n") + "\r\n";
        assert_eq!(
            SigningKey::from_text(&crlf).unwrap().public_key(),
            key.public_key()
        );
    }

    #[test]
    fn secret_key_text_errors_name_no_secret() {
        let seed = RFC8032[0].0;
        let cases = [
            (String::new(), KeyError::Header),
            (format!("{seed}\n"), KeyError::Header),
            (format!("other v1\n{seed}\n"), KeyError::Header),
            (format!("{SECRET_KEY_HEADER}\n"), KeyError::Seed),
            (
                format!("{SECRET_KEY_HEADER}\n{}\n", &seed[..62]),
                KeyError::Seed,
            ),
            (
                format!("{SECRET_KEY_HEADER}\n{}\n", seed.to_uppercase()),
                KeyError::Seed,
            ),
            (
                format!("{SECRET_KEY_HEADER}\n{seed}\nmore\n"),
                KeyError::TrailingText,
            ),
        ];
        for (text, want) in cases {
            let err = SigningKey::from_text(&text).unwrap_err();
            assert_eq!(err, want, "{text:?}");
            assert!(!err.to_string().contains(&seed[..8]));
        }
        assert!(!format!("{:?}", rfc_key()).contains(&seed[..8]));
    }

    #[test]
    fn generated_keys_differ_and_sign() {
        let a = SigningKey::generate().unwrap();
        let b = SigningKey::generate().unwrap();
        assert_ne!(a.public_key(), b.public_key());
        let cp = sign(0, crate::hash::empty_root(), "t", &a);
        assert_eq!(cp.verify(&a.public_key()), Ok(()));
    }

    #[test]
    fn hex_fields_are_strict() {
        assert!(PublicKey::from_hex(&RFC8032[0].1.to_uppercase()).is_err());
        assert!(Signature::from_hex(RFC8032[0].1).is_err());
        assert!(serde_json::from_str::<PublicKey>("\"00\"").is_err());
    }
}
