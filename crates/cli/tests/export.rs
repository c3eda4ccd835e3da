//! Bulk export (`GET /api/v1/incidents:export`) on SQLite and PostgreSQL: only analysts and
//! above export; what leaves for another organisation follows each record's TLP (a record the
//! recipient may not read itself goes only at TLP:CLEAR or TLP:GREEN) and its personal data
//! goes only where the recipient may see it; amber and red exports are audited.

mod common;

use std::collections::BTreeSet;

use serde_json::{json, Value};

use common::{add_org, add_user, admin_init, postgres, request, start, Db, Server};

fn create(s: &Server, token: &str, body: Value) -> String {
    let a = request(
        s,
        "POST",
        "/api/v1/incidents",
        Some(token),
        Some(("application/json", body.to_string().as_bytes())),
    );
    assert_eq!(a.status, 201, "{}", a.body);
    a.json()["id"].as_str().expect("id").to_string()
}

fn export(s: &Server, token: &str, query: &str) -> (u16, Vec<Value>) {
    let a = request(
        s,
        "GET",
        &format!("/api/v1/incidents:export{query}"),
        Some(token),
        None,
    );
    let lines = a
        .body
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    (a.status, lines)
}

fn ids(records: &[Value]) -> BTreeSet<String> {
    records
        .iter()
        .map(|r| r["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn exports(db: Db) {
    let backend = db.backend();
    admin_init(&db);
    let mx = add_org(&db, "Aduanas", "MX", "customs");
    let de = add_org(&db, "Zoll", "DE", "customs");
    let us = add_org(&db, "CBP", "US", "customs");
    let officer = add_user(&db, &mx, "officer@aduanas.test", "officer");
    let analyst = add_user(&db, &mx, "analyst@aduanas.test", "analyst");
    let viewer = add_user(&db, &mx, "viewer@aduanas.test", "viewer");
    let s = start(&db);
    let person = json!([{"role": "person", "name": "Jane Roe", "identifiers": ["P123"]}]);
    let own_red = create(
        &s,
        &officer,
        json!({"type": "seizure", "date": "2025-03-01", "tlp": "red", "parties": person}),
    );
    let shared_amber = create(
        &s,
        &officer,
        json!({"type": "seizure", "date": "2025-03-02", "tlp": "amber", "distribution": "countries", "share_with": ["US"], "parties": person, "personal_data_distribution": "countries"}),
    );
    let own_green = create(
        &s,
        &officer,
        json!({"type": "seizure", "date": "2025-03-03", "tlp": "green", "parties": person}),
    );
    let coalition_clear = create(
        &s,
        &officer,
        json!({"type": "seizure", "date": "2025-03-04", "tlp": "clear", "distribution": "coalition", "parties": person, "personal_data_distribution": "organisation"}),
    );

    // A viewer may not export; an analyst may.
    let (status, _) = export(&s, &viewer, "");
    assert_eq!(status, 403, "[{backend}] a viewer exports");
    // For the caller's own organisation: everything it may read, personal data included.
    let (status, own) = export(&s, &analyst, "");
    assert_eq!(status, 200, "[{backend}]");
    let all: BTreeSet<String> = [&own_red, &shared_amber, &own_green, &coalition_clear]
        .into_iter()
        .cloned()
        .collect();
    assert_eq!(ids(&own), all, "[{backend}] own export");
    assert!(
        own.iter().all(|r| r.get("redacted").is_none()),
        "[{backend}]"
    );

    // For DE, which may read only the coalition record: the others go only at clear/green.
    let (_, for_de) = export(&s, &analyst, &format!("?recipient={de}"));
    let expected: BTreeSet<String> = [&own_green, &coalition_clear]
        .into_iter()
        .cloned()
        .collect();
    assert_eq!(ids(&for_de), expected, "[{backend}] export for DE");
    for r in &for_de {
        assert!(
            !r.to_string().contains("Jane Roe"),
            "[{backend}] personal data left for DE: {r}"
        );
        assert_eq!(r["redacted"][0], json!("parties[0].name"), "[{backend}]");
    }
    // For the US, with whom the amber record and its personal data are shared.
    let (_, for_us) = export(&s, &analyst, &format!("?recipient={us}"));
    let expected: BTreeSet<String> = [&shared_amber, &own_green, &coalition_clear]
        .into_iter()
        .cloned()
        .collect();
    assert_eq!(ids(&for_us), expected, "[{backend}] export for US");
    let amber = for_us
        .iter()
        .find(|r| r["id"] == json!(shared_amber))
        .expect("amber");
    assert_eq!(
        amber["parties"][0]["name"],
        json!("Jane Roe"),
        "[{backend}]"
    );
    // Filters apply, and an unknown recipient is named.
    let (_, dated) = export(&s, &analyst, "?from=2025-03-03");
    assert_eq!(ids(&dated).len(), 2, "[{backend}]");
    let a = request(
        &s,
        "GET",
        "/api/v1/incidents:export?recipient=org-nope",
        Some(&analyst),
        None,
    );
    assert_eq!(a.status, 400, "[{backend}] {}", a.body);
    assert_eq!(a.json()["error"]["details"]["field"], json!("recipient"));
    // Amber and red records exported are in the log.
    let log = request(&s, "GET", "/api/v1/audit?limit=1000", Some(&officer), None).json();
    let exported: BTreeSet<String> = log["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["action"] == json!("export"))
        .map(|e| e["resource"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(
        exported.contains(&format!("incidents/{own_red}")),
        "[{backend}] {exported:?}"
    );
    assert!(
        exported.contains(&format!("incidents/{shared_amber}")),
        "[{backend}]"
    );
}

#[test]
fn exports_on_sqlite() {
    exports(Db::sqlite());
}

#[test]
fn exports_on_postgresql() {
    if let Some(db) = postgres("exports") {
        exports(db);
    }
}
