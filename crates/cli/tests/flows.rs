//! Flows through a live server: edges and nodes from the notifications and incidents the caller
//! may see (a notification only its parties see, an incident only its sharing reaches), with
//! map points, and a corridor new in the window reported by `flows/changes`.

mod common;

use serde_json::{json, Value};

use common::{add_org, add_user, admin_init, request, start, Db};

fn post(s: &common::Server, path: &str, token: &str, body: &Value) -> common::Answer {
    request(
        s,
        "POST",
        path,
        Some(token),
        Some(("application/json", body.to_string().as_bytes())),
    )
}

#[test]
fn flows_follow_what_each_caller_may_see() {
    let db = Db::sqlite();
    admin_init(&db);
    let cn = add_user(
        &db,
        &add_org(&db, "CN CA", "CN", "competent_authority"),
        "o@cn.test",
        "officer",
    );
    let mx = add_user(
        &db,
        &add_org(&db, "MX CA", "MX", "competent_authority"),
        "o@mx.test",
        "officer",
    );
    let nl = add_user(
        &db,
        &add_org(&db, "NL CA", "NL", "competent_authority"),
        "o@nl.test",
        "officer",
    );
    let mx_customs = add_user(
        &db,
        &add_org(&db, "MX customs", "MX", "customs"),
        "o@aduanas.test",
        "officer",
    );
    let s = start(&db);
    let filing = json!({
        "importing_country": "MX", "transit_countries": ["US"],
        "exporter": {"name": "Hubei", "address": "Wuhan", "country": "CN"},
        "importer": {"name": "Quimica", "address": "CDMX", "country": "MX"},
        "consignee": {"name": "Quimica", "address": "CDMX", "country": "MX"},
        "substance": {"cas": "39742-60-4"}, "quantity": {"value": 400, "unit": "kg"},
        "hs_code": "2933.39", "point_of_exit": "CNSHA", "point_of_entry": "MXZLO",
        "mode_of_transport": "sea", "carrier": "C", "dispatch_date": "2030-01-10",
        "arrival_date": "2030-02-20", "invoice_number": "I", "export_authorisation": "E"
    });
    for _ in 0..2 {
        assert_eq!(post(&s, "/api/v1/pens", &cn, &filing).status, 201);
    }
    // Seizures in Mexico of shipments from India, shared with the coalition; one from China
    // shared within Mexico only.
    let today = {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        secs / 86_400
    };
    let date = |days_ago: i64| {
        let out = std::process::Command::new("date")
            .args([
                "-u",
                "-d",
                &format!("@{}", (today - days_ago) * 86_400),
                "+%F",
            ])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let mut lines = String::new();
    for k in 0..5 {
        lines.push_str(&json!({"type": "seizure", "date": date(3 + k), "origin_country": "IN", "destination_country": "MX",
            "substances": [{"text": "ephedrine", "quantity": {"value": 25, "unit": "kg"}}],
            "distribution": "coalition", "reference": format!("in-{k}")}).to_string());
        lines.push('\n');
    }
    // History: an older corridor, so the window has earlier windows to compare with.
    for k in 0..4 {
        lines.push_str(&json!({"type": "seizure", "date": date(200 + 30 * k), "origin_country": "CO", "destination_country": "MX",
            "substances": [{"text": "potassium permanganate", "quantity": {"value": 100, "unit": "kg"}}],
            "distribution": "coalition", "reference": format!("co-{k}")}).to_string());
        lines.push('\n');
    }
    lines.push_str(&json!({"type": "seizure", "date": date(2), "origin_country": "CN", "destination_country": "MX",
        "substances": [{"text": "fentanyl", "quantity": {"value": 3, "unit": "kg"}}],
        "distribution": "country", "reference": "cn-1"}).to_string());
    let a = request(
        &s,
        "POST",
        "/api/v1/incidents:import",
        Some(&mx_customs),
        Some(("application/x-ndjson", lines.as_bytes())),
    );
    assert_eq!(a.status, 200, "{}", a.body);

    let flows = |token: &str, q: &str| {
        request(&s, "GET", &format!("/api/v1/flows{q}"), Some(token), None).json()
    };
    let edge = |f: &Value, from: &str, to: &str| {
        f["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["from"] == from && e["to"] == to)
            .cloned()
    };
    let mexico = flows(&mx, "");
    let licit = edge(&mexico, "CN", "MX").expect("CN→MX notified");
    assert_eq!(licit["notifications"], 2, "{licit}");
    assert_eq!(licit["via"], json!(["US"]));
    assert!(
        (licit["quantity_kg"].as_f64().unwrap() - 800.0).abs() < 1e-6,
        "{licit}"
    );
    let node = mexico["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["country"] == "MX")
        .unwrap()
        .clone();
    assert!(
        node["lat"].as_f64().is_some() && node["lon"].as_f64().is_some(),
        "{node}"
    );
    // Mexico's competent authority does not read the customs' country-only record; customs do.
    let customs = flows(&mx_customs, "?source=incidents");
    assert!(edge(&customs, "CN", "MX").is_some(), "{customs}");
    assert_eq!(edge(&customs, "IN", "MX").unwrap()["incidents"], 5);
    assert!(edge(&customs, "IN", "MX").unwrap()["notifications"] == 0);
    // The Netherlands see neither the notifications nor the country-only seizure.
    let dutch = flows(&nl, "");
    assert!(edge(&dutch, "CN", "MX").is_none(), "{dutch}");
    assert_eq!(edge(&dutch, "IN", "MX").unwrap()["incidents"], 5);
    // Filters.
    let only = flows(&mx_customs, "?substance=ephedrine");
    assert!(
        only["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["from"] == "IN"),
        "{only}"
    );
    let bad = request(&s, "GET", "/api/v1/flows?source=boats", Some(&mx), None);
    assert_eq!(bad.json()["error"]["details"]["field"], "source");
    // Changes: the India→Mexico corridor is new in the window.
    let changes = request(
        &s,
        "GET",
        "/api/v1/flows/changes?window=30",
        Some(&mx_customs),
        None,
    );
    assert_eq!(changes.status, 200, "{}", changes.body);
    let c = changes.json();
    assert!(
        c["corridors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["from"] == "IN" && k["to"] == "MX"),
        "{c}"
    );

    // The answers are kept per query and organisation: after more incidents and a notification
    // arrive, the kept ones must equal those of a server that
    // computes everything afresh over the same data.
    let queries = [
        "",
        "?source=incidents",
        "?substance=ephedrine",
        "?class=amphetamine-precursor",
    ];
    for token in [&mx, &mx_customs, &nl] {
        for q in queries {
            flows(token, q);
        }
    }
    let mut more = String::new();
    for k in 0..3 {
        more.push_str(&json!({"type": "seizure", "date": date(1 + k), "origin_country": "IN", "destination_country": "MX",
            "substances": [{"text": "ephedrine", "quantity": {"value": 7, "unit": "kg"}}],
            "distribution": "coalition", "reference": format!("in-more-{k}")}).to_string());
        more.push('\n');
    }
    let a = request(
        &s,
        "POST",
        "/api/v1/incidents:import",
        Some(&mx_customs),
        Some(("application/x-ndjson", more.as_bytes())),
    );
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(post(&s, "/api/v1/pens", &cn, &filing).status, 201);
    let kept: Vec<Value> = [&mx, &mx_customs, &nl]
        .iter()
        .flat_map(|t| queries.iter().map(|q| flows(t, q)))
        .collect();
    assert_eq!(edge(&kept[1], "IN", "MX").unwrap()["incidents"], 8);
    assert_eq!(edge(&kept[0], "CN", "MX").unwrap()["notifications"], 3);
    drop(s);
    let fresh = start(&db);
    for (n, t) in [&mx, &mx_customs, &nl].iter().enumerate() {
        for (k, q) in queries.iter().enumerate() {
            let again = request(&fresh, "GET", &format!("/api/v1/flows{q}"), Some(t), None).json();
            assert_eq!(
                kept[n * queries.len() + k],
                again,
                "flows{q} kept and afresh"
            );
        }
    }
}
