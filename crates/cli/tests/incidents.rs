//! Changes of one incident at the same moment, on SQLite and on PostgreSQL: each PATCH replaces
//! the fields it names and keeps every other, so concurrent changes of different fields all
//! land (none is overwritten with a record built before it).

mod common;

use serde_json::{json, Value};

use common::{add_org, add_user, admin_init, postgres, request, start, Db};

fn concurrent_changes(db: Db) {
    let backend = db.backend();
    admin_init(&db);
    let org_id = add_org(&db, "Aduanas", "MX", "customs");
    let token = add_user(&db, &org_id, "officer@aduanas.test", "officer");
    let s = start(&db);
    let changes: Vec<(&str, Value)> = vec![
        ("description", json!("re-weighed: 12.5 kg")),
        ("modus_operandi", json!("rip-on/rip-off")),
        ("concealment", json!("in banana boxes")),
        ("pen", json!("PEN-2025-0001")),
        ("conveyance", json!({"mode": "sea", "name": "MSC Example"})),
        ("origin_country", json!("CO")),
        ("destination_country", json!("US")),
        ("tlp", json!("red")),
    ];
    for round in 0..3 {
        let made = request(
            &s,
            "POST",
            "/api/v1/incidents",
            Some(&token),
            Some((
                "application/json",
                json!({"type": "seizure", "date": "2025-03-01", "substances": [{"text": "cocaine"}]})
                    .to_string()
                    .as_bytes(),
            )),
        );
        assert_eq!(made.status, 201, "{}", made.body);
        let id = made.json()["id"].as_str().expect("id").to_string();
        std::thread::scope(|scope| {
            for (field, value) in &changes {
                let (s, token, id) = (&s, &token, &id);
                scope.spawn(move || {
                    let body = json!({ *field: value }).to_string();
                    let a = request(
                        s,
                        "PATCH",
                        &format!("/api/v1/incidents/{id}"),
                        Some(token),
                        Some(("application/json", body.as_bytes())),
                    );
                    assert_eq!(a.status, 200, "[{backend}] PATCH {field}: {}", a.body);
                });
            }
        });
        let after = request(
            &s,
            "GET",
            &format!("/api/v1/incidents/{id}"),
            Some(&token),
            None,
        )
        .json();
        for (field, value) in &changes {
            assert_eq!(
                &after[*field], value,
                "[{backend}] round {round}: the change of `{field}` was lost: {after}"
            );
        }
        assert_eq!(after["substances"][0]["text"], json!("cocaine"));
    }
    // A change names what is wrong with it, and changes nothing then.
    let id = request(&s, "GET", "/api/v1/incidents?limit=1", Some(&token), None).json()["items"][0]
        ["id"]
        .as_str()
        .expect("an incident")
        .to_string();
    let before = request(
        &s,
        "GET",
        &format!("/api/v1/incidents/{id}"),
        Some(&token),
        None,
    )
    .body;
    for (patch, field) in [
        (json!({"colour": "red"}), "colour"),
        (json!({"date": "2025-13-01"}), "date"),
        (json!({"equipment": [{"count": 1}]}), "equipment[0].kind"),
        (json!({"reference": "MINE-1"}), "reference"),
        (json!({"id": "INC-MX-2025-999999"}), "id"),
        (
            json!({"distribution": "country", "personal_data_distribution": "coalition"}),
            "personal_data_distribution",
        ),
    ] {
        let a = request(
            &s,
            "PATCH",
            &format!("/api/v1/incidents/{id}"),
            Some(&token),
            Some(("application/json", patch.to_string().as_bytes())),
        );
        assert_eq!(
            (a.status, a.json()["error"]["details"]["field"].clone()),
            (400, json!(field)),
            "[{backend}] {patch}: {}",
            a.body
        );
    }
    let after = request(
        &s,
        "GET",
        &format!("/api/v1/incidents/{id}"),
        Some(&token),
        None,
    )
    .body;
    assert_eq!(after, before);
    // Each change is in the log, after the creation.
    let entries = request(&s, "GET", "/api/v1/audit?limit=1000", Some(&token), None).json();
    let updates = entries["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter(|e| e["action"] == json!("update"))
                .count()
        })
        .unwrap_or(0);
    assert_eq!(updates, 3 * changes.len(), "[{backend}]");
}

#[test]
fn concurrent_changes_on_sqlite() {
    concurrent_changes(Db::sqlite());
}

#[test]
fn concurrent_changes_on_postgresql() {
    if let Some(db) = postgres("changes") {
        concurrent_changes(db);
    }
}
