//! The kill -9 harness: writers send bursts of writes (incidents created and imported,
//! attachments, notifications filed and acknowledged, webhook subscriptions) to a live server,
//! which is killed with SIGKILL at a pseudo-random moment, restarted and checked: every
//! acknowledged write is there, no import is half-visible, and `audit verify` passes. At the
//! end a new substance is reported and the server killed again before it can deliver: the
//! webhook deliveries resume after the restart. Short form: 10 kills on SQLite (and 3
//! on PostgreSQL when reachable). Long form: `INTERDICT_KILL9_ROUNDS=100 cargo test -p interdict
//! --test kill9 -- --nocapture` (the PostgreSQL half runs the same number).

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use common::*;
use serde_json::{json, Value};

/// One request that may fail because the server is gone (then `None`).
fn try_call(
    base: &str,
    method: &str,
    path: &str,
    token: &str,
    body: Option<(&str, &[u8])>,
) -> Option<(u16, String)> {
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(30))
        .build();
    let req = agent
        .request(method, &format!("{base}{path}"))
        .set("authorization", &format!("Bearer {token}"));
    let result = match body {
        Some((ct, bytes)) => req.set("content-type", ct).send_bytes(bytes),
        None => req.call(),
    };
    match result {
        Ok(r) => Some((r.status(), r.into_string().unwrap_or_default())),
        Err(ureq::Error::Status(code, r)) => Some((code, r.into_string().unwrap_or_default())),
        Err(_) => None,
    }
}

/// A small deterministic generator (xorshift), seeded from the clock and printed, so a failing
/// run can be told apart; the kill moments are what it decides.
struct Rng(u64);
impl Rng {
    fn seeded() -> Rng {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(7)
            | 1;
        eprintln!("kill9 seed {seed}");
        Rng(seed)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo)
    }
}

/// What the server acknowledged (answered 2xx), to look for after each restart.
#[derive(Default)]
struct Acked {
    incidents: Vec<String>,
    attachments: Vec<(String, String)>,
    /// Import batches: tag and the ids the answer gave.
    imports: Vec<(String, Vec<String>)>,
    /// Import batches sent but not acknowledged: all or none of their lines may be there.
    unsure_imports: Vec<String>,
    pens: Vec<String>,
    acknowledged_pens: Vec<String>,
    subscriptions: Vec<String>,
}

fn filing() -> Value {
    json!({
        "importing_country": "MX",
        "exporter": {"name": "Hubei Fine Chemical Co", "address": "Wuhan", "country": "CN"},
        "importer": {"name": "Quimica Industrial SA", "address": "CDMX", "country": "MX"},
        "consignee": {"name": "Quimica Industrial SA", "address": "CDMX", "country": "MX"},
        "substance": {"cas": "39742-60-4"},
        "quantity": {"value": 25.0, "unit": "kg"},
        "hs_code": "2933.39",
        "point_of_exit": "CNSHA",
        "point_of_entry": "MXZLO",
        "mode_of_transport": "sea",
        "carrier": "COSCO Shipping",
        "dispatch_date": "2030-01-10",
        "arrival_date": "2030-02-20",
        "invoice_number": "INV-77",
        "export_authorisation": "EA-2026-5"
    })
}

/// One writer's burst until `stop`: each kind of write in turn.
#[allow(clippy::too_many_arguments)]
fn writer(
    base: &str,
    customs: &str,
    cn: &str,
    mx: &str,
    hook: &str,
    who: usize,
    stop: &AtomicBool,
    acked: &Mutex<Acked>,
    serial: &std::sync::atomic::AtomicU64,
) {
    let mut step = 0usize;
    while !stop.load(Ordering::Relaxed) {
        let n = serial.fetch_add(1, Ordering::Relaxed);
        let ok = match (step + who) % 5 {
            0 => {
                let body = json!({"type": "seizure", "date": "2025-03-01", "country": "MX",
                    "tlp": "clear", "substances": [{"text": "cocaine"}],
                    "description": format!("kill9 single {n}")})
                .to_string();
                match try_call(
                    base,
                    "POST",
                    "/api/v1/incidents",
                    customs,
                    Some(("application/json", body.as_bytes())),
                ) {
                    Some((201, b)) => {
                        let id = serde_json::from_str::<Value>(&b)
                            .ok()
                            .and_then(|v| v["id"].as_str().map(str::to_string));
                        if let (Some(id), Ok(mut a)) = (id, acked.lock()) {
                            a.incidents.push(id);
                        }
                        true
                    }
                    Some((code, b)) => panic!("create answered {code}: {b}"),
                    None => false,
                }
            }
            1 => {
                let tag = format!("kill9batch{n}x");
                let lines: String = (0..3)
                    .map(|i| {
                        format!(
                            "{}\n",
                            json!({"type": "seizure", "date": "2025-03-02", "country": "MX",
                                "tlp": "clear", "substances": [{"text": "fentanyl"}],
                                "description": format!("{tag} line {i}")})
                        )
                    })
                    .collect();
                if let Ok(mut a) = acked.lock() {
                    a.unsure_imports.push(tag.clone());
                }
                match try_call(
                    base,
                    "POST",
                    "/api/v1/incidents:import",
                    customs,
                    Some(("application/x-ndjson", lines.as_bytes())),
                ) {
                    Some((200, b)) => {
                        let ids: Vec<String> = b
                            .lines()
                            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
                            .filter_map(|v| {
                                v["record"]["id"]
                                    .as_str()
                                    .or(v["id"].as_str())
                                    .map(str::to_string)
                            })
                            .collect();
                        assert_eq!(ids.len(), 3, "import answer: {b}");
                        if let Ok(mut a) = acked.lock() {
                            a.unsure_imports.retain(|t| *t != tag);
                            a.imports.push((tag, ids));
                        }
                        true
                    }
                    Some((code, b)) => panic!("import answered {code}: {b}"),
                    None => false,
                }
            }
            2 => {
                let target = acked.lock().ok().and_then(|a| a.incidents.last().cloned());
                let Some(id) = target else {
                    step += 1;
                    continue;
                };
                let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
                png.extend_from_slice(format!("photograph {n}").as_bytes());
                match try_call(
                    base,
                    "POST",
                    &format!("/api/v1/incidents/{id}/attachments"),
                    customs,
                    Some(("image/png", &png)),
                ) {
                    Some((201, b)) => {
                        let att = serde_json::from_str::<Value>(&b)
                            .ok()
                            .and_then(|v| v["id"].as_str().map(str::to_string));
                        if let (Some(att), Ok(mut a)) = (att, acked.lock()) {
                            a.attachments.push((id, att));
                        }
                        true
                    }
                    Some((code, b)) => panic!("attach answered {code}: {b}"),
                    None => false,
                }
            }
            3 => {
                let body = json!({"url": format!("{hook}?n={n}"),
                    "secret": "a-long-enough-shared-secret", "kinds": ["first_detection"]})
                .to_string();
                match try_call(
                    base,
                    "POST",
                    "/api/v1/subscriptions",
                    customs,
                    Some(("application/json", body.as_bytes())),
                ) {
                    Some((201, b)) => {
                        let id = serde_json::from_str::<Value>(&b)
                            .ok()
                            .and_then(|v| v["id"].as_str().map(str::to_string));
                        if let (Some(id), Ok(mut a)) = (id, acked.lock()) {
                            a.subscriptions.push(id);
                        }
                        true
                    }
                    Some((code, b)) => panic!("subscribe answered {code}: {b}"),
                    None => false,
                }
            }
            _ => {
                let body = filing().to_string();
                match try_call(
                    base,
                    "POST",
                    "/api/v1/pens",
                    cn,
                    Some(("application/json", body.as_bytes())),
                ) {
                    Some((201, b)) => {
                        let id = serde_json::from_str::<Value>(&b)
                            .ok()
                            .and_then(|v| v["id"].as_str().map(str::to_string));
                        let Some(id) = id else {
                            panic!("filed without an id: {b}")
                        };
                        if let Ok(mut a) = acked.lock() {
                            a.pens.push(id.clone());
                        }
                        match try_call(
                            base,
                            "POST",
                            &format!("/api/v1/pens/{id}/acknowledge"),
                            mx,
                            Some(("application/json", b"{}")),
                        ) {
                            Some((200, _)) => {
                                if let Ok(mut a) = acked.lock() {
                                    a.acknowledged_pens.push(id);
                                }
                                true
                            }
                            Some((code, b)) => panic!("acknowledge answered {code}: {b}"),
                            None => false,
                        }
                    }
                    Some((code, b)) => panic!("filing answered {code}: {b}"),
                    None => false,
                }
            }
        };
        if !ok {
            // The server is gone: wait for the next one.
            return;
        }
        step += 1;
    }
}

/// Checks everything acknowledged so far against a fresh server.
fn check(s: &Server, db: &Db, customs: &str, mx: &str, acked: &Acked, round: usize) {
    let backend = db.backend();
    for id in &acked.incidents {
        let a = get(s, &format!("/api/v1/incidents/{id}"), customs);
        assert_eq!(
            a.status, 200,
            "[{backend} round {round}] incident {id} lost: {}",
            a.body
        );
    }
    for (id, att) in &acked.attachments {
        let a = get(
            s,
            &format!("/api/v1/incidents/{id}/attachments/{att}"),
            customs,
        );
        assert_eq!(
            a.status, 200,
            "[{backend} round {round}] attachment {att} lost"
        );
    }
    for (tag, ids) in &acked.imports {
        for id in ids {
            let a = get(s, &format!("/api/v1/incidents/{id}"), customs);
            assert_eq!(a.status, 200, "[{backend} round {round}] {tag}: {id} lost");
        }
    }
    // The search the all-or-nothing check below relies on finds a whole acknowledged import.
    if let Some((tag, _)) = acked.imports.first() {
        let a = get(s, &format!("/api/v1/incidents?q={tag}&limit=1000"), customs);
        assert_eq!(
            a.json()["items"].as_array().map(Vec::len),
            Some(3),
            "q={tag}: {}",
            a.body
        );
    }
    for tag in &acked.unsure_imports {
        let a = get(s, &format!("/api/v1/incidents?q={tag}&limit=1000"), customs);
        assert_eq!(a.status, 200, "{}", a.body);
        let n = a.json()["items"].as_array().map(Vec::len).unwrap_or(0);
        assert!(
            n == 0 || n == 3,
            "[{backend} round {round}] import {tag} is half there: {n} of 3"
        );
    }
    for id in &acked.pens {
        let a = get(s, &format!("/api/v1/pens/{id}"), mx);
        assert_eq!(
            a.status, 200,
            "[{backend} round {round}] notification {id} lost: {}",
            a.body
        );
        if acked.acknowledged_pens.contains(id) {
            assert_eq!(
                a.json()["status"],
                json!("acknowledged"),
                "[{backend} round {round}] {id}: {}",
                a.body
            );
        }
    }
    if !acked.subscriptions.is_empty() {
        let listed = get(s, "/api/v1/subscriptions?limit=1000", customs);
        assert_eq!(listed.status, 200, "{}", listed.body);
        for id in &acked.subscriptions {
            assert!(
                listed.body.contains(id.as_str()),
                "[{backend} round {round}] subscription {id} lost"
            );
        }
    }
    let verify = cli(db, &["audit", "verify"]);
    assert!(
        verify.status.success(),
        "[{backend} round {round}] audit verify: {}{}",
        String::from_utf8_lossy(&verify.stdout),
        String::from_utf8_lossy(&verify.stderr)
    );
}

fn harness(db: Db, rounds: usize) {
    admin_init(&db);
    let customs_org = add_org(&db, "Aduanas", "MX", "customs");
    let cn_org = add_org(&db, "NMPA", "CN", "competent_authority");
    let mx_org = add_org(&db, "COFEPRIS", "MX", "competent_authority");
    let customs = add_user(&db, &customs_org, "officer@aduanas.test", "officer");
    let cn = add_user(&db, &cn_org, "officer@cn.test", "officer");
    let mx = add_user(&db, &mx_org, "officer@mx.test", "officer");
    let acked = Mutex::new(Acked::default());
    let serial = std::sync::atomic::AtomicU64::new(0);
    let mut rng = Rng::seeded();
    let mut kills = 0;
    // Webhooks go to a receiver on loopback: the operator's leave is given.
    let (hook, received) = receiver(0);
    let serve = ["--allow-private-webhooks"];
    for round in 0..rounds {
        let mut s = start_with(&db, &serve);
        let stop = AtomicBool::new(false);
        std::thread::scope(|scope| {
            for who in 0..3 {
                let (base, customs, cn, mx, hook, stop, acked, serial) =
                    (&s.base, &customs, &cn, &mx, &hook, &stop, &acked, &serial);
                scope.spawn(move || writer(base, customs, cn, mx, hook, who, stop, acked, serial));
            }
            std::thread::sleep(Duration::from_millis(rng.between(100, 1500)));
            // SIGKILL: no chance to finish anything.
            s.child.kill().expect("kill -9");
            let _ = s.child.wait();
            kills += 1;
            stop.store(true, Ordering::Relaxed);
        });
        drop(s);
        let s = start_with(&db, &serve);
        let a = acked.lock().expect("lock");
        check(&s, &db, &customs, &mx, &a, round);
    }
    // Webhook deliveries resume: a substance never reported before (a first detection for
    // every subscription of the customs office), the server killed at once, restarted, and
    // the alert delivered all the same.
    let mut s = start_with(&db, &serve);
    let first = json!({"type": "seizure", "date": "2025-03-03", "country": "MX", "tlp": "clear",
        "substances": [{"text": "brorphine"}], "description": "kill9 first detection"})
    .to_string();
    let (code, body) = try_call(
        &s.base,
        "POST",
        "/api/v1/incidents",
        &customs,
        Some(("application/json", first.as_bytes())),
    )
    .expect("the server answers");
    assert_eq!(code, 201, "{body}");
    // The alert is raised when alerts are next computed; ask once, then kill at once.
    let _ = try_call(&s.base, "GET", "/api/v1/alerts", &customs, None);
    s.child.kill().expect("kill -9");
    let _ = s.child.wait();
    drop(s);
    let delivered_before_kill = delivered_count(&received);
    let s = start_with(&db, &serve);
    let _ = try_call(&s.base, "GET", "/api/v1/alerts", &customs, None);
    let subscribed = acked.lock().map(|a| a.subscriptions.len()).unwrap_or(0);
    let mut delivered = 0;
    for _ in 0..600 {
        delivered = delivered_count(&received);
        if subscribed > 0 && delivered >= subscribed {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    if subscribed > 0 {
        assert!(
            delivered >= subscribed,
            "[{}] webhook deliveries did not resume after the restart: {delivered} of {subscribed} subscriptions got the first detection ({delivered_before_kill} before the kill)",
            db.backend()
        );
    }
    drop(s);
    let a = acked.lock().expect("lock");
    eprintln!(
        "[{}] kill9: {kills} kills; acknowledged and found after every restart: {} incidents, {} imports, {} attachments, {} notifications ({} acknowledged), {} subscriptions; {} imports cut short, none half there; the first detection delivered to {} subscriptions after a kill",
        db.backend(),
        a.incidents.len(),
        a.imports.len(),
        a.attachments.len(),
        a.pens.len(),
        a.acknowledged_pens.len(),
        a.subscriptions.len(),
        a.unsure_imports.len(),
        delivered_count(&received)
    );
    assert_eq!(kills, rounds);
    assert!(
        !a.incidents.is_empty() && !a.pens.is_empty() && !a.subscriptions.is_empty(),
        "the writers wrote"
    );
}

fn delivered_count(received: &Received) -> usize {
    received
        .lock()
        .map(|r| r.iter().filter(|(_, b)| b.contains("brorphine")).count())
        .unwrap_or(0)
}

fn rounds(short: usize) -> usize {
    std::env::var("INTERDICT_KILL9_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(short)
}

#[test]
fn acknowledged_writes_survive_kill_9_on_sqlite() {
    harness(Db::sqlite(), rounds(10));
}

#[test]
fn acknowledged_writes_survive_kill_9_on_postgresql() {
    if let Some(db) = postgres("kill9") {
        harness(db, rounds(3));
    }
}
