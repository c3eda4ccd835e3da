//! End to end through the built binary and a live server, on SQLite and on PostgreSQL: a
//! coalition bootstrapped with the admin commands, every engine endpoint called with good and
//! bad input, answers compared with the CLI's, each role's reach, tokens and sessions.

mod common;

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};

use common::{
    bearer, call, cli, cli_json, get, json_lines, post, post_json, postgres, root, start, Db,
};

fn exercise(db: Db) {
    // Bootstrap with the admin commands.
    let init = cli_json(
        &db,
        &[
            "--json",
            "admin",
            "init",
            "--email",
            "admin@secretariat.test",
        ],
    );
    let admin_token = init["token"].as_str().expect("token").to_string();
    let again = cli(&db, &["admin", "init", "--email", "other@secretariat.test"]);
    assert_eq!(again.status.code(), Some(2), "a second init is refused");
    let customs = cli_json(
        &db,
        &[
            "--json",
            "admin",
            "org",
            "add",
            "--name",
            "MX Customs",
            "--country",
            "MX",
            "--kind",
            "customs",
        ],
    );
    let customs_id = customs["id"].as_str().expect("org id").to_string();
    let bad_kind = cli(
        &db,
        &[
            "admin",
            "org",
            "add",
            "--name",
            "X",
            "--country",
            "MX",
            "--kind",
            "navy",
        ],
    );
    assert_eq!(bad_kind.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad_kind.stderr).contains("competent_authority"),
        "the error lists the kinds"
    );
    let mut tokens = std::collections::BTreeMap::new();
    for role in ["viewer", "analyst", "officer", "admin"] {
        let email = format!("{role}@customs.mx.test");
        cli_json(
            &db,
            &[
                "--json",
                "admin",
                "user",
                "add",
                "--org",
                &customs_id,
                "--email",
                &email,
                "--role",
                role,
            ],
        );
        let t = cli_json(
            &db,
            &["--json", "admin", "token", "create", "--user", &email],
        );
        tokens.insert(role, t["token"].as_str().expect("token").to_string());
    }

    let mut s = start(&db);
    // Operations.
    let health = call("GET", &format!("{}/healthz", s.base), &[], None);
    assert_eq!(health.status, 200);
    assert!(health.header("x-request-id").is_some_and(|v| !v.is_empty()));
    let ready = call("GET", &format!("{}/readyz", s.base), &[], None);
    assert_eq!(
        (ready.status, ready.json()["status"].clone()),
        (200, json!("ready"))
    );
    let doc = call("GET", &format!("{}/api/openapi.json", s.base), &[], None).json();
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "OpenAPI 3.1"
    );
    assert!(doc["paths"]["/api/v1/screen"].is_object());

    // Identity: each role, no credential, a wrong one, a revoked one.
    for (role, token) in &tokens {
        let me = get(&s, "/api/v1/me", token);
        assert_eq!(me.status, 200, "{role}");
        assert_eq!(me.json()["role"], json!(role));
        assert_eq!(me.json()["organisation"]["country"], json!("MX"));
    }
    let anon = call("GET", &format!("{}/api/v1/me", s.base), &[], None);
    assert_eq!(
        (anon.status, anon.error_code().as_str()),
        (401, "unauthenticated")
    );
    assert_eq!(get(&s, "/api/v1/me", "itd_not-a-token").status, 401);
    let made = post_json(
        &s,
        "/api/v1/tokens",
        &tokens["viewer"],
        json!({"label": "second"}),
    );
    assert_eq!(made.status, 201, "{}", made.body);
    let second = made.json()["token"].as_str().expect("token").to_string();
    assert_eq!(get(&s, "/api/v1/me", &second).status, 200);
    let id = made.json()["id"].as_str().expect("id").to_string();
    let auth = bearer(&tokens["viewer"]);
    let revoked = call(
        "DELETE",
        &format!("{}/api/v1/tokens/{id}", s.base),
        &[("authorization", &auth)],
        None,
    );
    assert_eq!(revoked.status, 204);
    assert_eq!(
        get(&s, "/api/v1/me", &second).status,
        401,
        "a revoked token is refused"
    );
    // Organisations: a coalition admin adds them, nobody else.
    let org = json!({"name": "NL Customs", "country": "NL", "kind": "customs"});
    assert_eq!(
        post_json(&s, "/api/v1/organisations", &tokens["admin"], org.clone()).error_code(),
        "forbidden"
    );
    let added = post_json(&s, "/api/v1/organisations", &admin_token, org);
    assert_eq!(added.status, 201, "{}", added.body);
    let bad_country = post_json(
        &s,
        "/api/v1/organisations",
        &admin_token,
        json!({"name": "X", "country": "XX", "kind": "customs"}),
    );
    assert_eq!(
        (
            bad_country.status,
            bad_country.json()["error"]["details"]["field"].clone()
        ),
        (400, json!("country"))
    );
    // Users: an org admin adds to their own organisation only.
    let user = json!({"organisation": customs_id, "email": "new@customs.mx.test", "role": "officer", "password": "a long enough password"});
    assert_eq!(
        post_json(&s, "/api/v1/users", &tokens["officer"], user.clone()).error_code(),
        "forbidden"
    );
    assert_eq!(
        post_json(&s, "/api/v1/users", &tokens["admin"], user.clone()).status,
        201
    );
    assert_eq!(
        post_json(&s, "/api/v1/users", &tokens["admin"], user).error_code(),
        "conflict"
    );

    // Sessions: a password login sets an HttpOnly cookie; changes need the CSRF token.
    let login = call(
        "POST",
        &format!("{}/api/v1/session", s.base),
        &[],
        Some((
            "application/json",
            br#"{"email":"new@customs.mx.test","password":"a long enough password"}"#,
        )),
    );
    assert_eq!(login.status, 200, "{}", login.body);
    let cookie = login.header("set-cookie").expect("cookie").to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let session = cookie.split(';').next().expect("pair").to_string();
    let csrf = login.json()["csrf_token"]
        .as_str()
        .expect("csrf")
        .to_string();
    let me = call(
        "GET",
        &format!("{}/api/v1/me", s.base),
        &[("cookie", &session)],
        None,
    );
    assert_eq!(me.status, 200);
    let body = br#"{"label":"from the browser"}"#;
    let no_csrf = call(
        "POST",
        &format!("{}/api/v1/tokens", s.base),
        &[("cookie", &session)],
        Some(("application/json", body)),
    );
    assert_eq!(no_csrf.error_code(), "forbidden");
    let with_csrf = call(
        "POST",
        &format!("{}/api/v1/tokens", s.base),
        &[("cookie", &session), ("x-csrf-token", &csrf)],
        Some(("application/json", body)),
    );
    assert_eq!(with_csrf.status, 201, "{}", with_csrf.body);

    // The engines answer as the CLI does.
    let text = "4-piperidinone, 1-(2-phenylethyl)- 99%";
    let api = post_json(
        &s,
        "/api/v1/identify",
        &tokens["viewer"],
        json!({"text": text}),
    )
    .json();
    let local = cli_json(&db, &["--json", "identify", text]);
    assert_eq!(api, local, "identify");
    let lines = "{\"text\":\"Piperonal CAS 39742-60-4\"}\n{\"text\": 5}\n{\"text\":\"acetone\"}\n";
    let batch = post(
        &s,
        "/api/v1/identify",
        &tokens["viewer"],
        "application/x-ndjson",
        lines.as_bytes(),
    );
    let got: Vec<Value> = batch
        .body
        .lines()
        .map(|l| serde_json::from_str(l).expect("line"))
        .collect();
    assert_eq!(got.len(), 3);
    assert_eq!(got[1]["line"], json!(2));
    assert_eq!(got[1]["error"]["code"], json!("invalid_record"));
    let smiles = "CCC(=O)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1";
    let api = post_json(
        &s,
        "/api/v1/classify",
        &tokens["viewer"],
        json!({"smiles": smiles}),
    )
    .json();
    let local = cli_json(&db, &["--json", "classify", smiles]);
    assert_eq!(api, local, "classify");
    let bad = post_json(
        &s,
        "/api/v1/classify",
        &tokens["viewer"],
        json!({"smiles": "C1CC(("}),
    );
    assert_eq!(bad.error_code(), "unprocessable");

    // Detection: the same points as `interdict detect --json`.
    let series_path = "crates/ews/tests/fixtures/series/shadar.csv";
    let text = std::fs::read_to_string(root().join(series_path)).expect("series");
    let weeks: Vec<Value> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(1))
        .map(|o| json!({"observed": o.trim().parse::<f64>().expect("count")}))
        .collect();
    let api = post_json(
        &s,
        "/api/v1/detect",
        &tokens["viewer"],
        json!({"method": "ears-c2", "series": weeks}),
    );
    assert_eq!(api.status, 200, "{}", api.body);
    let local = json_lines(&cli(
        &db,
        &[
            "--json",
            "detect",
            "--method",
            "ears-c2",
            "--input",
            series_path,
        ],
    ));
    assert_eq!(api.json()["points"], Value::Array(local), "detect");
    let bad = post_json(
        &s,
        "/api/v1/detect",
        &tokens["viewer"],
        json!({"method": "ears-c9", "series": [{"observed": 1}]}),
    );
    assert_eq!(bad.json()["error"]["details"]["field"], json!("method"));
    let neg = post_json(
        &s,
        "/api/v1/detect",
        &tokens["viewer"],
        json!({"method": "cusum", "series": [{"observed": -1}], "range": [1, 1]}),
    );
    assert_eq!(
        neg.json()["error"]["details"]["field"],
        json!("series[0].observed")
    );

    // Lists: only a coalition admin imports; then matching and screening use them.
    let watchlist = std::fs::read(root().join("examples/watchlist.csv")).expect("example list");
    assert_eq!(
        post(
            &s,
            "/api/v1/lists/import?format=csv&name=coalition",
            &tokens["admin"],
            "text/csv",
            &watchlist
        )
        .error_code(),
        "forbidden"
    );
    let imported = post(
        &s,
        "/api/v1/lists/import?format=csv&name=coalition",
        &admin_token,
        "text/csv",
        &watchlist,
    );
    assert_eq!(imported.status, 201, "{}", imported.body);
    assert_eq!(
        get(&s, "/api/v1/lists", &tokens["viewer"]).json()["items"][0]["name"],
        json!("coalition")
    );
    // The same shrink rule as the CLI: a header-only file (an error page, a cut download)
    // would empty the list: 409 naming both counts, the list untouched, unless allowed.
    let header = watchlist
        .split(|&b| b == b'\n')
        .next()
        .map(|h| [h, b"\n"].concat())
        .unwrap();
    let shrink = post(
        &s,
        "/api/v1/lists/import?format=csv&name=coalition",
        &admin_token,
        "text/csv",
        &header,
    );
    assert_eq!(shrink.status, 409, "{}", shrink.body);
    assert!(shrink.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("yields 0 records"));
    let records =
        |s: &_| get(s, "/api/v1/lists", &tokens["viewer"]).json()["items"][0]["records"].clone();
    assert_ne!(records(&s), json!(0));
    let allowed = post(
        &s,
        "/api/v1/lists/import?format=csv&name=scratch&allow_shrink=true",
        &admin_token,
        "text/csv",
        &header,
    );
    assert_eq!(allowed.status, 201, "{}", allowed.body);
    let name = "Hubei Amarvel Biotech Co Ltd";
    let api = post_json(
        &s,
        "/api/v1/parties/match",
        &tokens["viewer"],
        json!({"name": name, "country": "CN"}),
    )
    .json();
    let local = cli_json(&db, &["--json", "match-party", name, "--country", "CN"]);
    assert_eq!(api, local, "match-party");
    assert_eq!(
        post_json(
            &s,
            "/api/v1/parties/match",
            &tokens["viewer"],
            json!({"name": name, "country": "XX"})
        )
        .json()["error"]["details"]["field"],
        json!("country")
    );

    let declarations = std::fs::read(root().join("examples/declarations.csv")).expect("examples");
    let screened = post(
        &s,
        "/api/v1/screen",
        &tokens["viewer"],
        "text/csv",
        &declarations,
    );
    assert_eq!(screened.status, 200);
    assert_eq!(
        screened.header("content-type"),
        Some("application/x-ndjson")
    );
    let api: Vec<Value> = screened
        .body
        .lines()
        .map(|l| serde_json::from_str(l).expect("line"))
        .collect();
    let local = json_lines(&cli(
        &db,
        &["--json", "screen", "examples/declarations.csv"],
    ));
    assert_eq!(api.len(), 220);
    assert_eq!(api, local, "screen");
    assert!(api.iter().any(|r| r["flags"]
        .as_array()
        .is_some_and(|f| f.iter().any(|f| f["code"] == "WATCHLIST_PARTY"))));

    // Registry.
    let found = get(
        &s,
        "/api/v1/substances?q=fentanyl&limit=2",
        &tokens["viewer"],
    )
    .json();
    assert_eq!(found["items"].as_array().map(Vec::len), Some(2));
    let next = found["next_cursor"].as_str().expect("a second page");
    assert_eq!(
        get(
            &s,
            &format!("/api/v1/substances?q=fentanyl&limit=2&cursor={next}"),
            &tokens["viewer"]
        )
        .status,
        200
    );
    assert_eq!(
        get(&s, "/api/v1/substances/npp", &tokens["viewer"]).json()["id"],
        json!("npp")
    );
    assert_eq!(
        get(&s, "/api/v1/substances/39742-60-4", &tokens["viewer"]).json()["id"],
        json!("npp")
    );
    assert_eq!(
        get(&s, "/api/v1/substances/nothing-here", &tokens["viewer"]).error_code(),
        "not_found"
    );
    assert_eq!(
        get(&s, "/api/v1/substances?limit=5000", &tokens["viewer"]).json()["error"]["details"]
            ["field"],
        json!("limit")
    );

    // Bad input: the contract's error naming the field, never a 500.
    let v = &tokens["viewer"];
    let cases: Vec<(&str, &[u8], &str)> = vec![
        ("application/json", b"{\"text\": ", "body"),
        ("application/json", b"", "body"),
        ("application/json", b"{\"text\": 5}", "text"),
        (
            "application/json",
            b"{\"text\": \"x\", \"extra\": 1}",
            "extra",
        ),
        ("application/json", b"[1,2]", "body"),
        ("text/xml", b"<a/>", "content-type"),
    ];
    for (ct, body, field) in cases {
        let a = post(&s, "/api/v1/identify", v, ct, body);
        assert_eq!(
            a.status,
            400,
            "{}: {}",
            String::from_utf8_lossy(body),
            a.body
        );
        assert_eq!(a.json()["error"]["code"], json!("bad_request"));
        assert_eq!(
            a.json()["error"]["details"]["field"],
            json!(field),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(
        post(
            &s,
            "/api/v1/identify",
            v,
            "application/json",
            deep.as_bytes()
        )
        .status,
        400
    );
    assert_eq!(
        call("GET", &format!("{}/api/v1/nowhere", s.base), &[], None).error_code(),
        "not_found"
    );

    // Brute force: wrong passwords are slowed and then locked (rate_limited).
    let mut codes = Vec::new();
    for _ in 0..6 {
        let a = call(
            "POST",
            &format!("{}/api/v1/session", s.base),
            &[],
            Some((
                "application/json",
                br#"{"email":"nobody@x.test","password":"wrong password!"}"#,
            )),
        );
        codes.push(a.status);
    }
    assert_eq!(codes[0], 401);
    assert_eq!(*codes.last().expect("six"), 429, "{codes:?}");

    // Metrics, and no secret in any log line.
    let metrics = call("GET", &format!("{}/metrics", s.base), &[], None).body;
    assert!(
        metrics.contains("interdict_http_requests_total{route=\"/api/v1/screen\",status=\"200\"}"),
        "{metrics}"
    );
    drop(s.child.stdin.take());
    let log = s.log.lock().map(|l| l.clone()).unwrap_or_default();
    assert!(log.contains("request_id"), "log lines carry the request id");
    for secret in tokens.values().chain([&admin_token, &second, &csrf]) {
        assert!(
            !log.contains(secret.as_str()),
            "a token appeared in the server's log"
        );
    }
    assert!(!log.contains("a long enough password"));

    // SIGTERM: the server finishes what it is doing and exits cleanly.
    let pid = s.child.id().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let status = s.child.wait().expect("the server exits");
    assert!(
        status.success(),
        "the server exits 0 on SIGTERM: {status:?}"
    );
    let _ = Path::new(&root());
}

#[test]
fn the_platform_on_sqlite() {
    exercise(Db::sqlite());
}

#[test]
fn the_platform_on_postgresql() {
    if let Some(db) = postgres("serve") {
        exercise(db);
    }
}
