//! Bulk import of malformed files through `POST /api/v1/incidents:import` and `interdict
//! incidents import`, on SQLite and on PostgreSQL: one result or error record per line, in
//! order, naming the line and the field; the good lines imported; importing the same file
//! again (through either shell) changes nothing.

mod common;

use serde_json::{json, Value};

use common::{add_org, add_user, admin_init, cli, postgres, request, start, Db, Server};

/// A CSV of the columns of `interdict alerts --incidents` plus create-body fields: line 1 is
/// the header; lines 2 and 8 are good.
const CSV: &str = "id,date,country,substance,type,quantity,parties,tlp
C-1,2025-03-01,MX,cocaine,seizure,12.5,,amber
C-2,2025-02-30,MX,cocaine,seizure,1,,
C-3,2025-03-02,MX,cocaine,smuggling,1,,
C-4,2025-03-03,MX,cocaine,seizure,1,\"[{\"\"role\"\":\"\"person\"\"\",
C-1,2025-03-04,MX,heroin,seizure,2,,
C-5,2025-03-05,MX,heroin,seizure,abc,,
C-6,2025-03-06,MX,fentanyl,seizure,0.5,\"[{\"\"role\"\":\"\"exporter\"\",\"\"name\"\":\"\"Acme Chem\"\"}]\",red
C-7,2025-03-07,MX,fentanyl,seizure,1,,purple
";

/// For each line of [`CSV`] after the header: `Ok(reference)` or `Err(field)`.
fn csv_expected() -> Vec<(u64, Result<&'static str, &'static str>)> {
    vec![
        (2, Ok("C-1")),
        (3, Err("date")),
        (4, Err("type")),
        (5, Err("parties")),
        (6, Err("id")),
        (7, Err("quantity")),
        (8, Ok("C-6")),
        (9, Err("tlp")),
    ]
}

/// JSON Lines of the create body; line 5 is blank (skipped, but counted).
const JSONL: &str = r#"{"reference":"J-1","type":"seizure","date":"2025-03-01"}
{"reference":"J-2","type":"seizure","date":"2025-13-01"}
{"reference":"J-3","type":"party","date":"2025-03-01"}
{"reference":"J-4","type":"seizure",

[1,2]
{"reference":"J-1","type":"seizure","date":"2025-03-02"}
{"reference":"J-5","type":"seizure","date":"2025-03-05","colour":"red"}
{"reference":"J-6","type":"seizure","date":"2025-03-06","substances":[{"cas":"50-00-1"}]}
{"reference":"J-7","type":"overdose","date":"2025-03-07","tlp":"green","distribution":"coalition"}
"#;

fn jsonl_expected() -> Vec<(u64, Result<&'static str, &'static str>)> {
    vec![
        (1, Ok("J-1")),
        (2, Err("date")),
        (3, Err("type")),
        (4, Err("body")),
        (6, Err("body")),
        (7, Err("id")),
        (8, Err("colour")),
        (9, Err("substances[0].cas")),
        (10, Ok("J-7")),
    ]
}

/// The results of one import checked line by line; returns the ids of the good lines.
fn check_results(
    backend: &str,
    what: &str,
    results: &[Value],
    expected: &[(u64, Result<&str, &str>)],
    status: &str,
) -> Vec<String> {
    assert_eq!(
        results.len(),
        expected.len(),
        "[{backend}] {what}: one record per line: {results:#?}"
    );
    let mut ids = Vec::new();
    for (r, (line, outcome)) in results.iter().zip(expected) {
        assert_eq!(r["line"], json!(line), "[{backend}] {what}: in order: {r}");
        match outcome {
            Ok(reference) => {
                assert_eq!(r["status"], json!(status), "[{backend}] {what}: {r}");
                assert_eq!(r["incident"]["reference"], json!(reference), "{r}");
                let id = r["id"].as_str().expect("an id");
                assert!(id.starts_with("INC-MX-2025-"), "{id}");
                assert_eq!(r["incident"]["id"], json!(id));
                assert!(r.get("error").is_none(), "{r}");
                ids.push(id.to_string());
            }
            Err(field) => {
                assert_eq!(
                    r["error"]["code"],
                    json!("invalid_record"),
                    "[{backend}] {what}: line {line}: {r}"
                );
                let message = r["error"]["message"].as_str().unwrap_or_default();
                assert!(
                    message.contains(&format!("line {line}, field {field}:")),
                    "[{backend}] {what}: line {line} should name field `{field}`: {message}"
                );
                assert!(r.get("id").is_none() && r.get("incident").is_none(), "{r}");
            }
        }
    }
    ids
}

fn ndjson(body: &str) -> Vec<Value> {
    body.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// How many incidents the officer's organisation sees, and how many changes the audit log
/// holds about them (reads are logged too, by these very searches, so they are not counted).
fn counts(s: &Server, token: &str) -> (usize, usize) {
    let incidents = request(s, "GET", "/api/v1/incidents?limit=1000", Some(token), None).json()
        ["items"]
        .as_array()
        .map(Vec::len)
        .unwrap_or(0);
    let changes = request(s, "GET", "/api/v1/audit?limit=1000", Some(token), None).json()["items"]
        .as_array()
        .map(|entries| {
            entries
                .iter()
                // The incidents' changes (the bootstrap of the organisation is logged too).
                .filter(|e| {
                    e["action"] != json!("read")
                        && e["resource"]
                            .as_str()
                            .is_some_and(|r| r.starts_with("incidents/"))
                })
                .count()
        })
        .unwrap_or(0);
    (incidents, changes)
}

fn import_api(s: &Server, token: &str, content_type: &str, body: &str) -> common::Answer {
    request(
        s,
        "POST",
        "/api/v1/incidents:import",
        Some(token),
        Some((content_type, body.as_bytes())),
    )
}

fn import_cli(db: &Db, path: &std::path::Path) -> (i32, Vec<Value>) {
    let out = cli(
        db,
        &[
            "--json",
            "incidents",
            "import",
            path.to_str().expect("path"),
            "--user",
            "officer@aduanas.test",
        ],
    );
    (out.status.code().unwrap_or(-1), common::json_lines(&out))
}

fn imports(db: Db) {
    let backend = db.backend();
    admin_init(&db);
    let org_id = add_org(&db, "Aduanas", "MX", "customs");
    let officer = &add_user(&db, &org_id, "officer@aduanas.test", "officer");
    let viewer = &add_user(&db, &org_id, "viewer@aduanas.test", "viewer");
    let dir = tempfile::tempdir().expect("temp dir");
    let csv_path = dir.path().join("seizures.csv");
    let jsonl_path = dir.path().join("incidents.jsonl");
    std::fs::write(&csv_path, CSV).expect("write");
    std::fs::write(&jsonl_path, JSONL).expect("write");

    let s = start(&db);
    // Who may import: officers; a viewer is refused, no credential is unauthenticated.
    let refused = import_api(&s, viewer, "text/csv", CSV);
    assert_eq!(
        (refused.status, refused.error_code().as_str()),
        (403, "forbidden"),
        "{}",
        refused.body
    );
    let anonymous = request(
        &s,
        "POST",
        "/api/v1/incidents:import",
        None,
        Some(("text/csv", CSV.as_bytes())),
    );
    assert_eq!(anonymous.status, 401);
    assert_eq!(
        counts(&s, officer),
        (0, 0),
        "[{backend}] a refused import stores nothing"
    );

    // CSV through the API, then again through the API and through the CLI.
    let first = import_api(&s, officer, "text/csv", CSV);
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.header("content-type"), Some("application/x-ndjson"));
    let csv_ids = check_results(
        backend,
        "CSV",
        &ndjson(&first.body),
        &csv_expected(),
        "created",
    );
    let after_csv = counts(&s, officer);
    assert_eq!(after_csv.0, 2, "[{backend}] the good lines are stored");
    let again = import_api(&s, officer, "text/csv", CSV);
    let again_ids = check_results(
        backend,
        "CSV again",
        &ndjson(&again.body),
        &csv_expected(),
        "unchanged",
    );
    assert_eq!(again_ids, csv_ids);
    let (code, results) = import_cli(&db, &csv_path);
    assert_eq!(code, 1, "some lines failed");
    let cli_ids = check_results(
        backend,
        "CSV by the CLI",
        &results,
        &csv_expected(),
        "unchanged",
    );
    assert_eq!(cli_ids, csv_ids);
    assert_eq!(
        counts(&s, officer),
        after_csv,
        "[{backend}] re-importing changes nothing, not even the audit log"
    );
    // The good lines are what was reported.
    let c1 = request(
        &s,
        "GET",
        &format!("/api/v1/incidents/{}", csv_ids[0]),
        Some(officer),
        None,
    )
    .json();
    assert_eq!(c1["tlp"], json!("amber"));
    assert_eq!(
        c1["substances"][0]["quantity"],
        json!({"value": 12.5, "unit": "kg"})
    );
    let c6 = request(
        &s,
        "GET",
        &format!("/api/v1/incidents/{}", csv_ids[1]),
        Some(officer),
        None,
    )
    .json();
    assert_eq!(c6["tlp"], json!("red"));
    assert_eq!(c6["parties"][0]["name"], json!("Acme Chem"));

    // JSON Lines through the CLI first, then through the API.
    let (code, results) = import_cli(&db, &jsonl_path);
    assert_eq!(code, 1);
    let jsonl_ids = check_results(
        backend,
        "JSON Lines by the CLI",
        &results,
        &jsonl_expected(),
        "created",
    );
    let after_jsonl = counts(&s, officer);
    assert_eq!(after_jsonl.0, 4);
    let api = import_api(&s, officer, "application/x-ndjson", JSONL);
    assert_eq!(api.status, 200, "{}", api.body);
    let api_ids = check_results(
        backend,
        "JSON Lines again",
        &ndjson(&api.body),
        &jsonl_expected(),
        "unchanged",
    );
    assert_eq!(api_ids, jsonl_ids);
    assert_eq!(counts(&s, officer), after_jsonl);

    // A spreadsheet's export: byte-order mark, CRLF line ends, a quoted field over two lines;
    // a line with a field too many, one too few; a column that is no field.
    let crlf = "\u{feff}id,date,type,description,colour\r\n\
        S-1,2025-04-01,seizure,\"two\r\nlines\",\r\n\
        S-2,2025-04-02,seizure,x,,extra\r\n\
        S-3,2025-04-03\r\n\
        S-4,2025-04-04,seizure,y,red\r\n\
        S-5,2025-04-05,seizure,z,\r\n";
    let a = import_api(&s, officer, "text/csv", crlf);
    assert_eq!(a.status, 200, "{}", a.body);
    let spreadsheet: Vec<(u64, Result<&str, &str>)> = vec![
        (2, Ok("S-1")),
        (4, Err("line")),
        (5, Err("line")),
        (6, Err("colour")),
        (7, Ok("S-5")),
    ];
    let ids = check_results(
        backend,
        "CRLF CSV",
        &ndjson(&a.body),
        &spreadsheet,
        "created",
    );
    let s1 = request(
        &s,
        "GET",
        &format!("/api/v1/incidents/{}", ids[0]),
        Some(officer),
        None,
    )
    .json();
    assert_eq!(s1["description"], json!("two\r\nlines"));
    assert_eq!(
        s1["reference"],
        json!("S-1"),
        "the BOM is not part of the first column's name"
    );
    let after_crlf = counts(&s, officer);
    assert_eq!(after_crlf.0, after_jsonl.0 + 2);
    // Only bad lines: every one answered, nothing stored.
    let bad = "{\"type\":\"seizure\"}\nnot json\n{\"type\":\"seizure\",\"date\":\"yesterday\"}\n";
    let a = import_api(&s, officer, "application/x-ndjson", bad);
    let expected: Vec<(u64, Result<&str, &str>)> =
        vec![(1, Err("date")), (2, Err("body")), (3, Err("date"))];
    check_results(
        backend,
        "only bad lines",
        &ndjson(&a.body),
        &expected,
        "created",
    );
    assert_eq!(counts(&s, officer), after_crlf);
    // Not UTF-8: the request is refused, naming the body.
    let a = request(
        &s,
        "POST",
        "/api/v1/incidents:import",
        Some(officer),
        Some(("text/csv", b"id,date,description\nL-1,2025-01-01,caf\xe9\n")),
    );
    assert_eq!(a.status, 400, "{}", a.body);
    assert_eq!(a.error_code(), "bad_request");
    assert_eq!(counts(&s, officer), after_crlf);
    let after_jsonl = after_crlf;
    // The create endpoint reads bodies as the import does: an array is no incident, and a
    // missing field is named.
    for (body, field) in [
        (json!(["seizure", "2025-01-01"]), "body"),
        (json!({"type": "seizure"}), "date"),
        (
            json!({"date": "2025-01-01", "type": "seizure", "equipment": [{"count": 1}]}),
            "equipment[0].kind",
        ),
    ] {
        let a = request(
            &s,
            "POST",
            "/api/v1/incidents",
            Some(officer),
            Some(("application/json", body.to_string().as_bytes())),
        );
        assert_eq!(
            (a.status, a.json()["error"]["details"]["field"].clone()),
            (400, json!(field)),
            "[{backend}] {body}: {}",
            a.body
        );
    }
    assert_eq!(counts(&s, officer), after_jsonl);

    // Empty files and a header alone: nothing to import, nothing imported, no error.
    for (name, content_type, body) in [
        ("empty.csv", "text/csv", ""),
        (
            "header.csv",
            "text/csv",
            "id,date,country,substance,type,quantity\n",
        ),
        ("empty.jsonl", "application/x-ndjson", ""),
        ("blank.jsonl", "application/x-ndjson", "\n\n"),
    ] {
        let a = import_api(&s, officer, content_type, body);
        assert_eq!(a.status, 200, "[{backend}] {name}: {}", a.body);
        assert_eq!(a.body, "", "[{backend}] {name}");
        let path = dir.path().join(name);
        std::fs::write(&path, body).expect("write");
        let (code, results) = import_cli(&db, &path);
        assert_eq!(
            (code, results.len()),
            (0, 0),
            "[{backend}] {name}: {results:?}"
        );
    }
    assert_eq!(counts(&s, officer), after_jsonl);
}

#[test]
fn malformed_imports_on_sqlite() {
    imports(Db::sqlite());
}

#[test]
fn malformed_imports_on_postgresql() {
    if let Some(db) = postgres("import") {
        imports(db);
    }
}
