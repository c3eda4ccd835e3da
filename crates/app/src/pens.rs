//! Pre-export notifications between competent authorities (`shared/spec/platform.md`,
//! Pre-export notifications): filed, screened at filing as a declaration is, answered by the
//! importing country, moved by the platform's clock when a deadline passes, and signed into a
//! shipment label when cleared. Every change is audited in its transaction; the rules of who
//! may do what and where each action leads are `interdict_domain::pen`'s.

use interdict_core::{CountryCode, Date, Quantity, Unit};
use interdict_domain::pen::{
    self, CorridorPolicy, PenAction, PenInput, PenParties, PenRole, PenStatus, ReplyDecision,
    SilenceMeans,
};
use interdict_domain::sharing::ChangeDecision;
use interdict_domain::Actor;
use interdict_label::{LabelQuantity, Payload};
use interdict_screen::{Declaration, FlagCode};
use interdict_store::{PenFilter, PenRow, Tx};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::{audit, labels, App, AppError};

/// A notification as answered: the stored record with its history.
pub type PenAnswer = Value;

pub use crate::records::pen_resource;

/// The resource name of a corridor policy in the log.
pub fn corridor_resource(id: &str) -> String {
    format!("corridors/{id}")
}

/// Days a label stays valid after the planned arrival (delays at sea, in port).
pub const LABEL_GRACE_DAYS: i64 = 30;

/// The fixed-date national holidays a reply deadline skips (`data/holidays.csv`).
const HOLIDAYS: &str = include_str!("../../../data/holidays.csv");

/// Whether `day` is a national holiday of `country` (fixed-date holidays of
/// `data/holidays.csv`: `MM-DD` every year, or `YYYY-MM-DD` once).
pub fn is_holiday(country: CountryCode, day: Date) -> bool {
    let md = format!("{:02}-{:02}", day.month, day.day);
    let full = day.to_string();
    HOLIDAYS.lines().skip(1).any(|line| {
        let mut f = line.split(',');
        f.next() == Some(country.as_str()) && f.next().is_some_and(|d| d == md || d == full)
    })
}

use crate::error::scope_of;

fn invalid(e: interdict_domain::incident::FieldError) -> AppError {
    AppError::Invalid {
        field: e.field,
        message: e.message,
    }
}

fn not_found(id: &str) -> AppError {
    AppError::NotFound(format!(
        "notification {}",
        interdict_core::text::clip(id, 60)
    ))
}

fn parse_body(row: &PenRow) -> Result<Value, AppError> {
    serde_json::from_str(&row.body)
        .map_err(|e| AppError::corrupt(format!("notification {}", row.id), e))
}

fn parties_of(row: &PenRow) -> PenParties {
    PenParties {
        exporting: row.exporting_country,
        importing: row.importing_country,
        transit: row.transit_countries.clone(),
    }
}

fn today(now: i64) -> Date {
    Date::from_day_number(now.div_euclid(86_400))
}

/// The policy of a corridor: the one set, or the default.
fn policy_in(
    tx: &mut Tx<'_>,
    exporting: CountryCode,
    importing: CountryCode,
) -> Result<CorridorPolicy, AppError> {
    let id = format!("{exporting}-{importing}");
    match tx.corridor(&id)? {
        Some(body) => serde_json::from_str(&body)
            .map_err(|e| AppError::corrupt(format!("corridor policy {id}"), e)),
        None => Ok(CorridorPolicy::default()),
    }
}

/// What the filed substance resolved to, and a warning when it is controlled nowhere.
fn resolve_substance(
    app: &App,
    input: &pen::PenSubstanceInput,
) -> Result<(Value, Option<String>, Option<String>), AppError> {
    let registry = app.registry();
    let mut found: Vec<(&'static str, Option<&interdict_registry::Substance>)> = Vec::new();
    let mut unlisted_cas = None;
    if let Some(id) = input
        .substance_id
        .as_deref()
        .filter(|t| !t.trim().is_empty())
    {
        match registry.get(id.trim()) {
            Some(s) => found.push(("substance.substance_id", Some(s))),
            None => {
                return Err(AppError::invalid(
                    "substance.substance_id",
                    format!(
                        "`{}` is not a substance of the registry",
                        interdict_core::text::clip(id, 60)
                    ),
                ))
            }
        }
    }
    if let Some(text) = input.cas.as_deref().filter(|t| !t.trim().is_empty()) {
        let cas = interdict_core::Cas::parse(text.trim())
            .map_err(|e| AppError::invalid("substance.cas", e))?;
        match registry.by_cas(cas) {
            Some((s, _)) => found.push(("substance.cas", Some(s))),
            None => unlisted_cas = Some(cas),
        }
    }
    if let Some(name) = input.name.as_deref().filter(|t| !t.trim().is_empty()) {
        let resolved = app.resolver().resolve(name);
        match resolved
            .substance_id
            .as_deref()
            .and_then(|id| registry.get(id))
        {
            Some(s) => found.push(("substance.name", Some(s))),
            None if found.is_empty() && unlisted_cas.is_none() => {
                use interdict_resolve::ResolvedBy;
                if matches!(resolved.by, ResolvedBy::Unknown) {
                    return Err(AppError::invalid(
                        "substance.name",
                        format!(
                            "`{}` is not a substance the registry can identify; give its CAS \
                             number or registry id",
                            interdict_core::text::clip(name, 60)
                        ),
                    ));
                }
                found.push(("substance.name", None));
            }
            None => {}
        }
    }
    let listed: Vec<&interdict_registry::Substance> =
        found.iter().filter_map(|(_, s)| *s).collect();
    if let Some(first) = listed.first() {
        if let Some((field, other)) = found
            .iter()
            .filter_map(|(f, s)| s.map(|s| (f, s)))
            .find(|(_, s)| s.id != first.id)
        {
            return Err(AppError::invalid(
                *field,
                format!(
                    "names {} ({}), but the other fields name {} ({})",
                    other.name, other.id, first.name, first.id
                ),
            ));
        }
        if let Some(cas) = unlisted_cas {
            return Err(AppError::invalid(
                "substance.cas",
                format!(
                    "{cas} is not a CAS number of {} ({}), which the other fields name",
                    first.name, first.id
                ),
            ));
        }
    }
    let by = found.first().map(|(f, _)| *f).unwrap_or("substance.cas");
    match listed.first() {
        Some(s) => {
            let warning = s.controls.is_empty().then(|| {
                format!(
                    "{} is in the registry but controlled by no list: no notification is needed",
                    s.name
                )
            });
            Ok((
                json!({
                    "substance_id": s.id,
                    "name": s.name,
                    "cas": s.cas.map(|c| c.to_string()),
                    "lists": s.control_ids(),
                    "category": s.category,
                    "resolved_by": by.trim_start_matches("substance."),
                    "as_filed": input,
                }),
                warning,
                s.cas.map(|c| c.to_string()),
            ))
        }
        None => {
            let name = input
                .name
                .clone()
                .or_else(|| unlisted_cas.map(|c| format!("CAS {c}")))
                .unwrap_or_default();
            Ok((
                json!({
                    "substance_id": null,
                    "name": name,
                    "cas": unlisted_cas.map(|c| c.to_string()),
                    "lists": [],
                    "resolved_by": by.trim_start_matches("substance."),
                    "as_filed": input,
                }),
                Some(format!(
                    "{name} is not a substance controlled by any list the registry knows: the \
                     notification is filed, but none is needed"
                )),
                unlisted_cas.map(|c| c.to_string()),
            ))
        }
    }
}

/// The mass of the substance itself in the consignment (the mixture's share), for ALR totals.
fn substance_kg(quantity_kg: Option<f64>, mixture_percent: Option<f64>) -> Option<f64> {
    quantity_kg.map(|kg| kg * mixture_percent.unwrap_or(100.0) / 100.0)
}

/// Quantities notified earlier this year to `importing` of `substance_id` that still count
/// (not refused, withdrawn, expired or stopped; a shipment counts at what shipped).
fn earlier_this_year(
    tx: &mut Tx<'_>,
    importing: CountryCode,
    substance_id: &str,
    year: i32,
) -> Result<Vec<(String, Date, f64)>, AppError> {
    let mut out = Vec::new();
    for row in tx.pens_unscoped()? {
        if row.importing_country != importing {
            continue;
        }
        if matches!(
            row.status.as_str(),
            "objection" | "withdrawn" | "expired" | "stopped"
        ) {
            continue;
        }
        let record = parse_body(&row)?;
        if record["substance"]["substance_id"].as_str() != Some(substance_id) {
            continue;
        }
        let Some(sent) = record["sent_on"].as_str().and_then(|d| Date::parse(d).ok()) else {
            continue;
        };
        if sent.year != year {
            continue;
        }
        let kg = record["shipment"]["actual_kg"]
            .as_f64()
            .or_else(|| record["substance_kg"].as_f64());
        if let Some(kg) = kg {
            out.push((row.id.clone(), sent, kg));
        }
    }
    Ok(out)
}

/// Screens the notification as a declaration (`declarations.md`): parties against the
/// watchlists, the substance against the registry, the importing country's ALR with the
/// year's earlier notifications and recorded imports. A notification cannot lack itself, so
/// NO_PEN does not apply.
fn screen(
    app: &App,
    id: &str,
    input: &PenInput,
    checked: &pen::CheckedPen,
    substance: &Value,
    sent_on: Date,
    earlier: &[(String, Date, f64)],
) -> Result<Value, AppError> {
    let goods = format!(
        "{}{}",
        substance["name"].as_str().unwrap_or(""),
        input
            .mixture_percent
            .map(|p| format!(" ({p} % in mixture)"))
            .unwrap_or_default()
    );
    let declaration = Declaration {
        id: id.to_string(),
        line: 1,
        date: sent_on,
        exporter_name: input.exporter.name.clone(),
        exporter_country: checked.exporting_country,
        exporter_address: Some(input.exporter.address.clone()).filter(|a| !a.is_empty()),
        importer_name: input.importer.name.clone(),
        importer_country: input.importing_country,
        importer_address: Some(input.importer.address.clone()).filter(|a| !a.is_empty()),
        consignee_name: Some(input.consignee.name.clone()),
        notify_party: None,
        goods_description: goods,
        hs_code: Some(input.hs_code.chars().filter(char::is_ascii_digit).collect()),
        cas_number: substance["cas"].as_str().map(str::to_string),
        quantity: Some(checked.quantity.value),
        unit: checked.quantity.unit,
        transit_countries: input.transit_countries.clone(),
        port_of_loading: Some(checked.point_of_exit.to_string()),
        port_of_discharge: Some(checked.point_of_entry.to_string()),
        pen_reference: None,
    };
    let screener = app.screener()?;
    let assessment = screener.with(|screener, ledger| {
        for (earlier_id, date, kg) in earlier {
            if let Some(sid) = substance["substance_id"].as_str() {
                ledger.add(
                    earlier_id,
                    input.importing_country.as_str(),
                    sid,
                    *date,
                    *kg,
                );
            }
        }
        let prepared = screener.prepare(&declaration).without(FlagCode::NoPen);
        screener.finish(prepared, ledger)
    });
    let mut out = serde_json::to_value(&assessment)
        .map_err(|e| AppError::Unavailable(format!("writing the screening: {e}")))?;
    if let Value::Object(m) = &mut out {
        m.remove("id");
        m.insert(
            "alr_counted".into(),
            json!({
                "earlier_notifications": earlier.len(),
                "earlier_notified_kg": earlier.iter().map(|e| e.2).sum::<f64>(),
            }),
        );
    }
    Ok(out)
}

/// How many numbers are drawn for a new notification before giving up.
const ID_DRAWS: usize = 20;

/// One entry of a notification's history.
fn history_entry(
    now: i64,
    action: &str,
    by: Option<&Actor>,
    from: Option<PenStatus>,
    to: PenStatus,
    details: Value,
) -> Value {
    let by = match by {
        Some(a) => json!({
            "user": a.user.id,
            "email": a.user.email,
            "organisation": a.organisation.id,
            "country": a.organisation.country,
        }),
        None => json!({"user": null, "organisation": "platform", "country": null}),
    };
    json!({
        "at": interdict_core::rfc3339(now),
        "action": action,
        "by": by,
        "from": from.map(|s| s.as_str()),
        "to": to.as_str(),
        "details": details,
    })
}

/// What filing decides before anything is written: the caller's country, the checked input,
/// the resolved substance, the warnings and the screening. Shared by [`file`] and
/// [`screen_draft`], so a draft is screened exactly as its filing will be.
struct Prepared {
    exporting: CountryCode,
    checked: pen::CheckedPen,
    sent_on: Date,
    substance: Value,
    kg: Option<f64>,
    warnings: Vec<String>,
    screening: Value,
}

fn prepare(app: &App, actor: &Actor, input: &PenInput, now: i64) -> Result<Prepared, AppError> {
    let decision = pen::may_file(actor);
    if !decision.allowed {
        return Err(AppError::Forbidden(decision.reason));
    }
    let Some(exporting) = actor.organisation.country else {
        return Err(AppError::Forbidden(
            "the filing authority has no country".into(),
        ));
    };
    let checked = input.check(exporting).map_err(invalid)?;
    let sent_on = today(now);
    if let Some(d) = checked.reply_deadline {
        if d < sent_on {
            return Err(AppError::invalid(
                "reply_deadline",
                format!("{d} is before today ({sent_on})"),
            ));
        }
    }
    let (substance, warning, _cas) = resolve_substance(app, &input.substance)?;
    let kg = substance_kg(checked.quantity_kg, input.mixture_percent);
    let mut warnings: Vec<String> = warning.into_iter().collect();
    if checked.quantity_kg.is_none() {
        warnings.push(format!(
            "the quantity is in {}, which has no mass: it is not counted against the ALR",
            checked.quantity.unit.as_str()
        ));
    }
    // Screening reads the screener (its own transactions), so it runs before the write; the
    // earlier notifications it counts are read again inside the write, for the record.
    let earlier = match substance["substance_id"].as_str() {
        Some(sid) => app
            .db
            .read(|tx| earlier_this_year(tx, input.importing_country, sid, sent_on.year))?,
        None => Vec::new(),
    };
    let screening = screen(
        app, "filing", input, &checked, &substance, sent_on, &earlier,
    )?;
    Ok(Prepared {
        exporting,
        checked,
        sent_on,
        substance,
        kg,
        warnings,
        screening,
    })
}

/// Screens a draft notification as filing it now would, and stores nothing (no record, no
/// audit entry: nothing changed and no shared record was read): `{"substance", "warnings",
/// "screening"}`, the fields filing would record. The filing form shows it before sending.
/// Who may ask is who may file, and a draft that filing would refuse is refused the same way.
pub fn screen_draft(
    app: &App,
    actor: &Actor,
    input: &PenInput,
    now: i64,
) -> Result<Value, AppError> {
    let p = prepare(app, actor, input, now)?;
    Ok(json!({
        "substance": p.substance,
        "warnings": p.warnings,
        "screening": p.screening,
    }))
}

/// Files a notification for the caller's competent authority.
pub fn file(app: &App, actor: &Actor, input: &PenInput, now: i64) -> Result<PenAnswer, AppError> {
    let Prepared {
        exporting,
        checked,
        sent_on,
        substance,
        kg,
        warnings,
        screening,
    } = prepare(app, actor, input, now)?;
    let scope = scope_of(actor)?;
    let created = app.db.write_as(&scope, |tx| {
        let policy = policy_in(tx, exporting, input.importing_country)?;
        let importing = input.importing_country;
        let deadline = checked.reply_deadline.unwrap_or_else(|| {
            pen::add_working_days(sent_on, policy.reply_working_days, &|d| {
                is_holiday(importing, d)
            })
        });
        let mut placed = None;
        for _ in 0..ID_DRAWS {
            let id = tx.draw_pen_id(exporting.as_str(), sent_on.year)?;
            if tx.pen_unscoped(&id)?.is_some() {
                continue;
            }
            placed = Some(id);
            break;
        }
        let Some(id) = placed else {
            return Err(AppError::Unavailable(format!(
                "{ID_DRAWS} notification numbers in a row were taken for {exporting} {}",
                sent_on.year
            )));
        };
        let valid_until =
            Date::from_day_number(checked.arrival_date.day_number() + LABEL_GRACE_DAYS);
        let mut record = Map::new();
        record.insert("id".into(), json!(id));
        record.insert("status".into(), json!(PenStatus::Sent.as_str()));
        record.insert("by_silence".into(), json!(false));
        record.insert("source".into(), json!("platform"));
        record.insert("exporting_country".into(), json!(exporting));
        if let Value::Object(filed) = audit::json_of(input) {
            for (k, v) in filed {
                record.insert(k, v);
            }
        }
        record.insert("substance".into(), substance.clone());
        record.insert("quantity_kg".into(), json!(checked.quantity_kg));
        record.insert("substance_kg".into(), json!(kg));
        record.insert("sent_at".into(), json!(interdict_core::rfc3339(now)));
        record.insert("sent_on".into(), json!(sent_on.to_string()));
        record.insert("reply_deadline".into(), json!(deadline.to_string()));
        record.insert(
            "reply_working_days".into(),
            json!(checked
                .reply_deadline
                .map(|d| pen::working_days_between(sent_on, d, &|x| is_holiday(importing, x)))
                .unwrap_or(policy.reply_working_days)),
        );
        record.insert("valid_until".into(), json!(valid_until.to_string()));
        record.insert(
            "filed_by".into(),
            json!({"user": actor.user.id, "organisation": actor.organisation.id}),
        );
        record.insert("screening".into(), screening.clone());
        record.insert("warnings".into(), json!(warnings));
        record.insert("label".into(), Value::Null);
        record.insert(
            "history".into(),
            json!([history_entry(
                now,
                "file",
                Some(actor),
                None,
                PenStatus::Sent,
                json!({})
            )]),
        );
        record.insert("updated_at".into(), json!(interdict_core::rfc3339(now)));
        let record = Value::Object(record);
        let row = PenRow {
            id: id.clone(),
            owner_organisation: Some(actor.organisation.id.clone()),
            exporting_country: exporting,
            importing_country: input.importing_country,
            transit_countries: input.transit_countries.clone(),
            status: PenStatus::Sent.as_str().into(),
            reply_deadline: deadline.to_string(),
            late: false,
            source: "platform".into(),
            body: interdict_audit::canonical_json(&record),
            created_at: now,
            updated_at: now,
        };
        if tx.insert_pen(&row)?.is_none() {
            return Err(AppError::Conflict(format!("notification {id} exists")));
        }
        audit::append(
            tx,
            actor,
            "create",
            &pen_resource(&id),
            Some(&actor.organisation.id),
            &record,
            now,
        )?;
        Ok(record)
    })?;
    app.context_changed();
    Ok(created)
}

/// One notification with its history, if the caller may see it.
pub fn get(app: &App, actor: &Actor, id: &str, now: i64) -> Result<PenAnswer, AppError> {
    sweep_deadlines(app, now)?;
    let scope = scope_of(actor)?;
    app.db.read_as(&scope, |tx| {
        let row = tx.pen(id)?.ok_or_else(|| not_found(id))?;
        if !pen::may_read(actor, &parties_of(&row)).allowed {
            return Err(not_found(id));
        }
        answer(&row, now)
    })
}

/// The record as answered: with `overdue` as of today.
fn answer(row: &PenRow, now: i64) -> Result<Value, AppError> {
    let mut record = parse_body(row)?;
    let overdue = row.late
        || (matches!(row.status.as_str(), "sent" | "acknowledged")
            && row.reply_deadline < today(now).to_string());
    if let Value::Object(m) = &mut record {
        m.insert("overdue".into(), json!(overdue));
    }
    Ok(record)
}

/// What an inbox asks for.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Inbox {
    pub role: Option<PenRole>,
    pub status: Option<PenStatus>,
    pub overdue: Option<bool>,
}

/// The notifications the caller may see, newest first, a page at a time.
pub fn list(
    app: &App,
    actor: &Actor,
    inbox: &Inbox,
    before: Option<i64>,
    limit: usize,
    now: i64,
) -> Result<(Vec<Value>, Option<i64>), AppError> {
    sweep_deadlines(app, now)?;
    let scope = scope_of(actor)?;
    let mut filter = PenFilter {
        status: inbox.status.map(|s| s.as_str().to_string()),
        ..PenFilter::default()
    };
    if let Some(role) = inbox.role {
        let Some(country) = actor.organisation.country else {
            return Err(AppError::invalid(
                "role",
                "the secretariat has no country: list without a role to see every notification",
            ));
        };
        match role {
            PenRole::Outgoing => filter.exporting_country = Some(country),
            PenRole::Incoming => filter.importing_country = Some(country),
            PenRole::Transit => filter.transit_country = Some(country),
        }
    }
    if inbox.overdue == Some(true) {
        filter.overdue_on = Some(today(now).to_string());
    }
    let rows = app
        .db
        .read_as(&scope, |tx| tx.search_pens(&filter, before, limit + 1))?;
    let more = rows.len() > limit;
    let mut items = Vec::new();
    let mut last = None;
    for (seq, row) in rows.into_iter().take(limit) {
        let a = answer(&row, now)?;
        if inbox.overdue == Some(false) && a["overdue"] == json!(true) {
            continue;
        }
        last = Some(seq);
        items.push(a);
    }
    Ok((items, if more { last } else { None }))
}

/// An action's body (`/reply`, `/stop`, `/shipment`, `/answer`, `/withdraw`).
#[derive(Clone, Debug, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ActionBody {
    #[serde(default)]
    pub decision: Option<ReplyDecision>,
    #[serde(default)]
    pub reason: Option<String>,
    /// The exporter's answer to a query.
    #[serde(default)]
    pub answer: Option<String>,
    #[serde(default)]
    pub actual_quantity: Option<interdict_domain::incident::QuantityInput>,
    #[serde(default)]
    pub shipped_on: Option<String>,
}

/// Which action a path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionName {
    Acknowledge,
    Reply,
    Answer,
    Withdraw,
    Stop,
    Shipment,
}

fn text_field(field: &str, text: Option<&str>, required: bool) -> Result<Option<String>, AppError> {
    match text.map(str::trim) {
        Some(t) if t.len() > pen::MAX_FIELD * 4 => Err(AppError::invalid(
            field,
            format!("longer than {} bytes", pen::MAX_FIELD * 4),
        )),
        Some(t) if !t.is_empty() => Ok(Some(t.to_string())),
        _ if required => Err(AppError::invalid(field, "is required for this action")),
        _ => Ok(None),
    }
}

/// Acts on a notification: checks the body, who may act, and the transition, then records
/// the new status, the history entry and the audit entry in one transaction.
pub fn act(
    app: &App,
    actor: &Actor,
    id: &str,
    name: ActionName,
    body: &ActionBody,
    now: i64,
) -> Result<PenAnswer, AppError> {
    sweep_deadlines(app, now)?;
    let (action, details) = match name {
        ActionName::Acknowledge => (PenAction::Acknowledge, json!({})),
        ActionName::Reply => {
            let Some(decision) = body.decision else {
                return Err(AppError::invalid(
                    "decision",
                    "is required: no_objection, objection or query",
                ));
            };
            let needs_reason = decision != ReplyDecision::NoObjection;
            let reason = text_field("reason", body.reason.as_deref(), needs_reason)?;
            (
                PenAction::Reply(decision),
                json!({"decision": decision.as_str(), "reason": reason}),
            )
        }
        ActionName::Answer => {
            let text = text_field(
                "answer",
                body.answer.as_deref().or(body.reason.as_deref()),
                true,
            )?;
            (PenAction::Answer, json!({"answer": text}))
        }
        ActionName::Withdraw => (
            PenAction::Withdraw,
            json!({"reason": text_field("reason", body.reason.as_deref(), false)?}),
        ),
        ActionName::Stop => (
            PenAction::Stop,
            json!({"reason": text_field("reason", body.reason.as_deref(), true)?}),
        ),
        ActionName::Shipment => {
            let Some(q) = &body.actual_quantity else {
                return Err(AppError::invalid("actual_quantity", "is required"));
            };
            let unit = Unit::parse(&q.unit).ok_or_else(|| {
                AppError::invalid(
                    "actual_quantity.unit",
                    format!(
                        "`{}` is not a unit (kg, g, t, l, ml, units)",
                        interdict_core::text::clip(&q.unit, 20)
                    ),
                )
            })?;
            let quantity = Quantity::new(q.value, unit)
                .map_err(|e| AppError::invalid("actual_quantity.value", e))?;
            let Some(day) = body.shipped_on.as_deref() else {
                return Err(AppError::invalid("shipped_on", "is required (YYYY-MM-DD)"));
            };
            let shipped_on = Date::parse(day).map_err(|e| AppError::invalid("shipped_on", e))?;
            if shipped_on > today(now) {
                return Err(AppError::invalid(
                    "shipped_on",
                    format!("{shipped_on} is in the future"),
                ));
            }
            (
                PenAction::Shipment,
                json!({
                    "actual_quantity": {"value": quantity.value, "unit": quantity.unit.as_str()},
                    "shipped_on": shipped_on.to_string(),
                }),
            )
        }
    };
    let scope = scope_of(actor)?;
    let changed = app.db.write_as(&scope, |tx| {
        let row = tx.pen(id)?.ok_or_else(|| not_found(id))?;
        match pen::authorise(actor, &parties_of(&row), &action) {
            ChangeDecision::Allowed => {}
            ChangeDecision::NotFound => return Err(not_found(id)),
            ChangeDecision::Forbidden(reason) => return Err(AppError::Forbidden(reason)),
        }
        let status: PenStatus = row
            .status
            .parse()
            .map_err(|e| AppError::corrupt(format!("notification {id}"), e))?;
        let to = pen::transition(status, &action).map_err(AppError::Conflict)?;
        let mut record = parse_body(&row)?;
        apply(
            app,
            tx,
            &row,
            &mut record,
            &action,
            Some(actor),
            status,
            to,
            details.clone(),
            now,
        )
    })?;
    app.context_changed();
    Ok(changed)
}

/// Records a transition in `tx`: status, history, what the action adds to the record, the
/// label at clearance, and the audit entry. Fails with `conflict` if someone moved the
/// notification first.
#[allow(clippy::too_many_arguments)]
fn apply(
    app: &App,
    tx: &mut Tx<'_>,
    row: &PenRow,
    record: &mut Value,
    action: &PenAction,
    actor: Option<&Actor>,
    from: PenStatus,
    to: PenStatus,
    details: Value,
    now: i64,
) -> Result<Value, AppError> {
    let mut deadline = row.reply_deadline.clone();
    let mut late = row.late;
    let at = interdict_core::rfc3339(now);
    let importing = row.importing_country;
    {
        let Value::Object(m) = record else {
            return Err(AppError::corrupt(
                format!("notification {}", row.id),
                "not a JSON object",
            ));
        };
        m.insert("status".into(), json!(to.as_str()));
        match action {
            PenAction::Reply(decision) => {
                m.insert(
                    "reply".into(),
                    json!({"decision": decision.as_str(), "reason": details["reason"], "at": at}),
                );
                if m.get("answered_at").is_none_or(Value::is_null) {
                    m.insert("answered_at".into(), json!(at));
                }
                if *decision == ReplyDecision::Query {
                    m.insert("query_since".into(), json!(today(now).to_string()));
                }
            }
            PenAction::Answer => {
                // The clock stops while the importer waits for the exporter's answer: the
                // deadline moves by the working days the query was open.
                if let Some(since) = m
                    .get("query_since")
                    .and_then(Value::as_str)
                    .and_then(|d| Date::parse(d).ok())
                {
                    if let Ok(old) = Date::parse(&deadline) {
                        let open = pen::working_days_between(since, today(now), &|d| {
                            is_holiday(importing, d)
                        });
                        deadline = pen::add_working_days(old, open, &|d| is_holiday(importing, d))
                            .to_string();
                        m.insert("reply_deadline".into(), json!(deadline));
                    }
                }
                m.remove("query_since");
            }
            PenAction::Stop => {
                m.insert(
                    "stop".into(),
                    json!({"reason": details["reason"], "at": at}),
                );
            }
            PenAction::Withdraw => {
                m.insert(
                    "withdrawal".into(),
                    json!({"reason": details["reason"], "at": at}),
                );
            }
            PenAction::Shipment => {
                let q = &details["actual_quantity"];
                let kg = q["value"].as_f64().and_then(|v| {
                    Unit::parse(q["unit"].as_str().unwrap_or(""))
                        .and_then(|u| Quantity::new(v, u).ok())
                        .and_then(|q| q.kg())
                });
                let share = record_mixture(m);
                m.insert(
                    "shipment".into(),
                    json!({
                        "actual_quantity": q,
                        "shipped_on": details["shipped_on"],
                        "actual_kg": substance_kg(kg, share),
                        "at": at,
                    }),
                );
            }
            PenAction::Expire | PenAction::ClearBySilence => {
                late = true;
                m.insert(
                    "by_silence".into(),
                    json!(*action == PenAction::ClearBySilence),
                );
            }
            PenAction::Acknowledge => {
                m.insert("acknowledged_at".into(), json!(at));
            }
        }
        let entry = history_entry(now, action.as_str(), actor, Some(from), to, details);
        if let Some(Value::Array(h)) = m.get_mut("history") {
            h.push(entry);
        } else {
            m.insert("history".into(), json!([entry]));
        }
        m.insert("updated_at".into(), json!(at));
    }
    if to == PenStatus::NoObjection {
        issue_label(app, tx, row, record, now)?;
    }
    let next = PenRow {
        status: to.as_str().into(),
        reply_deadline: deadline,
        late,
        body: interdict_audit::canonical_json(record),
        updated_at: now,
        ..row.clone()
    };
    if !tx.update_pen(&next, &row.status)? {
        return Err(AppError::Conflict(format!(
            "notification {} was changed by someone else; read it again",
            row.id
        )));
    }
    let resource = pen_resource(&row.id);
    let owner = row.owner_organisation.as_deref();
    let action_name = match action {
        PenAction::Reply(d) => format!("reply:{}", d.as_str()),
        other => other.as_str().to_string(),
    };
    match actor {
        Some(a) => audit::append(tx, a, &action_name, &resource, owner, record, now)?,
        None => audit::append_platform(tx, &action_name, &resource, owner, record, now)?,
    };
    Ok(record.clone())
}

fn record_mixture(m: &Map<String, Value>) -> Option<f64> {
    m.get("mixture_percent").and_then(Value::as_f64)
}

/// Signs the label of a cleared notification into its record (when its authority has a key
/// and the platform key is loaded; otherwise `label` stays null with the reason).
fn issue_label(
    app: &App,
    tx: &mut Tx<'_>,
    row: &PenRow,
    record: &mut Value,
    now: i64,
) -> Result<(), AppError> {
    let signer = match &row.owner_organisation {
        Some(o) => Some(o.clone()),
        None => tx
            .authority_keys()?
            .into_iter()
            .filter(|k| k.country == row.exporting_country && k.revoked_at.is_none())
            .map(|k| k.organisation)
            .next(),
    };
    let valid_until = record["valid_until"]
        .as_str()
        .map(|d| format!("{d}T23:59:59Z"))
        .unwrap_or_else(|| interdict_core::rfc3339(now + 90 * 86_400));
    let quantity = LabelQuantity {
        value: record["quantity"]["value"].as_f64().unwrap_or(0.0),
        unit: record["quantity"]["unit"]
            .as_str()
            .unwrap_or("kg")
            .to_string(),
    };
    let payload = Payload {
        pen: row.id.clone(),
        exporting_country: row.exporting_country.as_str().into(),
        importing_country: row.importing_country.as_str().into(),
        substance_id: record["substance"]["substance_id"].as_str().map(Into::into),
        cas: record["substance"]["cas"].as_str().map(Into::into),
        quantity,
        exporter: record["exporter"]["name"].as_str().unwrap_or("").into(),
        importer: record["importer"]["name"].as_str().unwrap_or("").into(),
        issued_at: interdict_core::rfc3339(now),
        valid_until,
        key_id: String::new(),
    };
    let signed = match (&signer, app.audit_key.get()) {
        (Some(org), Some(_)) => labels::sign_label(app, tx, org, payload)?,
        _ => None,
    };
    if let Value::Object(m) = record {
        match signed {
            Some((text, payload)) => {
                m.insert(
                    "label".into(),
                    json!({"label": text, "payload": payload, "issued_at": interdict_core::rfc3339(now)}),
                );
                m.remove("label_unavailable");
            }
            None => {
                m.insert("label".into(), Value::Null);
                m.insert(
                    "label_unavailable".into(),
                    json!("the exporting authority has no label key on the platform yet"),
                );
            }
        }
    }
    Ok(())
}

/// The label of a cleared notification (`GET /api/v1/pens/{id}/label`): signed at clearance,
/// or now if it could not be then, or again if its key was revoked since.
pub fn label(app: &App, actor: &Actor, id: &str, now: i64) -> Result<(String, Value), AppError> {
    sweep_deadlines(app, now)?;
    let scope = scope_of(actor)?;
    app.db.write_as(&scope, |tx| {
        let row = tx.pen(id)?.ok_or_else(|| not_found(id))?;
        if !pen::may_read(actor, &parties_of(&row)).allowed {
            return Err(not_found(id));
        }
        if !matches!(row.status.as_str(), "no_objection" | "shipped") {
            return Err(AppError::Conflict(format!(
                "notification {id} is `{}`: a label exists only once it is cleared (no_objection)",
                row.status
            )));
        }
        let mut record = parse_body(&row)?;
        let current = record["label"]["label"].as_str().map(str::to_string);
        let key_id = record["label"]["payload"]["key_id"]
            .as_str()
            .unwrap_or("")
            .to_string();
        if let Some(text) = current {
            if labels::key_is_live(tx, &key_id)? {
                return Ok((text, record["label"]["payload"].clone()));
            }
        }
        issue_label(app, tx, &row, &mut record, now)?;
        let Some(text) = record["label"]["label"].as_str().map(str::to_string) else {
            return Err(AppError::Unavailable(format!(
                "no label can be signed for {id}: {}",
                record["label_unavailable"].as_str().unwrap_or("no key")
            )));
        };
        let next = PenRow {
            body: interdict_audit::canonical_json(&record),
            updated_at: now,
            ..row.clone()
        };
        if !tx.update_pen(&next, &row.status)? {
            return Err(AppError::Conflict(format!(
                "notification {id} changed; try again"
            )));
        }
        audit::append(
            tx,
            actor,
            "label",
            &pen_resource(id),
            row.owner_organisation.as_deref(),
            &record,
            now,
        )?;
        Ok((text, record["label"]["payload"].clone()))
    })
}

/// Moves every notification whose deadline passed unanswered: `expired`, or `no_objection`
/// by silence where the corridor says so (with its label). The platform's clock calls this
/// continuously; reads call it too, so an answer is never older than the clock. Answers the
/// ids moved.
pub fn sweep_deadlines(app: &App, now: i64) -> Result<Vec<String>, AppError> {
    let day = today(now).to_string();
    let due = app.db.read(|tx| tx.pens_past_deadline(&day))?;
    if due.is_empty() {
        return Ok(Vec::new());
    }
    // One sweep at a time; the next one finds what this one moved.
    let _sweeping = app
        .sweeping
        .lock()
        .map_err(|_| AppError::Unavailable("the deadline sweep is poisoned".into()))?;
    let due = app.db.read(|tx| tx.pens_past_deadline(&day))?;
    let mut moved = Vec::new();
    // Many at once after a long pause (a server stopped over a holiday, an import of old
    // notifications): up to SWEEP_BATCH moved per transaction; a batch that meets a conflict
    // is moved one by one, so one notification moved elsewhere does not hold back the rest.
    for batch in due.chunks(SWEEP_BATCH) {
        let together = app.db.write(|tx| {
            let mut ids = Vec::new();
            for stale in batch {
                if let Some(id) = move_at_deadline(app, tx, &stale.id, &day, now)? {
                    ids.push(id);
                }
            }
            Ok::<_, AppError>(ids)
        });
        match together {
            Ok(ids) => moved.extend(ids),
            Err(AppError::Conflict(_)) => {
                for stale in batch {
                    match app
                        .db
                        .write(|tx| move_at_deadline(app, tx, &stale.id, &day, now))
                    {
                        Ok(Some(id)) => moved.push(id),
                        Ok(None) => {}
                        // Moved by someone else between the read and the write: fine.
                        Err(AppError::Conflict(_)) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
            Err(e) => return Err(e),
        }
    }
    if !moved.is_empty() {
        tracing::info!(count = moved.len(), "notifications moved at their deadline");
        app.context_changed();
    }
    Ok(moved)
}

/// How many notifications one transaction of the deadline sweep moves.
const SWEEP_BATCH: usize = 200;

/// Moves one notification whose reply deadline passed (expired, or cleared by silence, as its
/// corridor's policy says), if it still awaits a reply: its id then.
fn move_at_deadline(
    app: &App,
    tx: &mut interdict_store::Tx<'_>,
    id: &str,
    day: &str,
    now: i64,
) -> Result<Option<String>, AppError> {
    // Read again inside the transaction: another server may have moved it.
    let Some(row) = tx.pen_unscoped(id)? else {
        return Ok(None);
    };
    let Ok(status) = row.status.parse::<PenStatus>() else {
        return Ok(None);
    };
    if !status.awaits_reply() || row.reply_deadline.as_str() >= day {
        return Ok(None);
    }
    let policy = policy_in(tx, row.exporting_country, row.importing_country)?;
    let action = match policy.silence_means {
        SilenceMeans::Expired => PenAction::Expire,
        SilenceMeans::NoObjection => PenAction::ClearBySilence,
    };
    let to = pen::transition(status, &action).map_err(AppError::Conflict)?;
    let mut record = parse_body(&row)?;
    let details = json!({
        "reply_deadline": row.reply_deadline,
        "silence_means": policy.silence_means.as_str(),
    });
    apply(
        app,
        tx,
        &row,
        &mut record,
        &action,
        None,
        status,
        to,
        details,
        now,
    )
    .map(|_| Some(row.id.clone()))
}

/// Sets a corridor's policy (a secretariat admin).
pub fn put_corridor(
    app: &App,
    actor: &Actor,
    corridor: &str,
    policy: &CorridorPolicy,
    now: i64,
) -> Result<Value, AppError> {
    if !actor.is_coalition_admin() || actor.user.disabled {
        return Err(AppError::Forbidden(
            "only a secretariat admin sets corridor policies".into(),
        ));
    }
    let (exporting, importing) = pen::parse_corridor(corridor).map_err(invalid)?;
    policy.check().map_err(invalid)?;
    let id = format!("{exporting}-{importing}");
    let record = json!({
        "corridor": id,
        "exporting_country": exporting,
        "importing_country": importing,
        "reply_working_days": policy.reply_working_days,
        "silence_means": policy.silence_means.as_str(),
    });
    app.db.write(|tx| {
        tx.put_corridor(&id, &serde_json::to_string(policy).unwrap_or_default(), now)?;
        audit::append(
            tx,
            actor,
            "set",
            &corridor_resource(&id),
            None,
            &record,
            now,
        )?;
        Ok::<_, AppError>(())
    })?;
    Ok(record)
}

/// A corridor's policy (the default when none was set).
pub fn corridor(app: &App, corridor: &str) -> Result<Value, AppError> {
    let (exporting, importing) = pen::parse_corridor(corridor).map_err(invalid)?;
    let (policy, set) = app.db.read(|tx| {
        let id = format!("{exporting}-{importing}");
        let set = tx.corridor(&id)?.is_some();
        Ok::<_, AppError>((policy_in(tx, exporting, importing)?, set))
    })?;
    Ok(json!({
        "corridor": format!("{exporting}-{importing}"),
        "exporting_country": exporting,
        "importing_country": importing,
        "reply_working_days": policy.reply_working_days,
        "silence_means": policy.silence_means.as_str(),
        "default": !set,
    }))
}

/// Notifications per country, over what the caller may see: sent and received, median reply
/// time in days, answers given late or not at all, objections and queries. The needs
/// indicators and the UI read these.
pub fn statistics(app: &App, actor: &Actor, now: i64) -> Result<Value, AppError> {
    sweep_deadlines(app, now)?;
    let scope = scope_of(actor)?;
    let rows = app.db.read_as(&scope, |tx| {
        tx.search_pens(&PenFilter::default(), None, usize::MAX)
    })?;
    let mut by: std::collections::BTreeMap<CountryCode, CountryStats> = Default::default();
    let today_text = today(now).to_string();
    for (_, row) in &rows {
        let record = parse_body(row)?;
        by.entry(row.exporting_country).or_default().sent += 1;
        let r = by.entry(row.importing_country).or_default();
        r.received += 1;
        let overdue = row.late
            || (matches!(row.status.as_str(), "sent" | "acknowledged")
                && row.reply_deadline < today_text);
        if overdue {
            r.overdue += 1;
        }
        if record["reply"]["decision"] == json!("objection") || row.status == "objection" {
            r.objections += 1;
        }
        if record["history"]
            .as_array()
            .is_some_and(|h| h.iter().any(|e| e["details"]["decision"] == json!("query")))
        {
            r.queries += 1;
        }
        let sent = record["sent_at"].as_str().and_then(seconds_of);
        let answered = record["answered_at"].as_str().and_then(seconds_of);
        if let (Some(s), Some(a)) = (sent, answered) {
            r.reply_days.push((a - s) as f64 / 86_400.0);
            r.answered += 1;
            let deadline = record["reply_deadline"].as_str().unwrap_or("");
            let answered_on = today(a).to_string();
            if answered_on.as_str() > deadline {
                r.answered_late += 1;
            }
        }
    }
    let countries: Vec<Value> = by
        .into_iter()
        .map(|(country, mut s)| {
            s.reply_days.sort_by(f64::total_cmp);
            let median = median(&s.reply_days);
            json!({
                "country": country,
                "sent": s.sent,
                "received": s.received,
                "answered": s.answered,
                "median_reply_days": median,
                "answered_late": s.answered_late,
                "overdue": s.overdue,
                "objections": s.objections,
                "queries": s.queries,
            })
        })
        .collect();
    Ok(json!({"countries": countries, "notifications": rows.len()}))
}

#[derive(Default)]
struct CountryStats {
    sent: u64,
    received: u64,
    answered: u64,
    answered_late: u64,
    overdue: u64,
    objections: u64,
    queries: u64,
    reply_days: Vec<f64>,
}

fn median(sorted: &[f64]) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len();
    let m = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    Some((m * 10.0).round() / 10.0)
}

/// Unix seconds of an RFC 3339 UTC time as this platform writes it (`…T…Z`).
fn seconds_of(t: &str) -> Option<i64> {
    let date = Date::parse(t.get(0..10)?).ok()?;
    let h: i64 = t.get(11..13)?.parse().ok()?;
    let m: i64 = t.get(14..16)?.parse().ok()?;
    let s: i64 = t.get(17..19)?.parse().ok()?;
    Some(date.day_number() * 86_400 + h * 3600 + m * 60 + s)
}

/// Imports notifications filed outside the platform (the PEN CSV of `interdict pens
/// import`) into the platform's records, keyed by their reference: a reference imported
/// before is updated (its status and quantities), never duplicated. Answers (created,
/// updated).
pub fn import_file(
    app: &App,
    actor: Option<&Actor>,
    source: &str,
    text: &str,
    now: i64,
) -> Result<(usize, usize), AppError> {
    if let Some(a) = actor {
        let d = interdict_domain::authz::decide(a, &interdict_domain::authz::Action::ImportLists);
        if !d.allowed {
            return Err(AppError::Forbidden(d.reason));
        }
    }
    let pens =
        interdict_screen::parse_pens(source, text).map_err(|e| AppError::invalid(source, e))?;
    let registry = app.registry();
    let result = app.db.write(|tx| {
        let (mut created, mut updated) = (0, 0);
        for p in &pens {
            let status = match p.status {
                interdict_screen::PenStatus::Pending => PenStatus::Sent,
                interdict_screen::PenStatus::NoObjection => PenStatus::NoObjection,
                interdict_screen::PenStatus::Objection => PenStatus::Objection,
                interdict_screen::PenStatus::Withdrawn => PenStatus::Withdrawn,
                interdict_screen::PenStatus::Awaiting => PenStatus::Acknowledged,
                interdict_screen::PenStatus::Expired => PenStatus::Expired,
                interdict_screen::PenStatus::Stopped => PenStatus::Stopped,
                interdict_screen::PenStatus::Shipped => PenStatus::Shipped,
            };
            let listed = registry.by_cas(p.cas).map(|(s, _)| s);
            let id = p.reference.trim().to_string();
            let deadline = pen::add_working_days(p.date, pen::DEFAULT_REPLY_WORKING_DAYS, &|d| {
                is_holiday(p.importer_country, d)
            });
            let record = json!({
                "id": id,
                "status": status.as_str(),
                "by_silence": false,
                "source": "import",
                "imported_from": source,
                "exporting_country": p.exporter_country,
                "importing_country": p.importer_country,
                "transit_countries": [],
                "exporter": {"name": p.exporter_name, "address": "", "country": p.exporter_country},
                "importer": {"name": p.importer_name, "address": "", "country": p.importer_country},
                "substance": {
                    "substance_id": listed.map(|s| s.id.clone()),
                    "name": listed.map(|s| s.name.clone()),
                    "cas": p.cas.to_string(),
                    "lists": listed.map(|s| s.control_ids()).unwrap_or_default(),
                    "resolved_by": "cas",
                },
                "quantity": {"value": p.quantity_kg, "unit": "kg"},
                "quantity_kg": p.quantity_kg,
                "substance_kg": p.quantity_kg,
                "sent_at": interdict_core::rfc3339(p.date.day_number() * 86_400),
                "sent_on": p.date.to_string(),
                "reply_deadline": deadline.to_string(),
                "valid_until": p.valid_until.map(|d| d.to_string()),
                "label": null,
                "history": [history_entry(now, "import", actor, None, status, json!({"source": source}))],
                "updated_at": interdict_core::rfc3339(now),
            });
            let row = PenRow {
                id: id.clone(),
                owner_organisation: None,
                exporting_country: p.exporter_country,
                importing_country: p.importer_country,
                transit_countries: Vec::new(),
                status: status.as_str().into(),
                reply_deadline: deadline.to_string(),
                late: false,
                source: "import".into(),
                body: interdict_audit::canonical_json(&record),
                created_at: now,
                updated_at: now,
            };
            let action = match tx.pen_unscoped(&id)? {
                None => {
                    tx.insert_pen(&row)?;
                    created += 1;
                    "import"
                }
                Some(old) if old.source == "import" => {
                    if old.body == row.body {
                        continue;
                    }
                    tx.update_pen(&row, &old.status)?;
                    updated += 1;
                    "import:update"
                }
                Some(_) => {
                    return Err(AppError::Conflict(format!(
                        "{id} is a notification filed on the platform; an import cannot replace it"
                    )))
                }
            };
            audit::append_change(tx, actor, action, &pen_resource(&id), None, &record)?;
        }
        Ok((created, updated))
    })?;
    app.context_changed();
    Ok(result)
}

/// The notifications as screening's context sees them (live status, what already shipped).
pub fn for_screening(tx: &mut Tx<'_>) -> Result<Vec<interdict_screen::Pen>, AppError> {
    let mut out = Vec::new();
    for row in tx.pens_unscoped()? {
        let record = parse_body(&row)?;
        let Some(cas) = record["substance"]["cas"]
            .as_str()
            .and_then(|c| interdict_core::Cas::parse(c).ok())
        else {
            continue;
        };
        use interdict_screen::PenStatus as S;
        let status = match row.status.as_str() {
            "sent" | "acknowledged" | "query" => S::Awaiting,
            "no_objection" => S::NoObjection,
            "objection" => S::Objection,
            "withdrawn" => S::Withdrawn,
            "expired" => S::Expired,
            "stopped" => S::Stopped,
            "shipped" => S::Shipped,
            _ => continue,
        };
        // An imported notification keeps the meaning its file gave `pending`.
        let status = if row.source == "import" && row.status == "sent" {
            S::Pending
        } else {
            status
        };
        let date = record["sent_on"]
            .as_str()
            .and_then(|d| Date::parse(d).ok())
            .unwrap_or_else(|| today(row.created_at));
        out.push(interdict_screen::Pen {
            reference: row.id.clone(),
            date,
            exporter_country: row.exporting_country,
            importer_country: row.importing_country,
            exporter_name: record["exporter"]["name"].as_str().unwrap_or("").into(),
            importer_name: record["importer"]["name"].as_str().unwrap_or("").into(),
            cas,
            quantity_kg: record["quantity_kg"].as_f64().unwrap_or(0.0),
            status,
            valid_until: record["valid_until"]
                .as_str()
                .and_then(|d| Date::parse(d).ok()),
            shipped_kg: record["shipment"]["actual_kg"].as_f64().unwrap_or(0.0),
        });
    }
    Ok(out)
}

/// The notifications the caller may export (analysts and above): those its authority sees,
/// with their history, for `interdict export parquet --what pens`.
pub fn export(app: &App, actor: &Actor, now: i64) -> Result<Vec<Value>, AppError> {
    let decision = interdict_domain::sharing::may_export(actor);
    if !decision.allowed {
        return Err(AppError::Forbidden(decision.reason));
    }
    sweep_deadlines(app, now)?;
    let scope = scope_of(actor)?;
    let rows = app.db.read_as(&scope, |tx| {
        tx.search_pens(&PenFilter::default(), None, usize::MAX)
    })?;
    let mut out = Vec::with_capacity(rows.len());
    for (_, row) in rows.into_iter().rev() {
        out.push(answer(&row, now)?);
    }
    Ok(out)
}
