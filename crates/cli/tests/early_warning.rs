//! Early warning on the platform, through a live server: alerts over what each organisation
//! may see (a rise in records shared only within Mexico is Mexico's, and no coalition-wide
//! series counts them), kept current as incidents arrive, the incidents behind each alert, the
//! public-health stream, and webhook subscriptions — signed, retried until answered 2xx,
//! delivered after a `kill -9` of the server, refused for internal addresses unless allowed.

mod common;

use serde_json::{json, Value};

use common::{add_org, add_user, admin_init, receiver, request, start_with, Db};

fn import(s: &common::Server, token: &str, lines: &[Value]) {
    let body: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let a = request(
        s,
        "POST",
        "/api/v1/incidents:import",
        Some(token),
        Some(("application/x-ndjson", body.as_bytes())),
    );
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(!a.body.contains("\"error\""), "{}", a.body);
}

fn day(n: i64) -> String {
    // 2025-01-06 is a Monday: day 20094.
    let (y, m, d) = civil(20_094 + n);
    format!("{y:04}-{m:02}-{d:02}")
}

fn civil(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn alerts(s: &common::Server, token: &str) -> Vec<Value> {
    let a = request(s, "GET", "/api/v1/alerts", Some(token), None);
    assert_eq!(a.status, 200, "{}", a.body);
    a.json()["items"].as_array().unwrap().clone()
}

fn hmac_hex(secret: &str, body: &str) -> String {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn alerts_follow_visibility_and_webhooks_arrive_once_answered() {
    let db = Db::sqlite();
    admin_init(&db);
    let mx_org = add_org(&db, "Aduanas", "MX", "customs");
    let us_org = add_org(&db, "CBP", "US", "customs");
    let mx_health = add_org(&db, "Salud", "MX", "health");
    let mx = add_user(&db, &mx_org, "analyst@aduanas.test", "officer");
    let us = add_user(&db, &us_org, "officer@cbp.test", "officer");
    let health = add_user(&db, &mx_health, "officer@salud.test", "officer");
    let s = start_with(&db, &["--allow-private-webhooks"]);

    // 70 weeks of steady fentanyl seizures in Mexico, shared within Mexico only, then a
    // sustained rise over the last 8 weeks.
    let mut lines = Vec::new();
    for w in 0..78 {
        let n = if w >= 70 { 8 } else { 1 + (w % 3 == 0) as i64 };
        for k in 0..n {
            lines.push(json!({"type": "seizure", "date": day(7 * w + k % 5), "substances": [{"text": "fentanyl"}],
                "distribution": "country", "tlp": "green", "reference": format!("mx-{w}-{k}")}));
        }
    }
    import(&s, &mx, &lines);
    // The US sees a few coalition-wide records of its own.
    let us_lines: Vec<Value> = (0..20)
        .map(|w| json!({"type": "seizure", "date": day(7 * (w * 3)), "substances": [{"text": "methamphetamine"}],
            "distribution": "coalition", "tlp": "clear", "reference": format!("us-{w}")}))
        .collect();
    import(&s, &us, &us_lines);

    let mx_alerts = alerts(&s, &mx);
    let rise = mx_alerts
        .iter()
        .find(|a| a["kind"] == "aberration" && a["region"] == "MX" && a["substance"] == "fentanyl")
        .unwrap_or_else(|| panic!("Mexico sees its rise: {mx_alerts:#?}"));
    assert!(
        !rise["incidents"].as_array().unwrap().is_empty(),
        "incidents behind it"
    );
    assert!(rise["series"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["alarm"] == true));
    assert_eq!(rise["stream"], "seizures");
    assert!(
        rise["method"].as_str().unwrap().contains("farrington"),
        "a year of history: {}",
        rise["method"]
    );
    let onset = rise["onset_week"].as_str().unwrap().to_string();
    let first_id = rise["incidents"][0].as_str().unwrap().to_string();
    let got = request(
        &s,
        "GET",
        &format!("/api/v1/incidents/{first_id}"),
        Some(&mx),
        None,
    );
    assert_eq!(got.status, 200);
    // Nothing of it reaches the US: no Mexican series, no coalition-wide fentanyl series.
    let us_alerts = alerts(&s, &us);
    assert!(
        us_alerts
            .iter()
            .all(|a| a["region"] != "MX" && !a["substance"].as_str().unwrap().contains("fentanyl")),
        "{us_alerts:#?}"
    );
    // An episode already running when the window starts keeps its onset.
    let later = request(
        &s,
        "GET",
        &format!("/api/v1/alerts?since={}", day(7 * 74)),
        Some(&mx),
        None,
    )
    .json();
    let again = later["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "aberration" && a["region"] == "MX" && a["substance"] == "fentanyl")
        .expect("still reported");
    assert_eq!(again["onset_week"].as_str().unwrap(), onset);

    // Public health: overdoses of a nitazene form their own series.
    let overdoses: Vec<Value> = (0..6)
        .map(|k| json!({"type": "overdose", "date": day(7 * 76 + k), "substances": [{"text": "isotonitazene"}],
            "distribution": "country", "reference": format!("od-{k}")}))
        .collect();
    import(&s, &health, &overdoses);
    let health_alerts = alerts(&s, &health);
    assert!(
        health_alerts.iter().any(|a| a["stream"] == "public_health"
            && a["kind"] == "first_detection"
            && a["substance"].as_str().unwrap().starts_with("health:")),
        "{health_alerts:#?}"
    );

    // Subscriptions: an internal address needs the operator's leave (this server has it).
    let (url, received) = receiver(2);
    let secret = "a-long-enough-shared-secret";
    let sub = request(
        &s,
        "POST",
        "/api/v1/subscriptions",
        Some(&mx),
        Some((
            "application/json",
            json!({"url": url, "secret": secret, "kinds": ["first_detection", "aberration"]})
                .to_string()
                .as_bytes(),
        )),
    );
    assert_eq!(sub.status, 201, "{}", sub.body);
    assert!(!sub.body.contains(secret), "the secret is never answered");
    let sub_id = sub.json()["id"].as_str().unwrap().to_string();
    // A new substance arrives: a first detection; the server is killed before it can send,
    // restarted, and the alert still arrives (after two 500s), signed.
    drop(s);
    let s = start_with(&db, &["--allow-private-webhooks"]);
    import(
        &s,
        &mx,
        &[
            json!({"type": "seizure", "date": day(7 * 77 + 2), "substances": [{"text": "carfentanil"}],
        "distribution": "country", "reference": "mx-new"}),
        ],
    );
    let mut s = Some(s);
    let mut killed = false;
    let mut delivered = None;
    for i in 0..300 {
        if let Some((sig, body)) = received
            .lock()
            .unwrap()
            .iter()
            .find(|(_, b)| b.contains("carfentanil"))
            .cloned()
        {
            delivered = Some((sig, body));
            break;
        }
        // Kill it mid-way once, hard, and start again: the outbox survives.
        if i == 3 && !killed {
            if let Some(mut old) = s.take() {
                let _ = old.child.kill();
                let _ = old.child.wait();
            }
            s = Some(start_with(&db, &["--allow-private-webhooks"]));
            killed = true;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let (sig, body) = delivered.expect("the first detection was delivered");
    assert_eq!(sig, format!("sha256={}", hmac_hex(secret, &body)));
    let event: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(event["alert"]["kind"], "first_detection");
    // The old alerts were known at subscription: not sent.
    // (A new class series with carfentanil in it may be sent; the old fentanyl rise may not.)
    let old_rise = format!("\"id\":\"aberration|fentanyl|MX|{onset}\"");
    assert!(received
        .lock()
        .unwrap()
        .iter()
        .all(|(_, b)| !b.contains(&old_rise)));
    let s = s.unwrap();
    let outbox = request(
        &s,
        "GET",
        &format!("/api/v1/subscriptions/{sub_id}/deliveries"),
        Some(&mx),
        None,
    )
    .json();
    assert!(outbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["delivered_at"].is_string() && d["attempts"].as_i64().unwrap() >= 1));
    // Disabled: nothing more.
    assert_eq!(
        request(
            &s,
            "DELETE",
            &format!("/api/v1/subscriptions/{sub_id}"),
            Some(&mx),
            None
        )
        .status,
        200
    );
    assert_eq!(
        request(
            &s,
            "GET",
            &format!("/api/v1/subscriptions/{sub_id}/deliveries"),
            Some(&us),
            None
        )
        .status,
        404
    );
}

#[test]
fn internal_webhook_addresses_are_refused_by_default() {
    let db = Db::sqlite();
    admin_init(&db);
    let org = add_org(&db, "Aduanas", "MX", "customs");
    let token = add_user(&db, &org, "officer@aduanas.test", "officer");
    let s = common::start(&db);
    for url in [
        "http://127.0.0.1:9/x",
        "http://localhost/x",
        "http://169.254.169.254/latest",
        "http://[::1]/x",
        "http://10.0.0.8/x",
    ] {
        let a = request(
            &s,
            "POST",
            "/api/v1/subscriptions",
            Some(&token),
            Some((
                "application/json",
                json!({"url": url, "secret": "a-long-enough-shared-secret"})
                    .to_string()
                    .as_bytes(),
            )),
        );
        assert_eq!(a.status, 400, "{url}: {}", a.body);
        assert_eq!(a.json()["error"]["details"]["field"], "url");
    }
}

/// The alerts a running server keeps up after an import (only the weeks it touched judged
/// again) are the alerts a server computing everything afresh over the same data gives.
#[test]
fn alerts_kept_up_after_imports_equal_a_fresh_servers() {
    let db = Db::sqlite();
    admin_init(&db);
    let mx = add_user(
        &db,
        &add_org(&db, "Aduanas", "MX", "customs"),
        "o@aduanas.test",
        "officer",
    );
    let s = start_with(&db, &[]);
    let subs = ["fentanyl", "cocaine", "isotonitazene", "protonitazene"];
    let record = |w: i64, k: i64, tag: &str| {
        json!({"type": if k % 7 == 0 { "overdose" } else { "seizure" }, "date": day(7 * w + k % 5),
            "substances": [{"text": subs[((w + k) % 4) as usize]}],
            "distribution": if k % 3 == 0 { "coalition" } else { "country" }, "tlp": "green",
            "reference": format!("{tag}-{w}-{k}")})
    };
    // 70 steady weeks.
    let base: Vec<Value> = (0..70)
        .flat_map(|w| (0..2 + w % 3).map(move |k| (w, k)))
        .map(|(w, k)| record(w, k, "base"))
        .collect();
    import(&s, &mx, &base);
    let before = alerts(&s, &mx);
    // A rise in the last weeks, then new weeks past the end, each import followed by a read.
    let rise: Vec<Value> = (66..70)
        .flat_map(|w| (0..9).map(move |k| (w, k)))
        .map(|(w, k)| record(w, k, "rise"))
        .collect();
    import(&s, &mx, &rise);
    let after_rise = alerts(&s, &mx);
    assert_ne!(before, after_rise, "the rise changes the alerts");
    let later: Vec<Value> = (70..73)
        .flat_map(|w| (0..10).map(move |k| (w, k)))
        .map(|(w, k)| record(w, k, "later"))
        .collect();
    import(&s, &mx, &later);
    let kept = request(&s, "GET", "/api/v1/alerts", Some(&mx), None).json();
    assert!(
        kept["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["kind"] == "aberration"),
        "{kept:#}"
    );
    drop(s);
    let fresh = start_with(&db, &[]);
    let again = request(&fresh, "GET", "/api/v1/alerts", Some(&mx), None).json();
    assert_eq!(kept, again);
}

/// A change of an incident's sharing reaches the alerts at once, on both backends: records
/// widened to the coalition are counted for another country, narrowed again they are not —
/// also when the changes fall within one second (changes are known by their time in seconds).
#[test]
fn alerts_follow_changes_of_sharing_within_the_same_second() {
    let mut dbs = vec![Db::sqlite()];
    dbs.extend(common::postgres("ews_changes"));
    for db in dbs {
        let backend = db.backend();
        admin_init(&db);
        let mx = add_user(
            &db,
            &add_org(&db, "Aduanas", "MX", "customs"),
            "o@aduanas.test",
            "officer",
        );
        let us = add_user(
            &db,
            &add_org(&db, "CBP", "US", "customs"),
            "o@cbp.test",
            "officer",
        );
        let s = start_with(&db, &[]);
        let lines: Vec<Value> = (0..30)
            .map(|w| {
                json!({"type": "seizure", "date": day(7 * w), "substances": [{"text": "fentanyl"}],
                "distribution": "country", "tlp": "green", "reference": format!("mx-{w}")})
            })
            .collect();
        import(&s, &mx, &lines);
        let considered = |token: &str| {
            let a = request(&s, "GET", "/api/v1/alerts", Some(token), None);
            assert_eq!(a.status, 200, "{}", a.body);
            a.json()["incidents_considered"].as_u64().unwrap()
        };
        assert_eq!(
            considered(&us),
            0,
            "[{backend}] nothing of Mexico's reaches the US"
        );
        assert_eq!(considered(&mx), 30);
        let found = request(&s, "GET", "/api/v1/incidents?limit=100", Some(&mx), None).json();
        let ids: Vec<String> = found["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(ids.len(), 30);
        let share = |id: &str, distribution: &str| {
            let body = json!({"distribution": distribution}).to_string();
            let a = request(
                &s,
                "PATCH",
                &format!("/api/v1/incidents/{id}"),
                Some(&mx),
                Some(("application/json", body.as_bytes())),
            );
            assert_eq!(a.status, 200, "[{backend}] {}", a.body);
        };
        for id in &ids[..10] {
            share(id, "coalition");
        }
        assert_eq!(
            considered(&us),
            10,
            "[{backend}] widened: the US counts them"
        );
        // Narrowed and widened again in quick succession, each followed by a read: every
        // step shows, whichever second it falls in.
        for (n, id) in ids[..10].iter().enumerate() {
            share(id, "country");
            assert_eq!(
                considered(&us),
                9 - n as u64,
                "[{backend}] narrowed {}",
                n + 1
            );
        }
        share(&ids[3], "coalition");
        assert_eq!(considered(&us), 1, "[{backend}] one widened again");
        assert_eq!(
            considered(&mx),
            30,
            "[{backend}] Mexico keeps seeing all of its own"
        );
    }
}
