//! Attacks on a live `interdict serve` on the loopback interface (OWASP ASVS level 2 as the
//! checklist; SECURITY.md names which requirement each test shows): session fixation and
//! cookie flags, CSRF, brute force and credential stuffing, token leakage in logs and URLs, SQL
//! injection on every filter, path traversal and type confusion in attachments, oversized and
//! deeply nested JSON, slow clients, and the security headers. Every test is bounded.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::*;
use serde_json::{json, Value};

const PASSWORD: &str = "correct horse battery staple";

/// A coalition of two customs services (MX and US) with one officer each; the MX officer also
/// has a password. Returns the database, the MX officer's token, the US officer's token and
/// the MX organisation's id.
fn coalition() -> (Db, String, String, String) {
    coalition_on(Db::sqlite())
}

/// [`coalition`] on the database given.
fn coalition_on(db: Db) -> (Db, String, String, String) {
    admin_init(&db);
    let mx = add_org(&db, "Aduanas", "MX", "customs");
    let us = add_org(&db, "CBP", "US", "customs");
    let mx_token = add_user(&db, &mx, "officer@aduanas.test", "officer");
    let us_token = add_user(&db, &us, "officer@cbp.test", "officer");
    (db, mx_token, us_token, mx)
}

/// Adds a user with a password through the API (as the organisation's admin would).
fn add_password_user(s: &Server, admin: &str, org: &str, email: &str) {
    let a = post_json(
        s,
        "/api/v1/users",
        admin,
        json!({"organisation": org, "email": email, "role": "officer", "password": PASSWORD}),
    );
    assert_eq!(a.status, 201, "{}", a.body);
}

fn admin_token(db: &Db) -> String {
    cli_json(
        db,
        &[
            "--json",
            "admin",
            "token",
            "create",
            "--user",
            "admin@secretariat.test",
        ],
    )["token"]
        .as_str()
        .expect("a token")
        .to_string()
}

fn login(s: &Server, email: &str, password: &str, cookie: Option<&str>) -> Answer {
    let body = json!({"email": email, "password": password}).to_string();
    let headers: Vec<(&str, &str)> = cookie.map(|c| vec![("cookie", c)]).unwrap_or_default();
    call(
        "POST",
        &format!("{}/api/v1/session", s.base),
        &headers,
        Some(("application/json", body.as_bytes())),
    )
}

/// The `name=value` pair of a Set-Cookie header.
fn cookie_pair(a: &Answer) -> String {
    a.header("set-cookie")
        .expect("a Set-Cookie header")
        .split(';')
        .next()
        .expect("a pair")
        .trim()
        .to_string()
}

fn log_of(s: &Server) -> String {
    s.log.lock().map(|l| l.clone()).unwrap_or_default()
}

#[test]
fn session_fixation_is_impossible_and_cookies_are_flagged() {
    let (db, _, _, mx) = coalition();
    let admin = admin_token(&db);
    // Without --insecure-cookies: the cookie carries Secure.
    let s = start_exact(&db, &[]);
    add_password_user(&s, &admin, &mx, "analyst@aduanas.test");
    let planted = "interdict_session=planted-by-the-attacker-0123456789";
    let a = login(&s, "analyst@aduanas.test", PASSWORD, Some(planted));
    assert_eq!(a.status, 200, "{}", a.body);
    let cookie = a.header("set-cookie").expect("a cookie").to_string();
    for flag in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(flag), "{flag} missing from {cookie}");
    }
    let session = cookie_pair(&a);
    assert_ne!(
        session, planted,
        "the session id chosen before login was kept"
    );
    // The planted id authenticates nothing; the new one does.
    let me = |c: &str| {
        call(
            "GET",
            &format!("{}/api/v1/me", s.base),
            &[("cookie", c)],
            None,
        )
    };
    assert_eq!(me(planted).status, 401);
    assert_eq!(me(&session).status, 200);
    // Each login is a new session; signing out ends it.
    let again = cookie_pair(&login(&s, "analyst@aduanas.test", PASSWORD, Some(&session)));
    assert_ne!(again, session, "a second login reused the session id");
    let out = call(
        "DELETE",
        &format!("{}/api/v1/session", s.base),
        &[("cookie", &again)],
        None,
    );
    assert_eq!(out.status, 204);
    assert!(out
        .header("set-cookie")
        .is_some_and(|c| c.contains("Max-Age=0")));
    assert_eq!(me(&again).status, 401, "a session lives on after logout");
    assert_eq!(me(&session).status, 200, "the other session is its own");
    // The session id is long and random (at least 128 bits as text).
    let value = session.split_once('=').map(|(_, v)| v).unwrap_or("");
    assert!(value.len() >= 22, "short session id {value}");
    drop(s);

    // With --insecure-cookies (plain-HTTP development) only Secure goes.
    let s = start(&db);
    let a = login(&s, "analyst@aduanas.test", PASSWORD, None);
    let cookie = a.header("set-cookie").expect("a cookie").to_string();
    assert!(!cookie.contains("Secure"), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
}

#[test]
fn csrf_a_cookie_change_needs_its_own_token() {
    let (db, _, _, mx) = coalition();
    let admin = admin_token(&db);
    let s = start(&db);
    add_password_user(&s, &admin, &mx, "analyst@aduanas.test");
    add_password_user(&s, &admin, &mx, "other@aduanas.test");
    let a = login(&s, "analyst@aduanas.test", PASSWORD, None);
    let session = cookie_pair(&a);
    let csrf = a.json()["csrf_token"].as_str().expect("csrf").to_string();
    let b = login(&s, "other@aduanas.test", PASSWORD, None);
    let other_csrf = b.json()["csrf_token"].as_str().expect("csrf").to_string();
    let incident =
        json!({"type": "seizure", "date": "2025-03-01", "substances": [{"text": "cocaine"}]})
            .to_string();
    let try_with = |extra: &[(&str, &str)]| {
        let mut headers = vec![("cookie", session.as_str())];
        headers.extend_from_slice(extra);
        call(
            "POST",
            &format!("{}/api/v1/incidents", s.base),
            &headers,
            Some(("application/json", incident.as_bytes())),
        )
    };
    for (what, extra) in [
        ("no token", vec![]),
        ("an empty token", vec![("x-csrf-token", "")]),
        ("a wrong token", vec![("x-csrf-token", "not-the-token")]),
        (
            "another session's token",
            vec![("x-csrf-token", other_csrf.as_str())],
        ),
        (
            "the session id as token",
            vec![(
                "x-csrf-token",
                session.split_once('=').map(|(_, v)| v).unwrap_or(""),
            )],
        ),
    ] {
        let a = try_with(&extra);
        assert_eq!(
            (a.status, a.error_code().as_str()),
            (403, "forbidden"),
            "{what}: {}",
            a.body
        );
    }
    // A form post (the classic cross-site request) is refused too.
    let form = call(
        "POST",
        &format!("{}/api/v1/tokens", s.base),
        &[("cookie", &session)],
        Some(("application/x-www-form-urlencoded", b"label=evil")),
    );
    assert!(
        form.status == 403 || form.status == 415,
        "form post: {} {}",
        form.status,
        form.body
    );
    // Nothing was made; with the right token it is.
    let listed = call(
        "GET",
        &format!("{}/api/v1/incidents", s.base),
        &[("cookie", &session)],
        None,
    );
    assert_eq!(listed.json()["items"].as_array().map(Vec::len), Some(0));
    assert_eq!(try_with(&[("x-csrf-token", &csrf)]).status, 201);
}

#[test]
fn brute_force_on_one_account_locks_it_even_for_the_right_password() {
    let (db, _, _, mx) = coalition();
    let admin = admin_token(&db);
    let s = start(&db);
    add_password_user(&s, &admin, &mx, "target@aduanas.test");
    let mut codes = Vec::new();
    for i in 0..5 {
        codes.push(
            login(
                &s,
                "target@aduanas.test",
                &format!("guess number {i}"),
                None,
            )
            .status,
        );
    }
    assert_eq!(codes, [401, 401, 401, 401, 401], "{codes:?}");
    let right = login(&s, "target@aduanas.test", PASSWORD, None);
    assert_eq!(right.status, 429, "locked out: {}", right.body);
    assert_eq!(right.error_code(), "rate_limited");
    assert!(right.json()["error"]["details"]["retry_after_seconds"]
        .as_i64()
        .is_some_and(|s| s > 0 && s <= 15 * 60));
    assert!(right.header("set-cookie").is_none());
    // Wrong email and wrong password are one answer.
    // The second platform's data directory lives as long as its server.
    let db2 = Db::sqlite();
    let s2 = start(&db2);
    let unknown = login(&s2, "nobody@nowhere.test", "whatever it is", None);
    assert_eq!(
        (unknown.status, unknown.json()["error"]["message"].clone()),
        (401, json!("wrong email or password"))
    );
}

#[test]
fn credential_stuffing_from_one_address_locks_the_address() {
    let (db, _, _, mx) = coalition();
    let admin = admin_token(&db);
    let s = start(&db);
    add_password_user(&s, &admin, &mx, "real@aduanas.test");
    // A leaked list: one try per account, every account different.
    for i in 0..5 {
        let a = login(
            &s,
            &format!("leaked{i}@example.test"),
            "password123456",
            None,
        );
        assert_eq!(a.status, 401, "{}", a.body);
    }
    // The address is locked now, for every account, even a real one with its password.
    let real = login(&s, "real@aduanas.test", PASSWORD, None);
    assert_eq!(real.status, 429, "{}", real.body);
    // API tokens are not passwords: they still work (the lock is on sign-in only).
    assert_eq!(get(&s, "/api/v1/me", &admin).status, 200);
}

#[test]
fn tokens_never_reach_the_log_and_are_not_taken_from_urls() {
    let (db, mx_token, _, mx) = coalition();
    let admin = admin_token(&db);
    let s = start(&db);
    add_password_user(&s, &admin, &mx, "analyst@aduanas.test");
    let a = login(&s, "analyst@aduanas.test", PASSWORD, None);
    let session = cookie_pair(&a);
    let csrf = a.json()["csrf_token"].as_str().expect("csrf").to_string();
    let session_value = session
        .split_once('=')
        .map(|(_, v)| v.to_string())
        .expect("value");
    // A token in the query string authenticates nobody, under any of the usual names.
    for name in ["access_token", "token", "api_key", "bearer", "session"] {
        let url = format!("{}/api/v1/me?{name}={mx_token}", s.base);
        let a = call("GET", &url, &[], None);
        assert!(
            a.status == 401 || a.status == 400,
            "?{name}= accepted: {} {}",
            a.status,
            a.body
        );
        let url = format!("{}/api/v1/incidents?{name}={mx_token}", s.base);
        assert!(matches!(call("GET", &url, &[], None).status, 400 | 401));
    }
    // Nor in a Basic header, nor a malformed Bearer.
    for h in [
        format!("Basic {mx_token}"),
        format!("Bearer{mx_token}"),
        format!("Token {mx_token}"),
    ] {
        let a = call(
            "GET",
            &format!("{}/api/v1/me", s.base),
            &[("authorization", &h)],
            None,
        );
        assert_eq!(a.status, 401, "{h}");
    }
    // Use everything once more, successfully and unsuccessfully, so the debug log has lines.
    assert_eq!(get(&s, "/api/v1/me", &mx_token).status, 200);
    assert_eq!(get(&s, "/api/v1/me", &format!("{mx_token}x")).status, 401);
    let made = post_json(
        &s,
        "/api/v1/tokens",
        &admin,
        json!({"label": "for the log test"}),
    );
    assert_eq!(made.status, 201, "{}", made.body);
    let new_token = made.json()["token"].as_str().expect("token").to_string();
    let no_csrf = call(
        "POST",
        &format!("{}/api/v1/tokens", s.base),
        &[("cookie", &session)],
        Some(("application/json", b"{}")),
    );
    assert_eq!(no_csrf.status, 403);
    let log = log_of(&s);
    assert!(log.contains("answered"), "the log was captured: {log}");
    for (what, secret) in [
        ("an API token", mx_token.as_str()),
        ("the admin token", admin.as_str()),
        ("a new token", new_token.as_str()),
        ("a session id", session_value.as_str()),
        ("a CSRF token", csrf.as_str()),
        ("a password", PASSWORD),
    ] {
        assert!(!log.contains(secret), "{what} appeared in the server's log");
    }
    // Tokens are never answered back after creation.
    let listed = get(&s, "/api/v1/tokens", &admin);
    assert_eq!(listed.status, 200);
    assert!(!listed.body.contains(&new_token) && !listed.body.contains(&admin));
}

/// Classic SQL injection payloads, URL-encoded by [`enc`].
const PAYLOADS: &[&str] = &[
    "' OR '1'='1",
    "' OR 1=1 --",
    "\" OR \"\"=\"",
    "1; DROP TABLE incidents; --",
    "') OR ('a'='a",
    "%' OR '%'='",
    "' UNION SELECT * FROM users --",
    "' UNION SELECT token_hash, NULL FROM tokens --",
    "1' AND SLEEP(5) --",
    "'; SELECT pg_sleep(5); --",
    "\\'; --",
    "x' COLLATE nocase --",
    "MX' OR country <> 'MX",
    "*",
    "%",
    "_",
    "\u{0}",
    "ñ'\u{202e}",
];

fn enc(s: &str) -> String {
    form_urlencoded_byte_serialize(s)
}

/// `application/x-www-form-urlencoded` byte serialisation (no dependency for one function).
fn form_urlencoded_byte_serialize(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                (b as char).to_string()
            }
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// On both backends: on PostgreSQL the searches' candidates come from functions that build
/// their statements (migrations 10 and 12).
#[test]
fn sql_injection_on_every_filter_gives_a_clean_answer_and_no_extra_rows() {
    let mut dbs = vec![Db::sqlite()];
    dbs.extend(common::postgres("attack_sql"));
    for db in dbs {
        sql_injection_on_every_filter(db);
    }
}

fn sql_injection_on_every_filter(db: Db) {
    let (db, mx_token, us_token, _) = coalition_on(db);
    let s = start(&db);
    // MX keeps three records to itself; US has two of its own.
    for i in 0..3 {
        let a = post_json(
            &s,
            "/api/v1/incidents",
            &mx_token,
            json!({"type": "seizure", "date": "2025-03-01", "country": "MX",
                   "substances": [{"text": "cocaine"}], "distribution": "organisation",
                   "tlp": "red", "description": format!("secret-of-mx {i}")}),
        );
        assert_eq!(a.status, 201, "{}", a.body);
    }
    for i in 0..2 {
        let a = post_json(
            &s,
            "/api/v1/incidents",
            &us_token,
            json!({"type": "seizure", "date": "2025-04-01", "country": "US",
                   "substances": [{"text": "fentanyl"}], "distribution": "organisation",
                   "description": format!("own-of-us {i}")}),
        );
        assert_eq!(a.status, 201, "{}", a.body);
    }
    let count = |path: &str| -> Option<usize> {
        let a = get(&s, path, &us_token);
        assert!(a.status < 500, "{path}: {} {}", a.status, a.body);
        assert!(
            !a.body.contains("secret-of-mx"),
            "{path} leaked another member's records: {}",
            a.body
        );
        if a.status != 200 {
            return None;
        }
        a.try_json()
            .and_then(|v| v["items"].as_array().map(Vec::len))
    };
    assert_eq!(count("/api/v1/incidents"), Some(2));
    let filters: &[(&str, &[&str])] = &[
        (
            "/api/v1/incidents",
            &[
                "q",
                "substance",
                "class",
                "country",
                "type",
                "from",
                "to",
                "cursor",
                "limit",
                "sort",
                "order",
            ],
        ),
        (
            "/api/v1/incidents:export",
            &["substance", "country", "recipient"],
        ),
        (
            "/api/v1/pens",
            &["status", "role", "overdue", "cursor", "limit", "sort"],
        ),
        ("/api/v1/audit", &["resource", "cursor", "limit"]),
        ("/api/v1/alerts", &["since"]),
        (
            "/api/v1/flows",
            &["substance", "class", "from", "to", "source"],
        ),
        ("/api/v1/flows/changes", &["window"]),
        ("/api/v1/substances", &["q", "list"]),
        ("/api/v1/subscriptions", &["cursor"]),
        ("/api/v1/audit/proof/inclusion", &["seq", "tree_size"]),
        ("/api/v1/audit/proof/consistency", &["from", "to"]),
    ];
    let mut tried = 0;
    for (path, params) in filters {
        for param in *params {
            for payload in PAYLOADS {
                let url = format!("{path}?{param}={}", enc(payload));
                if let Some(n) = count(&url) {
                    if *path == "/api/v1/incidents" {
                        assert!(n <= 2, "{url}: {n} rows, more than the caller may read");
                    }
                }
                tried += 1;
            }
        }
    }
    // Path segments too.
    for payload in PAYLOADS {
        for path in [
            "/api/v1/incidents/",
            "/api/v1/pens/",
            "/api/v1/substances/",
            "/api/v1/countries/",
        ] {
            let a = get(&s, &format!("{path}{}", enc(payload)), &us_token);
            assert!(a.status < 500, "{path}{payload}: {} {}", a.status, a.body);
            assert!(!a.body.contains("secret-of-mx"));
        }
    }
    assert!(tried > 300, "{tried} requests");
    // A NUL in a body's text: refused saying where, on PostgreSQL too (it refuses such text).
    let a = post_json(
        &s,
        "/api/v1/incidents",
        &us_token,
        json!({"type": "seizure", "date": "2025-04-01", "substances": [{"text": "fentanyl"}],
               "description": "own-of-us \u{0} nul"}),
    );
    assert_eq!(a.status, 400, "{}", a.body);
    assert!(a.body.contains("NUL"), "{}", a.body);
    // The tables are all still there and the audit log verifies.
    assert_eq!(count("/api/v1/incidents"), Some(2));
    assert_eq!(
        get(&s, "/api/v1/incidents", &mx_token).json()["items"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
    let verify = cli(&db, &["audit", "verify"]);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
}

/// A small ELF executable's header (x86-64), padded.
fn elf() -> Vec<u8> {
    let mut b = b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00".to_vec();
    b.resize(256, 0);
    b
}

/// A Windows PE executable's start (`MZ`, DOS stub, `PE\0\0`).
fn pe() -> Vec<u8> {
    let mut b = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
    b.resize(0x80, 0);
    b.extend_from_slice(b"PE\x00\x00\x64\x86");
    b.resize(512, 0);
    b
}

#[test]
fn attachments_refuse_traversal_and_executables_and_serve_polyglots_inert() {
    let (db, mx_token, us_token, _) = coalition();
    let s = start(&db);
    let made = post_json(
        &s,
        "/api/v1/incidents",
        &mx_token,
        json!({"type": "seizure", "date": "2025-03-01", "substances": [{"text": "cocaine"}]}),
    );
    assert_eq!(made.status, 201, "{}", made.body);
    let id = made.json()["id"].as_str().expect("id").to_string();
    let attach = |query: &str, content_type: &str, bytes: &[u8]| {
        post(
            &s,
            &format!("/api/v1/incidents/{id}/attachments{query}"),
            &mx_token,
            content_type,
            bytes,
        )
    };
    let pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".to_vec();
    // Path traversal in the filename, raw and encoded.
    for name in [
        "../../etc/passwd",
        "..\\..\\windows\\win.ini",
        "/etc/passwd",
        "report/../../x.pdf",
        "a\u{0}.pdf",
        "line\r\nContent-Type: text/html",
    ] {
        let a = attach(&format!("?filename={}", enc(name)), "application/pdf", &pdf);
        assert_eq!(a.status, 400, "{name:?}: {}", a.body);
    }
    let long = "a".repeat(300);
    assert_eq!(
        attach(&format!("?filename={long}"), "application/pdf", &pdf).status,
        400
    );
    // Executables, whatever they are declared as.
    for (what, bytes) in [("ELF", elf()), ("PE", pe())] {
        for declared in ["application/pdf", "application/octet-stream", "image/png"] {
            let a = attach("?filename=report.pdf", declared, &bytes);
            assert_eq!(a.status, 422, "{what} as {declared}: {}", a.body);
        }
    }
    // A declared type the content contradicts.
    let html = b"<html><script>alert(document.cookie)</script></html>";
    let a = attach("", "text/html", html);
    assert_eq!(a.status, 422, "{}", a.body);
    // Polyglots are stored as what they start as, and served inert: that type, nosniff, as a
    // download.
    let mut pdf_elf = pdf.clone();
    pdf_elf.extend_from_slice(&elf());
    let gif_js = b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=1;alert(document.domain)//;".to_vec();
    for (bytes, expected) in [
        (pdf_elf, "application/pdf"),
        (gif_js, "image/gif"),
        (html.to_vec(), "text/plain"),
    ] {
        let a = attach("?filename=evidence", "application/octet-stream", &bytes);
        assert_eq!(a.status, 201, "{expected}: {}", a.body);
        let att = a.json();
        let att_id = att["id"].as_str().expect("attachment id");
        let got = get(
            &s,
            &format!("/api/v1/incidents/{id}/attachments/{att_id}"),
            &mx_token,
        );
        assert_eq!(got.status, 200);
        assert_eq!(got.bytes, bytes, "the content comes back unchanged");
        assert_eq!(
            got.header("content-type")
                .map(|t| t.split(';').next().unwrap_or("").trim()),
            Some(expected)
        );
        assert_eq!(got.header("x-content-type-options"), Some("nosniff"));
        assert!(got
            .header("content-disposition")
            .is_some_and(|d| d.starts_with("attachment")));
        assert!(got
            .header("content-security-policy")
            .is_some_and(|c| c.contains("default-src")));
        // Another member cannot fetch it by id, nor traverse to it.
        let other = get(
            &s,
            &format!("/api/v1/incidents/{id}/attachments/{att_id}"),
            &us_token,
        );
        assert_eq!(other.status, 404, "{}", other.body);
    }
    for path in [
        format!("/api/v1/incidents/{id}/attachments/..%2F..%2Fetc%2Fpasswd"),
        format!("/api/v1/incidents/{id}/attachments/%2e%2e"),
        format!("/api/v1/incidents/..%2F{id}/attachments"),
    ] {
        let a = get(&s, &path, &mx_token);
        assert!(
            a.status == 404 || a.status == 400,
            "{path}: {} {}",
            a.status,
            a.body
        );
    }
}

/// A request declaring a body of `length` bytes, of which only the first kilobyte is sent: the
/// answer must come without the rest (read on a raw connection, so a server that closes early
/// is no client error). Status and the whole answer as text.
fn declare_huge(s: &Server, path: &str, token: &str, length: usize) -> (u16, String) {
    let addr = s.base.trim_start_matches("http://");
    let mut c = TcpStream::connect(addr).expect("connect");
    c.set_read_timeout(Some(Duration::from_secs(120)))
        .expect("timeout");
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    );
    c.write_all(head.as_bytes()).expect("write");
    let _ = c.write_all(&[b' '; 1024]);
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = c.read(&mut buf) {
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&answer);
        if let Some((headers, body)) = text.split_once("\r\n\r\n") {
            let len = headers
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .and_then(|v| v.trim().parse::<usize>().ok())
                })
                .unwrap_or(0);
            if body.len() >= len {
                break;
            }
        }
    }
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, text)
}

#[test]
fn oversized_and_deeply_nested_bodies_are_refused_and_the_server_lives() {
    let (db, mx_token, _, _) = coalition();
    let s = start(&db);
    for path in [
        "/api/v1/incidents",
        "/api/v1/identify",
        "/api/v1/pens",
        "/api/v1/subscriptions",
        "/api/v1/incidents:import",
    ] {
        let (status, text) = declare_huge(&s, path, &mx_token, 40 << 20);
        assert_eq!(status, 413, "{path}: {text}");
        assert!(text.contains("payload_too_large"), "{text}");
    }
    for depth in [200, 10_000, 1_000_000] {
        for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
            let body = format!("{}1{}", open.repeat(depth), close.repeat(depth));
            for path in ["/api/v1/incidents", "/api/v1/pens", "/api/v1/screen"] {
                let a = post(&s, path, &mx_token, "application/json", body.as_bytes());
                // Screening is a batch: a bad line is an error record in its place.
                let batch_error = path == "/api/v1/screen"
                    && a.status == 200
                    && a.body.lines().all(|l| l.contains("\"error\""));
                assert!(
                    batch_error || a.status == 400 || a.status == 413,
                    "{path} depth {depth}: {} {}",
                    a.status,
                    a.body
                );
            }
        }
    }
    // Many small fields, one long string, broken UTF-8, the wrong type everywhere.
    let wide = format!(
        "{{{}\"type\":\"seizure\"}}",
        (0..50_000)
            .map(|i| format!("\"k{i}\":1,"))
            .collect::<String>()
    );
    for body in [
        wide.into_bytes(),
        format!("{{\"type\":\"{}\"}}", "x".repeat(5 << 20)).into_bytes(),
        b"{\"type\":\"\xff\xfe\"}".to_vec(),
        br#"{"type":["seizure"],"date":{"$gt":""},"substances":"cocaine"}"#.to_vec(),
        br#"{"type":"seizure","date":"2025-03-01","substances":[{"text":"cocaine"}],"__proto__":{"admin":true}}"#.to_vec(),
    ] {
        let a = post(&s, "/api/v1/incidents", &mx_token, "application/json", &body);
        assert!(
            a.status == 400 || a.status == 413,
            "{} {}",
            a.status,
            &a.body[..a.body.len().min(300)]
        );
    }
    assert_eq!(
        call("GET", &format!("{}/healthz", s.base), &[], None).status,
        200
    );
    assert_eq!(get(&s, "/api/v1/me", &mx_token).status, 200);
}

#[test]
fn slow_clients_do_not_stop_others_and_are_cut_off() {
    let (db, mx_token, _, _) = coalition();
    let s = start(&db);
    let addr = s.base.trim_start_matches("http://").to_string();
    // Many connections that start a request and then trickle its headers.
    let mut slow = Vec::new();
    for _ in 0..200 {
        let mut c = TcpStream::connect(&addr).expect("connect");
        c.write_all(b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .expect("write");
        slow.push(c);
    }
    for round in 0..3 {
        for c in &mut slow {
            let _ = c.write_all(b"a");
        }
        // A normal request is answered meanwhile, each round.
        let a = get(&s, "/api/v1/me", &mx_token);
        assert_eq!(a.status, 200, "round {round}: {}", a.body);
        std::thread::sleep(Duration::from_millis(300));
    }
    // A connection that keeps trickling is closed by the server (header read timeout), long
    // before the two minutes this test gives it.
    let mut c = TcpStream::connect(&addr).expect("connect");
    c.set_read_timeout(Some(Duration::from_millis(500)))
        .expect("timeout");
    c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .expect("write");
    let mut closed = false;
    for _ in 0..240 {
        if c.write_all(b"X").is_err() {
            closed = true;
            break;
        }
        let mut buf = [0u8; 256];
        match c.read(&mut buf) {
            Ok(0) => {
                closed = true;
                break;
            }
            // An answer (408) before closing is fine too.
            Ok(_) => {
                closed = true;
                break;
            }
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => {
                closed = true;
                break;
            }
        }
    }
    assert!(closed, "a slow client kept its connection for two minutes");
    drop(slow);
    assert_eq!(get(&s, "/api/v1/me", &mx_token).status, 200);
}

fn assert_security_headers(a: &Answer, what: &str) {
    let csp = a.header("content-security-policy").unwrap_or_default();
    for directive in [
        "default-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ] {
        assert!(
            csp.contains(directive),
            "{what}: CSP {csp:?} lacks {directive}"
        );
    }
    assert!(!csp.contains("unsafe-eval"), "{what}: {csp}");
    assert_eq!(
        a.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(a.header("x-frame-options"), Some("DENY"), "{what}");
    assert_eq!(a.header("referrer-policy"), Some("no-referrer"), "{what}");
    assert_eq!(a.header("cache-control"), Some("no-store"), "{what}");
    assert!(a.header("x-request-id").is_some(), "{what}");
    // Nothing says which software and version answers.
    assert!(a.header("server").is_none(), "{what}: server header");
    assert!(a.header("x-powered-by").is_none(), "{what}");
}

#[test]
fn every_answer_carries_the_security_headers() {
    let (db, mx_token, _, _) = coalition();
    let s = start(&db);
    let base = &s.base;
    let answers: Vec<(&str, Answer)> = vec![
        (
            "healthz",
            call("GET", &format!("{base}/healthz"), &[], None),
        ),
        (
            "openapi",
            call("GET", &format!("{base}/api/openapi.json"), &[], None),
        ),
        ("401", call("GET", &format!("{base}/api/v1/me"), &[], None)),
        ("200", get(&s, "/api/v1/me", &mx_token)),
        ("404", get(&s, "/api/v1/nowhere", &mx_token)),
        (
            "405",
            request(&s, "PUT", "/api/v1/me", Some(&mx_token), None),
        ),
        (
            "400",
            post(&s, "/api/v1/incidents", &mx_token, "application/json", b"{"),
        ),
    ];
    for (what, a) in &answers {
        assert_security_headers(a, what);
    }
    let (status, text) = declare_huge(&s, "/api/v1/identify", &mx_token, 40 << 20);
    assert_eq!(status, 413);
    let lower = text.to_ascii_lowercase();
    for h in [
        "x-content-type-options: nosniff",
        "content-security-policy: default-src 'self'",
    ] {
        assert!(lower.contains(h), "413 lacks {h}: {text}");
    }
    let _: Value = answers[1].1.json();
}
