//! The house stays as drawn: the dependency rules written in `ARCHITECTURE.md` are checked
//! against the real crate graph (`cargo metadata`), engine crates are kept free of storage, HTTP
//! and async runtimes, and no crate's top-level modules depend on each other in a cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use interdict_testkit::repo_root;

/// The table between the `deps:begin` and `deps:end` markers of ARCHITECTURE.md:
/// `| crate | may depend on |`, project crates by directory name, `—` for none.
fn allowed_from_architecture_md() -> BTreeMap<String, BTreeSet<String>> {
    let text = std::fs::read_to_string(repo_root().join("ARCHITECTURE.md"))
        .expect("ARCHITECTURE.md is readable");
    let start = text
        .find("<!-- deps:begin -->")
        .expect("ARCHITECTURE.md has a <!-- deps:begin --> table");
    let end = text
        .find("<!-- deps:end -->")
        .expect("ARCHITECTURE.md has a <!-- deps:end --> marker");
    let mut allowed = BTreeMap::new();
    for line in text[start..end].lines() {
        let cells: Vec<&str> = line
            .trim()
            .trim_matches('|')
            .split('|')
            .map(str::trim)
            .collect();
        if cells.len() < 2 || !cells[0].starts_with('`') {
            continue;
        }
        let krate = cells[0].trim_matches('`').to_string();
        let deps = cells[1]
            .split(',')
            .map(|d| d.trim().trim_matches('`').to_string())
            .filter(|d| !d.is_empty() && d != "—")
            .collect();
        allowed.insert(krate, deps);
    }
    allowed
}

struct Package {
    dir: String,
    deps: Vec<String>,
}

/// Every workspace package: its directory under `crates/`, its normal and build dependencies
/// (dev-dependencies are for tests and may reach further).
fn workspace_packages() -> BTreeMap<String, Package> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(repo_root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata is JSON");
    let mut packages = BTreeMap::new();
    for p in meta["packages"].as_array().expect("packages") {
        let name = p["name"].as_str().unwrap_or_default().to_string();
        let manifest = p["manifest_path"].as_str().unwrap_or_default();
        let dir = Path::new(manifest)
            .parent()
            .and_then(|d| d.file_name())
            .map(|d| d.to_string_lossy().into_owned())
            .unwrap_or_default();
        let deps = p["dependencies"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| d["kind"].is_null() || d["kind"] == "build")
            .filter_map(|d| d["name"].as_str().map(str::to_string))
            .collect();
        packages.insert(name, Package { dir, deps });
    }
    packages
}

#[test]
fn crate_dependencies_follow_the_table_in_architecture_md() {
    let allowed = allowed_from_architecture_md();
    let packages = workspace_packages();
    let dir_of: BTreeMap<&str, &str> = packages
        .iter()
        .map(|(name, p)| (name.as_str(), p.dir.as_str()))
        .collect();
    let mut problems = Vec::new();
    for (name, p) in &packages {
        let Some(may) = allowed.get(&p.dir) else {
            problems.push(format!(
                "crates/{} is not in the table of ARCHITECTURE.md",
                p.dir
            ));
            continue;
        };
        for dep in &p.deps {
            if let Some(dep_dir) = dir_of.get(dep.as_str()) {
                if !may.contains(*dep_dir) {
                    problems.push(format!("{name} depends on {dep} (crates/{dep_dir}), which ARCHITECTURE.md does not allow"));
                }
            }
        }
    }
    for krate in allowed.keys() {
        if !packages.values().any(|p| &p.dir == krate) {
            problems.push(format!(
                "ARCHITECTURE.md names crates/{krate}, which does not exist"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Engines are libraries over in-memory data: no database driver, HTTP stack or async runtime.
#[test]
fn engines_know_no_storage_http_or_runtime() {
    const ENGINES: &[&str] = &[
        "core",
        "registry",
        "watchlist",
        "structure",
        "ews",
        "screen",
        "resolve",
        "audit",
        "domain",
        "types",
    ];
    const FORBIDDEN: &[&str] = &[
        "rusqlite",
        "postgres",
        "tokio-postgres",
        "sqlx",
        "tokio",
        "axum",
        "hyper",
        "tower",
        "tower-http",
        "reqwest",
    ];
    let mut problems = Vec::new();
    for (name, p) in workspace_packages() {
        if ENGINES.contains(&p.dir.as_str()) {
            for dep in &p.deps {
                if FORBIDDEN.contains(&dep.as_str()) {
                    problems.push(format!("{name} depends on {dep}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Top-level modules of each crate (`src/x.rs` or `src/x/`) and the `crate::y` paths they name.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files: Vec<(String, std::path::PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(src).into_iter().flatten().flatten() {
        let path = entry.path();
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if path.is_dir() {
            let mut stack = vec![path.clone()];
            while let Some(d) = stack.pop() {
                for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                    let p = e.path();
                    if p.is_dir() {
                        stack.push(p);
                    } else if p.extension().is_some_and(|x| x == "rs") {
                        files.push((name.clone(), p));
                    }
                }
            }
        } else if path.extension().is_some_and(|x| x == "rs") && name != "lib" && name != "main" {
            files.push((name, path));
        }
    }
    let modules: BTreeSet<String> = files.iter().map(|(m, _)| m.clone()).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, path) in files {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        // Tests may reach anywhere in their crate.
        let text = match text.find("#[cfg(test)]\nmod tests") {
            Some(at) => &text[..at],
            None => &text[..],
        };
        // Comments (doc links included) are no dependency.
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let text = code.as_str();
        let edges = graph.entry(module.clone()).or_default();
        for (at, _) in text.match_indices("crate::") {
            let rest = &text[at + "crate::".len()..];
            let target: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if target != module && modules.contains(&target) {
                edges.insert(target);
            }
        }
        // `use crate::{a, b::c}` groups.
        for (at, _) in text.match_indices("use crate::{") {
            let rest = &text[at + "use crate::{".len()..];
            let group = &rest[..rest.find("};").unwrap_or(rest.len())];
            for part in group.split(',') {
                let target: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if target != module && modules.contains(&target) {
                    edges.insert(target);
                }
            }
        }
    }
    graph
}

fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit<'a>(
        node: &'a str,
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<&'a str, u8>,
        path: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        state.insert(node, 1);
        path.push(node);
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next.as_str()) {
                Some(1) => {
                    let from = path.iter().position(|n| n == next).unwrap_or(0);
                    let mut cycle: Vec<String> =
                        path[from..].iter().map(|s| s.to_string()).collect();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                Some(_) => {}
                None => {
                    if let Some(c) = visit(next, graph, state, path) {
                        return Some(c);
                    }
                }
            }
        }
        path.pop();
        state.insert(node, 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if !state.contains_key(node.as_str()) {
            if let Some(c) = visit(node, graph, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn no_crate_has_a_module_cycle() {
    let mut problems = Vec::new();
    for entry in std::fs::read_dir(repo_root().join("crates"))
        .expect("crates/")
        .flatten()
    {
        let src = entry.path().join("src");
        if let Some(cycle) = find_cycle(&module_graph(&src)) {
            problems.push(format!(
                "crates/{}: {}",
                entry.file_name().to_string_lossy(),
                cycle.join(" -> ")
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "module cycles (each arrow must point one way):\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    assert_eq!(find_cycle(&g), None);
    g.entry("c".into()).or_default().insert("a".into());
    assert_eq!(
        find_cycle(&g),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
}
