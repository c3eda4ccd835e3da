//! Upgrades (issue 19): a data directory written by each earlier release, kept as a fixture
//! (`tests/fixtures/upgrade/*.sql`, made by `tools/upgrade-fixtures/make.sh` with that release's
//! own binary), is migrated forward by this build and still answers: the watchlist, ALR and PEN
//! sets it held, its screening ledger, its users and tokens, its incidents, and an audit log
//! that verifies under the key that release made. Migrating twice changes nothing.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

/// The earlier releases, oldest first: fixture name, schema version it was written at, and what
/// it can hold. A release that is missing here or on disk fails the test.
const RELEASES: &[(&str, i64, bool, bool)] = &[
    // (name, schema, has identity, has incidents)
    ("engines-v3", 3, false, false),
    ("identity-v5", 5, true, false),
    ("incidents-v6", 6, true, true),
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/upgrade")
}

/// A fresh data directory holding the fixture's database, and the fixture's facts.
fn restore(name: &str) -> (Db, Value) {
    let sql = std::fs::read_to_string(fixtures().join(format!("{name}.sql")))
        .unwrap_or_else(|e| panic!("fixture {name}.sql: {e}"));
    let facts: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join(format!("{name}.json")))
            .unwrap_or_else(|e| panic!("fixture {name}.json: {e}")),
    )
    .expect("fixture facts are JSON");
    let db = Db::sqlite();
    let file = PathBuf::from(db.location()).join("interdict.sqlite3");
    let conn = rusqlite::Connection::open(&file).expect("a new SQLite file");
    conn.execute_batch(&sql)
        .unwrap_or_else(|e| panic!("fixture {name} loads: {e}"));
    drop(conn);
    let key = fixtures().join(format!("{name}.audit.key"));
    if key.exists() {
        std::fs::copy(&key, db.audit_key()).expect("audit key copied");
    }
    (db, facts)
}

fn schema(db: &Db) -> i64 {
    db.raw_query(
        "SELECT CAST(COALESCE(MAX(version), 0) AS TEXT) FROM schema_migrations",
        &[],
    )
    .first()
    .and_then(|r| r.first())
    .and_then(|v| v.parse().ok())
    .unwrap_or(0)
}

fn user_version(db: &Db) -> i64 {
    db.raw_query(
        "SELECT CAST(user_version AS TEXT) FROM pragma_user_version",
        &[],
    )[0][0]
        .parse()
        .expect("a number")
}

fn ok(out: &std::process::Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The PostgreSQL fixture of a release (`NAME.postgres.sql`, a `pg_dump`), loaded into a fresh
/// database of the test server; `None` when the release had no PostgreSQL backend or the
/// server is not reachable (skipped with a notice unless required).
fn restore_postgres(name: &str) -> Option<(Db, Value)> {
    let sql = fixtures().join(format!("{name}.postgres.sql"));
    if !sql.exists() {
        return None;
    }
    let db = postgres("upgrade")?;
    let out = std::process::Command::new("psql")
        .args([db.location().as_str(), "-q", "-v", "ON_ERROR_STOP=1", "-f"])
        .arg(&sql)
        .output()
        .expect("psql runs");
    assert!(
        out.status.success(),
        "{name}.postgres.sql loads: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let facts: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join(format!("{name}.postgres.json")))
            .expect("postgres fixture facts"),
    )
    .expect("JSON");
    let key = fixtures().join(format!("{name}.postgres.audit.key"));
    if key.exists() {
        std::fs::copy(&key, db.audit_key()).expect("audit key copied");
    }
    Some((db, facts))
}

#[test]
fn every_earlier_release_is_migrated_forward_and_keeps_its_records() {
    for &(name, written_at, identity, incidents) in RELEASES {
        let (db, facts) = restore(name);
        assert_eq!(
            facts["schema"],
            Value::from(written_at),
            "{name}: fixture facts"
        );
        assert_eq!(
            user_version(&db),
            written_at,
            "{name}: the fixture's schema"
        );
        check_release(&db, &facts, name, written_at, identity, incidents);
        if let Some((pg, facts)) = restore_postgres(name) {
            assert_eq!(
                schema(&pg),
                written_at,
                "{name}: the PostgreSQL fixture's schema"
            );
            check_release(
                &pg,
                &facts,
                &format!("{name} (PostgreSQL)"),
                written_at,
                identity,
                incidents,
            );
        }
    }
}

fn check_release(
    db: &Db,
    facts: &Value,
    name: &str,
    written_at: i64,
    identity: bool,
    incidents: bool,
) {
    {
        // What the release stored, counted before the migration.
        let count = |table: &str| -> i64 {
            db.raw_query(&format!("SELECT CAST(COUNT(*) AS TEXT) FROM {table}"), &[])[0][0]
                .parse()
                .expect("a count")
        };
        let records_before = count("snapshot_records");
        let ledger_before = count("alr_ledger");
        assert!(records_before > 0, "{name}: the fixture holds list records");

        // `migrate` brings it to this build's schema; a second run changes nothing.
        ok(&cli(db, &["migrate"]), &format!("{name}: migrate"));
        let migrated = schema(db);
        assert!(migrated > written_at, "{name}: still at schema {migrated}");
        if !db.is_postgres() {
            assert_eq!(
                user_version(db),
                migrated,
                "{name}: user_version follows the table"
            );
        }
        ok(&cli(db, &["migrate"]), &format!("{name}: migrate again"));
        assert_eq!(
            schema(db),
            migrated,
            "{name}: a second migration moved the schema"
        );
        assert_eq!(
            count("snapshot_records"),
            records_before,
            "{name}: list records"
        );
        assert_eq!(count("alr_ledger"), ledger_before, "{name}: the ALR ledger");
        if !db.is_postgres() {
            let integrity = db.raw_query("PRAGMA integrity_check", &[]);
            assert_eq!(integrity, vec![vec!["ok".to_string()]], "{name}: integrity");
        }

        // The engines' data still reads: lists, ALR and PEN sets, and screening over them.
        let status = ok(
            &cli(db, &["--json", "lists", "status"]),
            &format!("{name}: lists status"),
        );
        assert!(
            status.contains("coalition"),
            "{name}: the coalition list is gone: {status}"
        );
        ok(&cli(db, &["alr", "status"]), &format!("{name}: alr status"));
        ok(
            &cli(db, &["pens", "status"]),
            &format!("{name}: pens status"),
        );
        let matched = ok(
            &cli(
                db,
                &["--json", "match-party", "Hubei Amarvel Biotech Co., Ltd."],
            ),
            &format!("{name}: match-party"),
        );
        assert!(
            matched.contains("CL-2025-001"),
            "{name}: the list no longer matches: {matched}"
        );
        let screened = cli(db, &["--json", "screen", "examples/declarations.csv"]);
        assert!(
            screened.status.code().is_some_and(|c| c <= 1),
            "{name}: screen: {}",
            String::from_utf8_lossy(&screened.stderr)
        );
        assert!(
            String::from_utf8_lossy(&screened.stdout).contains("WATCHLIST_PARTY"),
            "{name}: screening no longer sees the migrated watchlist"
        );

        if identity {
            let s = start(db);
            let ready = request(&s, "GET", "/readyz", None, None);
            assert_eq!(ready.status, 200, "{name}: readyz: {}", ready.body);
            let officer = facts["officer"].as_str().expect("officer token");
            let me = get(&s, "/api/v1/me", officer);
            assert_eq!(
                me.status, 200,
                "{name}: the release's token no longer signs in: {}",
                me.body
            );
            assert_eq!(
                me.json()["organisation"]["id"],
                facts["organisation"],
                "{name}: the token's organisation"
            );
            let admin = facts["admin"].as_str().expect("admin token");
            assert_eq!(
                get(&s, "/api/v1/me", admin).status,
                200,
                "{name}: admin token"
            );
            if incidents {
                let page = get(&s, "/api/v1/incidents?limit=1000", officer);
                assert_eq!(page.status, 200, "{name}: incidents: {}", page.body);
                let n = page.json()["items"].as_array().map(Vec::len).unwrap_or(0);
                assert!(n >= 30, "{name}: only {n} incidents after the migration");
                // A write on the migrated database, then the whole audit log verifies.
                let created = post(
                    &s,
                    "/api/v1/incidents",
                    officer,
                    "application/json",
                    br#"{"type":"seizure","date":"2026-01-10","country":"MX","tlp":"clear","substances":[{"text":"fentanyl"}]}"#,
                );
                assert_eq!(
                    created.status, 201,
                    "{name}: a write after the migration: {}",
                    created.body
                );
            }
            drop(s);
            if incidents {
                ok(
                    &cli(db, &["audit", "verify"]),
                    &format!("{name}: audit verify"),
                );
            }
        }
    }
}
