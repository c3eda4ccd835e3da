//! `interdict alerts`: aberration and first-detection alerts from incident records.

use std::io::{self, BufWriter, Write};

use anyhow::{bail, Context as _, Result};
use interdict_core::days_from_civil;
use interdict_ews::{alerts, AlertKind, Detector, Incident, Method, Overrides};
use interdict_registry::Registry;
use interdict_resolve::Resolver;
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
    let method: Method = args
        .method
        .parse()
        .map_err(|e| anyhow::anyhow!("--method: {e}"))?;
    // Farrington runs with Noufaily's settings; --alpha is the EARS significance level only.
    let detector = Detector::new(
        method,
        &Overrides {
            baseline: Some(args.baseline),
            min_sigma: Some(args.min_sigma),
            alpha: args.alpha.filter(|_| method.ears().is_some()),
            k: Some(args.k),
            h: Some(args.h),
            ..Overrides::noufaily()
        },
    )?;
    let since = args
        .since
        .as_deref()
        .map(day_of)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--since: {e}"))?;

    let resolver = Resolver::new(Registry::builtin());
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
        let resolved = resolver.resolve(&text);
        incidents.push(Incident {
            day,
            country,
            substance: resolved.key,
            substance_name: resolved.name,
            classes: resolved.classes,
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
