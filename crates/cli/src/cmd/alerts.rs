//! `interdict alerts`: aberration and first-detection alerts from incident records.

use std::io::{self, BufWriter, Write};

use anyhow::{bail, Context as _, Result};
use interdict_core::days_from_civil;
use interdict_ews::alerts::{alerts, AlertKind, Detector, Incident};
use interdict_ews::{
    EarsControl, EarsMethod, FarringtonControl, GlrControl, ThresholdMethod, Transform,
};
use std::sync::OnceLock;

use interdict_registry::{compact, Cas, Identifier, Registry};
use interdict_structure::{Classification, Engine, Options};
use serde_json::json;

use crate::cli::AlertsArgs;
use crate::exit;
use crate::output::Context;

fn day_of(text: &str) -> Result<i64, String> {
    let d = interdict_screen::Date::parse(text)?;
    Ok(days_from_civil(
        d.year,
        u32::from(d.month),
        u32::from(d.day),
    ))
}

pub fn run(ctx: &Context, args: &AlertsArgs) -> Result<u8> {
    let detector = match args.method.as_str() {
        name if name.starts_with("ears-") => {
            let Some(m) = EarsMethod::parse(name) else {
                bail!("unknown --method `{name}`")
            };
            Detector::Ears(
                m,
                EarsControl {
                    baseline: args.baseline,
                    min_sigma: args.min_sigma,
                    alpha: args.alpha,
                    range: None,
                },
            )
        }
        "cusum" => Detector::Cusum {
            k: args.k,
            h: args.h,
            trans: Transform::Standard,
        },
        "farrington" => {
            // The Noufaily settings: fewer false alarms than the original Farrington.
            let mut c = FarringtonControl::defaults((1, 1));
            c.no_periods = 10;
            c.past_weeks_not_included = 26;
            c.p_threshold_trend = 1.0;
            c.threshold_method = ThresholdMethod::NbPlugin;
            Detector::Farrington(c)
        }
        "glr-pois" => Detector::Glr(GlrControl::defaults((1, 1))),
        // The package's default: alpha = 1/θ of MASS::glm.nb, estimated per series.
        "glr-nb" => Detector::Glr(GlrControl {
            estimate_alpha: true,
            ..GlrControl::defaults((1, 1))
        }),
        other => bail!("unknown --method `{other}`"),
    };
    let since = args
        .since
        .as_deref()
        .map(day_of)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--since: {e}"))?;

    let registry = Registry::builtin();
    let identifier = Identifier::new(registry);
    let structures: OnceLock<Option<Engine>> = OnceLock::new();
    let mut reader = csv::Reader::from_path(&args.incidents)
        .with_context(|| format!("cannot open {}", args.incidents.display()))?;
    let headers = reader
        .headers()
        .with_context(|| format!("{}, line 1: unreadable header", args.incidents.display()))?
        .clone();
    let col = |n: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(n))
    };
    let (Some(dc), Some(cc), Some(sc)) = (col("date"), col("country"), col("substance")) else {
        bail!(
            "{}, line 1: columns date, country and substance are required",
            args.incidents.display()
        );
    };
    let mut incidents = Vec::new();
    let mut bad = 0u64;
    for (i, rec) in reader.records().enumerate() {
        let line = i + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                bad += 1;
                eprintln!("{}, line {line}: {e}", args.incidents.display());
                continue;
            }
        };
        let field = |c: usize| rec.get(c).unwrap_or("").trim().to_string();
        let day = match day_of(&field(dc)) {
            Ok(d) => d,
            Err(e) => {
                bad += 1;
                eprintln!("{}, line {line}, field date: {e}", args.incidents.display());
                continue;
            }
        };
        let country = field(cc).to_ascii_uppercase();
        if !interdict_core::is_iso2(&country) {
            bad += 1;
            eprintln!(
                "{}, line {line}, field country: `{country}` is not an ISO alpha-2 code",
                args.incidents.display()
            );
            continue;
        }
        let text = field(sc);
        if text.is_empty() {
            bad += 1;
            eprintln!(
                "{}, line {line}, field substance: empty",
                args.incidents.display()
            );
            continue;
        }
        // A SMILES (through the structure engine), a CAS number, a name the registry knows, a
        // relative of a listed substance, or as written.
        let structure = interdict_structure::looks_like_smiles(&text)
            .then(|| {
                structures
                    .get_or_init(|| structure_engine(registry))
                    .as_ref()
            })
            .flatten()
            .and_then(|engine| engine.classify_smiles(&text).ok());
        let (key, name, classes) = if let Some(c) = structure {
            from_structure(registry, &c)
        } else if let Some((s, _)) = Cas::parse(&text).ok().and_then(|c| registry.by_cas(c)) {
            (s.id.clone(), s.name.clone(), s.classes.clone())
        } else {
            let id = identifier.identify(&text);
            if let Some(m) = id.matches.first() {
                (
                    m.substance.id.clone(),
                    m.substance.name.clone(),
                    m.substance.classes.clone(),
                )
            } else if let Some(r) = id.related.first() {
                let classes: Vec<String> = r
                    .substance
                    .classes
                    .iter()
                    .filter(|c| !c.ends_with("precursor"))
                    .cloned()
                    .collect();
                (format!("name:{}", compact(&text)), text.clone(), classes)
            } else if let Some((class, _)) = id.class_names.first() {
                (
                    format!("name:{}", compact(&text)),
                    text.clone(),
                    vec![class.to_string()],
                )
            } else if let Ok(cas) = Cas::parse(&text) {
                (format!("cas:{cas}"), text.clone(), Vec::new())
            } else {
                (format!("name:{}", compact(&text)), text.clone(), Vec::new())
            }
        };
        incidents.push(Incident {
            day,
            country,
            substance: key,
            substance_name: name,
            classes,
        });
    }
    let found = alerts(&incidents, &detector, since)?;
    let mut out = BufWriter::new(io::stdout().lock());
    for (rank, a) in found.iter().enumerate() {
        let num = |x: f64| {
            if x.is_nan() {
                serde_json::Value::Null
            } else {
                json!((x * 1000.0).round() / 1000.0)
            }
        };
        writeln!(
            out,
            "{}",
            json!({"rank": rank + 1, "kind": if a.kind == AlertKind::Aberration { "aberration" } else { "first_detection" },
                   "substance": a.substance, "substance_name": a.substance_name, "region": a.region, "week": a.week,
                   "observed": a.observed, "expected": num(a.expected), "upperbound": num(a.upperbound),
                   "method": a.method, "explanation": a.explanation})
        )?;
    }
    out.flush()?;
    if !ctx.quiet {
        eprintln!(
            "{} incidents, {} alerts; {} records could not be read",
            incidents.len(),
            found.len(),
            bad
        );
    }
    Ok(if bad > 0 { exit::PARTIAL } else { exit::OK })
}

fn structure_engine(registry: &Registry) -> Option<Engine> {
    Engine::new(registry, Options::without_inchikey())
        .map_err(|e| tracing::warn!("structure engine unavailable: {e}"))
        .ok()
}

/// Key, display name and classes of a structure: the listed substance when there is one, otherwise
/// the canonical SMILES with the families the structure engine recognises (a fentanyl or nitazene
/// skeleton, whether or not a legal definition covers it), so new analogues are first detections.
fn from_structure(registry: &Registry, c: &Classification) -> (String, String, Vec<String>) {
    if let Some(s) = c.listed.first().and_then(|l| registry.get(&l.substance_id)) {
        return (s.id.clone(), s.name.clone(), s.classes.clone());
    }
    let mut classes = Vec::new();
    let definitions = c
        .classes
        .iter()
        .map(|m| m.definition)
        .chain(c.not_covered.iter().map(|n| n.definition));
    for family in definitions.filter_map(interdict_structure::family) {
        if !classes.iter().any(|c| c == family) {
            classes.push(family.to_string());
        }
    }
    let name = match classes.first() {
        Some(family) => format!("unlisted {family} {}", c.canonical_smiles),
        None => c.canonical_smiles.clone(),
    };
    (format!("smiles:{}", c.canonical_smiles), name, classes)
}
