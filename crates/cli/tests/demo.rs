//! `interdict serve --demo`, the README's main job: the demo coalition has notifications in
//! every status (some overdue, some cleared with labels that verify), alerts with the
//! incidents behind them, and a country whose needs stand out.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::Value;

mod common;

#[test]
fn the_demo_shows_notifications_labels_alerts_and_needs() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_interdict"))
        .args(["--data-dir", dir.path().to_str().unwrap()])
        .args([
            "--audit-key",
            dir.path().join("audit.key").to_str().unwrap(),
        ])
        .args([
            "serve",
            "--demo",
            "--listen",
            "127.0.0.1:0",
            "--insecure-cookies",
        ])
        .current_dir(common::root())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let mut secretariat = String::new();
    let mut base = String::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if line.trim_start().starts_with("admin@secretariat.demo") {
            secretariat = line.split_whitespace().nth(3).unwrap().to_string();
        }
        if let Some(addr) = line.split("serving on ").nth(1) {
            base = addr.trim().to_string();
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
    let server = common::Server {
        child,
        base,
        log: Default::default(),
    };
    let get = |path: &str| -> Value {
        let a = common::request(&server, "GET", path, Some(&secretariat), None);
        assert_eq!(a.status, 200, "{path}: {}", a.body);
        a.json()
    };
    let pens = get("/api/v1/pens?limit=1000");
    let items = pens["items"].as_array().unwrap();
    for status in [
        "sent",
        "acknowledged",
        "query",
        "no_objection",
        "objection",
        "withdrawn",
        "expired",
        "stopped",
        "shipped",
    ] {
        assert!(
            items.iter().any(|p| p["status"] == status),
            "a notification {status}"
        );
    }
    assert!(items.iter().any(|p| p["overdue"] == true));
    assert!(items.iter().any(|p| p["by_silence"] == true));
    let cleared = items
        .iter()
        .find(|p| p["status"] == "no_objection" && p["source"] == "platform")
        .unwrap();
    let label = get(&format!(
        "/api/v1/pens/{}/label",
        cleared["id"].as_str().unwrap()
    ));
    let verified = common::request(
        &server,
        "POST",
        "/api/v1/labels/verify",
        Some(&secretariat),
        Some((
            "application/json",
            serde_json::json!({"label": label["label"]})
                .to_string()
                .as_bytes(),
        )),
    )
    .json();
    assert_eq!(verified["valid"], true, "{verified}");
    let alerts = get("/api/v1/alerts");
    let list = alerts["items"].as_array().unwrap();
    assert!(
        list.iter().any(|a| a["kind"] == "aberration"),
        "a live alert"
    );
    assert!(list.iter().any(|a| a["stream"] == "public_health"));
    assert!(
        list.iter().any(|a| a["kind"] == "first_detection"
            && a["substance"].as_str().unwrap_or("").contains("smiles:")),
        "a new analogue seen for the first time"
    );
    let changes = get("/api/v1/flows/changes?window=90");
    let substitution = changes["substitutions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["parent"] == "4-ap")
        .unwrap_or_else(|| panic!("a substitution after 4-AP was controlled: {changes}"));
    assert!(!substitution["relatives"].as_array().unwrap().is_empty());
    let needs = get("/api/v1/needs");
    let stands_out = needs["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["countries"].as_array().unwrap().iter())
        .any(|c| c["stands_out"] == true && c["country"] == "NG");
    assert!(stands_out, "Nigeria's needs stand out: {needs}");
}
