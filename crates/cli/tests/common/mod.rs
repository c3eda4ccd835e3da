//! Helpers shared by the end-to-end tests: run the built binary, read its JSON Lines.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository root (examples and fixtures are addressed from it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `interdict` from the repository root with a private data directory and no standard input.
pub fn interdict(args: &[&str], data_dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_interdict"))
        .args(args)
        .current_dir(root())
        .env("INTERDICT_DATA", data_dir)
        .stdin(Stdio::null())
        .output()
        .expect("binary runs")
}

/// Standard output as JSON values, one per line.
pub fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect()
}
