//! Incidents shared between authorities (`shared/spec/platform.md`, Incidents): reported,
//! resolved (substances through the registry and the structure engine, parties through the
//! watchlists, equipment recognised), stored with what was reported and what it resolved to,
//! and read back only by those its sharing reaches — with personal data left out for those
//! who may read the record but not it. Every change is audited in its transaction; every read
//! of an amber or red record or of personal data is audited before it is answered, in a write
//! transaction that checks the record is still as read (see `read_audited`).

use interdict_core::CountryCode;
use interdict_domain::incident::{self, IncidentInput, SubstanceForm};
use interdict_domain::sharing::{self, ChangeDecision, Scope, Sharing};
use interdict_domain::Actor;
use interdict_store::{IncidentFilter, IncidentRow, StoreError};
use serde_json::{json, Map, Value};

use crate::audit;
use crate::records::put_sharing;
use crate::{App, AppError};
pub use interdict_domain::incident::{
    parse_input, read_import_csv, read_import_json_lines, ImportInput,
};

/// An incident as a caller gets it: the record (personal data left out where the caller may
/// not see it) with `redacted` naming what was left out.
pub type IncidentAnswer = Value;

fn invalid(e: incident::FieldError) -> AppError {
    AppError::Invalid {
        field: e.field,
        message: e.message,
    }
}

use crate::error::scope_of;

/// What one reported substance resolved to.
fn resolve_substance(
    app: &App,
    index: usize,
    item: &incident::SubstanceInput,
) -> Result<(Value, Vec<String>), AppError> {
    let field = |name: &str| format!("substances[{index}].{name}");
    let Some((form, text)) = item.form() else {
        return Err(AppError::invalid(
            format!("substances[{index}]"),
            "give exactly one of text, cas, smiles or substance_id",
        ));
    };
    let registry = app.registry();
    let mut structure = Value::Null;
    let resolved = match form {
        SubstanceForm::SubstanceId => {
            let Some(s) = registry.get(text.trim()) else {
                return Err(AppError::invalid(
                    field("substance_id"),
                    format!(
                        "`{}` is not a substance of the registry",
                        interdict_core::text::clip(text, 60)
                    ),
                ));
            };
            app.resolver().resolve(&s.name)
        }
        SubstanceForm::Cas => {
            let cas = interdict_core::Cas::parse(text.trim())
                .map_err(|e| AppError::invalid(field("cas"), e))?;
            app.resolver().resolve(&cas.to_string())
        }
        SubstanceForm::Smiles => {
            let engine = app
                .resolver()
                .structure_engine()
                .map_err(|e| AppError::Unavailable(format!("the structure engine: {e}")))?;
            let classification = engine
                .classify_smiles(text.trim())
                .map_err(|e| AppError::invalid(field("smiles"), e))?;
            structure = serde_json::to_value(&classification).unwrap_or(Value::Null);
            app.resolver().from_structure(&classification)
        }
        SubstanceForm::Text => app.resolver().resolve(text),
    };
    let listed = resolved
        .substance_id
        .as_deref()
        .and_then(|id| registry.get(id));
    let mut keys = vec![resolved.key.clone()];
    if let Some(s) = listed {
        keys.push(s.id.clone());
        if let Some(cas) = s.cas {
            keys.push(format!("cas:{cas}"));
        }
    }
    for class in &resolved.classes {
        keys.push(format!("class:{class}"));
    }
    let mut out = Map::new();
    out.insert("key".into(), json!(resolved.key));
    out.insert("substance_id".into(), json!(resolved.substance_id));
    out.insert("name".into(), json!(resolved.name));
    out.insert("classes".into(), json!(resolved.classes));
    out.insert("by".into(), json!(resolved.by));
    if let Some(parent) = &resolved.parent {
        out.insert("parent".into(), json!(parent));
    }
    if let Some(s) = listed {
        out.insert("cas".into(), json!(s.cas.map(|c| c.to_string())));
        out.insert("lists".into(), json!(s.control_ids()));
        out.insert("category".into(), json!(s.category));
    }
    if !structure.is_null() {
        out.insert("structure".into(), structure);
    }
    Ok((Value::Object(out), keys))
}

/// The resolved record and what its queries filter on.
struct Built {
    record: Value,
    keys: Vec<String>,
    search_text: String,
    checked: incident::Checked,
}

/// Checks and resolves a reported incident into its stored record (without id and times).
fn build(app: &App, input: &IncidentInput, owner: &Actor) -> Result<Built, AppError> {
    let checked = input
        .check(owner.organisation.country.as_ref())
        .map_err(invalid)?;
    let mut substances = Vec::new();
    let mut keys = Vec::new();
    let mut words: Vec<String> = Vec::new();
    for (i, item) in input.substances.iter().enumerate() {
        let (resolution, item_keys) = resolve_substance(app, i, item)?;
        if let Some(n) = resolution.get("name").and_then(Value::as_str) {
            words.push(n.to_string());
        }
        if let Some((_, t)) = item.form() {
            words.push(t.to_string());
        }
        keys.extend(item_keys);
        let mut s = serde_json::to_value(item).unwrap_or(Value::Null);
        if let (Value::Object(m), Some(q)) = (&mut s, checked.quantities[i]) {
            if let Some(kg) = q.kg() {
                m.insert("quantity_kg".into(), json!(kg));
            }
        }
        if let Value::Object(m) = &mut s {
            m.insert("resolved".into(), resolution);
        }
        substances.push(s);
    }
    let index = if input.parties.is_empty() {
        None
    } else {
        Some(app.index()?)
    };
    let mut parties = Vec::new();
    for p in &input.parties {
        let mut v = serde_json::to_value(p).unwrap_or(Value::Null);
        if p.role != incident::PartyRole::Person {
            words.push(p.name.clone());
        }
        if let (Some(index), Value::Object(m)) = (&index, &mut v) {
            let hits = index.search(
                &interdict_watchlist::Query {
                    name: &p.name,
                    country: p.country.as_ref().map(|c| c.as_str()),
                    schema: interdict_watchlist::Schema::Unknown,
                },
                interdict_watchlist::DEFAULT_THRESHOLD,
                5,
            );
            let matches = interdict_types::PartyMatchWire::from_matches(&hits);
            m.insert("screening".into(), json!({ "matches": matches }));
        }
        parties.push(v);
    }
    let mut text_fields = Vec::new();
    for t in [
        input.description.as_deref(),
        input.modus_operandi.as_deref(),
        input.concealment.as_deref(),
        input.place.as_ref().and_then(|p| p.description.as_deref()),
        input.conveyance.as_ref().and_then(|c| c.name.as_deref()),
    ]
    .into_iter()
    .flatten()
    {
        text_fields.push(t);
        words.push(t.to_string());
    }
    for e in &input.equipment {
        words.push(e.kind.as_str().replace('_', " "));
        if let Some(m) = &e.make {
            words.push(m.clone());
        }
    }
    let mentioned = incident::equipment_mentioned(&text_fields.join(" \n "));
    for kind in &mentioned {
        words.push(kind.as_str().replace('_', " "));
        keys.push(format!("equipment:{}", kind.as_str()));
    }
    for e in &input.equipment {
        keys.push(format!("equipment:{}", e.kind.as_str()));
    }
    let mut record = match serde_json::to_value(input) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    record.insert("country".into(), json!(checked.country));
    record.insert("substances".into(), Value::Array(substances));
    record.insert("parties".into(), Value::Array(parties));
    if !mentioned.is_empty() {
        record.insert("equipment_mentioned".into(), json!(mentioned));
    }
    if let Some(place) = record.get_mut("place").and_then(Value::as_object_mut) {
        if let Some(l) = &checked.locode {
            place.insert("locode".into(), json!(l.to_string()));
        }
    }
    words.push(input.kind.as_str().replace('_', " "));
    if let Some(r) = &input.reference {
        words.push(r.clone());
    }
    Ok(Built {
        record: Value::Object(record),
        keys,
        search_text: words.join(" \n ").to_lowercase(),
        checked,
    })
}

/// The stored row of a built record.
#[allow(clippy::too_many_arguments)]
fn row(
    id: &str,
    built: &Built,
    sharing: &Sharing,
    input: &IncidentInput,
    created_at: i64,
    updated_at: i64,
) -> IncidentRow {
    IncidentRow {
        id: id.to_string(),
        sharing: sharing.clone(),
        kind: input.kind.as_str().to_string(),
        date: built.checked.date.to_string(),
        country: built.checked.country,
        reference: input.reference.clone(),
        search_text: built.search_text.clone(),
        substance_keys: built.keys.clone(),
        body: interdict_audit::canonical_json(&built.record),
        created_at,
        updated_at,
    }
}

/// The full stored record: what was built plus id, owner, sharing and times.
fn finish(
    built: &mut Built,
    id: &str,
    sharing: &Sharing,
    created_at: i64,
    updated_at: i64,
    reported_by: &str,
) {
    if let Value::Object(m) = &mut built.record {
        m.insert("id".into(), json!(id));
        put_sharing(m, sharing);
        m.insert("reported_by".into(), json!(reported_by));
        m.insert(
            "created_at".into(),
            json!(interdict_core::rfc3339(created_at)),
        );
        m.insert(
            "updated_at".into(),
            json!(interdict_core::rfc3339(updated_at)),
        );
    }
}

/// Reports a new incident for the caller's organisation.
pub fn create(
    app: &App,
    actor: &Actor,
    input: &IncidentInput,
    now: i64,
) -> Result<IncidentAnswer, AppError> {
    let decision = sharing::may_create(actor);
    if !decision.allowed {
        return Err(AppError::Forbidden(decision.reason));
    }
    let sharing = input
        .sharing_request()
        .resolve(&actor.organisation)
        .map_err(|e| AppError::invalid(e.field, e.message))?;
    let built = build(app, input, actor)?;
    let scope = scope_of(actor)?;
    let created = app.db.write_as(&scope, |tx| {
        insert_one(tx, actor, input, &sharing, &built, now).map(|(answer, _)| answer)
    })?;
    Ok(created)
}

/// Inserts one built incident in `tx` (with its audit entry); an incident of the caller's
/// organisation with the same reference is returned instead (`false`: nothing was created).
fn insert_one(
    tx: &mut interdict_store::Tx<'_>,
    actor: &Actor,
    input: &IncidentInput,
    sharing: &Sharing,
    built: &Built,
    now: i64,
) -> Result<(IncidentAnswer, bool), AppError> {
    if let Some(reference) = &input.reference {
        if let Some(existing) = tx.incident_by_reference(reference)? {
            let record = parse_body(&existing)?;
            return Ok((answer(actor, &existing.sharing, record), false));
        }
    }
    // Named by where it happened and when, with a number drawn at random: numbers counted up
    // would tell a caller how many records of a country it cannot see.
    let mut built = Built {
        record: built.record.clone(),
        keys: built.keys.clone(),
        search_text: built.search_text.clone(),
        checked: built.checked.clone(),
    };
    let mut placed = None;
    for _ in 0..ID_DRAWS {
        let id = tx.draw_incident_id(built.checked.country.as_str(), built.checked.date.year)?;
        finish(&mut built, &id, sharing, now, now, &actor.user.id);
        let stored = row(&id, &built, sharing, input, now, now);
        if tx.insert_incident(&stored)?.is_some() {
            placed = Some((id, stored));
            break;
        }
    }
    let Some((id, stored)) = placed else {
        return Err(AppError::Unavailable(format!(
            "{ID_DRAWS} incident numbers in a row were taken for {} {}",
            built.checked.country, built.checked.date.year
        )));
    };
    audit::append(
        tx,
        actor,
        "create",
        &audit::incident_resource(&id),
        Some(&actor.organisation.id),
        &built.record,
        now,
    )?;
    let record = parse_body(&stored)?;
    Ok((answer(actor, sharing, record), true))
}

/// How many numbers are drawn for a new incident before giving up (a million per country and
/// year: at a hundred thousand taken, 20 draws all fail with a chance of 10^-20).
const ID_DRAWS: usize = 20;

fn parse_body(row: &IncidentRow) -> Result<Value, AppError> {
    serde_json::from_str(&row.body)
        .map_err(|e| AppError::corrupt(format!("incident {}", row.id), e))
}

/// The record as `actor` may see it: personal data left out (and named in `redacted`) unless
/// the record's personal-data distribution reaches the caller.
fn answer(actor: &Actor, sharing: &Sharing, record: Value) -> Value {
    if sharing::may_read_personal_data(actor, sharing).allowed {
        return record;
    }
    without_personal_data(&record)
}

/// The record with its personal data left out and named in `redacted`.
fn without_personal_data(record: &Value) -> Value {
    let (mut out, redacted) = incident::redact(record);
    if let Value::Object(m) = &mut out {
        m.insert("redacted".into(), json!(redacted));
    }
    out
}

/// Whether reading this record in full is audited: TLP amber and above, or personal data
/// shown.
fn read_is_audited(actor: &Actor, sharing: &Sharing, record: &Value) -> bool {
    sharing.tlp.read_is_audited()
        || (incident::has_personal_data(record)
            && sharing::may_read_personal_data(actor, sharing).allowed)
}

/// One incident, if the caller may read it (otherwise `not_found`, as if it did not exist).
pub fn get(app: &App, actor: &Actor, id: &str, now: i64) -> Result<IncidentAnswer, AppError> {
    let scope = scope_of(actor)?;
    read_audited(app, &scope, actor, "read", now, |tx| {
        let Some(found) = tx.incident(id)? else {
            return Err(not_found(id));
        };
        let record = parse_body(&found)?;
        let mut disclosed = Vec::new();
        if read_is_audited(actor, &found.sharing, &record) {
            disclosed.push(Disclosed::of(&found, &record));
        }
        Ok((answer(actor, &found.sharing, record), disclosed))
    })
}

/// An incident a read disclosed that the audit log must name: as it was read.
struct Disclosed {
    id: String,
    owner_organisation: String,
    /// The stored body as read, compared with the stored one when the entry is appended.
    body: String,
    record: Value,
}

impl Disclosed {
    fn of(row: &IncidentRow, record: &Value) -> Self {
        Disclosed {
            id: row.id.clone(),
            owner_organisation: row.sharing.owner_organisation.clone(),
            body: row.body.clone(),
            record: record.clone(),
        }
    }
}

/// Runs an audited read (amber and red records, personal data) without holding the write lane
/// for the read itself: `read` runs in a read transaction and names the incidents it disclosed;
/// their entries are then appended in a short write transaction, which first checks that each
/// is still as it was read. (A change committed in between would leave a later entry with an
/// older content's hash, and `audit verify` compares each record with its last entry.) If one
/// changed, `read` runs again inside a write transaction with its entries, as one. Nothing is
/// answered before its entries are committed. Searches used to run whole in the write lane, so
/// under load every search queued behind every other (`bench/load.sh`, BENCHMARKS.md).
fn read_audited<T>(
    app: &App,
    scope: &Scope,
    actor: &Actor,
    action: &str,
    now: i64,
    mut read: impl FnMut(&mut interdict_store::Tx<'_>) -> Result<(T, Vec<Disclosed>), AppError>,
) -> Result<T, AppError> {
    let (value, disclosed) = app.db.read_as(scope, |tx| read(tx))?;
    if disclosed.is_empty() {
        return Ok(value);
    }
    let appended = app.db.write_as(scope, |tx| {
        let ids: Vec<&str> = disclosed.iter().map(|d| d.id.as_str()).collect();
        let stored = tx.incident_bodies(&ids)?;
        if disclosed.iter().any(|d| stored.get(&d.id) != Some(&d.body)) {
            return Ok(false);
        }
        append_disclosed(tx, actor, action, &disclosed, now)?;
        Ok::<_, AppError>(true)
    })?;
    if appended {
        return Ok(value);
    }
    tracing::debug!(
        action,
        "a record changed while it was read; reading it again in the write transaction"
    );
    app.db.write_as(scope, |tx| {
        let (value, disclosed) = read(tx)?;
        append_disclosed(tx, actor, action, &disclosed, now)?;
        Ok(value)
    })
}

fn append_disclosed(
    tx: &mut interdict_store::Tx<'_>,
    actor: &Actor,
    action: &str,
    disclosed: &[Disclosed],
    now: i64,
) -> Result<(), AppError> {
    let resources: Vec<String> = disclosed
        .iter()
        .map(|d| audit::incident_resource(&d.id))
        .collect();
    let items: Vec<(&str, Option<&str>, &Value)> = disclosed
        .iter()
        .zip(&resources)
        .map(|(d, r)| (r.as_str(), Some(d.owner_organisation.as_str()), &d.record))
        .collect();
    audit::append_many(tx, actor, action, &items, now)?;
    Ok(())
}

fn not_found(id: &str) -> AppError {
    AppError::NotFound(format!("incident {}", interdict_core::text::clip(id, 60)))
}

/// Changes an incident (its owner's officers): the fields given replace the reported ones, the
/// whole is checked and resolved again.
pub fn update(
    app: &App,
    actor: &Actor,
    id: &str,
    patch: &Map<String, Value>,
    now: i64,
) -> Result<IncidentAnswer, AppError> {
    let scope = scope_of(actor)?;
    // Read first (outside the write) to build the new record, which may need the engines;
    // the write then checks the record is still the one read, and otherwise the change is
    // made again on the newer one — two changes at once must not overwrite each other.
    for _ in 0..UPDATE_ATTEMPTS {
        let current = app
            .db
            .read_as(&scope, |tx| tx.incident(id))?
            .ok_or_else(|| not_found(id))?;
        match sharing::may_change(actor, &current.sharing) {
            ChangeDecision::Allowed => {}
            ChangeDecision::Forbidden(reason) => return Err(AppError::Forbidden(reason)),
            ChangeDecision::NotFound => return Err(not_found(id)),
        }
        // Who may change it is decided first: a caller who may not gets 403 or 404, whatever
        // the body holds.
        for locked in [
            "id",
            "organisation",
            "owner_country",
            "reported_by",
            "created_at",
            "updated_at",
            "redacted",
            // The reporter's reference is what a later import of the same file finds the
            // incident by; it is kept as first given.
            "reference",
        ] {
            if patch.contains_key(locked) {
                return Err(AppError::invalid(locked, "is set by the platform"));
            }
        }
        let record = parse_body(&current)?;
        let mut reported = reported_input(&record);
        for (k, v) in patch {
            reported.insert(k.clone(), v.clone());
        }
        let input = parse_input(&Value::Object(reported))
            .map_err(|(field, message)| AppError::Invalid { field, message })?;
        let sharing = input
            .sharing_request()
            .resolve(&actor.organisation)
            .map_err(|e| AppError::invalid(e.field, e.message))?;
        let mut built = build(app, &input, actor)?;
        let created_at = current.created_at;
        let reported_by = record
            .get("reported_by")
            .and_then(Value::as_str)
            .unwrap_or(&actor.user.id)
            .to_string();
        finish(&mut built, id, &sharing, created_at, now, &reported_by);
        let mut stored = row(id, &built, &sharing, &input, created_at, now);
        stored.reference = current.reference.clone();
        let written = app.db.write_as(&scope, |tx| {
            match tx.incident(id)? {
                Some(now_stored) if now_stored.body == current.body => {}
                Some(_) => return Ok(false),
                None => return Err(not_found(id)),
            }
            tx.update_incident(&stored)?;
            audit::append(
                tx,
                actor,
                "update",
                &audit::incident_resource(id),
                Some(&actor.organisation.id),
                &built.record,
                now,
            )?;
            Ok::<_, AppError>(true)
        })?;
        if written {
            return Ok(answer(actor, &sharing, parse_body(&stored)?));
        }
    }
    Err(AppError::Conflict(format!(
        "incident {} kept changing while this change was made; try again",
        interdict_core::text::clip(id, 60)
    )))
}

/// How many times a change is made again on a record that others changed meanwhile.
const UPDATE_ATTEMPTS: usize = 20;

/// The fields of a stored record that were reported (what a change starts from).
fn reported_input(record: &Value) -> Map<String, Value> {
    const REPORTED: &[&str] = &[
        "type",
        "date",
        "country",
        "place",
        "origin_country",
        "transit_countries",
        "destination_country",
        "substances",
        "equipment",
        "parties",
        "conveyance",
        "modus_operandi",
        "concealment",
        "description",
        "pen",
        "distribution",
        "share_with",
        "tlp",
        "personal_data_distribution",
        "reference",
    ];
    let mut out = Map::new();
    if let Value::Object(m) = record {
        for k in REPORTED {
            if let Some(v) = m.get(*k) {
                out.insert((*k).to_string(), v.clone());
            }
        }
    }
    // What resolution added to substances and parties is the platform's, not reported.
    for (list, added) in [
        ("substances", &["resolved", "quantity_kg"][..]),
        ("parties", &["screening"][..]),
    ] {
        if let Some(items) = out.get_mut(list).and_then(Value::as_array_mut) {
            for item in items.iter_mut().filter_map(Value::as_object_mut) {
                for a in added {
                    item.remove(*a);
                }
            }
        }
    }
    out
}

/// Search parameters, as the contract names them.
#[derive(Clone, Debug, Default)]
pub struct Search {
    pub substance: Option<String>,
    pub class: Option<String>,
    pub country: Option<String>,
    pub kind: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub q: Option<String>,
}

/// One page of what the caller may see, newest first, and the cursor of the next page.
pub struct Page {
    pub items: Vec<IncidentAnswer>,
    pub next: Option<i64>,
}

/// The store's filter for the contract's search parameters, each checked and named.
fn filter_of(app: &App, params: &Search) -> Result<IncidentFilter, AppError> {
    for (field, value) in [("substance", &params.substance), ("class", &params.class)] {
        if value.as_deref().is_some_and(|v| v.len() > 1024) {
            return Err(AppError::invalid(field, "longer than 1024 bytes"));
        }
    }
    let mut filter = IncidentFilter::default();
    if let Some(s) = params
        .substance
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let resolved = app.resolver().resolve(s);
        filter
            .substance_keys
            .push(resolved.substance_id.unwrap_or(resolved.key));
    }
    if let Some(c) = params
        .class
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let registry = app.registry();
        let class = registry
            .class(c)
            .or_else(|| {
                registry
                    .classes()
                    .iter()
                    .find(|k| k.id.as_str().starts_with(c))
            })
            .ok_or_else(|| {
                AppError::invalid(
                    "class",
                    format!(
                        "`{}` is not a substance class; known: {}",
                        interdict_core::text::clip(c, 40),
                        registry
                            .classes()
                            .iter()
                            .map(|k| k.id.as_str().to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?;
        if !filter.substance_keys.is_empty() {
            return Err(AppError::invalid(
                "class",
                "give substance or class, not both",
            ));
        }
        filter
            .substance_keys
            .push(format!("class:{}", class.id.as_str()));
    }
    if let Some(c) = params.country.as_deref().filter(|s| !s.is_empty()) {
        filter.country = Some(CountryCode::parse(c).map_err(|e| AppError::invalid("country", e))?);
    }
    if let Some(k) = params.kind.as_deref().filter(|s| !s.is_empty()) {
        let kind: incident::IncidentType = k.parse().map_err(|e| AppError::invalid("type", e))?;
        filter.kind = Some(kind.as_str().to_string());
    }
    for (field, value, slot) in [
        ("from", &params.from, &mut filter.from),
        ("to", &params.to, &mut filter.to),
    ] {
        if let Some(d) = value.as_deref().filter(|s| !s.is_empty()) {
            let date =
                interdict_core::Date::parse(d.trim()).map_err(|e| AppError::invalid(field, e))?;
            *slot = Some(date.to_string());
        }
    }
    if let Some(q) = params.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        if q.len() > 200 {
            return Err(AppError::invalid("q", "longer than 200 bytes"));
        }
        filter.text = Some(q.to_lowercase());
    }
    Ok(filter)
}

/// Searches what the caller may read. Visibility is part of the query, so a page is full
/// whenever more visible rows exist, however many are hidden.
pub fn search(
    app: &App,
    actor: &Actor,
    params: &Search,
    before: Option<i64>,
    limit: usize,
    now: i64,
) -> Result<Page, AppError> {
    let scope = scope_of(actor)?;
    let filter = filter_of(app, params)?;
    let rows = read_audited(app, &scope, actor, "read", now, |tx| {
        let rows = tx.search_incidents(&filter, before, limit + 1)?;
        let mut disclosed = Vec::new();
        for (_, found) in rows.iter().take(limit) {
            let record = parse_body(found)?;
            if read_is_audited(actor, &found.sharing, &record) {
                disclosed.push(Disclosed::of(found, &record));
            }
        }
        Ok((rows, disclosed))
    })?;
    let next = (rows.len() > limit).then(|| rows[limit - 1].0);
    let items = rows
        .into_iter()
        .take(limit)
        .map(|(_, r)| parse_body(&r).map(|record| answer(actor, &r.sharing, record)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page { items, next })
}

/// The most records one export carries (larger sets are exported by date range).
pub const MAX_EXPORT: usize = 100_000;

/// A bulk export of what the caller may read (analysts and above), for `recipient` (an
/// organisation's id; the caller's own when absent). What leaves the platform follows the TLP
/// of each record: a record the recipient may not itself read goes only if it is TLP:CLEAR or
/// TLP:GREEN, and its personal data only where both the caller and the recipient may see it.
/// Every amber or red record exported is audited as an export.
pub fn export(
    app: &App,
    actor: &Actor,
    params: &Search,
    recipient: Option<&str>,
    now: i64,
) -> Result<Vec<Value>, AppError> {
    let decision = sharing::may_export(actor);
    if !decision.allowed {
        return Err(AppError::Forbidden(decision.reason));
    }
    let scope = scope_of(actor)?;
    let filter = filter_of(app, params)?;
    let recipient = match recipient.map(str::trim).filter(|r| !r.is_empty()) {
        None => actor.organisation.clone(),
        Some(id) => app.db.read(|tx| tx.organisation(id))?.ok_or_else(|| {
            AppError::invalid(
                "recipient",
                format!("no organisation `{}`", interdict_core::text::clip(id, 60)),
            )
        })?,
    };
    let receiving = Scope::of_organisation(&recipient);
    read_audited(app, &scope, actor, "export", now, |tx| {
        let mut out = Vec::new();
        let mut disclosed = Vec::new();
        let mut before = None;
        loop {
            let rows = tx.search_incidents(&filter, before, 1000)?;
            let Some((last, _)) = rows.last() else {
                break;
            };
            before = Some(*last);
            for (_, found) in &rows {
                let s = &found.sharing;
                let recipient_reads = sharing::reaches(s, s.distribution, &receiving).allowed;
                if !recipient_reads && !s.tlp.may_leave() {
                    continue;
                }
                let record = parse_body(found)?;
                let personal = sharing::may_read_personal_data(actor, s).allowed
                    && sharing::reaches(s, s.personal_data_distribution, &receiving).allowed;
                let answer = if personal {
                    record.clone()
                } else {
                    without_personal_data(&record)
                };
                if s.tlp.read_is_audited() || (personal && incident::has_personal_data(&record)) {
                    disclosed.push(Disclosed::of(found, &record));
                }
                out.push(answer);
                if out.len() >= MAX_EXPORT {
                    return Ok((out, disclosed));
                }
            }
            if rows.len() < 1000 {
                break;
            }
        }
        Ok((out, disclosed))
    })
}

/// Who can read an incident, in lists and in words.
pub fn visibility(app: &App, actor: &Actor, id: &str) -> Result<sharing::Visibility, AppError> {
    let scope = scope_of(actor)?;
    let (found, members) = app.db.read_as(&scope, |tx| {
        Ok::<_, StoreError>((tx.incident(id)?, tx.organisations()?))
    })?;
    let found = found.ok_or_else(|| not_found(id))?;
    Ok(sharing::visibility(&found.sharing, &members))
}

/// The sharing of an incident the caller may read (for its attachments).
pub(crate) fn readable(
    tx: &mut interdict_store::Tx<'_>,
    id: &str,
) -> Result<IncidentRow, AppError> {
    tx.incident(id)?.ok_or_else(|| not_found(id))
}

/// One line's outcome in a bulk import, in input order.
pub enum ImportLine {
    /// Created (`true`) or found from an earlier import of the same reference (`false`).
    Done {
        line: u64,
        record: Value,
        created: bool,
    },
    Failed {
        line: u64,
        field: String,
        message: String,
    },
}

/// Imports incidents, one per line (JSON Lines of the create body, or the CSV of `interdict
/// alerts --incidents` with any of the create body's fields as columns). Every line gets a
/// result or an error record, in order; the lines that are good are stored in one transaction,
/// so a failed request or a killed server leaves nothing half-imported, and importing the same
/// file again finds the incidents made the first time (by their `id` column, the reporter's
/// reference) instead of doubling them.
pub fn import(
    app: &App,
    actor: &Actor,
    lines: Vec<ImportInput>,
    now: i64,
) -> Result<Vec<ImportLine>, AppError> {
    let decision = sharing::may_create(actor);
    if !decision.allowed {
        return Err(AppError::Forbidden(decision.reason));
    }
    let scope = scope_of(actor)?;
    type Prepared = (
        u64,
        Result<(IncidentInput, Sharing, Built), (String, String)>,
    );
    let mut prepared: Vec<Prepared> = Vec::new();
    let mut references = std::collections::HashSet::new();
    for (line, item) in lines {
        let outcome = item.and_then(|input| {
            if let Some(r) = &input.reference {
                if !references.insert(r.clone()) {
                    return Err((
                        "id".to_string(),
                        format!(
                            "`{}` appears twice in this file",
                            interdict_core::text::clip(r, 60)
                        ),
                    ));
                }
            }
            let sharing = input
                .sharing_request()
                .resolve(&actor.organisation)
                .map_err(|e| (e.field.to_string(), e.message))?;
            let built = build(app, &input, actor).map_err(|e| match e {
                AppError::Invalid { field, message } => (field, message),
                other => ("body".to_string(), other.to_string()),
            })?;
            Ok((input, sharing, built))
        });
        prepared.push((line, outcome));
    }
    app.db.write_as(&scope, |tx| {
        let mut out = Vec::with_capacity(prepared.len());
        for (line, item) in &prepared {
            match item {
                Ok((input, sharing, built)) => {
                    let (record, created) = insert_one(tx, actor, input, sharing, built, now)?;
                    out.push(ImportLine::Done {
                        line: *line,
                        record,
                        created,
                    });
                }
                Err((field, message)) => out.push(ImportLine::Failed {
                    line: *line,
                    field: field.clone(),
                    message: message.clone(),
                }),
            }
        }
        Ok(out)
    })
}

impl ImportLine {
    /// The line's outcome as both shells print it: a result, or the error record of
    /// `declarations.md`.
    pub fn to_json(&self) -> Value {
        match self {
            ImportLine::Done {
                line,
                record,
                created,
            } => json!({
                "line": line,
                "status": if *created { "created" } else { "unchanged" },
                "id": record.get("id"),
                "incident": record,
            }),
            ImportLine::Failed {
                line,
                field,
                message,
            } => serde_json::to_value(
                interdict_types::ErrorRecord::invalid_record(format!(
                    "line {line}, field {field}: {message}"
                ))
                .with_line(*line),
            )
            .unwrap_or(Value::Null),
        }
    }
}

/// The largest attachment accepted (photographs and laboratory reports; a request body may be
/// no larger anyway).
pub const MAX_ATTACHMENT: usize = 10 * 1024 * 1024;

/// What an attachment's content is, recognised from its first bytes (never from the name or
/// the type the client claims): the kinds a seizure report carries.
pub fn content_type(bytes: &[u8]) -> Option<&'static str> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if starts(b"\xff\xd8\xff") {
        Some("image/jpeg")
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if starts(b"II*\0") || starts(b"MM\0*") {
        Some("image/tiff")
    } else if starts(b"%PDF-") {
        Some("application/pdf")
    } else if !bytes.is_empty()
        && std::str::from_utf8(bytes)
            .is_ok_and(|t| !t.chars().any(|c| c.is_control() && !c.is_whitespace()))
    {
        Some("text/plain")
    } else {
        None
    }
}

/// Attaches a file to an incident (its owner's officers). Stored by content hash (the same
/// content twice is one attachment); the type is recognised from the content and must agree
/// with the one declared, if any.
pub fn attach(
    app: &App,
    actor: &Actor,
    incident_id: &str,
    bytes: &[u8],
    declared_type: Option<&str>,
    filename: Option<&str>,
    now: i64,
) -> Result<Value, AppError> {
    let scope = scope_of(actor)?;
    if bytes.len() > MAX_ATTACHMENT {
        return Err(AppError::invalid(
            "body",
            format!("larger than {} MiB", MAX_ATTACHMENT >> 20),
        ));
    }
    let recognised = content_type(bytes).ok_or_else(|| {
        AppError::Unprocessable(
            "the content is not a PNG, JPEG, GIF, WebP or TIFF image, a PDF or plain text".into(),
        )
    })?;
    if let Some(declared) =
        declared_type.filter(|d| !d.is_empty() && *d != "application/octet-stream")
    {
        if declared != recognised {
            return Err(AppError::Unprocessable(format!(
                "the content is {recognised}, not {declared} as declared"
            )));
        }
    }
    if let Some(name) = filename {
        if name.len() > 255
            || name
                .chars()
                .any(|c| c.is_control() || c == '/' || c == '\\')
        {
            return Err(AppError::invalid(
                "filename",
                "at most 255 characters, no path or control characters",
            ));
        }
    }
    use sha2::Digest;
    let sha256 = crate::lists::hex(&sha2::Sha256::digest(bytes));
    app.db.write_as(&scope, |tx| {
        let found = readable(tx, incident_id)?;
        match sharing::may_change(actor, &found.sharing) {
            ChangeDecision::Allowed => {}
            ChangeDecision::Forbidden(reason) => return Err(AppError::Forbidden(reason)),
            ChangeDecision::NotFound => return Err(not_found(incident_id)),
        }
        if let Some(existing) = tx.attachment_by_hash(incident_id, &sha256)? {
            return serde_json::from_str(&existing.body)
                .map_err(|e| AppError::corrupt("attachment", e));
        }
        // Named after the incident and the content together: the same photograph attached to
        // two incidents is two attachments (one stored blob), and ids must not collide.
        let id = attachment_id(incident_id, &sha256);
        let record = json!({
            "id": id,
            "incident": incident_id,
            "sha256": sha256,
            "media_type": recognised,
            "size": bytes.len(),
            "filename": filename,
            "created_at": interdict_core::rfc3339(now),
        });
        let inserted = tx.insert_attachment(
            &interdict_store::AttachmentRow {
                id: id.clone(),
                incident_id: incident_id.to_string(),
                sha256: sha256.clone(),
                media_type: recognised.to_string(),
                size: bytes.len() as i64,
                filename: filename.map(str::to_string),
                body: interdict_audit::canonical_json(&record),
                created_at: now,
            },
            bytes,
        )?;
        if !inserted {
            // Attached at the same moment by another request, which committed first.
            return match tx.attachment_by_hash(incident_id, &sha256)? {
                Some(existing) => serde_json::from_str(&existing.body)
                    .map_err(|e| AppError::corrupt("attachment", e)),
                None => Err(AppError::corrupt(
                    "attachment",
                    format!("{id} exists for another incident or content"),
                )),
            };
        }
        audit::append(
            tx,
            actor,
            "create",
            &audit::attachment_resource(&id),
            Some(&found.sharing.owner_organisation),
            &record,
            now,
        )?;
        Ok(record)
    })
}

/// The id of the attachment of content `sha256` to `incident_id`: `att-` and 16 hex digits of
/// SHA-256 over both.
fn attachment_id(incident_id: &str, sha256: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("{incident_id}\n{sha256}").as_bytes());
    format!("att-{}", &crate::lists::hex(&digest)[..16])
}

/// The attachments of an incident the caller may read.
pub fn attachments(app: &App, actor: &Actor, incident_id: &str) -> Result<Vec<Value>, AppError> {
    let scope = scope_of(actor)?;
    app.db.read_as(&scope, |tx| {
        readable(tx, incident_id)?;
        tx.attachments_of(incident_id)?
            .iter()
            .map(|a| serde_json::from_str(&a.body).map_err(|e| AppError::corrupt("attachment", e)))
            .collect()
    })
}

/// An attachment's content and type, if the caller may read its incident. Reading the content
/// of an amber or red incident's attachment is audited.
pub fn attachment_content(
    app: &App,
    actor: &Actor,
    incident_id: &str,
    attachment_id: &str,
    now: i64,
) -> Result<(String, Vec<u8>), AppError> {
    let scope = scope_of(actor)?;
    app.db.write_as(&scope, |tx| {
        let found = readable(tx, incident_id)?;
        let Some(a) = tx
            .attachments_of(incident_id)?
            .into_iter()
            .find(|a| a.id == attachment_id)
        else {
            return Err(AppError::NotFound(format!(
                "attachment {}",
                interdict_core::text::clip(attachment_id, 60)
            )));
        };
        let content = tx
            .attachment_content(&a.sha256)?
            .ok_or_else(|| AppError::corrupt("attachment", "its content is missing"))?;
        if found.sharing.tlp.read_is_audited() {
            let record: Value =
                serde_json::from_str(&a.body).map_err(|e| AppError::corrupt("attachment", e))?;
            audit::append(
                tx,
                actor,
                "read",
                &audit::attachment_resource(&a.id),
                Some(&found.sharing.owner_organisation),
                &record,
                now,
            )?;
        }
        Ok((a.media_type, content))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<u64> {
        read_import_csv(text).into_iter().map(|(l, _)| l).collect()
    }

    #[test]
    fn a_missing_field_is_named() {
        let field = |v: Value| parse_input(&v).map(|_| ()).unwrap_err().0;
        assert_eq!(field(json!({"type": "seizure"})), "date");
        assert_eq!(
            field(json!({"type": "seizure", "date": "2025-01-01", "equipment": [{"count": 2}]})),
            "equipment[0].kind"
        );
        assert_eq!(field(json!({"type": "seizure", "date": 5})), "date");
        assert_eq!(field(json!([1])), "body");
        assert_eq!(field(json!(["seizure", "2025-01-01"])), "body");
    }

    #[test]
    fn csv_lines_are_numbered_as_in_the_file_whatever_the_line_ends() {
        let lf = "id,date\nA,2025-01-01\n\"B\nb\",2025-01-02\n\nC,2025-01-03\n";
        assert_eq!(lines(lf), [2, 3, 6]);
        assert_eq!(lines(&lf.replace('\n', "\r\n")), [2, 3, 6]);
        assert_eq!(
            lines("\u{feff}id,date\r\nA,2025-01-01\r\nB,x,y\r\n"),
            [2, 3]
        );
    }
}
