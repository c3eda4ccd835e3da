//! Early warning over incident records: read them (a CSV of `date, country, substance`, other
//! columns ignored), resolve each substance through the one resolver, and run the detector over
//! the weekly series per substance and class, per country and coalition-wide.

use interdict_core::{CountryCode, Date};
use interdict_ews::{alerts, Alert, Detector, Incident};
use interdict_resolve::Resolver;

use crate::AppError;

/// A record that could not be used, with its line and field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: u64,
    pub field: Option<&'static str>,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.field {
            Some(field) => write!(f, "line {}, field {field}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// The incidents of a CSV with `date`, `country` and `substance` columns (any order, any case),
/// resolved; the records that could not be read are returned beside them.
pub fn read_incidents<R: std::io::Read>(
    resolver: &Resolver<'_>,
    input: R,
) -> Result<(Vec<Incident>, Vec<Problem>), AppError> {
    let mut reader = csv::Reader::from_reader(input);
    let headers = reader
        .headers()
        .map_err(|e| AppError::invalid("line 1", format!("unreadable header: {e}")))?
        .clone();
    let col = |n: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(n))
    };
    let (Some(dc), Some(cc), Some(sc)) = (col("date"), col("country"), col("substance")) else {
        return Err(AppError::invalid(
            "line 1",
            "columns date, country and substance are required",
        ));
    };
    // Optional columns, checked when present (issue 18): ids unique, a known type, a quantity
    // the value type accepts.
    let (ic, tc, qc) = (col("id"), col("type"), col("quantity"));
    let mut ids: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    let mut incidents = Vec::new();
    let mut problems = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let problem = |field, message: String| Problem {
            line,
            field,
            message,
        };
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                problems.push(problem(None, e.to_string()));
                continue;
            }
        };
        let field = |c: usize| rec.get(c).unwrap_or("").trim();
        let day = match Date::parse(field(dc)) {
            Ok(d) => d.day_number(),
            Err(e) => {
                problems.push(problem(Some("date"), e));
                continue;
            }
        };
        let country = match CountryCode::parse(field(cc)) {
            Ok(c) => c.to_string(),
            Err(_) => {
                let text = field(cc).to_ascii_uppercase();
                problems.push(problem(
                    Some("country"),
                    format!("`{text}` is not an ISO alpha-2 code"),
                ));
                continue;
            }
        };
        if let Some(t) = tc.map(field).filter(|t| !t.is_empty()) {
            // `drug-checking`, `Drug checking` and `drug_checking` are one type.
            let word = t.to_lowercase().replace(['-', ' '], "_");
            if let Err(e) = word.parse::<interdict_domain::incident::IncidentType>() {
                problems.push(problem(Some("type"), e.to_string()));
                continue;
            }
        }
        if let Some(q) = qc.map(field).filter(|q| !q.is_empty()) {
            let checked = q
                .parse::<f64>()
                .map_err(|_| "not a number".to_string())
                .and_then(|v| {
                    interdict_core::Quantity::new(v, interdict_core::Unit::Kg)
                        .map_err(|e| e.to_string())
                });
            if let Err(e) = checked {
                let shown = interdict_core::text::clip(q, 40);
                problems.push(problem(Some("quantity"), format!("`{shown}`: {e}")));
                continue;
            }
        }
        if let Some(id) = ic.map(field).filter(|id| !id.is_empty()) {
            if let Some(first) = ids.get(id) {
                let shown = interdict_core::text::clip(id, 60);
                problems.push(problem(
                    Some("id"),
                    format!("`{shown}` is already the id of line {first}"),
                ));
                continue;
            }
            if ids.len() < 1_000_000 {
                ids.insert(id.to_string(), line);
            }
        }
        let text = field(sc);
        if text.is_empty() {
            problems.push(problem(Some("substance"), "empty".into()));
            continue;
        }
        if text.len() > interdict_registry::MAX_TEXT_BYTES {
            problems.push(problem(
                Some("substance"),
                format!(
                    "{} bytes, more than the {} a substance may hold",
                    text.len(),
                    interdict_registry::MAX_TEXT_BYTES
                ),
            ));
            continue;
        }
        let resolved = resolver.resolve(text);
        incidents.push(Incident {
            day,
            country,
            substance: resolved.key,
            substance_name: resolved.name,
            classes: resolved.classes,
            coalition: true,
        });
    }
    Ok((incidents, problems))
}

/// Aberration and first-detection alerts, ranked.
pub fn run(
    incidents: &[Incident],
    detector: &Detector,
    since: Option<Date>,
) -> Result<Vec<Alert>, AppError> {
    alerts(incidents, detector, since.map(Date::day_number))
        .map_err(|e| AppError::invalid("method", e))
}
