//! Where a database lives: a data directory (SQLite) or a PostgreSQL URL.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::Backend;

/// The file of the SQLite database inside a data directory.
pub const DB_FILE: &str = "interdict.sqlite3";

/// Where a [`crate::Database`] lives. `Display` and `Debug` never show a password.
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    /// A data directory holding [`DB_FILE`], created on first read-write use.
    DataDir(PathBuf),
    /// A `postgres://` or `postgresql://` URL (libpq's URL form, parsed by the driver).
    Postgres(String),
}

impl Location {
    /// `postgres://…` and `postgresql://…` are PostgreSQL; `sqlite:PATH` and any other text are
    /// the path of a data directory. Never fails: a bad URL is reported when it is opened.
    pub fn parse(text: &str) -> Location {
        let lower = text.get(..13).unwrap_or(text).to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            Location::Postgres(text.to_string())
        } else if let Some(path) = strip_prefix_ignore_case(text, "sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            Location::DataDir(PathBuf::from(path))
        } else {
            Location::DataDir(PathBuf::from(text))
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Location::DataDir(_) => Backend::Sqlite,
            Location::Postgres(_) => Backend::Postgres,
        }
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| text.get(prefix.len()..))
        .flatten()
}

impl std::str::FromStr for Location {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Location::parse(s))
    }
}

impl From<&Path> for Location {
    fn from(dir: &Path) -> Location {
        Location::DataDir(dir.to_path_buf())
    }
}

impl From<PathBuf> for Location {
    fn from(dir: PathBuf) -> Location {
        Location::DataDir(dir)
    }
}

impl From<&str> for Location {
    fn from(text: &str) -> Location {
        Location::parse(text)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::DataDir(dir) => write!(f, "{}", dir.join(DB_FILE).display()),
            Location::Postgres(url) => f.write_str(&redact_url(url)),
        }
    }
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::DataDir(dir) => f.debug_tuple("DataDir").field(dir).finish(),
            Location::Postgres(url) => f.debug_tuple("Postgres").field(&redact_url(url)).finish(),
        }
    }
}

/// The URL without its password and without its query string (which may hold `password=`):
/// `postgres://user:secret@host/db?sslmode=disable` → `postgres://user@host/db`.
pub(crate) fn redact_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            if userinfo.contains(':') {
                format!("{user}:***@{host}")
            } else {
                format!("{user}@{host}")
            }
        }
        None => authority.to_string(),
    };
    format!("{scheme}://{authority}{path}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_urls_and_paths() {
        assert_eq!(
            Location::parse("postgres://u@h/db"),
            Location::Postgres("postgres://u@h/db".into())
        );
        assert_eq!(
            Location::parse("PostgreSQL://h/db").backend(),
            Backend::Postgres
        );
        assert_eq!(
            Location::parse("sqlite:/var/lib/interdict"),
            Location::DataDir("/var/lib/interdict".into())
        );
        assert_eq!(
            Location::parse("sqlite:///var/lib/x"),
            Location::DataDir("/var/lib/x".into())
        );
        assert_eq!(Location::parse("data"), Location::DataDir("data".into()));
        assert_eq!(Location::parse("p"), Location::DataDir("p".into()));
    }

    #[test]
    fn never_shows_a_password() {
        let loc =
            Location::parse("postgres://app:s3cret@db.example:5432/interdict?password=s3cret");
        for text in [loc.to_string(), format!("{loc:?}")] {
            assert!(!text.contains("s3cret"), "{text}");
            assert!(text.contains("db.example:5432/interdict"), "{text}");
        }
        assert_eq!(
            redact_url("postgresql://a:b:c@h/d"),
            "postgresql://a:***@h/d"
        );
        assert_eq!(redact_url("postgres://h"), "postgres://h");
        assert_eq!(redact_url("postgres://u@h"), "postgres://u@h");
    }
}
