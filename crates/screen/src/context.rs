//! What screening knows besides the declaration: annual legitimate requirements (ALR),
//! pre-export notifications (PEN), route risk, flag weights. Parsed from CSV text here; where the
//! text comes from (files, the data directory) is the caller's business.

use std::collections::HashMap;

use interdict_core::{is_iso2, CountryCode, Date};
use interdict_registry::{Cas, Registry};
use serde::{Deserialize, Serialize};

use crate::code::FlagCode;
use crate::declaration::is_port_code;

/// A context file that does not read, with the line and reason.
#[derive(Debug, thiserror::Error)]
#[error("{file}, line {line}: {reason}")]
pub struct ContextError {
    pub file: String,
    pub line: u64,
    pub reason: String,
}

/// A CSV row: its line number, fields by lower-cased column name (trimmed).
struct Row {
    line: u64,
    fields: HashMap<String, String>,
}

impl Row {
    /// The field, or "" when the column is absent (required columns are checked up front).
    fn get(&self, column: &str) -> &str {
        self.fields.get(column).map_or("", String::as_str)
    }

    /// An error at this row.
    fn error(&self, file: &str, reason: String) -> ContextError {
        ContextError {
            file: file.into(),
            line: self.line,
            reason,
        }
    }
}

fn rows(file: &str, text: &str, required: &[&str]) -> Result<Vec<Row>, ContextError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| ContextError {
            file: file.into(),
            line: 1,
            reason: format!("unreadable header: {e}"),
        })?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    for r in required {
        if !headers.iter().any(|h| h == r) {
            return Err(ContextError {
                file: file.into(),
                line: 1,
                reason: format!("missing column `{r}`"),
            });
        }
    }
    let mut out = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| ContextError {
            file: file.into(),
            line: e.position().map_or(0, |p| p.line()),
            reason: e.to_string(),
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        if rec.len() != headers.len() {
            let reason = if rec.iter().any(|f| f.contains('\n')) {
                format!("unterminated quote starting at line {line}: the quoted field runs on over the rows after it")
            } else {
                format!(
                    "{} fields where the header has {}",
                    rec.len(),
                    headers.len()
                )
            };
            return Err(ContextError {
                file: file.into(),
                line,
                reason,
            });
        }
        out.push(Row {
            line,
            fields: headers
                .iter()
                .cloned()
                .zip(rec.iter().map(|v| v.trim().to_string()))
                .collect(),
        });
    }
    Ok(out)
}

/// A quantity in kilograms as the value type accepts it (finite, ≥ 0, at most
/// [`interdict_core::MAX_QUANTITY`]), or why not.
fn quantity_kg(text: &str) -> Result<f64, String> {
    let shown = interdict_core::text::clip(text, 40);
    let q: f64 = text
        .parse()
        .map_err(|_| format!("field quantity_kg: `{shown}` is not a non-negative number"))?;
    interdict_core::Quantity::new(q, interdict_core::Unit::Kg)
        .map(|q| q.value)
        .map_err(|e| format!("field quantity_kg: `{shown}` refused: {e}"))
}

/// A file that yields no record: refused, as importing it would replace a loaded set with
/// nothing and screening would silently find nothing.
fn refuse_empty(file: &str, what: &str, n: usize) -> Result<(), ContextError> {
    if n == 0 {
        return Err(ContextError {
            file: file.into(),
            line: 1,
            reason: format!("no {what} in the file (a header only, or nothing readable)"),
        });
    }
    Ok(())
}

/// The key a quantity of a substance is counted under: the registry id when the CAS is known
/// (so that a salt's CAS counts towards its base), else the CAS itself.
pub fn substance_key(registry: &Registry, cas: Cas) -> String {
    registry
        .by_cas(cas)
        .map(|(s, _)| s.id.clone())
        .unwrap_or_else(|| cas.to_string())
}

/// One annual legitimate requirement.
///
/// Stored in the data directory as JSON (`{"country", "cas", "year", "quantity_kg"}`, the CAS
/// number as a hyphenated string), which is also what deserialises.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlrRow {
    pub country: CountryCode,
    pub cas: Cas,
    pub year: i32,
    pub quantity_kg: f64,
}

/// Parses the ALR CSV (`country, cas, year, quantity_kg`).
pub fn parse_alr(file: &str, text: &str) -> Result<Vec<AlrRow>, ContextError> {
    let mut out = Vec::new();
    let mut seen: HashMap<(CountryCode, Cas, i32), u64> = HashMap::new();
    for r in rows(file, text, &["country", "cas", "year", "quantity_kg"])? {
        let bad = |reason: String| r.error(file, reason);
        let country = CountryCode::parse(r.get("country")).map_err(|_| {
            bad(format!(
                "field country: `{}` is not an ISO alpha-2 code",
                r.get("country")
            ))
        })?;
        let cas = Cas::parse(r.get("cas")).map_err(|e| bad(format!("field cas: {e}")))?;
        let year: i32 = r
            .get("year")
            .parse()
            .ok()
            .filter(|y| (1900..=2200).contains(y))
            .ok_or_else(|| bad(format!("field year: `{}` is not a year", r.get("year"))))?;
        let quantity_kg = quantity_kg(r.get("quantity_kg")).map_err(bad)?;
        // One requirement per country, substance and year: with two, row order would decide
        // the verdict.
        if let Some(first) = seen.insert((country, cas, year), r.line) {
            return Err(bad(format!(
                "duplicate ALR for {country}, {cas}, {year}: already given on line {first}"
            )));
        }
        out.push(AlrRow {
            country,
            cas,
            year,
            quantity_kg,
        });
    }
    refuse_empty(file, "ALR rows", out.len())?;
    Ok(out)
}

/// The state of a pre-export notification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PenStatus {
    /// Imported from a file without an answer recorded: screened as covering.
    Pending,
    NoObjection,
    Objection,
    Withdrawn,
    /// A notification of the platform still awaiting the importing country's answer (sent,
    /// acknowledged, or queried): not cleared.
    Awaiting,
    /// The deadline passed unanswered where silence is not consent.
    Expired,
    /// A stop-shipment alert was raised.
    Stopped,
    /// Shipped (what shipped is in `shipped_kg`).
    Shipped,
}

/// One pre-export notification.
///
/// Stored in the data directory as JSON with dates as `YYYY-MM-DD` and the CAS number as a
/// hyphenated string (`valid_until` `null` or absent when open-ended); the same JSON is the
/// `pen` of NO_PEN evidence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pen {
    pub reference: String,
    pub date: Date,
    pub exporter_country: CountryCode,
    pub importer_country: CountryCode,
    pub exporter_name: String,
    pub importer_name: String,
    pub cas: Cas,
    pub quantity_kg: f64,
    pub status: PenStatus,
    pub valid_until: Option<Date>,
    /// What already shipped under it (recorded shipments), counted against its quantity.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub shipped_kg: f64,
}

fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

/// Parses the PEN CSV (`reference, date, exporter_country, importer_country, exporter_name,
/// importer_name, cas, quantity_kg, status, valid_until`).
pub fn parse_pens(file: &str, text: &str) -> Result<Vec<Pen>, ContextError> {
    let required = [
        "reference",
        "date",
        "exporter_country",
        "importer_country",
        "exporter_name",
        "importer_name",
        "cas",
        "quantity_kg",
        "status",
        "valid_until",
    ];
    let mut out = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for r in rows(file, text, &required)? {
        let bad = |reason: String| r.error(file, reason);
        if r.get("reference").is_empty() {
            return Err(bad("field reference: empty".into()));
        }
        let date = Date::parse(r.get("date")).map_err(|e| bad(format!("field date: {e}")))?;
        let valid_until = match r.get("valid_until") {
            "" => None,
            v => Some(Date::parse(v).map_err(|e| bad(format!("field valid_until: {e}")))?),
        };
        let country = |k: &str| {
            CountryCode::parse(r.get(k)).map_err(|_| {
                bad(format!(
                    "field {k}: `{}` is not an ISO alpha-2 code",
                    r.get(k)
                ))
            })
        };
        let exporter_country = country("exporter_country")?;
        let importer_country = country("importer_country")?;
        let cas = Cas::parse(r.get("cas")).map_err(|e| bad(format!("field cas: {e}")))?;
        let quantity_kg = quantity_kg(r.get("quantity_kg")).map_err(bad)?;
        if let Some(first) = seen.insert(r.get("reference").to_string(), r.line) {
            return Err(bad(format!(
                "duplicate PEN reference `{}`: already given on line {first}",
                interdict_core::text::clip(r.get("reference"), 60)
            )));
        }
        let status = match r.get("status").to_ascii_lowercase().as_str() {
            "pending" => PenStatus::Pending,
            "no_objection" => PenStatus::NoObjection,
            "objection" => PenStatus::Objection,
            "withdrawn" => PenStatus::Withdrawn,
            other => {
                return Err(bad(format!(
                    "field status: `{other}` is not pending, no_objection, objection or withdrawn"
                )))
            }
        };
        out.push(Pen {
            reference: r.get("reference").to_string(),
            date,
            exporter_country,
            importer_country,
            exporter_name: r.get("exporter_name").to_string(),
            importer_name: r.get("importer_name").to_string(),
            cas,
            quantity_kg,
            status,
            valid_until,
            shipped_kg: 0.0,
        });
    }
    refuse_empty(file, "PEN rows", out.len())?;
    Ok(out)
}

/// What a route rule names: a transit country or a port.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RouteKind {
    /// An ISO alpha-2 code, matched against the transit countries.
    Country,
    /// A UN/LOCODE, matched against the ports of loading and discharge.
    Port,
}

impl RouteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RouteKind::Country => "country",
            RouteKind::Port => "port",
        }
    }
}

/// A route element that is high-risk for a class of goods.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RouteRule {
    /// A substance class (`fentanyl-precursor`, `tableting-machine`) or `*` for any controlled goods.
    pub class: String,
    pub kind: RouteKind,
    /// Upper case: an ISO alpha-2 code, or a UN/LOCODE as declarations write it.
    pub code: String,
    pub reason: String,
}

/// Parses the route-risk CSV (`class, kind, code, reason`).
pub fn parse_route_risk(file: &str, text: &str) -> Result<Vec<RouteRule>, ContextError> {
    let mut out = Vec::new();
    for r in rows(file, text, &["class", "kind", "code"])? {
        let bad = |reason: String| r.error(file, reason);
        let kind_text = r.get("kind").to_ascii_lowercase();
        let mut code = r.get("code").to_ascii_uppercase();
        let kind = match kind_text.as_str() {
            "country" if is_iso2(&code) => {
                // One code per country (`UK` is `GB`), as declarations are read.
                if let Ok(c) = CountryCode::parse(&code) {
                    code = c.to_string();
                }
                RouteKind::Country
            }
            "port" if is_port_code(&code) => RouteKind::Port,
            "country" | "port" => {
                return Err(bad(format!(
                    "field code: `{code}` is not a valid {kind_text} code"
                )))
            }
            other => return Err(bad(format!("field kind: `{other}` is not country or port"))),
        };
        out.push(RouteRule {
            class: r.get("class").to_string(),
            kind,
            code,
            reason: r.get("reason").to_string(),
        });
    }
    Ok(out)
}

/// How much each flag adds to the risk score (0–100).
#[derive(Clone, Debug, PartialEq)]
pub struct Weights {
    /// By [`FlagCode::index`].
    by_code: [f64; FlagCode::ALL.len()],
}

impl Default for Weights {
    fn default() -> Self {
        let mut w = Weights {
            by_code: [0.0; FlagCode::ALL.len()],
        };
        for (code, weight) in [
            (FlagCode::ControlledPrecursor, 45.0),
            (FlagCode::ControlledDrug, 60.0),
            (FlagCode::ClassAnalog, 60.0),
            (FlagCode::DesignerPrecursor, 45.0),
            (FlagCode::HsMismatch, 20.0),
            (FlagCode::CasInvalid, 15.0),
            (FlagCode::CasNameConflict, 35.0),
            (FlagCode::VagueDescription, 20.0),
            (FlagCode::WatchlistParty, 70.0),
            (FlagCode::AlrExceeded, 40.0),
            (FlagCode::NoPen, 45.0),
            (FlagCode::TabletingMachine, 40.0),
            (FlagCode::RouteRisk, 20.0),
        ] {
            w.set(code, weight);
        }
        w
    }
}

impl Weights {
    /// The weight of a flag at full strength.
    pub fn get(&self, code: FlagCode) -> f64 {
        self.by_code.get(code.index()).copied().unwrap_or(0.0)
    }

    pub fn set(&mut self, code: FlagCode, weight: f64) {
        if let Some(w) = self.by_code.get_mut(code.index()) {
            *w = weight;
        }
    }

    /// Overrides weights from a CSV with columns `code, weight` (codes in any case).
    pub fn parse_overrides(&mut self, file: &str, text: &str) -> Result<(), ContextError> {
        for r in rows(file, text, &["code", "weight"])? {
            let bad = |reason: String| r.error(file, reason);
            let code_text = r.get("code").to_ascii_uppercase();
            let Some(code) = FlagCode::parse(&code_text) else {
                return Err(bad(format!("field code: `{code_text}` is not a flag code")));
            };
            let w: f64 = r
                .get("weight")
                .parse()
                .ok()
                .filter(|w: &f64| w.is_finite() && *w >= 0.0)
                .ok_or_else(|| {
                    bad(format!(
                        "field weight: `{}` is not a non-negative number",
                        r.get("weight")
                    ))
                })?;
            self.set(code, w);
        }
        Ok(())
    }
}

/// Everything screening needs besides the engines.
#[derive(Clone, Debug, Default)]
pub struct Context {
    pub alr: Vec<AlrRow>,
    pub pens: Vec<Pen>,
    pub route_risk: Vec<RouteRule>,
    pub weights: Weights,
    /// Importing countries that require a PEN for Table II exports too.
    pub pen_table_ii_countries: Vec<CountryCode>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEN_HEADER: &str = "reference,date,exporter_country,importer_country,exporter_name,importer_name,cas,quantity_kg,status,valid_until\n";

    #[test]
    fn alr_pens_and_routes_parse_with_line_numbers() {
        let alr = parse_alr(
            "alr.csv",
            "country,cas,year,quantity_kg\nMX,103-79-7,2025,100\nMX,103-79-8,2025,1\n",
        )
        .unwrap_err();
        assert!(
            alr.to_string().contains("alr.csv, line 3: field cas"),
            "{alr}"
        );
        let pens = parse_pens(
            "pens.csv",
            "reference,date,exporter_country,importer_country,exporter_name,importer_name,cas,quantity_kg,status,valid_until\n\
             PEN-1,2025-01-02,CN,MX,A,B,39742-60-4,500,no_objection,2025-12-31\n",
        )
        .unwrap();
        assert_eq!(pens[0].status, PenStatus::NoObjection);
        let err = parse_route_risk("r.csv", "class,kind,code,reason\n*,country,XX,\n").unwrap_err();
        assert!(err.to_string().contains("line 2"));
        let mut w = Weights::default();
        w.parse_overrides("w.csv", "code,weight\nroute_risk,5\n")
            .unwrap();
        assert_eq!(w.get(FlagCode::RouteRisk), 5.0);
    }

    #[test]
    fn bad_countries_are_refused_with_the_messages_of_before() {
        let e = parse_alr(
            "alr.csv",
            "country,cas,year,quantity_kg\nzz,103-79-7,2025,1\n",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "alr.csv, line 2: field country: `zz` is not an ISO alpha-2 code"
        );
        let e = parse_pens(
            "pens.csv",
            &format!("{PEN_HEADER}PEN-1,2025-01-02,CN,M€,A,B,39742-60-4,500,pending,\n"),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "pens.csv, line 2: field importer_country: `M€` is not an ISO alpha-2 code"
        );
        let rows = parse_alr(
            "alr.csv",
            "country,cas,year,quantity_kg\n mx ,103-79-7,2025,1\n",
        )
        .unwrap();
        assert_eq!(rows[0].country.as_str(), "MX");
    }

    #[test]
    fn bad_cas_and_dates_are_refused_at_import_naming_file_line_and_field() {
        let e = parse_pens(
            "pens.csv",
            &format!("{PEN_HEADER}PEN-1,2025-01-02,CN,MX,A,B,39742-60-5,500,pending,\n"),
        )
        .unwrap_err();
        assert_eq!(
            (e.file.as_str(), e.line, e.reason.split(':').next()),
            ("pens.csv", 2, Some("field cas"))
        );
        let e = parse_pens(
            "pens.csv",
            &format!(
                "{PEN_HEADER}PEN-1,2025-01-02,CN,MX,A,B,39742-60-4,500,pending,\n\
                 PEN-2,2025-01-02,CN,MX,A,B,39742-60-4,500,pending,2025-02-30\n"
            ),
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("pens.csv, line 3: field valid_until"),
            "{e}"
        );
        let e = parse_pens(
            "pens.csv",
            &format!("{PEN_HEADER}PEN-1,2025-13-02,CN,MX,A,B,39742-60-4,500,pending,\n"),
        )
        .unwrap_err();
        assert!(
            e.to_string().starts_with("pens.csv, line 2: field date"),
            "{e}"
        );
    }

    #[test]
    fn records_stored_with_string_cas_and_dates_still_read_and_write_the_same() {
        // As `interdict alr import` and `interdict pens import` stored them before the fields
        // were typed: the CAS number and dates as strings.
        let alr = r#"{"country":"MX","cas":"103-79-7","year":2025,"quantity_kg":100.0}"#;
        let row: AlrRow = serde_json::from_str(alr).unwrap();
        assert_eq!(row.cas, Cas::parse("103-79-7").unwrap());
        assert_eq!(serde_json::to_string(&row).unwrap(), alr);
        let pen = r#"{"reference":"PEN-1","date":"2025-01-02","exporter_country":"CN","importer_country":"MX","exporter_name":"A","importer_name":"B","cas":"39742-60-4","quantity_kg":500.0,"status":"no_objection","valid_until":"2025-12-31"}"#;
        let p: Pen = serde_json::from_str(pen).unwrap();
        assert_eq!(p.valid_until, Some(Date::parse("2025-12-31").unwrap()));
        assert_eq!(serde_json::to_string(&p).unwrap(), pen);
        let open = pen.replace(r#""valid_until":"2025-12-31""#, r#""valid_until":null"#);
        let p: Pen = serde_json::from_str(&open).unwrap();
        assert_eq!(p.valid_until, None);
        assert_eq!(serde_json::to_string(&p).unwrap(), open);
        // What the parsers produce is what is stored.
        let parsed = parse_pens(
            "p.csv",
            &format!(
                "{PEN_HEADER}PEN-1,2025-01-02,cn,MX,A,B,39742604,500,No_Objection,2025-12-31\n"
            ),
        )
        .unwrap();
        assert_eq!(serde_json::to_string(&parsed[0]).unwrap(), pen);
        // A corrupt stored value is an error, not silently dropped.
        assert!(serde_json::from_str::<Pen>(&pen.replace("39742-60-4", "39742-60-5")).is_err());
        assert!(serde_json::from_str::<AlrRow>(&alr.replace("103-79-7", "nonsense")).is_err());
        // Countries are typed too: a stored code reads as it was written, a bad one is refused.
        assert_eq!(
            (row.country.as_str(), p.exporter_country.as_str()),
            ("MX", "CN")
        );
        assert!(serde_json::from_str::<AlrRow>(&alr.replace("\"MX\"", "\"XX\"")).is_err());
    }

    #[test]
    fn multi_byte_port_codes_are_refused_not_sliced() {
        // Regression: `&code[..2]` panicked on a code whose second byte is inside a character.
        // A code with a non-ASCII place part was accepted (never matching a declaration's
        // port); it is refused now, like any code that is not two letters and three ASCII
        // letters or digits.
        for code in ["€AB", "NL€", "é€", "NL-#!"] {
            let text = format!("class,kind,code,reason\n*,port,{code},x\n");
            let e = parse_route_risk("r.csv", &text).unwrap_err();
            assert!(e.to_string().contains("field code"), "{e}");
        }
        let ok = parse_route_risk(
            "r.csv",
            "class,kind,code,reason\n*,port,mxzlo,x\nfentanyl-precursor,country,gt,hub\n",
        )
        .unwrap();
        assert_eq!(
            (ok[0].kind, ok[0].code.as_str(), ok[1].kind),
            (RouteKind::Port, "MXZLO", RouteKind::Country)
        );
        assert_eq!(
            serde_json::to_string(&ok[0]).unwrap(),
            r#"{"class":"*","kind":"port","code":"MXZLO","reason":"x"}"#
        );
    }

    /// Issue 18: duplicate keys are refused naming both lines (row order must not decide a
    /// verdict), a file without rows is refused (it would replace a loaded set with nothing),
    /// absurd quantities are refused, and an open quote is named with its line.
    #[test]
    fn duplicates_empty_files_absurd_quantities_and_open_quotes_are_refused() {
        let alr = "country,cas,year,quantity_kg\nMX,103-79-7,2025,100\nUS,103-79-7,2025,1\nMX,103-79-7,2025,5\n";
        let e = parse_alr("alr.csv", alr).unwrap_err().to_string();
        assert!(e.contains("line 4") && e.contains("line 2"), "{e}");
        let pens = format!(
            "{PEN_HEADER}P-1,2025-01-01,CN,MX,A,B,103-79-7,10,pending,\nP-1,2025-01-02,CN,MX,A,B,103-79-7,10,pending,\n"
        );
        let e = parse_pens("pens.csv", &pens).unwrap_err().to_string();
        assert!(
            e.contains("line 3") && e.contains("line 2") && e.contains("P-1"),
            "{e}"
        );
        for empty in [
            "",
            "country,cas,year,quantity_kg\n",
            "<html><body>502</body></html>",
        ] {
            assert!(parse_alr("alr.csv", empty).is_err(), "{empty:?}");
        }
        assert!(parse_pens("pens.csv", PEN_HEADER).is_err());
        let e = parse_alr(
            "alr.csv",
            "country,cas,year,quantity_kg\nMX,103-79-7,2025,1e400\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("quantity_kg"), "{e}");
        let e = parse_alr(
            "alr.csv",
            "country,cas,year,quantity_kg\nMX,103-79-7,2025,100\nMX,\"103-79-7,2026,1\nUS,103-79-7,2025,1\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("unterminated quote starting at line 3"), "{e}");
    }
}
