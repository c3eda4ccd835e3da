//! `interdict backup DIR` while the platform serves and writes, and `interdict restore DIR`
//! into an empty data directory: the restored platform has the same audit root, verifies, and
//! gives the same answers; every write acknowledged before the backup began is in it.
//! PostgreSQL: the documented pg_dump advice and exit 2.

mod common;

use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};

use common::*;
use serde_json::{json, Value};

/// `interdict --data-dir DIR ARGS` with the audit key of `key_from`.
fn in_dir(dir: &std::path::Path, key_from: &Db, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_interdict"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .current_dir(root())
        .env("INTERDICT_AUDIT_KEY", key_from.audit_key())
        .env_remove("INTERDICT_DATABASE")
        .stdin(Stdio::null())
        .output()
        .expect("binary runs")
}

fn verify_json(db: &Db) -> Value {
    let out = cli(db, &["--json", "audit", "verify"]);
    assert!(
        out.status.success(),
        "audit verify: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn create(s: &Server, token: &str, n: usize) -> Answer {
    post_json(
        s,
        "/api/v1/incidents",
        token,
        json!({"type": "seizure", "date": "2025-03-01", "country": "MX", "tlp": "clear",
               "substances": [{"text": "cocaine"}], "description": format!("backup test {n}")}),
    )
}

fn ids(s: &Server, token: &str) -> Vec<String> {
    let a = get(s, "/api/v1/incidents?limit=1000", token);
    assert_eq!(a.status, 200, "{}", a.body);
    a.json()["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_string())
        .collect()
}

#[test]
fn a_backup_taken_while_serving_restores_to_the_same_platform() {
    let db = Db::sqlite();
    admin_init(&db);
    let org = add_org(&db, "Aduanas", "MX", "customs");
    let token = add_user(&db, &org, "officer@aduanas.test", "officer");
    let s = start(&db);
    for n in 0..20 {
        assert_eq!(create(&s, &token, n).status, 201);
    }
    let png = b"\x89PNG\r\n\x1a\n a photograph";
    let first = ids(&s, &token)[0].clone();
    let a = post(
        &s,
        &format!("/api/v1/incidents/{first}/attachments"),
        &token,
        "image/png",
        png,
    );
    assert_eq!(a.status, 201, "{}", a.body);
    let acknowledged_before = ids(&s, &token);

    // A backup while a writer keeps creating incidents.
    let backups = tempfile::tempdir().expect("temp dir");
    let during = backups.path().join("during");
    let stop = AtomicBool::new(false);
    let written = std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            let mut n = 1000;
            while !stop.load(Ordering::Relaxed) {
                assert_eq!(create(&s, &token, n).status, 201);
                n += 1;
            }
            n - 1000
        });
        let out = cli(&db, &["backup", during.to_str().expect("utf-8")]);
        stop.store(true, Ordering::Relaxed);
        assert!(
            out.status.success(),
            "backup: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        writer.join().expect("writer")
    });
    assert!(during.join("interdict.sqlite3").is_file());
    assert!(
        !during.join("audit.key").exists(),
        "the audit key must stay out of backups"
    );
    // A second backup into the same directory is refused.
    assert_eq!(
        cli(&db, &["backup", during.to_str().expect("utf-8")])
            .status
            .code(),
        Some(2)
    );

    // Restored while the writer was busy: consistent, verifies, holds all acknowledged before.
    let restored = Db::sqlite();
    std::fs::copy(db.audit_key(), restored.audit_key()).expect("the operator keeps the key");
    let out = in_dir(
        std::path::Path::new(&restored.location()),
        &restored,
        &["restore", during.to_str().expect("utf-8")],
    );
    assert!(
        out.status.success(),
        "restore: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    verify_json(&restored);
    {
        let r = start(&restored);
        let got = ids(&r, &token);
        for id in &acknowledged_before {
            assert!(got.contains(id), "{id} was acknowledged before the backup");
        }
        assert!(got.len() <= acknowledged_before.len() + written);
    }
    // Restoring into a data directory that holds a database is refused.
    let again = in_dir(
        std::path::Path::new(&restored.location()),
        &restored,
        &["restore", during.to_str().expect("utf-8")],
    );
    assert_eq!(again.status.code(), Some(2));

    // A backup of the quiet platform: the restored one is the same platform.
    let quiet = backups.path().join("quiet");
    let out = cli(&db, &["backup", quiet.to_str().expect("utf-8")]);
    assert!(out.status.success());
    let original_ids = ids(&s, &token);
    let original_incident = get(&s, &format!("/api/v1/incidents/{first}"), &token).body;
    let original_attachments = get(
        &s,
        &format!("/api/v1/incidents/{first}/attachments"),
        &token,
    )
    .body;
    drop(s);
    let original = verify_json(&db);

    let twin = Db::sqlite();
    std::fs::copy(db.audit_key(), twin.audit_key()).expect("key");
    let out = in_dir(
        std::path::Path::new(&twin.location()),
        &twin,
        &["restore", quiet.to_str().expect("utf-8")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let copy = verify_json(&twin);
    for field in ["root_hash", "entries", "checkpoints", "records"] {
        assert_eq!(copy[field], original[field], "{field}");
    }
    let t = start(&twin);
    assert_eq!(ids(&t, &token), original_ids);
    assert_eq!(
        get(&t, &format!("/api/v1/incidents/{first}"), &token).body,
        original_incident
    );
    assert_eq!(
        get(
            &t,
            &format!("/api/v1/incidents/{first}/attachments"),
            &token
        )
        .body,
        original_attachments
    );
    let checkpoint = get(&t, "/api/v1/audit/checkpoint", &token).json();
    assert_eq!(
        checkpoint["root_hash"], original["root_hash"],
        "{checkpoint}"
    );
}

#[test]
fn postgresql_backups_are_pg_dump_and_the_command_says_so() {
    let Some(db) = postgres("backup") else {
        return;
    };
    admin_init(&db);
    let dir = tempfile::tempdir().expect("temp dir");
    let out = cli(&db, &["backup", dir.path().to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pg_dump --format=custom"), "{err}");
    assert!(err.contains("pg_restore"), "{err}");
}
