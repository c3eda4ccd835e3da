//! `interdict detect`: one aberration-detection method over one series, or many in parallel.

use std::io::{self, BufWriter, Write};

use anyhow::{bail, Context as _, Result};
use interdict_ews::{
    cusum, ears, farrington, glrnb, CusumControl, EarsControl, EarsMethod, FarringtonControl,
    GlrControl, Point, PowerTransform, ThresholdMethod, Transform,
};

use crate::cli::DetectArgs;
use crate::exit;
use crate::output::Context;

/// One series of the input.
struct Series {
    id: Option<String>,
    y: Vec<f64>,
    dates: Option<Vec<i64>>,
}

/// Reads `[series,] t, [date,] observed`, checking that `t` runs 1, 2, 3, … within each series and
/// that counts are numbers. Without a `series` column the file is one series.
fn read_series(path: &std::path::Path) -> Result<Vec<Series>> {
    let mut r =
        csv::Reader::from_path(path).with_context(|| format!("cannot open {}", path.display()))?;
    let headers = r
        .headers()
        .with_context(|| format!("{}, line 1: unreadable header", path.display()))?
        .clone();
    let col = |n: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(n))
    };
    let (Some(tc), Some(oc)) = (col("t"), col("observed")) else {
        bail!(
            "{}, line 1: columns `t` and `observed` are required",
            path.display()
        );
    };
    let (dc, sc) = (col("date"), col("series"));
    let mut all: Vec<Series> = Vec::new();
    let mut seen: std::collections::HashSet<Option<String>> = std::collections::HashSet::new();
    let mut days: Vec<Vec<i64>> = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let line = i + 2;
        let rec = rec.with_context(|| format!("{}, line {line}", path.display()))?;
        let id = sc.map(|c| rec.get(c).unwrap_or("").trim().to_string());
        if all.last().is_none_or(|s| s.id != id) {
            if !seen.insert(id.clone()) {
                bail!(
                    "{}, line {line}, field series: rows of series `{}` must be contiguous",
                    path.display(),
                    id.unwrap_or_default()
                );
            }
            all.push(Series {
                id: id.clone(),
                y: Vec::new(),
                dates: None,
            });
            days.push(Vec::new());
        }
        let (series, series_days) = (
            all.last_mut().expect("pushed"),
            days.last_mut().expect("pushed"),
        );
        let expected = series.y.len() + 1;
        let t_text = rec.get(tc).unwrap_or("").trim();
        if t_text.parse::<usize>().ok() != Some(expected) {
            bail!(
                "{}, line {line}, field t: expected {expected}, found `{t_text}`",
                path.display()
            );
        }
        if let Some(dc) = dc {
            let d = rec.get(dc).unwrap_or("").trim();
            if !d.is_empty() {
                let date = interdict_screen::Date::parse(d).map_err(|e| {
                    anyhow::anyhow!("{}, line {line}, field date: {e}", path.display())
                })?;
                series_days.push(interdict_core::days_from_civil(
                    date.year,
                    u32::from(date.month),
                    u32::from(date.day),
                ));
            }
        }
        let v = rec.get(oc).unwrap_or("").trim();
        let obs: f64 = v
            .parse()
            .ok()
            .filter(|x: &f64| x.is_finite() && *x >= 0.0)
            .with_context(|| {
                format!(
                    "{}, line {line}, field observed: `{v}` is not a count",
                    path.display()
                )
            })?;
        series.y.push(obs);
    }
    if all.is_empty() {
        bail!("{}: no observations", path.display());
    }
    for (s, d) in all.iter_mut().zip(days) {
        if d.len() == s.y.len() {
            s.dates = Some(d);
        }
    }
    Ok(all)
}

fn parse_range(s: &str) -> Result<(usize, usize)> {
    let (a, b) = s
        .split_once("..")
        .with_context(|| format!("--range `{s}`: expected A..B"))?;
    let a: usize = a
        .trim()
        .parse()
        .with_context(|| format!("--range `{s}`: `{a}` is not a number"))?;
    let b: usize = b
        .trim()
        .parse()
        .with_context(|| format!("--range `{s}`: `{b}` is not a number"))?;
    Ok((a, b))
}

fn fmt(x: f64) -> String {
    if x.is_nan() {
        "NA".into()
    } else {
        format!("{x}")
    }
}

pub fn run(_ctx: &Context, args: &DetectArgs) -> Result<u8> {
    let method = args.method.as_str();
    let all = read_series(&args.input)?;
    let range = args.range.as_deref().map(parse_range).transpose()?;
    let run_one = |y: &[f64], dates: Option<&[i64]>| -> Result<Vec<Point>> {
        Ok(match method {
        name if name.starts_with("ears-") => {
            let Some(m) = EarsMethod::parse(name) else {
                bail!("unknown --method `{name}` (ears-c1, ears-c2, ears-c3, farrington, cusum, glr-pois, glr-nb)")
            };
            let control = EarsControl {
                baseline: args.baseline.unwrap_or(7),
                min_sigma: args.min_sigma.unwrap_or(0.0),
                alpha: args.alpha,
                range,
            };
            ears(y, m, &control)?
        }
        "farrington" => {
            let b = args.b.unwrap_or(5);
            let w = args.w.unwrap_or(3);
            let mut c = FarringtonControl::defaults(range.unwrap_or((52 * b + w + 1, y.len())));
            c.b = b;
            c.w = w;
            c.reweight = args.reweight.unwrap_or(true);
            c.weights_threshold = args.weights_threshold.unwrap_or(2.58);
            c.p_threshold_trend = args.p_threshold_trend.unwrap_or(0.05);
            c.trend = !args.no_trend;
            c.no_periods = args.no_periods.unwrap_or(1);
            c.past_weeks_not_included = args.past_weeks_not_included.unwrap_or(w);
            c.alpha = args.alpha.unwrap_or(0.05);
            c.threshold_method = match args.threshold_method.as_deref().unwrap_or("delta") {
                "delta" => ThresholdMethod::Delta,
                "nbPlugin" => ThresholdMethod::NbPlugin,
                "muan" => ThresholdMethod::Muan,
                other => bail!("--threshold-method `{other}`: expected delta, nbPlugin or muan"),
            };
            c.powertrans = match args.powertrans.as_deref().unwrap_or("2/3") {
                "2/3" => PowerTransform::TwoThirds,
                "1/2" => PowerTransform::Half,
                "none" => PowerTransform::None,
                other => bail!("--powertrans `{other}`: expected 2/3, 1/2 or none"),
            };
            if let Some(l) = &args.limit54 {
                let (a, b) = l.split_once(',').with_context(|| format!("--limit54 `{l}`: expected C,P"))?;
                c.limit54 = (
                    a.trim().parse().with_context(|| format!("--limit54 `{l}`: `{a}` is not a number"))?,
                    b.trim().parse().with_context(|| format!("--limit54 `{l}`: `{b}` is not a number"))?,
                );
            }
            farrington(y, dates, &c)?
        }
        "glr-pois" | "glr-nb" => {
            let Some(range) = range else {
                bail!("glr-pois needs --range A..B (the weeks before A estimate the in-control mean unless --mu0 is given)");
            };
            if method == "glr-pois" && args.alpha.is_some_and(|a| a != 0.0) {
                bail!("glr-pois is the Poisson chart (alpha 0); use glr-nb with --alpha for the negative binomial chart");
            }
            let mut c = GlrControl::defaults(range);
            if method == "glr-nb" {
                match args.alpha {
                    Some(a) if a > 0.0 => c.alpha = a,
                    Some(a) => bail!("--alpha {a}: the negative binomial chart needs alpha > 0 (or no --alpha to estimate it)"),
                    // The package's default: alpha = 1/θ of MASS::glm.nb on the weeks before the range.
                    None => c.estimate_alpha = true,
                }
            }
            c.c_arl = args.c_arl.unwrap_or(5.0);
            c.mu0 = args.mu0;
            c.theta = args.theta;
            glrnb(y, &c)?
        }
        "cusum" => {
            let trans = match args.trans.as_deref() {
                None => Transform::Standard,
                Some(t) => Transform::parse(t).with_context(|| {
                    format!("--trans `{t}`: expected standard, anscombe, anscombe2nd, rossi, pearsonNegBin or none")
                })?,
            };
            let range = match range {
                Some(r) => r,
                None => bail!("cusum needs --range A..B (the points before A estimate the expected count)"),
            };
            cusum(y, &CusumControl { range, k: args.k.unwrap_or(1.04), h: args.h.unwrap_or(2.26), m: args.m, trans, alpha: args.alpha })?
        }
        other => bail!("unknown --method `{other}` (ears-c1, ears-c2, ears-c3, farrington, cusum, glr-pois, glr-nb)"),
    })
    };
    use rayon::prelude::*;
    let results: Vec<Result<Vec<Point>>> = all
        .par_iter()
        .map(|s| run_one(&s.y, s.dates.as_deref()))
        .collect();
    let mut out = BufWriter::new(io::stdout().lock());
    let batch = all.len() > 1 || all[0].id.is_some();
    writeln!(
        out,
        "{}t,observed,upperbound,alarm",
        if batch { "series," } else { "" }
    )?;
    let mut failed = 0;
    for (s, result) in all.iter().zip(results) {
        let points = match result {
            Ok(p) => p,
            Err(e) if batch => {
                failed += 1;
                eprintln!("series {}: {e:#}", s.id.clone().unwrap_or_default());
                continue;
            }
            Err(e) => return Err(e),
        };
        let prefix = s.id.as_ref().map(|i| format!("{i},")).unwrap_or_default();
        for p in points {
            let alarm = match p.alarm {
                None => "NA",
                Some(true) => "1",
                Some(false) => "0",
            };
            writeln!(
                out,
                "{prefix}{},{},{},{}",
                p.t,
                fmt(p.observed),
                fmt(p.upperbound),
                alarm
            )?;
        }
    }
    out.flush()?;
    Ok(if failed > 0 { exit::PARTIAL } else { exit::OK })
}
