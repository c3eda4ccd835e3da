//! Watchlist entries as the importers produce them and the index consumes them.

use serde::{Deserialize, Serialize};

use crate::schema::Schema;

/// One listed party.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// The list's own identifier (OFAC `ent_num`, UN reference number, FtM id, CSV reference).
    pub id: String,
    pub schema: Schema,
    /// Primary name first, then aliases.
    pub names: Vec<String>,
    /// ISO 3166-1 alpha-2 codes (addresses, nationality, jurisdiction).
    pub countries: Vec<String>,
    /// Sanctions programs or topics (`SDNTK`, `ILLICIT-DRUGS-EO14059`).
    pub programs: Vec<String>,
    pub notes: String,
}

/// Why a list file was rejected. Always names the line (or byte position) and the reason.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}, line {line}: {reason}")]
    Invalid {
        file: String,
        line: u64,
        reason: String,
    },
    #[error("{file}: {reason}")]
    File { file: String, reason: String },
}

impl ImportError {
    pub(crate) fn at(file: &str, line: u64, reason: impl Into<String>) -> ImportError {
        ImportError::Invalid {
            file: file.to_string(),
            line,
            reason: reason.into(),
        }
    }
}

/// Adds `value` to `list` unless empty or already present.
pub(crate) fn push_unique(list: &mut Vec<String>, value: &str) {
    let v = value.trim();
    if !v.is_empty() && !list.iter().any(|x| x == v) {
        list.push(v.to_string());
    }
}
