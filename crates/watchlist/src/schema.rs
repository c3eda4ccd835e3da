//! The kind of party a name belongs to. Importers, the index and the scorer all speak of it, so it
//! stands alone.

use serde::{Deserialize, Serialize};

/// What kind of party a name belongs to, when known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Schema {
    Person,
    Organization,
    Vessel,
    Aircraft,
    #[default]
    Unknown,
}

impl Schema {
    /// From FtM or list vocabulary (`Person`, `Company`, `individual`, `entity`, `vessel` …).
    pub fn parse(s: &str) -> Schema {
        match s.trim().to_ascii_lowercase().as_str() {
            "person" | "individual" => Schema::Person,
            "company" | "organization" | "organisation" | "legalentity" | "entity"
            | "publicbody" => Schema::Organization,
            "vessel" => Schema::Vessel,
            "aircraft" | "airplane" => Schema::Aircraft,
            _ => Schema::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_vocabularies_are_read() {
        assert_eq!(Schema::parse(" Individual "), Schema::Person);
        assert_eq!(Schema::parse("LegalEntity"), Schema::Organization);
        assert_eq!(Schema::parse("airplane"), Schema::Aircraft);
        assert_eq!(Schema::parse("ship"), Schema::Unknown);
    }
}
