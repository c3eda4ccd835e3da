//! The permission matrix of issue 14: every incident and attachment endpoint × every caller
//! (each role of the owning organisation, another organisation of the owner's country, a
//! `share_with` country, a third country, the secretariat, no credential, a wrong one) ×
//! distribution × TLP × personal data → the expected answer (content, redacted content,
//! `not_found`, `forbidden`, `unauthenticated`), on SQLite and on PostgreSQL, through a live
//! server.
//!
//! The expectations come from [`READS`] and [`expected_read`] / [`expected_change`] below,
//! written from `shared/spec/platform.md` ("Who may see a record", Identity's roles, the
//! error conventions) and deliberately **not** from `interdict_domain::sharing`: if the policy
//! module and this table disagree, one of them misreads the contract.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use common::{add_org, add_user, admin_init, postgres, request, start, Answer, Db, Server};

/// The organisations of the test coalition. The owner of every record is MX customs; records
/// of distribution `countries` are shared with the US.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Org {
    MxCustoms,
    MxPolice,
    UsPolice,
    DeCustoms,
    Secretariat,
}

const ORGS: [Org; 5] = [
    Org::MxCustoms,
    Org::MxPolice,
    Org::UsPolice,
    Org::DeCustoms,
    Org::Secretariat,
];

impl Org {
    fn country(self) -> Option<&'static str> {
        match self {
            Org::MxCustoms | Org::MxPolice => Some("MX"),
            Org::UsPolice => Some("US"),
            Org::DeCustoms => Some("DE"),
            Org::Secretariat => None,
        }
    }
}

const DISTRIBUTIONS: [&str; 4] = ["organisation", "country", "countries", "coalition"];
const TLPS: [&str; 3] = ["clear", "amber", "red"];

/// Who reads a record of each distribution, as the contract words it ("organisation: the
/// owning organisation alone; country: every organisation of the owner's country; countries:
/// the owner's country and the countries in share_with; coalition: every member. The
/// secretariat sees countries and coalition records."). Columns in the order of [`ORGS`]:
/// MX customs (owner), MX police, US police (`share_with`), DE customs (third country),
/// secretariat.
const READS: [(&str, [bool; 5]); 4] = [
    ("organisation", [true, false, false, false, false]),
    ("country", [true, true, false, false, false]),
    ("countries", [true, true, true, false, true]),
    ("coalition", [true, true, true, true, true]),
];

fn reads(distribution: &str, org: Org) -> bool {
    let column = ORGS.iter().position(|o| *o == org).expect("an org");
    READS
        .iter()
        .find(|(d, _)| *d == distribution)
        .map(|(_, row)| row[column])
        .unwrap_or_else(|| panic!("no row for {distribution}"))
}

/// What a record carries of personal data: none; a natural person whose personal data is
/// shown only to the owning organisation; as widely as the record itself; or with no
/// `personal_data_distribution` given ("`country` by default", never wider than the record).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Personal {
    None,
    Organisation,
    AsRecord,
    Default,
}

const PERSONAL: [Personal; 4] = [
    Personal::None,
    Personal::Organisation,
    Personal::AsRecord,
    Personal::Default,
];

impl Personal {
    fn word(self) -> &'static str {
        match self {
            Personal::None => "none",
            Personal::Organisation => "own",
            Personal::AsRecord => "same",
            Personal::Default => "default",
        }
    }
}

/// The person of the records that carry personal data, and what of them must never show to
/// a caller who may not see it.
const PERSON_NAME: &str = "Juana Quetzalli Marrero";
const PERSON_ID: &str = "PX9876543";
const PERSON_DOB: &str = "1980-05-17";
const COMPANY: &str = "Acme Export Logistica SA";

/// One incident of the matrix.
#[derive(Clone, Debug)]
struct Case {
    id: String,
    distribution: &'static str,
    tlp: &'static str,
    personal: Personal,
}

impl Case {
    fn marker(distribution: &str, tlp: &str, personal: Personal) -> String {
        format!("matrixcase d{distribution} t{tlp} p{}", personal.word())
    }

    fn personal_distribution(&self) -> &'static str {
        match self.personal {
            Personal::None | Personal::AsRecord => self.distribution,
            Personal::Organisation => "organisation",
            // `country`, or the record's distribution when that is narrower.
            Personal::Default if self.distribution == "organisation" => "organisation",
            Personal::Default => "country",
        }
    }
}

/// A caller of the matrix.
#[derive(Clone, Debug)]
struct Caller {
    name: String,
    /// `None`: no user (no credential, or a wrong one).
    org: Option<Org>,
    role: &'static str,
    /// `None`: no `authorization` header at all.
    token: Option<String>,
}

/// What an endpoint answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// The record with its personal data.
    Full,
    /// The record without its personal data, which `redacted` names.
    Redacted,
    /// 2xx, for endpoints that are not a record's content (visibility, attachments).
    Ok,
    NotFound,
    Forbidden,
    Unauthenticated,
}

/// Reading a record or something of it (its visibility, its attachments).
fn expected_read(case: &Case, caller: &Caller, content: bool) -> Expect {
    let Some(org) = caller.org else {
        return Expect::Unauthenticated;
    };
    if !reads(case.distribution, org) {
        return Expect::NotFound;
    }
    if !content {
        return Expect::Ok;
    }
    if case.personal == Personal::None || reads(case.personal_distribution(), org) {
        Expect::Full
    } else {
        Expect::Redacted
    }
}

/// Changing a record or attaching to it: an officer or admin of the owning organisation
/// ("officer: creating and changing the organisation's records"; PATCH is the owner's). A
/// caller who may read it but not change it is `forbidden`; one who may not read it, `not_found`.
fn expected_change(case: &Case, caller: &Caller) -> Expect {
    let Some(org) = caller.org else {
        return Expect::Unauthenticated;
    };
    if !reads(case.distribution, org) {
        Expect::NotFound
    } else if org == Org::MxCustoms && matches!(caller.role, "officer" | "admin") {
        Expect::Ok
    } else {
        Expect::Forbidden
    }
}

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

/// The answer checked against what was expected; `Err` says what differs.
fn check(expect: Expect, a: &Answer, case: &Case) -> Result<(), String> {
    let status_of = |want: u16, code: &str| {
        if a.status == want && a.error_code() == code {
            Ok(())
        } else {
            Err(format!(
                "expected {want} {code}, got {}: {}",
                a.status,
                clip(&a.body)
            ))
        }
    };
    match expect {
        Expect::Unauthenticated => status_of(401, "unauthenticated"),
        Expect::NotFound => status_of(404, "not_found"),
        Expect::Forbidden => status_of(403, "forbidden"),
        Expect::Ok => {
            if (200..300).contains(&a.status) {
                Ok(())
            } else {
                Err(format!(
                    "expected success, got {}: {}",
                    a.status,
                    clip(&a.body)
                ))
            }
        }
        Expect::Full | Expect::Redacted => {
            if a.status != 200 {
                return Err(format!(
                    "expected the record, got {}: {}",
                    a.status,
                    clip(&a.body)
                ));
            }
            let Some(record) = a.try_json() else {
                return Err(format!("not JSON: {}", clip(&a.body)));
            };
            check_record(expect, &record, case)
        }
    }
}

/// A record as answered: the right one, with or without its personal data as expected.
fn check_record(expect: Expect, record: &Value, case: &Case) -> Result<(), String> {
    if record["id"] != json!(case.id) {
        return Err(format!("answered {} for {}", record["id"], case.id));
    }
    if record["distribution"] != json!(case.distribution) || record["tlp"] != json!(case.tlp) {
        return Err(format!(
            "sharing answered as {} / {}",
            record["distribution"], record["tlp"]
        ));
    }
    if case.personal != Personal::None
        && record["personal_data_distribution"] != json!(case.personal_distribution())
    {
        return Err(format!(
            "personal data distribution answered as {}",
            record["personal_data_distribution"]
        ));
    }
    let text = record.to_string();
    if !text.contains(COMPANY) {
        return Err("the company party (not personal data) is missing".into());
    }
    let redacted: Vec<String> = match record.get("redacted") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .collect(),
        Some(other) => return Err(format!("`redacted` is {other}")),
    };
    let person = &record["parties"][1];
    match (expect, case.personal) {
        (Expect::Full, Personal::None) => {
            if !redacted.is_empty() {
                return Err(format!("nothing to redact, yet `redacted` is {redacted:?}"));
            }
        }
        (Expect::Full, _) => {
            if !redacted.is_empty() {
                return Err(format!("full content expected, `redacted` is {redacted:?}"));
            }
            if person["role"] != json!("person")
                || person["name"] != json!(PERSON_NAME)
                || person["identifiers"] != json!([PERSON_ID])
                || person["date_of_birth"] != json!(PERSON_DOB)
            {
                return Err(format!("the person's data is not all there: {person}"));
            }
        }
        (Expect::Redacted, _) => {
            for secret in [PERSON_NAME, "Quetzalli", PERSON_ID, PERSON_DOB] {
                if text.contains(secret) {
                    return Err(format!("personal data `{secret}` shown: {}", clip(&text)));
                }
            }
            for field in ["name", "identifiers", "date_of_birth", "screening"] {
                if person.get(field).is_some() {
                    return Err(format!("parties[1].{field} is present"));
                }
            }
            for field in ["name", "identifiers", "date_of_birth"] {
                let path = format!("parties[1].{field}");
                if !redacted.contains(&path) {
                    return Err(format!("`redacted` {redacted:?} does not name {path}"));
                }
            }
            if let Some(other) = redacted.iter().find(|p| !p.starts_with("parties[1].")) {
                return Err(format!(
                    "`redacted` names {other}, which is not personal data"
                ));
            }
            if person["role"] != json!("person") || person["country"] != json!("MX") {
                return Err(format!("the rest of the person's party is gone: {person}"));
            }
        }
        _ => unreachable!("a record is full or redacted"),
    }
    Ok(())
}

fn clip(s: &str) -> String {
    s.chars().take(300).collect()
}

/// The coalition of the test, made with the admin commands: the organisations' ids and one
/// caller per role and organisation of the matrix.
struct Coalition {
    org_ids: BTreeMap<Org, String>,
    callers: Vec<Caller>,
    officer: String,
}

fn seed(db: &Db) -> Coalition {
    let init = admin_init(db);
    let mut org_ids = BTreeMap::new();
    org_ids.insert(
        Org::Secretariat,
        init["organisation"].as_str().expect("id").to_string(),
    );
    for (org, name, country, kind) in [
        (Org::MxCustoms, "Aduanas MX", "MX", "customs"),
        (Org::MxPolice, "Policia MX", "MX", "police"),
        (Org::UsPolice, "US Police", "US", "police"),
        (Org::DeCustoms, "Zoll DE", "DE", "customs"),
    ] {
        org_ids.insert(org, add_org(db, name, country, kind));
    }
    let mut callers = vec![Caller {
        name: "secretariat admin".into(),
        org: Some(Org::Secretariat),
        role: "admin",
        token: Some(init["token"].as_str().expect("token").to_string()),
    }];
    let users: &[(Org, &str)] = &[
        (Org::MxCustoms, "viewer"),
        (Org::MxCustoms, "analyst"),
        (Org::MxCustoms, "officer"),
        (Org::MxCustoms, "admin"),
        (Org::MxPolice, "officer"),
        (Org::UsPolice, "officer"),
        (Org::DeCustoms, "admin"),
        (Org::Secretariat, "viewer"),
    ];
    for (org, role) in users {
        let email = format!("{role}@{}.test", format!("{org:?}").to_lowercase());
        let token = add_user(db, &org_ids[org], &email, role);
        callers.push(Caller {
            name: format!("{org:?} {role}"),
            org: Some(*org),
            role,
            token: Some(token),
        });
    }
    callers.push(Caller {
        name: "no credential".into(),
        org: None,
        role: "",
        token: None,
    });
    callers.push(Caller {
        name: "wrong token".into(),
        org: None,
        role: "",
        token: Some("itd_0123456789abcdef0123456789abcdef".into()),
    });
    let officer = callers
        .iter()
        .find(|c| c.org == Some(Org::MxCustoms) && c.role == "officer")
        .and_then(|c| c.token.clone())
        .expect("the owner's officer");
    Coalition {
        org_ids,
        callers,
        officer,
    }
}

/// Creates one incident per distribution × TLP × personal data, as the owner's officer.
fn create_cases(s: &Server, officer: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    for distribution in DISTRIBUTIONS {
        for tlp in TLPS {
            for personal in PERSONAL {
                let mut parties =
                    vec![json!({"role": "exporter", "name": COMPANY, "country": "CO"})];
                let mut body = json!({
                    "type": "seizure",
                    "date": "2025-03-01",
                    "substances": [{"text": "cocaine", "quantity": {"value": 12.5, "unit": "kg"}}],
                    "description": Case::marker(distribution, tlp, personal),
                    "distribution": distribution,
                    // share_with is the countries distribution's; on the others it must widen nothing.
                    "share_with": ["US"],
                    "tlp": tlp,
                });
                if personal != Personal::None {
                    parties.push(json!({
                        "role": "person",
                        "name": PERSON_NAME,
                        "country": "MX",
                        "identifiers": [PERSON_ID],
                        "date_of_birth": PERSON_DOB,
                    }));
                    match personal {
                        Personal::Organisation => {
                            body["personal_data_distribution"] = json!("organisation")
                        }
                        Personal::AsRecord => {
                            body["personal_data_distribution"] = json!(distribution)
                        }
                        _ => {}
                    }
                }
                body["parties"] = Value::Array(parties);
                let made = request(
                    s,
                    "POST",
                    "/api/v1/incidents",
                    Some(officer),
                    Some(("application/json", body.to_string().as_bytes())),
                );
                assert_eq!(made.status, 201, "{body}: {}", made.body);
                let id = made.json()["id"].as_str().expect("an id").to_string();
                let case = Case {
                    id,
                    distribution,
                    tlp,
                    personal,
                };
                // The owner sees what it made, in full.
                check_record(Expect::Full, &made.json(), &case)
                    .unwrap_or_else(|e| panic!("create: {e}"));
                cases.push(case);
            }
        }
    }
    cases
}

/// Runs `cell` for every caller in parallel (one thread each) and collects the failures.
fn each_caller(callers: &[Caller], cell: impl Fn(&Caller) -> Vec<String> + Sync) -> Vec<String> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = callers
            .iter()
            .map(|caller| {
                let cell = &cell;
                scope.spawn(move || cell(caller))
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|_| vec!["a caller's thread panicked".into()])
            })
            .collect()
    })
}

fn fail(backend: &str, endpoint: &str, case: &Case, caller: &Caller, e: String) -> String {
    format!(
        "[{backend}] {endpoint} {} ({} / {} / personal {:?}) as {}: {e}",
        case.id, case.distribution, case.tlp, case.personal, caller.name
    )
}

/// Every page of `GET /api/v1/incidents?{query}` as `caller`, `limit` at a time: the items, or
/// what went wrong with the paging.
fn all_pages(s: &Server, caller: &Caller, query: &str, limit: usize) -> Result<Vec<Value>, String> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..100 {
        let mut path = format!("/api/v1/incidents?{query}&limit={limit}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let a = request(s, "GET", &path, caller.token.as_deref(), None);
        if a.status != 200 {
            return Err(format!("{path}: {} {}", a.status, clip(&a.body)));
        }
        let page = a.json();
        let got = page["items"].as_array().cloned().unwrap_or_default();
        let next = page["next_cursor"].as_str().map(str::to_string);
        if next.is_some() && got.len() != limit {
            return Err(format!(
                "{path}: a page of {} items before the last (limit {limit}): paging loses rows to hidden ones",
                got.len()
            ));
        }
        items.extend(got);
        match next {
            Some(n) => cursor = Some(n),
            None => return Ok(items),
        }
    }
    Err("more than 100 pages".into())
}

/// The search cell of one caller: exactly the records it may read, each as it may read it,
/// newest first, on full pages; and the same through a filter.
fn search_cells(backend: &str, s: &Server, caller: &Caller, cases: &[Case]) -> Vec<String> {
    let mut failures = Vec::new();
    let by_id: BTreeMap<&str, &Case> = cases.iter().map(|c| (c.id.as_str(), c)).collect();
    let Some(org) = caller.org else {
        let a = request(s, "GET", "/api/v1/incidents", caller.token.as_deref(), None);
        if a.status != 401 || a.error_code() != "unauthenticated" {
            failures.push(format!(
                "[{backend}] search as {}: expected 401, got {} {}",
                caller.name,
                a.status,
                clip(&a.body)
            ));
        }
        return failures;
    };
    for (query, wanted) in [
        ("type=seizure", None),
        ("q=tred", Some("red")),
        ("q=tclear&country=MX", Some("clear")),
    ] {
        for limit in [4, 1000] {
            let items = match all_pages(s, caller, query, limit) {
                Ok(items) => items,
                Err(e) => {
                    failures.push(format!("[{backend}] search as {}: {e}", caller.name));
                    continue;
                }
            };
            let expected: BTreeSet<&str> = cases
                .iter()
                .filter(|c| wanted.is_none_or(|t| c.tlp == t))
                .filter(|c| reads(c.distribution, org))
                .map(|c| c.id.as_str())
                .collect();
            let got: Vec<&str> = items.iter().filter_map(|i| i["id"].as_str()).collect();
            let got_set: BTreeSet<&str> = got.iter().copied().collect();
            if got_set.len() != got.len() {
                failures.push(format!(
                    "[{backend}] search {query} limit {limit} as {}: an item twice: {got:?}",
                    caller.name
                ));
            }
            for extra in got_set.difference(&expected) {
                failures.push(format!(
                    "[{backend}] search {query} limit {limit} as {} lists {extra}, which it may not see (or does not match)",
                    caller.name
                ));
            }
            for missing in expected.difference(&got_set) {
                failures.push(format!(
                    "[{backend}] search {query} limit {limit} as {} misses {missing}",
                    caller.name
                ));
            }
            // Newest first: creation order, backwards.
            let order: Vec<usize> = got
                .iter()
                .filter_map(|id| cases.iter().position(|c| c.id == *id))
                .collect();
            if order.windows(2).any(|w| w[0] < w[1]) {
                failures.push(format!(
                    "[{backend}] search {query} as {}: not newest first",
                    caller.name
                ));
            }
            for item in &items {
                let Some(case) = item["id"].as_str().and_then(|id| by_id.get(id)) else {
                    continue;
                };
                let expect = expected_read(case, caller, true);
                if let Err(e) = check_record(expect, item, case) {
                    failures.push(fail(backend, "search item", case, caller, e));
                }
            }
        }
    }
    // Personal data is not searched: nobody finds a record by the person's name.
    match all_pages(s, caller, "q=quetzalli", 1000) {
        Ok(items) if items.is_empty() => {}
        Ok(items) => failures.push(format!(
            "[{backend}] search by a person's name as {} finds {} records",
            caller.name,
            items.len()
        )),
        Err(e) => failures.push(format!("[{backend}] search as {}: {e}", caller.name)),
    }
    failures
}

fn matrix(db: Db) {
    let backend = db.backend();
    let coalition = seed(&db);
    let s = start(&db);
    let started = std::time::Instant::now();
    let cases = create_cases(&s, &coalition.officer);
    let callers = &coalition.callers;
    assert_eq!(cases.len(), 48);
    assert_eq!(callers.len(), 11);

    // 1. Reading: the record, its visibility; and an id that does not exist, which must look
    // exactly like one that is hidden.
    let mut failures = each_caller(callers, |caller| {
        let mut failures = Vec::new();
        let token = caller.token.as_deref();
        let missing = request(
            &s,
            "GET",
            "/api/v1/incidents/INC-MX-2025-999999",
            token,
            None,
        );
        for case in &cases {
            let a = request(
                &s,
                "GET",
                &format!("/api/v1/incidents/{}", case.id),
                token,
                None,
            );
            let expect = expected_read(case, caller, true);
            if let Err(e) = check(expect, &a, case) {
                failures.push(fail(backend, "GET", case, caller, e));
            }
            if expect == Expect::NotFound {
                let hidden = a.body.replace(&case.id, "INC-MX-2025-999999");
                let unknown = missing.body.clone();
                if strip_request_id(&hidden) != strip_request_id(&unknown) {
                    failures.push(fail(
                        backend,
                        "GET",
                        case,
                        caller,
                        format!("a hidden record answers {hidden}, an unknown one {unknown}"),
                    ));
                }
            }
            let a = request(
                &s,
                "GET",
                &format!("/api/v1/incidents/{}/visibility", case.id),
                token,
                None,
            );
            let expect = expected_read(case, caller, false);
            let outcome = check(expect, &a, case).and_then(|()| {
                if expect == Expect::Ok {
                    check_visibility(&a.json(), case, &coalition.org_ids)
                } else {
                    Ok(())
                }
            });
            if let Err(e) = outcome {
                failures.push(fail(backend, "GET visibility", case, caller, e));
            }
        }
        failures
    });

    // 2. Search and paging.
    failures.extend(each_caller(callers, |caller| {
        search_cells(backend, &s, caller, &cases)
    }));

    // 3. Changing: PATCH (the description keeps the record's search words).
    failures.extend(each_caller(callers, |caller| {
        let mut failures = Vec::new();
        for case in &cases {
            let description = format!(
                "{} patched by {}",
                Case::marker(case.distribution, case.tlp, case.personal),
                caller.name
            );
            let body = json!({ "description": description }).to_string();
            let a = request(
                &s,
                "PATCH",
                &format!("/api/v1/incidents/{}", case.id),
                caller.token.as_deref(),
                Some(("application/json", body.as_bytes())),
            );
            let expect = expected_change(case, caller);
            let outcome = check(expect, &a, case).and_then(|()| {
                if expect != Expect::Ok {
                    return Ok(());
                }
                let record = a.json();
                check_record(Expect::Full, &record, case)?;
                if record["description"] != json!(description) {
                    return Err(format!("the change is not in {}", clip(&a.body)));
                }
                Ok(())
            });
            if let Err(e) = outcome {
                failures.push(fail(backend, "PATCH", case, caller, e));
            }
        }
        failures
    }));
    // What a refused change left: the description of the last allowed change, or the first.
    for case in &cases {
        let a = request(
            &s,
            "GET",
            &format!("/api/v1/incidents/{}", case.id),
            Some(&coalition.officer),
            None,
        );
        let description = a.json()["description"].as_str().unwrap_or("").to_string();
        if !(description.contains("by MxCustoms officer")
            || description.contains("by MxCustoms admin"))
        {
            failures.push(format!(
                "[{backend}] {}: after the PATCH cells the description is {description:?}",
                case.id
            ));
        }
    }

    // 4. Attachments: attach (the owner's officers), list, read the content.
    failures.extend(each_caller(callers, |caller| {
        let mut failures = Vec::new();
        for case in &cases {
            let a = request(
                &s,
                "POST",
                &format!(
                    "/api/v1/incidents/{}/attachments?filename=seizure.png",
                    case.id
                ),
                caller.token.as_deref(),
                Some(("image/png", PNG)),
            );
            let expect = expected_change(case, caller);
            let outcome = check(expect, &a, case).and_then(|()| {
                if expect == Expect::Ok {
                    check_attachment(&a.json(), case)
                } else {
                    Ok(())
                }
            });
            if let Err(e) = outcome {
                failures.push(fail(backend, "POST attachments", case, caller, e));
            }
        }
        failures
    }));
    failures.extend(each_caller(callers, |caller| {
        let mut failures = Vec::new();
        for case in &cases {
            let token = caller.token.as_deref();
            let a = request(
                &s,
                "GET",
                &format!("/api/v1/incidents/{}/attachments", case.id),
                token,
                None,
            );
            let expect = expected_read(case, caller, false);
            let mut attachment = None;
            let outcome = check(expect, &a, case).and_then(|()| {
                if expect != Expect::Ok {
                    return Ok(());
                }
                let items = a.json()["items"].as_array().cloned().unwrap_or_default();
                if items.len() != 1 {
                    return Err(format!(
                        "{} attachments listed: {}",
                        items.len(),
                        clip(&a.body)
                    ));
                }
                check_attachment(&items[0], case)?;
                attachment = items[0]["id"].as_str().map(str::to_string);
                Ok(())
            });
            if let Err(e) = outcome {
                failures.push(fail(backend, "GET attachments", case, caller, e));
            }
            // The content, by the attachment's id (the owner's, for callers that cannot list).
            let att = attachment
                .clone()
                .unwrap_or_else(|| "att-0000000000000000".into());
            let a = request(
                &s,
                "GET",
                &format!("/api/v1/incidents/{}/attachments/{att}", case.id),
                token,
                None,
            );
            let outcome = check(expect, &a, case).and_then(|()| {
                if expect == Expect::Ok
                    && (a.bytes != PNG || a.header("content-type") != Some("image/png"))
                {
                    Err(format!(
                        "content {:?} of {} bytes",
                        a.header("content-type"),
                        a.bytes.len()
                    ))
                } else {
                    Ok(())
                }
            });
            if let Err(e) = outcome {
                failures.push(fail(backend, "GET attachment content", case, caller, e));
            }
        }
        failures
    }));
    eprintln!(
        "[{backend}] permission matrix: {} incidents × {} callers in {:.1}s",
        cases.len(),
        callers.len(),
        started.elapsed().as_secs_f64()
    );
    if !failures.is_empty() {
        for f in &failures {
            eprintln!("{f}");
        }
        let log = s.log.lock().map(|l| l.clone()).unwrap_or_default();
        for line in log.lines().filter(|l| l.contains("ERROR")).take(10) {
            eprintln!("server: {line}");
        }
        let shown: Vec<&String> = failures.iter().take(60).collect();
        panic!(
            "{} cells of the permission matrix fail on {backend}:\n{}",
            failures.len(),
            shown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

/// An error body without its request id (which differs per request).
fn strip_request_id(body: &str) -> String {
    match serde_json::from_str::<Value>(body) {
        Ok(mut v) => {
            if let Some(e) = v.get_mut("error").and_then(Value::as_object_mut) {
                e.remove("request_id");
                if let Some(Value::Object(d)) = e.get_mut("details") {
                    d.remove("request_id");
                }
            }
            v.to_string()
        }
        Err(_) => body.to_string(),
    }
}

/// `GET …/visibility`: exactly the organisations the table says, their countries, and words.
fn check_visibility(v: &Value, case: &Case, org_ids: &BTreeMap<Org, String>) -> Result<(), String> {
    let expected_orgs: BTreeSet<&str> = ORGS
        .iter()
        .filter(|o| reads(case.distribution, **o))
        .map(|o| org_ids[o].as_str())
        .collect();
    let got_orgs: BTreeSet<&str> = v["organisations"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if got_orgs != expected_orgs {
        return Err(format!(
            "organisations {got_orgs:?}, expected {expected_orgs:?}"
        ));
    }
    let expected_countries: BTreeSet<&str> = ORGS
        .iter()
        .filter(|o| reads(case.distribution, **o))
        .filter_map(|o| o.country())
        .collect();
    let got_countries: BTreeSet<&str> = v["countries"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if got_countries != expected_countries {
        return Err(format!(
            "countries {got_countries:?}, expected {expected_countries:?}"
        ));
    }
    if v["why"].as_str().is_none_or(|w| w.len() < 20) {
        return Err(format!("no reason in words: {v}"));
    }
    Ok(())
}

/// An attachment's record: the PNG, typed from its content, of this incident.
fn check_attachment(a: &Value, case: &Case) -> Result<(), String> {
    if a["media_type"] != json!("image/png") || a["size"] != json!(PNG.len()) {
        return Err(format!("attachment record {a}"));
    }
    if a["incident"] != json!(case.id) {
        return Err(format!(
            "attachment of {} listed for {}",
            a["incident"], case.id
        ));
    }
    Ok(())
}

#[test]
fn every_cell_on_sqlite() {
    matrix(Db::sqlite());
}

#[test]
fn every_cell_on_postgresql() {
    if let Some(db) = postgres("matrix") {
        matrix(db);
    }
}
