//! Incidents as the contract defines them (`shared/spec/platform.md`, Incidents): what an
//! authority reports, checked field by field, and which of its parts are personal data.
//!
//! Resolution (substances through the registry and the structure engine, parties through the
//! watchlists) is the application layer's; this module holds the vocabulary, the checks and the
//! rule for what a caller who may not see personal data gets instead.

use interdict_core::{CountryCode, Date, Locode, Quantity, Unit};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::sharing::{Distribution, SharingRequest, Tlp};

macro_rules! words {
    ($(#[$m:meta])* $name:ident, $what:literal, [$($variant:ident = $text:literal),* $(,)?]) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),*
                }
            }
        }

        crate::identity::vocabulary!($name, $what);
    };
}

/// Also for the other records' vocabularies (`pen`).
pub(crate) use words;

words!(
    /// What happened.
    IncidentType, "incident type", [
    Seizure = "seizure",
    StoppedShipment = "stopped_shipment",
    SuspiciousOrder = "suspicious_order",
    DiversionAttempt = "diversion_attempt",
    IllicitLaboratory = "illicit_laboratory",
    Equipment = "equipment",
    Overdose = "overdose",
    DrugChecking = "drug_checking",
]);

impl IncidentType {
    /// Overdoses and drug-checking results form the public-health series, apart from seizures.
    pub fn is_public_health(self) -> bool {
        matches!(self, IncidentType::Overdose | IncidentType::DrugChecking)
    }
}

words!(
    /// Equipment for making tablets and capsules or running syntheses.
    EquipmentKind, "equipment kind", [
    TabletPress = "tablet_press",
    Encapsulator = "encapsulator",
    PunchesDies = "punches_dies",
    Reactor = "reactor",
    Other = "other",
]);

words!(
    /// A party's part in the incident. `person` is a natural person: their name, identifiers
    /// and date of birth are personal data.
    PartyRole, "party role", [
    Exporter = "exporter",
    Importer = "importer",
    Consignee = "consignee",
    Broker = "broker",
    Carrier = "carrier",
    Person = "person",
]);

/// A quantity as the contract writes it: `{"value": 25.0, "unit": "kg"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuantityInput {
    pub value: f64,
    pub unit: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PlaceInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A substance as reported: exactly one of `text`, `cas`, `smiles`, `substance_id`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SubstanceInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cas: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smiles: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub substance_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<QuantityInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purity_percent: Option<f64>,
}

/// Which form a reported substance takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubstanceForm {
    Text,
    Cas,
    Smiles,
    SubstanceId,
}

impl SubstanceInput {
    /// The one form given and its text.
    pub fn form(&self) -> Option<(SubstanceForm, &str)> {
        let given: Vec<(SubstanceForm, &str)> = [
            (SubstanceForm::Text, self.text.as_deref()),
            (SubstanceForm::Cas, self.cas.as_deref()),
            (SubstanceForm::Smiles, self.smiles.as_deref()),
            (SubstanceForm::SubstanceId, self.substance_id.as_deref()),
        ]
        .into_iter()
        .filter_map(|(f, t)| t.map(|t| (f, t)))
        .collect();
        match given.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EquipmentInput {
    pub kind: EquipmentKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub make: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartyInput {
    pub role: PartyRole,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<CountryCode>,
    /// Registration, passport or identity numbers, as written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<String>,
    /// A person's date of birth (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConveyanceInput {
    pub mode: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// An incident as reported (`POST /api/v1/incidents`; a line of a bulk import). Unknown fields
/// are refused, so a misspelt field is an error, not silently dropped data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentInput {
    #[serde(rename = "type")]
    pub kind: IncidentType,
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<CountryCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<PlaceInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_country: Option<CountryCode>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transit_countries: Vec<CountryCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_country: Option<CountryCode>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub substances: Vec<SubstanceInput>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub equipment: Vec<EquipmentInput>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<PartyInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conveyance: Option<ConveyanceInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modus_operandi: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concealment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A related pre-export notification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pen: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distribution: Option<Distribution>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub share_with: Vec<CountryCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tlp: Option<Tlp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub personal_data_distribution: Option<Distribution>,
    /// The reporter's own reference (the `id` column of a bulk import): importing it again
    /// finds the incident made the first time instead of a second one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// A field that is wrong, named as the contract's `details.field` (`substances[0].quantity.value`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

fn bad(field: impl Into<String>, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.into(),
        message: message.into(),
    }
}

/// Longest free text accepted in one field (descriptions are read by people, and searched).
pub const MAX_TEXT: usize = 16 * 1024;
/// Most substances, parties or equipment items one incident may list.
pub const MAX_ITEMS: usize = 200;

/// What an input comes to once checked: its date, country and quantities typed.
#[derive(Clone, Debug, PartialEq)]
pub struct Checked {
    pub date: Date,
    pub country: CountryCode,
    pub quantities: Vec<Option<Quantity>>,
    pub locode: Option<Locode>,
}

impl IncidentInput {
    /// Checks every field; `reporter_country` is where the incident happened when `country`
    /// is not given. The first wrong field is named.
    pub fn check(&self, reporter_country: Option<&CountryCode>) -> Result<Checked, FieldError> {
        let date = Date::parse(self.date.trim()).map_err(|e| bad("date", e))?;
        let country = match (&self.country, reporter_country) {
            (Some(c), _) => *c,
            (None, Some(c)) => *c,
            (None, None) => {
                return Err(bad(
                    "country",
                    "required: the reporting organisation has no country",
                ))
            }
        };
        let mut locode = None;
        if let Some(place) = &self.place {
            match (&place.locode, place.lat, place.lon) {
                (Some(l), None, None) => {
                    locode =
                        Some(Locode::parse(l).map_err(|e| bad("place.locode", e.to_string()))?);
                }
                (None, Some(lat), Some(lon)) => {
                    if !(-90.0..=90.0).contains(&lat) {
                        return Err(bad("place.lat", "must be between -90 and 90"));
                    }
                    if !(-180.0..=180.0).contains(&lon) {
                        return Err(bad("place.lon", "must be between -180 and 180"));
                    }
                }
                (None, None, None) if place.description.is_some() => {}
                _ => {
                    return Err(bad(
                        "place",
                        "give a locode, or lat and lon (with a description if you like)",
                    ))
                }
            }
            text_ok("place.description", place.description.as_deref())?;
        }
        for (field, list_len) in [
            ("substances", self.substances.len()),
            ("parties", self.parties.len()),
            ("equipment", self.equipment.len()),
            ("transit_countries", self.transit_countries.len()),
            ("share_with", self.share_with.len()),
        ] {
            if list_len > MAX_ITEMS {
                return Err(bad(field, format!("more than {MAX_ITEMS} items")));
            }
        }
        let mut quantities = Vec::new();
        for (i, s) in self.substances.iter().enumerate() {
            let field = format!("substances[{i}]");
            match s.form() {
                Some((_, text)) if text.trim().is_empty() => {
                    return Err(bad(field, "the substance is empty"))
                }
                Some((_, text)) if text.len() > MAX_TEXT => {
                    return Err(bad(field, format!("longer than {MAX_TEXT} bytes")))
                }
                Some(_) => {}
                None => {
                    return Err(bad(
                        field,
                        "give exactly one of text, cas, smiles or substance_id",
                    ))
                }
            }
            let quantity = match &s.quantity {
                None => None,
                Some(q) => {
                    let unit = Unit::parse(&q.unit).ok_or_else(|| {
                        bad(
                            format!("{field}.quantity.unit"),
                            format!(
                                "`{}` is not a unit (kg, g, t, l, ml, units)",
                                interdict_core::text::clip(&q.unit, 20)
                            ),
                        )
                    })?;
                    Some(
                        Quantity::new(q.value, unit)
                            .map_err(|e| bad(format!("{field}.quantity.value"), e.to_string()))?,
                    )
                }
            };
            quantities.push(quantity);
            if let Some(p) = s.purity_percent {
                if !(0.0..=100.0).contains(&p) {
                    return Err(bad(
                        format!("{field}.purity_percent"),
                        "must be between 0 and 100",
                    ));
                }
            }
        }
        for (i, p) in self.parties.iter().enumerate() {
            if p.name.trim().is_empty() {
                return Err(bad(format!("parties[{i}].name"), "is empty"));
            }
            if p.name.len() > 1024 {
                return Err(bad(format!("parties[{i}].name"), "longer than 1024 bytes"));
            }
            if let Some(d) = &p.date_of_birth {
                Date::parse(d.trim()).map_err(|e| bad(format!("parties[{i}].date_of_birth"), e))?;
            }
            if p.identifiers.len() > 20 {
                return Err(bad(format!("parties[{i}].identifiers"), "more than 20"));
            }
        }
        for (i, e) in self.equipment.iter().enumerate() {
            text_ok(&format!("equipment[{i}].make"), e.make.as_deref())?;
        }
        for (field, text) in [
            ("modus_operandi", self.modus_operandi.as_deref()),
            ("concealment", self.concealment.as_deref()),
            ("description", self.description.as_deref()),
            ("pen", self.pen.as_deref()),
            ("reference", self.reference.as_deref()),
        ] {
            text_ok(field, text)?;
        }
        if let Some(r) = &self.reference {
            if r.trim().is_empty() || r.len() > 200 {
                return Err(bad("reference", "must be 1 to 200 characters"));
            }
        }
        Ok(Checked {
            date,
            country,
            quantities,
            locode,
        })
    }

    /// The sharing the reporter asked for.
    pub fn sharing_request(&self) -> SharingRequest {
        SharingRequest {
            distribution: self.distribution,
            share_with: self.share_with.clone(),
            tlp: self.tlp,
            personal_data_distribution: self.personal_data_distribution,
        }
    }
}

fn text_ok(field: &str, text: Option<&str>) -> Result<(), FieldError> {
    match text {
        Some(t) if t.len() > MAX_TEXT => Err(bad(field, format!("longer than {MAX_TEXT} bytes"))),
        _ => Ok(()),
    }
}

/// The fields of a stored incident record (its JSON) that are personal data: for each party
/// that is a natural person, its name, identifiers, date of birth and the watchlist screening
/// of its name (which would repeat the name).
pub fn personal_data_paths(record: &Value) -> Vec<(usize, &'static str)> {
    let mut out = Vec::new();
    if let Some(parties) = record.get("parties").and_then(Value::as_array) {
        for (i, p) in parties.iter().enumerate() {
            if p.get("role").and_then(Value::as_str) == Some(PartyRole::Person.as_str()) {
                for field in ["name", "identifiers", "date_of_birth", "screening"] {
                    if p.get(field).is_some() {
                        out.push((i, field));
                    }
                }
            }
        }
    }
    out
}

/// Whether a record holds personal data at all (then reading it in full is audited).
pub fn has_personal_data(record: &Value) -> bool {
    !personal_data_paths(record).is_empty()
}

/// The record without its personal data, and the paths left out (`parties[1].name`), for a
/// caller who may read the record but not its personal data.
pub fn redact(record: &Value) -> (Value, Vec<String>) {
    let paths = personal_data_paths(record);
    let mut out = record.clone();
    let mut redacted = Vec::new();
    for (i, field) in paths {
        if let Some(party) = out
            .get_mut("parties")
            .and_then(Value::as_array_mut)
            .and_then(|ps| ps.get_mut(i))
            .and_then(Value::as_object_mut)
        {
            party.remove(field);
            redacted.push(format!("parties[{i}].{field}"));
        }
    }
    (out, redacted)
}

/// Equipment named in free text (a description, a modus operandi): tablet presses, pill
/// presses, punches and dies, encapsulators, reactors — so an incident that mentions a press
/// is found as one even when no equipment item was filled in.
pub fn equipment_mentioned(text: &str) -> Vec<EquipmentKind> {
    let lower = text.to_lowercase();
    let mut found = Vec::new();
    let mentions = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    if mentions(&[
        "tablet press",
        "pill press",
        "tableting machine",
        "tabletting machine",
        "tablet machine",
        "rotary press",
        "tdp-",
        "tdp ",
    ]) {
        found.push(EquipmentKind::TabletPress);
    }
    if mentions(&["encapsulat", "capsule filling", "capsule filler"]) {
        found.push(EquipmentKind::Encapsulator);
    }
    if mentions(&[
        "punches",
        "punch set",
        "dies ",
        " die ",
        "tablet die",
        "molds",
        "moulds",
    ]) {
        found.push(EquipmentKind::PunchesDies);
    }
    if mentions(&[
        "reactor",
        "reaction vessel",
        "glass-lined",
        "rotary evaporator",
        "rotavap",
    ]) {
        found.push(EquipmentKind::Reactor);
    }
    found
}

/// One line of a bulk import as read: its number, and the create body or the field and reason
/// it could not be read.
pub type ImportInput = (u64, Result<IncidentInput, (String, String)>);

/// Reads a JSON Lines import: one create body per non-empty line.
pub fn read_import_json_lines(text: &str) -> Vec<ImportInput> {
    interdict_core::lines::numbered(text)
        .map(|(n, l)| (n, l.trim()))
        .filter(|(_, l)| !l.is_empty())
        .map(|(line, l)| {
            let parsed = serde_json::from_str::<Value>(l)
                .map_err(|e| ("body".to_string(), format!("not valid JSON: {e}")))
                .and_then(|v| {
                    if v.is_object() {
                        parse_input(&v)
                    } else {
                        Err(("body".to_string(), "expected a JSON object".to_string()))
                    }
                });
            (line, parsed)
        })
        .collect()
}

/// Columns of the import CSV that hold lists (separated by `;`).
const LIST_COLUMNS: &[&str] = &["transit_countries", "share_with"];

/// Reads the bulk-import CSV: the columns of `interdict alerts --incidents` (`id`, `date`,
/// `country`, `substance`, `type`, `quantity`), where `id` is the reporter's reference and
/// `quantity` is in kilograms, plus any top-level field of the create body as a column (lists
/// separated by `;`).
pub fn read_import_csv(text: &str) -> Vec<ImportInput> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h
            .iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
            .collect(),
        Err(e) => return vec![(1, Err(("header".into(), format!("unreadable header: {e}"))))],
    };
    let mut out = Vec::new();
    let mut lines = LineCounter::new(text);
    for (i, record) in reader.records().enumerate() {
        let position = match &record {
            Ok(r) => r.position().cloned(),
            Err(e) => e.position().cloned(),
        };
        let line = match position {
            Some(p) => lines.line_at(p.byte()),
            None => lines.line.max(i as u64 + 2),
        };
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                out.push((line, Err(("line".into(), e.to_string()))));
                continue;
            }
        };
        if record.len() != headers.len() {
            out.push((
                line,
                Err((
                    "line".into(),
                    format!(
                        "{} fields where the header has {}",
                        record.len(),
                        headers.len()
                    ),
                )),
            ));
            continue;
        }
        let mut body = Map::new();
        let mut substance: Option<String> = None;
        let mut quantity: Option<String> = None;
        let mut failed = None;
        for (position, (h, v)) in headers.iter().zip(record.iter()).enumerate() {
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            match h.as_str() {
                "id" | "reference" => {
                    body.insert("reference".into(), json!(v));
                }
                "substance" => substance = Some(v.to_string()),
                "quantity" => quantity = Some(v.to_string()),
                list if LIST_COLUMNS.contains(&list) => {
                    let items: Vec<&str> = v
                        .split(';')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .collect();
                    body.insert(list.to_string(), json!(items));
                }
                "locode" => {
                    body.insert("place".into(), json!({ "locode": v }));
                }
                field => {
                    // JSON-valued columns (place, substances, parties …) are given as JSON.
                    let value = if v.starts_with('{') || v.starts_with('[') {
                        match serde_json::from_str::<Value>(v) {
                            Ok(j) => j,
                            Err(e) => {
                                // A column without a name is named by its place.
                                let name = if field.is_empty() {
                                    format!("column {}", position + 1)
                                } else {
                                    field.to_string()
                                };
                                failed = Some((name, format!("not valid JSON: {e}")));
                                break;
                            }
                        }
                    } else {
                        json!(v)
                    };
                    body.insert(field.to_string(), value);
                }
            }
        }
        if let Some(f) = failed {
            out.push((line, Err(f)));
            continue;
        }
        if let Some(s) = substance {
            let mut item = Map::new();
            item.insert("text".into(), json!(s));
            if let Some(q) = &quantity {
                match q.parse::<f64>() {
                    Ok(value) => {
                        item.insert("quantity".into(), json!({"value": value, "unit": "kg"}));
                    }
                    Err(_) => {
                        out.push((
                            line,
                            Err((
                                "quantity".into(),
                                format!("`{}` is not a number", interdict_core::text::clip(q, 30)),
                            )),
                        ));
                        continue;
                    }
                }
            }
            let list = body
                .entry("substances")
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = list {
                items.insert(0, Value::Object(item));
            }
        }
        body.entry("type").or_insert_with(|| json!("seizure"));
        out.push((line, parse_input(&Value::Object(body))));
    }
    out
}

/// The line of the file a CSV record starts on, from the byte offset the reader gives. Not
/// the reader's own line count: after a CRLF line end that offset points at the `\n` and the
/// count is one short, so every line of a spreadsheet's export was named one line early.
/// Offsets come in order, so the file is counted once.
struct LineCounter<'t> {
    bytes: &'t [u8],
    at: usize,
    line: u64,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> Self {
        LineCounter {
            bytes: text.as_bytes(),
            at: 0,
            line: 1,
        }
    }

    fn line_at(&mut self, byte: u64) -> u64 {
        let mut start = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        // The record starts after any line end the offset points at.
        while start < self.bytes.len() && matches!(self.bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        if start >= self.at {
            // A line ends at LF, CRLF, or a CR alone (old spreadsheet exports), as the CSV
            // reader's records do.
            let seg = &self.bytes[self.at..start];
            self.line += seg
                .iter()
                .enumerate()
                .filter(|&(k, &b)| b == b'\n' || (b == b'\r' && seg.get(k + 1) != Some(&b'\n')))
                .count() as u64;
            self.at = start;
        }
        self.line
    }
}

/// A create body as an [`IncidentInput`], the failing field named.
pub fn parse_input(value: &Value) -> Result<IncidentInput, (String, String)> {
    // Serde would read a struct from an array too, field by field in order.
    if !value.is_object() {
        return Err(("body".into(), "expected a JSON object".into()));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let at_root = path == "." || path.is_empty();
        let message = e.into_inner().to_string();
        // A required field that is absent is named itself, not the object missing it.
        let missing = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split_once('`'))
            .map(|(name, _)| name.to_string());
        let field = match (missing, at_root) {
            (Some(name), true) => name,
            (Some(name), false) => format!("{path}.{name}"),
            (None, true) => "body".to_string(),
            (None, false) => path,
        };
        (field, interdict_core::text::clip(&message, 300))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(json: &str) -> Result<IncidentInput, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn fields_are_checked_and_named() {
        let ok = input(r#"{"type":"seizure","date":"2025-03-01","substances":[{"cas":"39742-60-4","quantity":{"value":25,"unit":"kg"}}]}"#).unwrap();
        let mx = CountryCode::parse("MX").unwrap();
        let c = ok.check(Some(&mx)).unwrap();
        assert_eq!(c.country, mx);
        assert_eq!(c.quantities[0].unwrap().kg(), Some(25.0));

        let cases = [
            (r#"{"type":"seizure","date":"2025-02-30"}"#, "date"),
            (
                r#"{"type":"seizure","date":"2025-02-01","substances":[{"cas":"1","text":"x"}]}"#,
                "substances[0]",
            ),
            (
                r#"{"type":"seizure","date":"2025-02-01","substances":[{"text":"x","quantity":{"value":-1,"unit":"kg"}}]}"#,
                "substances[0].quantity.value",
            ),
            (
                r#"{"type":"seizure","date":"2025-02-01","substances":[{"text":"x","quantity":{"value":1,"unit":"bags"}}]}"#,
                "substances[0].quantity.unit",
            ),
            (
                r#"{"type":"seizure","date":"2025-02-01","place":{"locode":"XX"}}"#,
                "place.locode",
            ),
            (
                r#"{"type":"seizure","date":"2025-02-01","place":{"lat":91,"lon":0}}"#,
                "place.lat",
            ),
            (
                r#"{"type":"seizure","date":"2025-02-01","parties":[{"role":"person","name":" "}]}"#,
                "parties[0].name",
            ),
        ];
        for (json, field) in cases {
            let e = input(json).unwrap().check(Some(&mx)).unwrap_err();
            assert_eq!(e.field, field, "{json}");
        }
        assert!(input(r#"{"type":"party","date":"2025-02-01"}"#).is_err());
        assert!(input(r#"{"type":"seizure","date":"2025-02-01","colour":"red"}"#).is_err());
    }

    #[test]
    fn only_natural_persons_are_redacted() {
        let record = serde_json::json!({
            "parties": [
                {"role": "exporter", "name": "Hubei Chem Co", "identifiers": ["91420000"]},
                {"role": "person", "name": "Jane Roe", "identifiers": ["P1234567"], "date_of_birth": "1980-01-01", "country": "MX"}
            ]
        });
        let (out, paths) = redact(&record);
        assert_eq!(
            paths,
            [
                "parties[1].name",
                "parties[1].identifiers",
                "parties[1].date_of_birth"
            ]
        );
        assert_eq!(out["parties"][0]["name"], "Hubei Chem Co");
        assert!(out["parties"][1].get("name").is_none());
        assert_eq!(out["parties"][1]["country"], "MX");
        assert!(!serde_json::to_string(&out).unwrap().contains("Roe"));
    }

    #[test]
    fn presses_and_punches_are_recognised_in_text() {
        assert_eq!(
            equipment_mentioned("A TDP-5 tablet press and two punch sets"),
            [EquipmentKind::TabletPress, EquipmentKind::PunchesDies]
        );
        assert!(
            equipment_mentioned("new punches and dies for 'Captagon' logos")
                .contains(&EquipmentKind::PunchesDies)
        );
        assert!(equipment_mentioned("a 50 L glass-lined reactor").contains(&EquipmentKind::Reactor));
        assert!(equipment_mentioned("cocaine in bananas").is_empty());
    }

    #[test]
    fn import_lines_are_counted_at_lf_crlf_and_a_lone_cr() {
        let header = "id,date,country,substance,type,quantity";
        for sep in ["\n", "\r\n", "\r"] {
            let text = format!("{header}{sep}A,2024-01-03,US,Fentanyl,seizure,1{sep}B,2024-02-30,US,Fentanyl,seizure,1{sep}C,2024-01-05,US,Fentanyl,seizure,1{sep}");
            let lines: Vec<u64> = read_import_csv(&text).iter().map(|(l, _)| *l).collect();
            assert_eq!(lines, [2, 3, 4], "separator {sep:?}");
        }
    }

    #[test]
    fn a_column_without_a_name_is_named_by_its_place() {
        let text = "id,date,,type\nA,2024-01-03,{not json,seizure\n";
        let lines = read_import_csv(text);
        let (line, Err((field, message))) = &lines[0] else {
            panic!("{lines:?}");
        };
        assert_eq!((*line, field.as_str()), (2, "column 3"), "{message}");
    }
}
