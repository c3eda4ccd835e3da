//! Test helpers shared by every crate's tests.
//!
//! The shared reference data (`../shared`: control lists, watchlists, labelled name pairs) is not
//! part of this repository. Tests that need it call [`shared_dir`]: when the data is absent the
//! test prints a notice and is skipped, unless `INTERDICT_REQUIRE_SHARED=1` (as `.ci/run` sets),
//! in which case it fails, so CI can never pass by skipping.

use std::path::{Path, PathBuf};

/// Environment variable naming the shared data directory explicitly.
pub const SHARED_ENV: &str = "INTERDICT_SHARED";
/// Environment variable that turns a missing shared directory into a failure.
pub const REQUIRE_ENV: &str = "INTERDICT_REQUIRE_SHARED";

/// The repository root (the workspace directory).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("testkit lives at crates/testkit")
        .to_path_buf()
}

/// Where the shared data should be: `$INTERDICT_SHARED`, else `../shared` beside the repository.
pub fn shared_candidate() -> PathBuf {
    match std::env::var_os(SHARED_ENV) {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => repo_root().join("..").join("shared"),
    }
}

/// The shared data directory, or `None` (after printing a notice) when it is absent and not
/// required. Panics when it is absent and `INTERDICT_REQUIRE_SHARED=1`.
pub fn shared_dir(test: &str) -> Option<PathBuf> {
    locate(
        &shared_candidate(),
        std::env::var(REQUIRE_ENV).is_ok_and(|v| v == "1"),
        test,
    )
}

/// A file under the shared directory (`shared_file("data/watchlists/sdn.csv", "my_test")`),
/// with the same skip-or-fail rule, also applied when the file itself is missing.
pub fn shared_file(relative: &str, test: &str) -> Option<PathBuf> {
    let dir = shared_dir(test)?;
    let path = dir.join(relative);
    locate(
        &path,
        std::env::var(REQUIRE_ENV).is_ok_and(|v| v == "1"),
        test,
    )
}

fn locate(path: &Path, required: bool, test: &str) -> Option<PathBuf> {
    if path.exists() {
        return Some(path.to_path_buf());
    }
    if required {
        panic!(
            "{test}: shared data {} is missing and {REQUIRE_ENV}=1",
            path.display()
        );
    }
    eprintln!(
        "notice: {test} skipped: shared data {} not found (set {SHARED_ENV})",
        path.display()
    );
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn present_paths_are_returned() {
        let here = repo_root();
        assert_eq!(locate(&here, true, "t"), Some(here));
    }

    #[test]
    fn absent_paths_skip_when_not_required() {
        assert_eq!(
            locate(Path::new("/nonexistent/interdict"), false, "t"),
            None
        );
    }

    #[test]
    #[should_panic(expected = "is missing")]
    fn absent_paths_fail_when_required() {
        locate(Path::new("/nonexistent/interdict"), true, "t");
    }
}
