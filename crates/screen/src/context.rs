//! What screening knows besides the declaration: annual legitimate requirements (ALR),
//! pre-export notifications (PEN), route risk, flag weights. Parsed from CSV text here; where the
//! text comes from (files, the data directory) is the caller's business.

use std::collections::HashMap;

use interdict_core::is_iso2;
use interdict_registry::{Cas, Registry};
use serde::{Deserialize, Serialize};

use interdict_core::Date;

/// A context file that does not read, with the line and reason.
#[derive(Debug, thiserror::Error)]
#[error("{file}, line {line}: {reason}")]
pub struct ContextError {
    pub file: String,
    pub line: u64,
    pub reason: String,
}

/// A CSV row by line number, fields by lower-cased column name.
type Row = (u64, HashMap<String, String>);

fn rows(file: &str, text: &str, required: &[&str]) -> Result<Vec<Row>, ContextError> {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
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
        out.push((
            line,
            headers
                .iter()
                .cloned()
                .zip(rec.iter().map(|v| v.trim().to_string()))
                .collect(),
        ));
    }
    Ok(out)
}

/// A finite number ≥ 0, or `None`.
fn non_negative(text: &str) -> Option<f64> {
    text.parse()
        .ok()
        .filter(|q: &f64| q.is_finite() && *q >= 0.0)
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlrRow {
    pub country: String,
    pub cas: String,
    pub year: i32,
    pub quantity_kg: f64,
}

/// Parses the ALR CSV (`country, cas, year, quantity_kg`).
pub fn parse_alr(file: &str, text: &str) -> Result<Vec<AlrRow>, ContextError> {
    let mut out = Vec::new();
    for (line, r) in rows(file, text, &["country", "cas", "year", "quantity_kg"])? {
        let bad = |reason: String| ContextError {
            file: file.into(),
            line,
            reason,
        };
        let country = r["country"].to_ascii_uppercase();
        if !is_iso2(&country) {
            return Err(bad(format!(
                "field country: `{}` is not an ISO alpha-2 code",
                r["country"]
            )));
        }
        let cas = Cas::parse(&r["cas"]).map_err(|e| bad(format!("field cas: {e}")))?;
        let year: i32 = r["year"]
            .parse()
            .ok()
            .filter(|y| (1900..=2200).contains(y))
            .ok_or_else(|| bad(format!("field year: `{}` is not a year", r["year"])))?;
        let quantity_kg = non_negative(&r["quantity_kg"]).ok_or_else(|| {
            bad(format!(
                "field quantity_kg: `{}` is not a non-negative number",
                r["quantity_kg"]
            ))
        })?;
        out.push(AlrRow {
            country,
            cas: cas.to_string(),
            year,
            quantity_kg,
        });
    }
    Ok(out)
}

/// The state of a pre-export notification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PenStatus {
    Pending,
    NoObjection,
    Objection,
    Withdrawn,
}

/// One pre-export notification.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pen {
    pub reference: String,
    pub date: String,
    pub exporter_country: String,
    pub importer_country: String,
    pub exporter_name: String,
    pub importer_name: String,
    pub cas: String,
    pub quantity_kg: f64,
    pub status: PenStatus,
    pub valid_until: Option<String>,
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
    for (line, r) in rows(file, text, &required)? {
        let bad = |reason: String| ContextError {
            file: file.into(),
            line,
            reason,
        };
        if r["reference"].is_empty() {
            return Err(bad("field reference: empty".into()));
        }
        let date = Date::parse(&r["date"]).map_err(|e| bad(format!("field date: {e}")))?;
        let valid_until = match r["valid_until"].as_str() {
            "" => None,
            v => Some(
                Date::parse(v)
                    .map_err(|e| bad(format!("field valid_until: {e}")))?
                    .to_string(),
            ),
        };
        let country = |k: &str| {
            let c = r[k].to_ascii_uppercase();
            if is_iso2(&c) {
                Ok(c)
            } else {
                Err(bad(format!(
                    "field {k}: `{}` is not an ISO alpha-2 code",
                    r[k]
                )))
            }
        };
        let exporter_country = country("exporter_country")?;
        let importer_country = country("importer_country")?;
        let cas = Cas::parse(&r["cas"]).map_err(|e| bad(format!("field cas: {e}")))?;
        let quantity_kg = non_negative(&r["quantity_kg"]).ok_or_else(|| {
            bad(format!(
                "field quantity_kg: `{}` is not a non-negative number",
                r["quantity_kg"]
            ))
        })?;
        let status = match r["status"].to_ascii_lowercase().as_str() {
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
            reference: r["reference"].clone(),
            date: date.to_string(),
            exporter_country,
            importer_country,
            exporter_name: r["exporter_name"].clone(),
            importer_name: r["importer_name"].clone(),
            cas: cas.to_string(),
            quantity_kg,
            status,
            valid_until,
        });
    }
    Ok(out)
}

/// A route element that is high-risk for a class of goods.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RouteRule {
    /// A substance class (`fentanyl-precursor`, `tableting-machine`) or `*` for any controlled goods.
    pub class: String,
    /// `country` (ISO alpha-2) or `port` (UN/LOCODE).
    pub kind: String,
    pub code: String,
    pub reason: String,
}

/// Parses the route-risk CSV (`class, kind, code, reason`).
pub fn parse_route_risk(file: &str, text: &str) -> Result<Vec<RouteRule>, ContextError> {
    let mut out = Vec::new();
    for (line, r) in rows(file, text, &["class", "kind", "code"])? {
        let bad = |reason: String| ContextError {
            file: file.into(),
            line,
            reason,
        };
        let kind = r["kind"].to_ascii_lowercase();
        let code = r["code"].to_ascii_uppercase();
        match kind.as_str() {
            "country" if is_iso2(&code) => {}
            "port" if code.len() == 5 && is_iso2(&code[..2]) => {}
            "country" | "port" => {
                return Err(bad(format!(
                    "field code: `{code}` is not a valid {kind} code"
                )))
            }
            other => return Err(bad(format!("field kind: `{other}` is not country or port"))),
        }
        out.push(RouteRule {
            class: r["class"].clone(),
            kind,
            code,
            reason: r.get("reason").cloned().unwrap_or_default(),
        });
    }
    Ok(out)
}

/// How much each flag adds to the risk score (0–100), and the level bands.
#[derive(Clone, Debug)]
pub struct Weights {
    pub by_code: HashMap<&'static str, f64>,
}

impl Default for Weights {
    fn default() -> Self {
        let by_code = [
            ("CONTROLLED_PRECURSOR", 45.0),
            ("CONTROLLED_DRUG", 60.0),
            ("CLASS_ANALOG", 60.0),
            ("DESIGNER_PRECURSOR", 45.0),
            ("HS_MISMATCH", 20.0),
            ("CAS_INVALID", 15.0),
            ("CAS_NAME_CONFLICT", 35.0),
            ("VAGUE_DESCRIPTION", 20.0),
            ("WATCHLIST_PARTY", 70.0),
            ("ALR_EXCEEDED", 40.0),
            ("NO_PEN", 45.0),
            ("TABLETING_MACHINE", 40.0),
            ("ROUTE_RISK", 20.0),
        ]
        .into_iter()
        .collect();
        Weights { by_code }
    }
}

impl Weights {
    /// Overrides weights from a CSV with columns `code, weight`.
    pub fn parse_overrides(&mut self, file: &str, text: &str) -> Result<(), ContextError> {
        for (line, r) in rows(file, text, &["code", "weight"])? {
            let bad = |reason: String| ContextError {
                file: file.into(),
                line,
                reason,
            };
            let code = r["code"].to_ascii_uppercase();
            let Some(key) = crate::FLAG_CODES.iter().find(|c| **c == code) else {
                return Err(bad(format!("field code: `{code}` is not a flag code")));
            };
            let w: f64 = r["weight"]
                .parse()
                .ok()
                .filter(|w: &f64| w.is_finite() && *w >= 0.0)
                .ok_or_else(|| {
                    bad(format!(
                        "field weight: `{}` is not a non-negative number",
                        r["weight"]
                    ))
                })?;
            self.by_code.insert(key, w);
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
    pub pen_table_ii_countries: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(w.by_code["ROUTE_RISK"], 5.0);
    }
}
