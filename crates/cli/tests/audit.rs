//! The audit log against someone with database access, on SQLite and on PostgreSQL: incidents
//! imported through the CLI, checkpoints and proofs fetched from a live server and checked with
//! `interdict_audit`'s verifiers, then rows edited, deleted, swapped and re-signed directly in
//! the database — each time `interdict audit verify` exits 1 and names the first bad entry,
//! record or checkpoint, and exits 0 again once the row is put back.

mod common;

use serde_json::{json, Value};

use common::{add_org, add_user, admin_init, cli, postgres, request, start, Db};
use interdict_audit::{
    canonical_json, leaf_hash, verify_consistency, verify_inclusion, Checkpoint, ConsistencyProof,
    Hash, InclusionProof, SigningKey,
};

/// `interdict --json audit verify [extra]`: its exit code and report.
fn verify(db: &Db, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["--json", "audit", "verify"];
    args.extend_from_slice(extra);
    let out = cli(db, &args);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "audit verify printed no JSON ({e}): {} {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), report)
}

/// `audit verify` passes.
fn assert_verifies(db: &Db, when: &str) -> Value {
    let (code, report) = verify(db, &[]);
    assert_eq!(
        (code, &report["valid"]),
        (0, &json!(true)),
        "[{}] {when}: {report}",
        db.backend()
    );
    report
}

/// `audit verify` fails, exits 1, and its problem says each of `named`.
fn assert_fails(db: &Db, what: &str, named: &[&str]) {
    let (code, report) = verify(db, &[]);
    assert_eq!(code, 1, "[{}] {what}: exit {code}: {report}", db.backend());
    assert_eq!(report["valid"], json!(false), "[{}] {what}", db.backend());
    let problem = report["problem"].as_str().unwrap_or_default();
    for n in named {
        assert!(
            problem.contains(n),
            "[{}] {what}: the problem does not name `{n}`: {problem}",
            db.backend()
        );
    }
}

fn one(db: &Db, sql: &str, params: &[&str]) -> String {
    let rows = db.raw_query(sql, params);
    assert_eq!(rows.len(), 1, "{sql}: {rows:?}");
    rows[0][0].clone()
}

fn tamper(db: Db) {
    // A coalition of one customs authority, and incidents imported through the CLI.
    admin_init(&db);
    assert!(db.audit_key().exists(), "admin init made the key file");
    let key = SigningKey::from_text(&std::fs::read_to_string(db.audit_key()).expect("key"))
        .expect("a key file");
    let org_id = add_org(&db, "Aduanas", "MX", "customs");
    let token = add_user(&db, &org_id, "officer@aduanas.test", "officer");
    // The bootstrap (the secretariat, the organisation, its user and token) is logged too; the
    // incidents' entries come after those `base` entries.
    let base = assert_verifies(&db, "after the bootstrap")["entries"]
        .as_u64()
        .expect("entries");
    assert!(base > 0, "identity changes are audited");
    let at = |n: u64| base + n;

    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("incidents.jsonl");
    let lines = [
        json!({"reference": "A-1", "type": "seizure", "date": "2025-03-01", "tlp": "amber", "description": "12 kg of cocaine in bananas"}),
        json!({"reference": "A-2", "type": "seizure", "date": "2025-03-02", "tlp": "clear", "distribution": "coalition", "description": "tablet press found"}),
        json!({"reference": "A-3", "type": "stopped_shipment", "date": "2025-03-03", "tlp": "red", "distribution": "country", "parties": [{"role": "person", "name": "Jane Roe", "identifiers": ["P123"]}]}),
        json!({"reference": "A-4", "type": "suspicious_order", "date": "2025-03-04", "tlp": "green", "distribution": "coalition"}),
    ];
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&file, text).expect("write");
    let out = cli(
        &db,
        &[
            "--json",
            "incidents",
            "import",
            file.to_str().expect("path"),
            "--user",
            "officer@aduanas.test",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results = common::json_lines(&out);
    let ids: Vec<String> = results
        .iter()
        .map(|r| {
            assert_eq!(r["status"], json!("created"), "{r}");
            r["id"].as_str().expect("id").to_string()
        })
        .collect();
    assert_eq!(ids.len(), 4);
    assert_verifies(&db, "after the import");

    // Checkpoints and proofs from the server.
    let s = start(&db);
    let auth = Some(token.as_str());
    let first: Checkpoint =
        serde_json::from_str(&request(&s, "GET", "/api/v1/audit/checkpoint", auth, None).body)
            .expect("a checkpoint");
    assert_eq!(first.tree_size, at(4), "one entry per created incident");
    // Reads of amber and red records are logged; a change too.
    for id in &ids {
        let a = request(&s, "GET", &format!("/api/v1/incidents/{id}"), auth, None);
        assert_eq!(a.status, 200, "{}", a.body);
    }
    let patch = json!({"description": "12.5 kg, re-weighed"}).to_string();
    let a = request(
        &s,
        "PATCH",
        &format!("/api/v1/incidents/{}", ids[0]),
        auth,
        Some(("application/json", patch.as_bytes())),
    );
    assert_eq!(a.status, 200, "{}", a.body);
    let png = b"\x89PNG\r\n\x1a\n a photograph of the bananas";
    let a = request(
        &s,
        "POST",
        &format!("/api/v1/incidents/{}/attachments", ids[0]),
        auth,
        Some(("image/png", png)),
    );
    assert_eq!(a.status, 201, "{}", a.body);
    let attachment = a.json()["id"].as_str().expect("an id").to_string();
    let second: Checkpoint =
        serde_json::from_str(&request(&s, "GET", "/api/v1/audit/checkpoint", auth, None).body)
            .expect("a checkpoint");
    // Created 4, read A-1 (amber) and A-3 (red, personal data), changed A-1, attached to it.
    assert_eq!(second.tree_size, at(8));
    for cp in [&first, &second] {
        cp.verify(&key.public_key())
            .unwrap_or_else(|e| panic!("checkpoint {}: {e}", cp.tree_size));
        // What is signed is the contract's canonical JSON.
        assert_eq!(
            cp.signed_message(),
            canonical_json(&json!({
                "key_id": cp.key_id,
                "root_hash": cp.root_hash.to_hex(),
                "timestamp": cp.timestamp,
                "tree_size": cp.tree_size,
            }))
        );
    }
    let entries = request(&s, "GET", "/api/v1/audit?limit=1000", auth, None).json()["items"]
        .as_array()
        .cloned()
        .expect("entries");
    // The organisation's own entries: its bootstrap, then the incidents'.
    let entries: Vec<&Value> = entries
        .iter()
        .filter(|e| e["seq"].as_u64().is_some_and(|s| s >= base))
        .collect();
    assert_eq!(entries.len(), 8);
    for (i, entry) in entries.iter().enumerate() {
        let seq = at(i as u64);
        assert_eq!(entry["seq"], json!(seq));
        let leaf = leaf_hash(canonical_json(entry).as_bytes());
        for cp in [&first, &second] {
            if seq < cp.tree_size {
                let proof: InclusionProof = serde_json::from_str(
                    &request(
                        &s,
                        "GET",
                        &format!(
                            "/api/v1/audit/proof/inclusion?seq={seq}&tree_size={}",
                            cp.tree_size
                        ),
                        auth,
                        None,
                    )
                    .body,
                )
                .expect("an inclusion proof");
                verify_inclusion(&leaf, &proof, &cp.root_hash)
                    .unwrap_or_else(|e| panic!("entry {seq} in {}: {e}", cp.tree_size));
                // The check can fail: another leaf is not in the tree at that place.
                let other = leaf_hash(b"not an entry");
                assert!(verify_inclusion(&other, &proof, &cp.root_hash).is_err());
            }
        }
    }
    let proof: ConsistencyProof = serde_json::from_str(
        &request(
            &s,
            "GET",
            &format!(
                "/api/v1/audit/proof/consistency?from={}&to={}",
                at(4),
                at(8)
            ),
            auth,
            None,
        )
        .body,
    )
    .expect("a consistency proof");
    verify_consistency(&proof, &first.root_hash, &second.root_hash).expect("consistent");
    assert!(verify_consistency(&proof, &Hash::sha256(b"x"), &second.root_hash).is_err());
    let beyond = request(
        &s,
        "GET",
        &format!(
            "/api/v1/audit/proof/inclusion?seq={}&tree_size={}",
            at(8),
            at(8)
        ),
        auth,
        None,
    );
    assert_eq!(beyond.status, 400, "{}", beyond.body);
    let anonymous = request(&s, "GET", "/api/v1/audit/checkpoint", None, None);
    assert_eq!(anonymous.status, 401);
    drop(s);
    assert_verifies(&db, "after reads and a change");

    // Checked against another key, the platform's checkpoints are refused.
    let other_key = dir.path().join("other.key");
    std::fs::write(&other_key, SigningKey::from_seed([7; 32]).to_text()).expect("write");
    let (code, report) = verify(&db, &["--key-file", other_key.to_str().expect("path")]);
    assert_eq!(code, 1, "{report}");
    assert!(
        report["problem"]
            .as_str()
            .is_some_and(|p| p.contains(&format!("checkpoint 0 (tree_size {})", at(4)))),
        "{report}"
    );

    // (a) An incident's body edited in the database.
    let id = &ids[1];
    let body = one(&db, "SELECT body FROM incidents WHERE id = $1", &[id]);
    let set_body =
        |b: &str| db.raw_execute("UPDATE incidents SET body = $1 WHERE id = $2", &[b, id]);
    let forged = body.replace("tablet press found", "nothing found");
    assert_ne!(forged, body);
    set_body(&forged);
    assert_fails(
        &db,
        "an edited incident",
        &[&format!("record incidents/{id}")],
    );
    // A change that keeps the JSON's meaning but not its bytes is no change.
    let reformatted =
        serde_json::to_string_pretty(&serde_json::from_str::<Value>(&body).expect("JSON body"))
            .expect("JSON");
    set_body(&reformatted);
    assert_verifies(&db, "a reformatted but equal body");
    // Its sharing widened in the body: caught too.
    let widened = body.replace("\"tlp\":\"clear\"", "\"tlp\":\"green\"");
    assert_ne!(widened, body);
    set_body(&widened);
    assert_fails(
        &db,
        "a TLP changed in the body",
        &[&format!("incidents/{id}")],
    );
    set_body(&body);
    assert_verifies(&db, "the body put back");

    // (b) An audit entry deleted: in the middle, and the last one (beyond the checkpoints
    // only the records can tell; here the checkpoint of 8 covers it).
    let row = db.raw_query(
        &format!("SELECT CAST(seq AS TEXT), resource, owner_organisation, entry FROM audit_entries WHERE seq = {}", at(2)),
        &[],
    );
    let [seq, resource, owner, entry] = <[String; 4]>::try_from(row[0].clone()).expect("4 columns");
    db.raw_execute(
        &format!("DELETE FROM audit_entries WHERE seq = {}", at(2)),
        &[],
    );
    assert_fails(
        &db,
        "a deleted entry",
        &[&format!("entry at position {} has seq {}", at(2), at(3))],
    );
    let reinsert = format!("INSERT INTO audit_entries (seq, resource, owner_organisation, entry) VALUES ({}, $1, $2, $3)", at(2));
    db.raw_execute(&reinsert, &[&resource, &owner, &entry]);
    assert_eq!(seq, at(2).to_string());
    assert_verifies(&db, "the entry put back");
    let last = db.raw_query(
        &format!(
            "SELECT resource, owner_organisation, entry FROM audit_entries WHERE seq = {}",
            at(7)
        ),
        &[],
    );
    db.raw_execute(
        &format!("DELETE FROM audit_entries WHERE seq = {}", at(7)),
        &[],
    );
    assert_fails(
        &db,
        "the last entry deleted",
        &[
            &format!("checkpoint 1 covers {} entries", at(8)),
            &format!("log holds {}", at(7)),
        ],
    );
    db.raw_execute(
        &format!("INSERT INTO audit_entries (seq, resource, owner_organisation, entry) VALUES ({}, $1, $2, $3)", at(7)),
        &[&last[0][0], &last[0][1], &last[0][2]],
    );
    assert_verifies(&db, "the last entry put back");

    // (c) Two entries swapped.
    let swap = |db: &Db| {
        let (one_, three) = (at(1), at(3));
        db.raw_execute(
            &format!("UPDATE audit_entries SET seq = -1 WHERE seq = {one_}"),
            &[],
        );
        db.raw_execute(
            &format!("UPDATE audit_entries SET seq = {one_} WHERE seq = {three}"),
            &[],
        );
        db.raw_execute(
            &format!("UPDATE audit_entries SET seq = {three} WHERE seq = -1"),
            &[],
        );
    };
    swap(&db);
    assert_fails(
        &db,
        "swapped entries",
        &[&format!("entry at position {} has seq {}", at(1), at(3))],
    );
    swap(&db);
    assert_verifies(&db, "the entries swapped back");
    // An entry changed in place, its seq kept: the first checkpoint over it fails.
    let first_incident = format!("UPDATE audit_entries SET entry = $1 WHERE seq = {}", at(0));
    let entry0 = one(
        &db,
        &format!("SELECT entry FROM audit_entries WHERE seq = {}", at(0)),
        &[],
    );
    let forged = entry0.replace("\"action\":\"create\"", "\"action\":\"read\"");
    assert_ne!(forged, entry0);
    db.raw_execute(&first_incident, &[&forged]);
    assert_fails(
        &db,
        "an entry changed in place",
        &[&format!("checkpoint 0 (tree_size {})", at(4))],
    );
    db.raw_execute(&first_incident, &[&entry0]);
    assert_verifies(&db, "the entry put back");

    // The columns beside the body that decide who reads a record are covered too: widening
    // a record's distribution, or moving an attachment to a record shared more widely.
    for (column, value) in [
        ("distribution", "coalition"),
        ("share_with", ",US,"),
        ("tlp", "clear"),
        ("personal_data_distribution", "coalition"),
        ("owner_organisation", org_id.as_str()),
    ] {
        let sql = format!("SELECT CAST({column} AS TEXT) FROM incidents WHERE id = $1");
        let before = one(&db, &sql, &[&ids[0]]);
        let value = if column == "owner_organisation" {
            // Another organisation's, made for the occasion.
            add_org(&db, "Other", "DE", "police")
        } else {
            value.to_string()
        };
        let set = format!("UPDATE incidents SET {column} = $1 WHERE id = $2");
        db.raw_execute(&set, &[&value, &ids[0]]);
        assert_fails(
            &db,
            &format!("the {column} column changed"),
            &[&format!("incidents/{}", ids[0])],
        );
        db.raw_execute(&set, &[&before, &ids[0]]);
        assert_verifies(&db, &format!("the {column} column put back"));
    }
    db.raw_execute(
        "UPDATE attachments SET incident_id = $1 WHERE id = $2",
        &[&ids[1], &attachment],
    );
    assert_fails(
        &db,
        "an attachment moved to another incident",
        &[&format!("attachments/{attachment}")],
    );
    db.raw_execute(
        "UPDATE attachments SET incident_id = $1 WHERE id = $2",
        &[&ids[0], &attachment],
    );
    assert_verifies(&db, "the attachment put back");
    // The attachment's content itself changed.
    let (hex, unhex) = if db.is_postgres() {
        ("encode(content, 'hex')", "decode($1, 'hex')")
    } else {
        ("hex(content)", "unhex($1)")
    };
    let content = one(&db, &format!("SELECT {hex} FROM attachment_blobs"), &[]);
    let set = format!("UPDATE attachment_blobs SET content = {unhex}");
    db.raw_execute(&set, &[&format!("{content}00")]);
    assert_fails(
        &db,
        "an attachment's content changed",
        &[&format!("attachments/{attachment}")],
    );
    db.raw_execute(&set, &[&content]);
    assert_verifies(&db, "the content put back");

    // (d) A stored checkpoint's root changed.
    let stored = one(
        &db,
        &format!(
            "SELECT body FROM audit_checkpoints WHERE tree_size = {}",
            at(8)
        ),
        &[],
    );
    let mut cp: Value = serde_json::from_str(&stored).expect("a checkpoint");
    cp["root_hash"] = json!(Hash::sha256(b"another root").to_hex());
    db.raw_execute(
        &format!(
            "UPDATE audit_checkpoints SET body = $1 WHERE tree_size = {}",
            at(8)
        ),
        &[&cp.to_string()],
    );
    assert_fails(
        &db,
        "a changed checkpoint",
        &[&format!("checkpoint 1 (tree_size {})", at(8))],
    );
    // Re-signed with another key, it is still refused.
    let forged = interdict_audit::sign(
        at(8),
        Hash::sha256(b"another root"),
        "2025-01-01T00:00:00Z",
        &SigningKey::from_seed([9; 32]),
    );
    db.raw_execute(
        &format!(
            "UPDATE audit_checkpoints SET body = $1 WHERE tree_size = {}",
            at(8)
        ),
        &[&serde_json::to_string(&forged).expect("JSON")],
    );
    assert_fails(
        &db,
        "a re-signed checkpoint",
        &[&format!("tree_size {}", at(8)), "not the platform's"],
    );
    db.raw_execute(
        &format!(
            "UPDATE audit_checkpoints SET body = $1 WHERE tree_size = {}",
            at(8)
        ),
        &[&stored],
    );
    assert_verifies(&db, "the checkpoint put back");
}

#[test]
fn tampering_is_caught_on_sqlite() {
    tamper(Db::sqlite());
}

#[test]
fn tampering_is_caught_on_postgresql() {
    if let Some(db) = postgres("audit") {
        tamper(db);
    }
}

/// Audited reads are answered from a read transaction and their entries appended in a short
/// write transaction after it; a change committed in between must not leave the record's last
/// entry with an older content's hash (`audit verify` compares each record with its last
/// entry). Officers re-weigh an amber seizure while others read it and search for it, at once,
/// many times: every answered read is in the log, once, and the log verifies.
fn reads_racing_changes(db: Db) {
    admin_init(&db);
    let org_id = add_org(&db, "Aduanas", "MX", "customs");
    let token = add_user(&db, &org_id, "officer@aduanas.test", "officer");
    let s = start(&db);
    let auth = Some(token.as_str());
    let body = json!({"type": "seizure", "date": "2025-03-01", "tlp": "amber",
        "description": "12 kg of cocaine in bananas"})
    .to_string();
    let a = request(
        &s,
        "POST",
        "/api/v1/incidents",
        auth,
        Some(("application/json", body.as_bytes())),
    );
    assert_eq!(a.status, 201, "{}", a.body);
    let id = a.json()["id"].as_str().expect("an id").to_string();
    let answered_reads = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            for n in 0..40 {
                let patch = json!({"description": format!("{n} kg, re-weighed")}).to_string();
                let a = request(
                    &s,
                    "PATCH",
                    &format!("/api/v1/incidents/{id}"),
                    auth,
                    Some(("application/json", patch.as_bytes())),
                );
                assert_eq!(a.status, 200, "{}", a.body);
            }
        });
        for reader in 0..3 {
            let (s, id, answered_reads) = (&s, &id, &answered_reads);
            scope.spawn(move || {
                for n in 0..60 {
                    let path = if (n + reader) % 2 == 0 {
                        format!("/api/v1/incidents/{id}")
                    } else {
                        "/api/v1/incidents?q=re-weighed".to_string()
                    };
                    let a = request(s, "GET", &path, auth, None);
                    assert_eq!(a.status, 200, "{path}: {}", a.body);
                    let v = a.json();
                    let shown = match v["items"].as_array() {
                        Some(items) => items.iter().filter(|i| i["id"] == json!(id)).count(),
                        None => usize::from(v["id"] == json!(id)),
                    };
                    answered_reads.fetch_add(shown, std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
    });
    drop(s);
    let report = assert_verifies(&db, "after reads raced changes");
    let entries: Vec<Value> = db
        .raw_query(
            "SELECT entry FROM audit_entries WHERE resource = $1 ORDER BY seq",
            &[&format!("incidents/{id}")],
        )
        .into_iter()
        .map(|row| serde_json::from_str(&row[0]).expect("an entry"))
        .collect();
    // Each read names the content of the record as the change before it in the log left it.
    let mut content = None;
    let mut reads = 0;
    for entry in &entries {
        if entry["action"] == json!("read") {
            assert_eq!(
                Some(&entry["record_hash"]),
                content,
                "a read logged with another content than the log's last change: {entry}"
            );
            reads += 1;
        } else {
            content = Some(&entry["record_hash"]);
        }
    }
    assert_eq!(
        reads,
        answered_reads.load(std::sync::atomic::Ordering::Relaxed),
        "one entry per answered read ({report})"
    );
    assert!(reads >= 100, "the incident was read: {reads}");
    assert_eq!(entries.len() - reads, 41, "created once, changed 40 times");
}

#[test]
fn reads_racing_changes_leave_a_log_that_verifies_on_sqlite() {
    reads_racing_changes(Db::sqlite());
}

#[test]
fn reads_racing_changes_leave_a_log_that_verifies_on_postgresql() {
    if let Some(db) = postgres("audit_race") {
        reads_racing_changes(db);
    }
}
