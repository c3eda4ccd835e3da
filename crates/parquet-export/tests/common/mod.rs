//! Records as `crates/app` writes them, shared by the round-trip and DuckDB tests.

#![allow(dead_code)]

use serde_json::{json, Value};

/// An incident as `crates/app/src/incidents.rs` stores it: two substances (one identified,
/// one not), a place with a LOCODE, a route, sharing and times.
pub fn incident_full() -> Value {
    json!({
        "type": "seizure",
        "date": "2025-03-01",
        "country": "NL",
        "place": {"locode": "NLRTM", "lat": 51.95, "lon": 4.14, "description": "container terminal"},
        "origin_country": "CN",
        "transit_countries": ["AE", "BE"],
        "destination_country": "MX",
        "substances": [
            {
                "text": "BMK glycidate",
                "quantity": {"value": 1200.0, "unit": "kg"},
                "quantity_kg": 1200.0,
                "resolved": {
                    "key": "substance:bmk-glycidate",
                    "substance_id": "bmk-glycidate",
                    "name": "BMK glycidate",
                    "classes": ["designer-precursor", "amphetamine-precursor"],
                    "by": "name",
                    "cas": "80532-66-7",
                    "lists": ["un1988-t1"],
                    "category": "precursor"
                }
            },
            {
                "text": "white powder",
                "quantity": {"value": 500.0, "unit": "g"},
                "quantity_kg": 0.5,
                "resolved": {
                    "key": "text:white powder",
                    "substance_id": null,
                    "name": null,
                    "classes": [],
                    "by": "none"
                }
            }
        ],
        "parties": [{"role": "company", "name": "Acme Chem Co., Ltd.", "screening": {"matches": []}}],
        "id": "NL-2025-000123",
        "organisation": "nl-customs",
        "owner_country": "NL",
        "distribution": "coalition",
        "share_with": [],
        "tlp": "amber",
        "personal_data_distribution": "organisation",
        "reported_by": "u-17",
        "created_at": "2025-03-02T09:15:00Z",
        "updated_at": "2025-03-02T10:00:00Z"
    })
}

/// The least an incident carries: no place, route or substance.
pub fn incident_bare() -> Value {
    json!({
        "type": "overdose",
        "date": "2024-12-31",
        "country": "EE",
        "substances": [],
        "parties": [],
        "id": "EE-2024-000001",
        "organisation": "ee-health",
        "owner_country": "EE",
        "distribution": "country",
        "share_with": [],
        "tlp": "green",
        "personal_data_distribution": "organisation",
        "reported_by": "u-3",
        "created_at": "2025-01-01T00:00:00Z",
        "updated_at": "2025-01-01T00:00:00Z"
    })
}

/// The full incident numbered `i`, its date spread over a year, for volume.
pub fn incident_numbered(i: u64) -> Value {
    let mut r = incident_full();
    r["id"] = json!(format!("NL-2025-{i:06}"));
    r["date"] = json!(format!("2025-{:02}-{:02}", 1 + i % 12, 1 + i % 28));
    r
}

/// A notification as `crates/app/src/pens.rs` files it, then replied to and shipped.
pub fn pen_shipped() -> Value {
    json!({
        "id": "IN-2025-000042",
        "status": "shipped",
        "by_silence": false,
        "source": "platform",
        "exporting_country": "IN",
        "importing_country": "MX",
        "transit_countries": ["ES"],
        "substance": {
            "substance_id": "ephedrine",
            "name": "Ephedrine",
            "cas": "299-42-3",
            "lists": ["un1988-t1"],
            "category": "precursor",
            "resolved_by": "cas",
            "as_filed": "299-42-3"
        },
        "quantity": {"value": 250, "unit": "kg"},
        "quantity_kg": 250,
        "substance_kg": 250.0,
        "sent_at": "2025-02-03T08:00:00Z",
        "sent_on": "2025-02-03",
        "reply_deadline": "2025-02-17",
        "answered_at": "2025-02-10T14:30:00Z",
        "reply": {"decision": "no_objection", "reason": null, "at": "2025-02-10T14:30:00Z"},
        "shipment": {
            "actual_quantity": {"value": 240, "unit": "kg"},
            "shipped_on": "2025-02-20",
            "actual_kg": 240.0,
            "at": "2025-02-20T07:00:00Z"
        },
        "label": null,
        "history": [],
        "updated_at": "2025-02-20T07:00:00Z"
    })
}

/// A notification imported from a PEN Online file: no transit, no listed substance, no reply.
pub fn pen_imported() -> Value {
    json!({
        "id": "IMP-2024-7",
        "status": "expired",
        "by_silence": true,
        "source": "import",
        "imported_from": "pen-online.csv",
        "exporting_country": "DE",
        "importing_country": "NG",
        "transit_countries": [],
        "substance": {"substance_id": null, "name": null, "cas": "7647-01-0", "lists": [], "resolved_by": "cas"},
        "quantity": {"value": 12.5, "unit": "kg"},
        "quantity_kg": 12.5,
        "substance_kg": 12.5,
        "sent_at": "2024-11-04T00:00:00Z",
        "sent_on": "2024-11-04",
        "reply_deadline": "2024-11-18",
        "valid_until": null,
        "label": null,
        "history": []
    })
}

/// Flow edges as `GET /api/v1/flows` answers them.
pub fn flows() -> Vec<Value> {
    vec![
        json!({"from": "CN", "to": "MX", "via": ["AE", "NL"], "notifications": 0, "incidents": 3,
               "quantity_kg": 1700.5, "substances": ["bmk-glycidate", "pmk-glycidate"]}),
        json!({"from": "IN", "to": "MX", "via": [], "notifications": 12, "incidents": 0,
               "quantity_kg": null, "substances": ["ephedrine"]}),
    ]
}
