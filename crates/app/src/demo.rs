//! A demo coalition for `interdict serve --demo`: a realistic small coalition on a fresh
//! database — the secretariat, eight and more member countries each with a competent authority
//! and customs, forensic laboratories and health agencies in some, users of every role, and the
//! example watchlist, ALRs and PENs — so every page and endpoint has something to show.

use interdict_core::CountryCode;
use interdict_domain::{OrgKind, Role};
use interdict_store::Database;

use crate::{identity, lists, screening, AppError};

/// The example files the demo loads (the shell passes them in; the binary carries them).
pub struct DemoFiles<'a> {
    pub watchlist_csv: &'a str,
    pub alr_csv: &'a str,
    pub pens_csv: &'a str,
}

/// A demo user and how to sign in as them.
pub struct DemoUser {
    pub email: String,
    pub organisation: String,
    pub role: Role,
    pub password: String,
    pub token: String,
}

/// The members: country, the authority's name, and which kinds of organisation it has besides
/// its competent authority and customs.
const MEMBERS: &[(&str, &str, &[OrgKind])] = &[
    ("CN", "China", &[OrgKind::ForensicLab, OrgKind::Police]),
    ("IN", "India", &[OrgKind::ForensicLab]),
    (
        "US",
        "United States",
        &[OrgKind::ForensicLab, OrgKind::Health, OrgKind::Police],
    ),
    ("MX", "Mexico", &[OrgKind::Health, OrgKind::Police]),
    ("CA", "Canada", &[OrgKind::Health]),
    (
        "NL",
        "Netherlands",
        &[OrgKind::ForensicLab, OrgKind::Health],
    ),
    ("DE", "Germany", &[OrgKind::ForensicLab]),
    ("NG", "Nigeria", &[OrgKind::Health]),
    ("GT", "Guatemala", &[]),
    ("BE", "Belgium", &[]),
];

fn org_name(country: &str, kind: OrgKind) -> String {
    let what = match kind {
        OrgKind::CompetentAuthority => "Competent National Authority",
        OrgKind::Customs => "Customs",
        OrgKind::Police => "Police",
        OrgKind::ForensicLab => "Forensic Laboratory",
        OrgKind::Health => "Health Agency",
        OrgKind::Secretariat => "Secretariat",
    };
    format!("{country} {what}")
}

/// The demo password of a user: long enough for the password rule, easy to type in a demo.
fn demo_password(email: &str) -> String {
    format!("demo-{}", email.split('@').next().unwrap_or("user"))
}

/// Seeds an empty database. Refused when the coalition was initialised already.
pub fn seed(
    db: &Database,
    files: &DemoFiles<'_>,
    now: i64,
    imported_at: &str,
) -> Result<Vec<DemoUser>, AppError> {
    let init = identity::init(db, "Coalition Secretariat", "admin@secretariat.demo", now)?;
    identity::set_password(
        db,
        None,
        &init.admin.email,
        &demo_password("admin.secretariat"),
    )?;
    let mut users = vec![DemoUser {
        email: init.admin.email.clone(),
        organisation: init.secretariat.name.clone(),
        role: Role::Admin,
        password: demo_password("admin.secretariat"),
        token: init.token.clone(),
    }];
    let mut add =
        |org: &interdict_domain::Organisation, local: &str, role: Role| -> Result<(), AppError> {
            let domain = org
                .country
                .map(|c| c.as_str().to_ascii_lowercase())
                .unwrap_or_else(|| "secretariat".into());
            let email = format!("{local}@{domain}.demo");
            let password = demo_password(&format!("{local}.{domain}"));
            let user = identity::add_user(db, None, &org.id, &email, role, Some(&password))?;
            let token = identity::create_token(db, None, &user.email, "demo", now)?.token;
            users.push(DemoUser {
                email,
                organisation: org.name.clone(),
                role,
                password,
                token,
            });
            Ok(())
        };
    let secretariat = init.secretariat;
    add(&secretariat, "analyst", Role::Analyst)?;
    for (code, _, extra) in MEMBERS {
        let country = CountryCode::parse(code).map_err(|e| AppError::invalid("country", e))?;
        let kinds = [OrgKind::CompetentAuthority, OrgKind::Customs]
            .into_iter()
            .chain(extra.iter().copied());
        for kind in kinds {
            let org =
                identity::add_organisation(db, None, &org_name(code, kind), Some(country), kind)?;
            let local = kind.as_str().replace('_', "-");
            match kind {
                OrgKind::CompetentAuthority => {
                    add(&org, &format!("{local}-admin"), Role::Admin)?;
                    add(&org, &format!("{local}-officer"), Role::Officer)?;
                }
                OrgKind::Customs => {
                    add(&org, &format!("{local}-officer"), Role::Officer)?;
                    add(&org, &format!("{local}-viewer"), Role::Viewer)?;
                }
                OrgKind::Health | OrgKind::Police => {
                    add(&org, &format!("{local}-analyst"), Role::Analyst)?;
                    add(&org, &format!("{local}-officer"), Role::Officer)?;
                }
                _ => add(&org, &format!("{local}-analyst"), Role::Analyst)?,
            }
        }
    }
    let list = lists::ListText {
        format: interdict_watchlist::import::Format::Csv,
        main: files.watchlist_csv,
        alt: None,
        add: None,
    };
    let parsed = lists::parse(&list).map_err(|e| AppError::invalid("watchlist", e))?;
    lists::import(
        db,
        None,
        "coalition",
        interdict_watchlist::import::Format::Csv,
        "examples/watchlist.csv",
        &parsed,
        imported_at,
    )?;
    screening::import_context(
        db,
        None,
        screening::ContextKind::Alr,
        "examples/alr.csv",
        files.alr_csv,
        imported_at,
    )?;
    Ok(users)
}

/// The demo's notifications between its competent authorities, in every status: the example
/// PEN file imported as notifications filed outside the platform, then filings over the last
/// weeks answered (or not) by the importing country — some queried, some refused, some
/// cleared with labels and shipped, one stopped, one withdrawn, and those whose deadline
/// passed moved by the clock (expired, or cleared by silence where the corridor says so).
/// Nigeria's authority answers late or not at all, so its needs stand out.
pub fn seed_notifications(app: &crate::App, pens_csv: &str, now: i64) -> Result<usize, AppError> {
    use crate::pens::{self, ActionBody, ActionName};
    use interdict_domain::pen::{CorridorPolicy, ReplyDecision, SilenceMeans};
    let day = 86_400;
    let (imported, _) = pens::import_file(app, None, "examples/pens.csv", pens_csv, now)?;
    let officer = |cc: &str| {
        identity::actor_by_email(
            &app.db,
            &format!(
                "competent-authority-officer@{}.demo",
                cc.to_ascii_lowercase()
            ),
        )
    };
    let secretariat = identity::actor_by_email(&app.db, "admin@secretariat.demo")?;
    pens::put_corridor(
        app,
        &secretariat,
        "NL-MX",
        &CorridorPolicy {
            reply_working_days: 10,
            silence_means: SilenceMeans::NoObjection,
        },
        now,
    )?;
    let ports = |cc: &str| match cc {
        "CN" => "CNSHA",
        "IN" => "INNSA",
        "NL" => "NLRTM",
        "DE" => "DEHAM",
        "US" => "USLAX",
        "MX" => "MXZLO",
        "NG" => "NGAPP",
        "CA" => "CAVAN",
        "GT" => "GTSTC",
        _ => "BEANR",
    };
    // (exporter, importer, transit, CAS, kg, days ago, what happens)
    type Planned<'a> = (&'a str, &'a str, &'a [&'a str], &'a str, f64, i64, &'a str);
    let plan: &[Planned<'_>] = &[
        ("CN", "MX", &["US"], "39742-60-4", 250.0, 2, "sent"),
        ("IN", "MX", &[], "299-42-3", 1200.0, 4, "acknowledged"),
        ("CN", "US", &[], "79099-07-3", 40.0, 6, "query"),
        ("NL", "MX", &[], "108-24-7", 8000.0, 9, "no_objection"),
        ("DE", "MX", &[], "103-82-2", 600.0, 12, "shipped"),
        ("CN", "MX", &["GT"], "80532-66-7", 900.0, 10, "objection"),
        ("IN", "US", &[], "90-82-4", 3000.0, 8, "withdrawn"),
        ("CN", "CA", &["US"], "21409-26-7", 25.0, 7, "stopped"),
        ("CN", "NG", &[], "13605-48-6", 500.0, 40, "sent"),
        ("IN", "NG", &[], "299-42-3", 800.0, 35, "acknowledged"),
        ("DE", "NG", &[], "7722-64-7", 2500.0, 30, "late_answer"),
        ("NL", "MX", &[], "120-57-0", 150.0, 28, "sent"),
        ("CN", "GT", &[], "94-59-7", 300.0, 20, "no_objection"),
    ];
    let mut filed = 0;
    for &(from, to, transit, cas, kg, ago, outcome) in plan {
        let exporter = officer(from)?;
        let importer = officer(to)?;
        let sent = now - ago * day;
        let input: interdict_domain::pen::PenInput = serde_json::from_value(serde_json::json!({
            "importing_country": to,
            "transit_countries": transit,
            "exporter": {"name": format!("{from} Demo Chemicals Ltd"), "address": format!("Industrial Park 4, {from}"), "country": from},
            "importer": {"name": format!("{to} Demo Pharma SA"), "address": format!("Av. Central 100, {to}"), "country": to},
            "consignee": {"name": format!("{to} Demo Pharma SA"), "address": format!("Warehouse 2, {to}"), "country": to},
            "substance": {"cas": cas},
            "quantity": {"value": kg, "unit": "kg"},
            "hs_code": "2939.41",
            "point_of_exit": ports(from),
            "point_of_entry": ports(to),
            "mode_of_transport": if kg > 1000.0 { "sea" } else { "air" },
            "carrier": if kg > 1000.0 { "Demo Line Shipping" } else { "Demo Air Cargo" },
            "dispatch_date": interdict_core::Date::from_day_number(sent / day + 20).to_string(),
            "arrival_date": interdict_core::Date::from_day_number(sent / day + 45).to_string(),
            "invoice_number": format!("INV-{from}{to}-{ago}"),
            "export_authorisation": format!("EA-{from}-{ago:04}"),
        }))
        .map_err(|e| AppError::invalid("demo notification", e))?;
        let record = pens::file(app, &exporter, &input, sent)?;
        filed += 1;
        let id = record["id"].as_str().unwrap_or_default().to_string();
        let at = |days_after: i64| sent + days_after * day;
        let act = |who: &interdict_domain::Actor, name: ActionName, body: ActionBody, t: i64| {
            pens::act(app, who, &id, name, &body, t).map(|_| ())
        };
        let reply = |decision: ReplyDecision, reason: Option<&str>| ActionBody {
            decision: Some(decision),
            reason: reason.map(str::to_string),
            ..ActionBody::default()
        };
        if outcome == "sent" {
            continue;
        }
        act(
            &importer,
            ActionName::Acknowledge,
            ActionBody::default(),
            at(1),
        )?;
        match outcome {
            "query" => act(
                &importer,
                ActionName::Reply,
                reply(
                    ReplyDecision::Query,
                    Some("Please send the end-user certificate."),
                ),
                at(3),
            )?,
            "objection" => act(
                &importer,
                ActionName::Reply,
                reply(
                    ReplyDecision::Objection,
                    Some("The importer is not licensed for this precursor."),
                ),
                at(4),
            )?,
            "no_objection" | "shipped" | "withdrawn" | "stopped" => {
                act(
                    &importer,
                    ActionName::Reply,
                    reply(ReplyDecision::NoObjection, None),
                    at(3),
                )?;
                match outcome {
                    "shipped" => act(
                        &exporter,
                        ActionName::Shipment,
                        ActionBody {
                            actual_quantity: Some(interdict_domain::incident::QuantityInput {
                                value: kg * 0.95,
                                unit: "kg".into(),
                            }),
                            shipped_on: Some(
                                interdict_core::Date::from_day_number(at(6) / day).to_string(),
                            ),
                            ..ActionBody::default()
                        },
                        at(6),
                    )?,
                    "withdrawn" => act(
                        &exporter,
                        ActionName::Withdraw,
                        ActionBody {
                            reason: Some("The order was cancelled.".into()),
                            ..ActionBody::default()
                        },
                        at(5),
                    )?,
                    "stopped" => act(
                        &officer("US")?,
                        ActionName::Stop,
                        ActionBody {
                            reason: Some(
                                "The consignee shares an address with a seized shipment.".into(),
                            ),
                            ..ActionBody::default()
                        },
                        at(5),
                    )?,
                    _ => {}
                }
            }
            "late_answer" => act(
                &importer,
                ActionName::Reply,
                reply(ReplyDecision::NoObjection, None),
                at(24),
            )
            .or_else(|e| match e {
                // Expired before the answer came: that is the point of this one.
                AppError::Conflict(_) => Ok(()),
                other => Err(other),
            })?,
            _ => {}
        }
    }
    pens::sweep_deadlines(app, now)?;
    Ok(imported + filed)
}

/// A small deterministic generator (the demo is the same on every machine).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What a country's authorities typically report: (incident type, substance, typical kg).
const SEIZED: &[(&str, &str, f64)] = &[
    ("seizure", "Fentanyl", 2.5),
    ("seizure", "fentanyl hydrochloride", 1.2),
    ("seizure", "Methamphetamine", 40.0),
    ("seizure", "MDMA", 8.0),
    ("seizure", "Ketamine", 15.0),
    ("seizure", "Tramadol", 120.0),
    ("seizure", "Captagon tablets (fenetylline)", 30.0),
    ("seizure", "Isotonitazene", 0.4),
    ("seizure", "Carfentanil", 0.05),
    ("stopped_shipment", "N-Phenethyl-4-piperidone", 250.0),
    ("stopped_shipment", "4-anilino-N-phenethylpiperidine", 50.0),
    ("stopped_shipment", "1-Boc-4-(phenylamino)piperidine", 100.0),
    ("stopped_shipment", "BMK methyl glycidate", 500.0),
    ("suspicious_order", "Ephedrine", 200.0),
    ("suspicious_order", "Phenylacetone", 300.0),
    ("suspicious_order", "Safrole", 150.0),
    ("diversion_attempt", "Pseudoephedrine", 400.0),
    ("illicit_laboratory", "Methamphetamine", 12.0),
];

/// Who shares with whom when a record goes to `countries`.
fn neighbours(country: &str) -> &'static [&'static str] {
    match country {
        "MX" => &["US", "GT"],
        "US" => &["MX", "CA"],
        "CA" => &["US"],
        "NL" => &["BE", "DE"],
        "BE" => &["NL"],
        "DE" => &["NL"],
        "CN" => &["IN"],
        "IN" => &["CN", "NG"],
        "NG" => &["IN"],
        _ => &["US"],
    }
}

/// A year of incidents across the demo's countries (before `now`), with shares of every
/// distribution and TLP, some with a named person (personal data), and a rise of nitazene
/// overdoses in the last months so the early warning has something to show. Reported by the
/// demo officers of each country's customs, police and health agency; imported as each of them
/// would (one import per organisation).
pub fn seed_incidents(app: &crate::App, users: &[DemoUser], now: i64) -> Result<usize, AppError> {
    let today = now.div_euclid(86_400);
    let mut rng = Lcg(20_261_202);
    let distributions = [
        "coalition",
        "coalition",
        "countries",
        "country",
        "organisation",
    ];
    let tlps = ["clear", "green", "green", "amber", "red"];
    let mut created = 0;
    for user in users.iter().filter(|u| u.role == Role::Officer) {
        let actor = identity::actor_by_email(&app.db, &user.email)?;
        let Some(country) = actor.organisation.country else {
            continue;
        };
        let cc = country.as_str();
        let kind = actor.organisation.kind;
        let count = match kind {
            OrgKind::Customs => 40,
            OrgKind::Police => 20,
            OrgKind::Health => 25,
            _ => 0,
        };
        let mut lines = Vec::new();
        for n in 0..count {
            let day = today - 365 + rng.below(360) as i64;
            let date = interdict_core::Date::from_day_number(day);
            let mut body = serde_json::Map::new();
            let (kind_text, substance, kg) = if kind == OrgKind::Health {
                // Overdoses and drug checking; nitazenes rising over the last four months.
                let recent = day > today - 120;
                let substance = if recent && rng.below(3) > 0 {
                    *rng.pick(&["Isotonitazene", "Metonitazene", "Protonitazene"])
                } else {
                    *rng.pick(&["Fentanyl", "Heroin", "Methamphetamine", "Ketamine", "MDMA"])
                };
                let t = if rng.below(3) == 0 {
                    "drug_checking"
                } else {
                    "overdose"
                };
                (t, substance, 0.001)
            } else {
                let (t, s, kg) = *rng.pick(SEIZED);
                (t, s, kg)
            };
            let quantity = (kg * (0.2 + rng.below(180) as f64 / 100.0) * 1000.0).round() / 1000.0;
            body.insert(
                "reference".into(),
                serde_json::json!(format!("{cc}-{}-{n:03}", kind.as_str())),
            );
            body.insert("type".into(), serde_json::json!(kind_text));
            body.insert("date".into(), serde_json::json!(date.to_string()));
            body.insert(
                "substances".into(),
                serde_json::json!([{"text": substance, "quantity": {"value": quantity, "unit": "kg"}}]),
            );
            let distribution = *rng.pick(&distributions);
            body.insert("distribution".into(), serde_json::json!(distribution));
            if distribution == "countries" {
                body.insert("share_with".into(), serde_json::json!(neighbours(cc)));
            }
            body.insert("tlp".into(), serde_json::json!(rng.pick(&tlps)));
            if kind_text == "stopped_shipment" || kind_text == "suspicious_order" {
                body.insert(
                    "origin_country".into(),
                    serde_json::json!(rng.pick(&["CN", "IN", "DE", "NL"])),
                );
                body.insert("destination_country".into(), serde_json::json!(cc));
                body.insert(
                    "parties".into(),
                    serde_json::json!([{"role": "exporter", "name": rng.pick(&["Hubei Amarvel Biotech Co Ltd", "Wuhan Shuokang Biological Technology", "Global Chem Trading Ltd", "Rotterdam Fine Chemicals BV"]), "country": rng.pick(&["CN", "IN", "NL"])}]),
                );
            }
            if kind_text == "illicit_laboratory"
                || (kind_text == "seizure" && substance.starts_with("Captagon"))
            {
                body.insert(
                    "equipment".into(),
                    serde_json::json!([{"kind": "tablet_press", "count": 1 + rng.below(3), "make": "TDP-5"}]),
                );
                body.insert(
                    "description".into(),
                    serde_json::json!("tablet press and punches found with the powder"),
                );
            }
            if kind_text == "seizure" && rng.below(5) == 0 {
                body.insert(
                    "parties".into(),
                    serde_json::json!([{"role": "person", "name": format!("Demo Courier {cc}{n}"), "country": cc, "identifiers": [format!("P{:07}", rng.below(9_999_999))], "date_of_birth": "1987-05-14"}]),
                );
                body.insert(
                    "personal_data_distribution".into(),
                    serde_json::json!("organisation"),
                );
            }
            lines.push((
                n as u64 + 1,
                crate::incidents::parse_input(&serde_json::Value::Object(body)),
            ));
        }
        for r in crate::incidents::import(app, &actor, lines, now)? {
            match r {
                crate::incidents::ImportLine::Done { created: true, .. } => created += 1,
                crate::incidents::ImportLine::Done { .. } => {}
                crate::incidents::ImportLine::Failed {
                    line,
                    field,
                    message,
                } => {
                    return Err(AppError::invalid(
                        format!("demo incident {line}, {field}"),
                        message,
                    ))
                }
            }
        }
    }
    Ok(created)
}

/// The demo's trends for the coalition's picture: a new fentanyl analogue seen for the first
/// time (by structure), and a substitution in the flows — 4-AP seized on its way from China to
/// Mexico until China controlled it on 2024-09-01, then its Cbz-protected form (a designer
/// precursor the structure engine recognises) instead. Shared with the whole coalition.
pub fn seed_trends(app: &crate::App, now: i64) -> Result<usize, AppError> {
    let day = 86_400;
    let control = interdict_core::Date::parse("2024-09-01")
        .map_err(|e| AppError::invalid("demo date", e))?
        .day_number();
    let date = |d: i64| interdict_core::Date::from_day_number(d).to_string();
    let mut lines = Vec::new();
    let mut push = |n: &mut u64, body: serde_json::Value| {
        *n += 1;
        lines.push((*n, crate::incidents::parse_input(&body)));
    };
    let mut n = 0;
    // Before the control: 4-AP, about monthly; after: once, while the protected form rises.
    for k in 0..11 {
        push(
            &mut n,
            serde_json::json!({
                "type": "seizure", "date": date(control - 330 + 30 * k),
                "origin_country": "CN", "destination_country": "MX", "transit_countries": ["US"],
                "substances": [{"text": "4-anilinopiperidine", "quantity": {"value": 20 + k, "unit": "kg"}}],
                "distribution": "coalition", "tlp": "green", "reference": format!("trend-4ap-{k}"),
            }),
        );
    }
    push(
        &mut n,
        serde_json::json!({
            "type": "seizure", "date": date(control + 120),
            "origin_country": "CN", "destination_country": "MX",
            "substances": [{"text": "4-anilinopiperidine", "quantity": {"value": 5, "unit": "kg"}}],
            "distribution": "coalition", "tlp": "green", "reference": "trend-4ap-after",
        }),
    );
    for k in 0..9 {
        push(
            &mut n,
            serde_json::json!({
                "type": "seizure", "date": date(control + 40 + 35 * k),
                "origin_country": "CN", "destination_country": "MX",
                "substances": [{"smiles": "O=C(OCc1ccccc1)N1CCC(Nc2ccccc2)CC1", "quantity": {"value": 30 + 2 * k, "unit": "kg"}}],
                "description": "white powder declared as a pharmaceutical intermediate",
                "distribution": "coalition", "tlp": "green", "reference": format!("trend-cbz4ap-{k}"),
            }),
        );
    }
    // A fentanyl analogue no list names, seen for the first time ten days ago.
    push(
        &mut n,
        serde_json::json!({
            "type": "drug_checking", "date": date(now / day - 10), "country": "US",
            "substances": [{"smiles": "CCC(=O)N(c1ccc(Cl)cc1)C1CCN(CCc2cccs2)CC1"}],
            "description": "counterfeit oxycodone tablet, drug-checking service",
            "distribution": "coalition", "tlp": "clear", "reference": "trend-new-analogue",
        }),
    );
    let actor = identity::actor_by_email(&app.db, "police-officer@us.demo")?;
    let mut created = 0;
    for r in crate::incidents::import(app, &actor, lines, now)? {
        match r {
            crate::incidents::ImportLine::Done { created: true, .. } => created += 1,
            crate::incidents::ImportLine::Done { .. } => {}
            crate::incidents::ImportLine::Failed {
                line,
                field,
                message,
            } => {
                return Err(AppError::invalid(
                    format!("demo trend {line}, {field}"),
                    message,
                ))
            }
        }
    }
    Ok(created)
}
