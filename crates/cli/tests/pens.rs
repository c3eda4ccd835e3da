//! Pre-export notifications and shipment labels end to end, through the binary and a live
//! server, on SQLite and PostgreSQL: filing, every action and the transitions the contract
//! forbids (`conflict`), fixed visibility, deadlines under both silence policies with
//! `--clock-offset`, labels verified online and offline (`keys export`, `label verify`), and
//! declarations screened against the live notifications.

mod common;

use serde_json::{json, Value};

use common::{add_org, add_user, admin_init, cli, postgres, request, start, start_with, Db};

struct Coalition {
    secretariat: String,
    cn: String,
    cn_admin: String,
    mx: String,
    mx_viewer: String,
    us: String,
    nl: String,
    mx_customs: String,
}

fn coalition(db: &Db) -> Coalition {
    let init = admin_init(db);
    let cn_org = add_org(
        db,
        "China NMPA precursors office",
        "CN",
        "competent_authority",
    );
    let mx_org = add_org(db, "COFEPRIS", "MX", "competent_authority");
    let us_org = add_org(db, "DEA Diversion", "US", "competent_authority");
    let nl_org = add_org(db, "Farmatec", "NL", "competent_authority");
    let mx_customs_org = add_org(db, "Aduanas", "MX", "customs");
    Coalition {
        secretariat: init["token"].as_str().expect("token").to_string(),
        cn: add_user(db, &cn_org, "officer@cn.test", "officer"),
        cn_admin: add_user(db, &cn_org, "admin@cn.test", "admin"),
        mx: add_user(db, &mx_org, "officer@mx.test", "officer"),
        mx_viewer: add_user(db, &mx_org, "viewer@mx.test", "viewer"),
        us: add_user(db, &us_org, "officer@us.test", "officer"),
        nl: add_user(db, &nl_org, "officer@nl.test", "officer"),
        mx_customs: add_user(db, &mx_customs_org, "officer@aduanas.test", "officer"),
    }
}

fn filing(importing: &str, entry: &str, quantity: f64) -> Value {
    json!({
        "importing_country": importing,
        "transit_countries": ["US"],
        "exporter": {"name": "Hubei Fine Chemical Co", "address": "Wuhan", "country": "CN"},
        "importer": {"name": "Quimica Industrial SA", "address": "CDMX", "country": importing},
        "consignee": {"name": "Quimica Industrial SA", "address": "CDMX", "country": importing},
        "substance": {"cas": "39742-60-4"},
        "quantity": {"value": quantity, "unit": "kg"},
        "hs_code": "2933.39",
        "point_of_exit": "CNSHA",
        "point_of_entry": entry,
        "mode_of_transport": "sea",
        "carrier": "COSCO Shipping",
        "dispatch_date": "2030-01-10",
        "arrival_date": "2030-02-20",
        "invoice_number": "INV-77",
        "export_authorisation": "EA-2026-5"
    })
}

fn call(
    s: &common::Server,
    method: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> common::Answer {
    let text = body.map(|b| b.to_string());
    request(
        s,
        method,
        path,
        Some(token),
        text.as_deref().map(|t| ("application/json", t.as_bytes())),
    )
}

fn act(s: &common::Server, id: &str, action: &str, token: &str, body: Value) -> common::Answer {
    call(
        s,
        "POST",
        &format!("/api/v1/pens/{id}/{action}"),
        token,
        Some(body),
    )
}

fn file_one(s: &common::Server, c: &Coalition, importing: &str, entry: &str, kg: f64) -> String {
    let a = call(
        s,
        "POST",
        "/api/v1/pens",
        &c.cn,
        Some(filing(importing, entry, kg)),
    );
    assert_eq!(a.status, 201, "{}", a.body);
    a.json()["id"].as_str().expect("id").to_string()
}

fn clear(s: &common::Server, c: &Coalition, id: &str) {
    assert_eq!(act(s, id, "acknowledge", &c.mx, json!({})).status, 200);
    let r = act(s, id, "reply", &c.mx, json!({"decision": "no_objection"}));
    assert_eq!(r.status, 200, "{}", r.body);
}

fn lifecycle(db: Db) {
    let backend = db.backend();
    let c = coalition(&db);
    let s = start(&db);

    // A draft screened before filing: what filing would record, and nothing stored; the same
    // callers and checks as filing.
    let draft = call(
        &s,
        "POST",
        "/api/v1/pens:screen",
        &c.cn,
        Some(filing("MX", "MXZLO", 500.0)),
    );
    assert_eq!(draft.status, 200, "[{backend}] {}", draft.body);
    let draft = draft.json();
    assert_eq!(draft["substance"]["substance_id"], "npp", "{draft}");
    assert!(draft["screening"]["risk"]["level"].is_string(), "{draft}");
    let none = call(&s, "GET", "/api/v1/pens", &c.cn, None).json();
    assert_eq!(
        none["items"],
        json!([]),
        "[{backend}] a draft is not stored"
    );
    for (who, token) in [("a viewer", &c.mx_viewer), ("customs", &c.mx_customs)] {
        let a = call(
            &s,
            "POST",
            "/api/v1/pens:screen",
            token,
            Some(filing("CN", "CNSHA", 5.0)),
        );
        assert_eq!(
            a.status, 403,
            "{who} may not file, nor screen a draft: {}",
            a.body
        );
    }
    let mut unknown = filing("MX", "MXZLO", 5.0);
    unknown["substance"] = json!({"name": "zzqx blorptane"});
    let a = call(&s, "POST", "/api/v1/pens:screen", &c.cn, Some(unknown));
    assert_eq!(a.status, 400, "{}", a.body);
    assert_eq!(a.json()["error"]["details"]["field"], "substance.name");

    // Filing: assigned id, status, deadline, resolution, screening.
    let filed = call(
        &s,
        "POST",
        "/api/v1/pens",
        &c.cn,
        Some(filing("MX", "MXZLO", 500.0)),
    );
    assert_eq!(filed.status, 201, "[{backend}] {}", filed.body);
    let pen = filed.json();
    let id = pen["id"].as_str().unwrap().to_string();
    let year = &pen["sent_on"].as_str().unwrap()[..4];
    assert!(
        id.starts_with(&format!("PEN-CN-{year}-")) && id.len() == 18,
        "{id}"
    );
    assert_eq!(pen["status"], "sent");
    assert!(pen["sent_at"].is_string() && pen["reply_deadline"].is_string());
    assert_eq!(
        pen["substance"]["substance_id"], "npp",
        "{}",
        pen["substance"]
    );
    assert!(
        pen["screening"]["risk"]["level"].is_string(),
        "{}",
        pen["screening"]
    );
    assert!(
        pen["screening"]["flags"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["code"] != "NO_PEN"),
        "a notification does not lack itself"
    );
    assert_eq!(
        pen["screening"], draft["screening"],
        "[{backend}] filing screens as the draft was screened"
    );

    // Bad filings name the field; an uncontrolled substance is accepted with a warning.
    let mut unknown = filing("MX", "MXZLO", 5.0);
    unknown["substance"] = json!({"name": "zzqx blorptane"});
    let a = call(&s, "POST", "/api/v1/pens", &c.cn, Some(unknown));
    assert_eq!(
        (a.status, a.error_code()),
        (400, "bad_request".into()),
        "{}",
        a.body
    );
    assert_eq!(a.json()["error"]["details"]["field"], "substance.name");
    let mut water = filing("MX", "MXZLO", 5.0);
    water["substance"] = json!({"cas": "7732-18-5"});
    let a = call(&s, "POST", "/api/v1/pens", &c.cn, Some(water));
    assert_eq!(a.status, 201, "{}", a.body);
    assert!(!a.json()["warnings"].as_array().unwrap().is_empty());
    let mut bad_entry = filing("MX", "NLRTM", 5.0);
    bad_entry["quantity"] = json!({"value": 5, "unit": "kg"});
    let a = call(&s, "POST", "/api/v1/pens", &c.cn, Some(bad_entry));
    assert_eq!(a.json()["error"]["details"]["field"], "point_of_entry");
    let a = call(
        &s,
        "POST",
        "/api/v1/pens",
        &c.mx_customs,
        Some(filing("MX", "MXZLO", 1.0)),
    );
    assert_eq!(a.status, 403, "customs do not file notifications");

    // Fixed visibility: the named countries' competent authorities and the secretariat.
    let path = format!("/api/v1/pens/{id}");
    for (who, token, status) in [
        ("importer", &c.mx, 200),
        ("transit", &c.us, 200),
        ("secretariat", &c.secretariat, 200),
        ("another country", &c.nl, 404),
        ("the importer's customs", &c.mx_customs, 404),
    ] {
        assert_eq!(
            call(&s, "GET", &path, token, None).status,
            status,
            "[{backend}] {who}"
        );
    }
    assert_eq!(
        act(&s, &id, "stop", &c.nl, json!({"reason": "x"})).status,
        404
    );

    // Transitions: forbidden ones are conflicts; the wrong side is forbidden.
    let conflict = |a: common::Answer, what: &str| {
        assert_eq!(
            (a.status, a.error_code()),
            (409, "conflict".into()),
            "[{backend}] {what}: {}",
            a.body
        )
    };
    conflict(
        act(&s, &id, "reply", &c.mx, json!({"decision": "no_objection"})),
        "reply before acknowledge",
    );
    conflict(
        act(
            &s,
            &id,
            "shipment",
            &c.cn,
            json!({"actual_quantity": {"value": 1, "unit": "kg"}, "shipped_on": "2026-01-01"}),
        ),
        "ship before clearance",
    );
    conflict(
        act(&s, &id, "answer", &c.cn, json!({"answer": "x"})),
        "answer without a query",
    );
    assert_eq!(
        act(&s, &id, "acknowledge", &c.cn, json!({})).status,
        403,
        "the exporter cannot acknowledge"
    );
    assert_eq!(
        act(&s, &id, "acknowledge", &c.mx_viewer, json!({})).status,
        403,
        "a viewer cannot act"
    );
    assert_eq!(
        act(&s, &id, "acknowledge", &c.mx, json!({})).json()["status"],
        "acknowledged"
    );
    conflict(
        act(&s, &id, "acknowledge", &c.mx, json!({})),
        "acknowledge twice",
    );
    let a = act(&s, &id, "reply", &c.mx, json!({"decision": "objection"}));
    assert_eq!(
        a.json()["error"]["details"]["field"],
        "reason",
        "{}",
        a.body
    );
    let a = act(
        &s,
        &id,
        "reply",
        &c.mx,
        json!({"decision": "query", "reason": "end user certificate?"}),
    );
    assert_eq!(a.json()["status"], "query", "{}", a.body);
    conflict(
        act(&s, &id, "reply", &c.mx, json!({"decision": "no_objection"})),
        "reply during a query",
    );
    let a = act(
        &s,
        &id,
        "answer",
        &c.cn,
        json!({"answer": "attached, EUC-55"}),
    );
    assert_eq!(a.json()["status"], "acknowledged", "{}", a.body);
    let cleared = act(&s, &id, "reply", &c.mx, json!({"decision": "no_objection"})).json();
    assert_eq!(cleared["status"], "no_objection");
    assert!(
        cleared["label"]["label"]
            .as_str()
            .unwrap()
            .starts_with("ITD1."),
        "{}",
        cleared["label"]
    );

    // The history names every action, who and when.
    let record = call(&s, "GET", &path, &c.secretariat, None).json();
    let actions: Vec<&str> = record["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["file", "acknowledge", "reply", "answer", "reply"]);
    assert_eq!(record["history"][1]["by"]["country"], "MX");

    // The label: text, QR, payload; verified online and offline.
    let label = call(&s, "GET", &format!("{path}/label"), &c.cn, None).json();
    let text = label["label"].as_str().unwrap().to_string();
    assert!(label["qr_svg"].as_str().unwrap().starts_with("<svg"));
    assert_eq!(label["payload"]["pen"], id.as_str());
    assert_eq!(label["payload"]["substance_id"], "npp");
    let png = call(&s, "GET", &format!("{path}/label?format=png"), &c.cn, None);
    assert_eq!(png.header("content-type"), Some("image/png"));
    let v = call(
        &s,
        "POST",
        "/api/v1/labels/verify",
        &c.mx_customs,
        Some(json!({"label": text})),
    )
    .json();
    assert_eq!(v["valid"], true, "{v}");
    let keys_file = tempfile::NamedTempFile::new().unwrap();
    let export = cli(&db, &["keys", "export"]);
    assert!(export.status.success());
    std::fs::write(keys_file.path(), &export.stdout).unwrap();
    let offline = |label: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_interdict"))
            .args([
                "label",
                "verify",
                label,
                "--keys",
                keys_file.path().to_str().unwrap(),
            ])
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), v)
    };
    let (code, v) = offline(&text);
    assert_eq!(code, Some(0), "{v}");
    let mut altered = text.clone().into_bytes();
    let i = 20;
    altered[i] = if altered[i] == b'A' { b'B' } else { b'A' };
    let (code, v) = offline(&String::from_utf8(altered).unwrap());
    assert_eq!(code, Some(1));
    assert_eq!(v["valid"], false);

    // Shipment, then nothing but a stop.
    let a = act(
        &s,
        &id,
        "shipment",
        &c.cn,
        json!({"actual_quantity": {"value": 450, "unit": "kg"}, "shipped_on": record["sent_on"]}),
    );
    assert_eq!(a.json()["status"], "shipped", "{}", a.body);
    conflict(
        act(&s, &id, "withdraw", &c.cn, json!({})),
        "withdraw after shipment",
    );

    // Declarations screened against the live notifications.
    let declarations = format!(
        "id,date,exporter_name,exporter_country,importer_name,importer_country,goods_description,cas_number,quantity,unit,pen_reference\n\
         D1,{day},Hubei Fine Chemical Co,CN,Quimica Industrial SA,MX,N-phenethyl-4-piperidone,39742-60-4,40,kg,{id}\n\
         D2,{day},Hubei Fine Chemical Co,CN,Quimica Industrial SA,MX,N-phenethyl-4-piperidone,39742-60-4,100,kg,{id}\n",
        day = record["sent_on"].as_str().unwrap()
    );
    let screened = request(
        &s,
        "POST",
        "/api/v1/screen",
        Some(&c.mx_customs),
        Some(("text/csv", declarations.as_bytes())),
    );
    assert_eq!(screened.status, 200, "{}", screened.body);
    let lines: Vec<Value> = screened
        .body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let no_pen = |v: &Value| {
        v["flags"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == "NO_PEN")
            .cloned()
    };
    assert!(
        no_pen(&lines[0]).is_none(),
        "40 kg of the 50 left: covered: {}",
        lines[0]
    );
    let flag = no_pen(&lines[1]).expect("100 kg exceeds what is left");
    assert_eq!(flag["evidence"]["reason"], "quantity exceeds PEN", "{flag}");

    // Withdrawn after its label: online says so, offline cannot know.
    let second = file_one(&s, &c, "MX", "MXZLO", 20.0);
    clear(&s, &c, &second);
    let second_label = call(
        &s,
        "GET",
        &format!("/api/v1/pens/{second}/label"),
        &c.cn,
        None,
    )
    .json()["label"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        act(
            &s,
            &second,
            "withdraw",
            &c.cn,
            json!({"reason": "order cancelled"})
        )
        .json()["status"],
        "withdrawn"
    );
    let v = call(
        &s,
        "POST",
        "/api/v1/labels/verify",
        &c.mx_customs,
        Some(json!({"label": second_label})),
    )
    .json();
    assert_eq!(
        (v["valid"].clone(), v["problem"].clone()),
        (json!(false), json!("withdrawn")),
        "{v}"
    );
    assert_eq!(offline(&second_label).0, Some(0));
    let decl = format!(
        "id,date,exporter_name,exporter_country,importer_name,importer_country,goods_description,cas_number,quantity,unit,pen_reference\n\
         D3,{day},Hubei Fine Chemical Co,CN,Quimica Industrial SA,MX,NPP,39742-60-4,10,kg,{second}\n",
        day = record["sent_on"].as_str().unwrap()
    );
    let screened = request(
        &s,
        "POST",
        "/api/v1/screen",
        Some(&c.mx_customs),
        Some(("text/csv", decl.as_bytes())),
    );
    let line: Value = serde_json::from_str(screened.body.lines().next().unwrap()).unwrap();
    assert_eq!(
        no_pen(&line).expect("withdrawn")["evidence"]["reason"],
        "withdrawn"
    );

    // A stop by the transit country; then a revoked key.
    let third = file_one(&s, &c, "MX", "MXZLO", 10.0);
    clear(&s, &c, &third);
    let third_label = call(
        &s,
        "GET",
        &format!("/api/v1/pens/{third}/label"),
        &c.cn,
        None,
    )
    .json()["label"]
        .as_str()
        .unwrap()
        .to_string();
    let a = act(
        &s,
        &third,
        "stop",
        &c.us,
        json!({"reason": "consignee linked to a seizure"}),
    );
    assert_eq!(a.json()["status"], "stopped", "{}", a.body);
    let v = call(
        &s,
        "POST",
        "/api/v1/labels/verify",
        &c.mx,
        Some(json!({"label": third_label})),
    )
    .json();
    assert_eq!(v["problem"], "stopped", "{v}");
    let keys = call(&s, "GET", "/api/v1/keys", &c.mx, None).json();
    let cn_key = keys["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["country"] == "CN")
        .unwrap()["key_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        call(
            &s,
            "POST",
            &format!("/api/v1/keys/{cn_key}/revoke"),
            &c.cn,
            None
        )
        .status,
        403,
        "officers do not revoke"
    );
    let r = call(
        &s,
        "POST",
        &format!("/api/v1/keys/{cn_key}/revoke"),
        &c.cn_admin,
        None,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = call(
        &s,
        "POST",
        "/api/v1/labels/verify",
        &c.mx,
        Some(json!({"label": text})),
    )
    .json();
    assert_eq!(v["problem"], "revoked_key", "{v}");
    let rotated = call(&s, "POST", "/api/v1/keys:rotate", &c.cn_admin, None);
    assert_eq!(rotated.status, 201, "{}", rotated.body);
    let fourth = file_one(&s, &c, "MX", "MXZLO", 10.0);
    clear(&s, &c, &fourth);
    let fourth_label = call(
        &s,
        "GET",
        &format!("/api/v1/pens/{fourth}/label"),
        &c.cn,
        None,
    )
    .json();
    assert_eq!(fourth_label["payload"]["key_id"], rotated.json()["key_id"]);

    // Inboxes and statistics.
    let inbox = call(
        &s,
        "GET",
        "/api/v1/pens?role=incoming&status=no_objection",
        &c.mx,
        None,
    )
    .json();
    let ids: Vec<&str> = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [fourth.as_str()]);
    assert!(
        call(&s, "GET", "/api/v1/pens?role=incoming", &c.cn, None).json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let stats = call(&s, "GET", "/api/v1/pens:statistics", &c.secretariat, None).json();
    let mx = stats["countries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["country"] == "MX")
        .unwrap()
        .clone();
    assert!(
        mx["received"].as_u64().unwrap() >= 5 && mx["queries"] == 1,
        "{mx}"
    );

    // Deadlines: silence is consent on CN-MX, not on CN-GH; shown with --clock-offset.
    let a = call(
        &s,
        "PUT",
        "/api/v1/corridors/CN-MX",
        &c.secretariat,
        Some(json!({"reply_working_days": 5, "silence_means": "no_objection"})),
    );
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(
        call(
            &s,
            "PUT",
            "/api/v1/corridors/CN-MX",
            &c.cn_admin,
            Some(json!({"reply_working_days": 5, "silence_means": "expired"}))
        )
        .status,
        403
    );
    let silent = file_one(&s, &c, "MX", "MXZLO", 5.0);
    let ghana = file_one(&s, &c, "GH", "GHTEM", 5.0);
    drop(s);
    let s = start_with(&db, &["--clock-offset", "30"]);
    // The clock moves them at start-up, before anyone looks.
    let mut moved = false;
    for _ in 0..50 {
        let rows = db.raw_query("SELECT status FROM pens WHERE id = $1", &[&ghana]);
        if rows.first().and_then(|r| r.first()).map(String::as_str) == Some("expired") {
            moved = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(moved, "[{backend}] the deadline clock expired {ghana}");
    let p = call(&s, "GET", &format!("/api/v1/pens/{silent}"), &c.mx, None).json();
    assert_eq!(
        (p["status"].clone(), p["by_silence"].clone()),
        (json!("no_objection"), json!(true)),
        "{p}"
    );
    assert!(p["label"]["label"].is_string());
    conflict(
        act(&s, &ghana, "withdraw", &c.cn, json!({})),
        "withdraw after expiry",
    );
    assert_eq!(
        act(&s, &ghana, "stop", &c.mx, json!({"reason": "x"})).status,
        404,
        "Mexico is not named on it"
    );
    let overdue = call(
        &s,
        "GET",
        "/api/v1/pens?role=outgoing&overdue=true",
        &c.cn,
        None,
    )
    .json();
    let ids: Vec<&str> = overdue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&silent.as_str()) && ids.contains(&ghana.as_str()),
        "{ids:?}"
    );

    // Every change is in the audit log, and it verifies.
    let out = cli(&db, &["audit", "verify"]);
    assert!(
        out.status.success(),
        "[{backend}] {}",
        String::from_utf8_lossy(&out.stdout)
    );
    // A status changed behind the platform's back is named.
    drop(s);
    db.raw_execute(
        "UPDATE pens SET status = 'no_objection' WHERE id = $1",
        &[&ghana],
    );
    let out = cli(&db, &["audit", "verify"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "[{backend}] {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains(&format!("pens/{ghana}")), "{said}");
}

#[test]
fn lifecycle_on_sqlite() {
    lifecycle(Db::sqlite());
}

#[test]
fn lifecycle_on_postgres() {
    if let Some(db) = postgres("pens_lifecycle") {
        lifecycle(db);
    }
}

#[test]
fn pen_csv_imports_into_the_notifications() {
    let db = Db::sqlite();
    admin_init(&db);
    let out = cli(&db, &["pens", "import", "examples/pens.csv"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = cli(&db, &["pens", "import", "examples/pens.csv"]);
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("0 new"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let rows = db.raw_query(
        "SELECT CAST(count(*) AS TEXT) FROM pens WHERE source = 'import'",
        &[],
    );
    let lines = std::fs::read_to_string(common::root().join("examples/pens.csv"))
        .unwrap()
        .lines()
        .count()
        - 1;
    assert_eq!(rows[0][0], lines.to_string());
    // Screening of the example declarations is what it was with the snapshot.
    let screened = cli(&db, &["--json", "screen", "examples/declarations.csv"]);
    let text = String::from_utf8_lossy(&screened.stdout);
    assert!(
        text.contains("PEN-CN-2025-900") || text.contains("NO_PEN"),
        "{text}"
    );
}
