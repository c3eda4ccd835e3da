//! `interdict detect`: one aberration-detection method over one series.

use std::io::{self, BufWriter, Write};

use anyhow::{bail, Context as _, Result};
use interdict_ews::{cusum, ears, CusumControl, EarsControl, EarsMethod, Point, Transform};

use crate::cli::DetectArgs;
use crate::exit;
use crate::output::Context;

/// Reads `t, [date,] observed`, checking that `t` runs 1, 2, 3, … and counts are numbers.
fn read_series(path: &std::path::Path) -> Result<Vec<f64>> {
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
    let dc = col("date");
    let mut y = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let line = i + 2;
        let rec = rec.with_context(|| format!("{}, line {line}", path.display()))?;
        let t: usize = rec
            .get(tc)
            .unwrap_or("")
            .trim()
            .parse()
            .ok()
            .filter(|&t| t == y.len() + 1)
            .with_context(|| {
                format!(
                    "{}, line {line}, field t: expected {}",
                    path.display(),
                    y.len() + 1
                )
            })?;
        let _ = t;
        if let Some(dc) = dc {
            let d = rec.get(dc).unwrap_or("").trim();
            if !d.is_empty() {
                interdict_screen::Date::parse(d).map_err(|e| {
                    anyhow::anyhow!("{}, line {line}, field date: {e}", path.display())
                })?;
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
        y.push(obs);
    }
    if y.is_empty() {
        bail!("{}: no observations", path.display());
    }
    Ok(y)
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
    if matches!(method, "farrington" | "glr-pois" | "glr-nb") {
        eprintln!(
            "interdict detect --method {method}: not built yet (tracked in issue #7); built: ears-c1, ears-c2, ears-c3, cusum"
        );
        return Ok(exit::ERROR);
    }
    let y = read_series(&args.input)?;
    let range = args.range.as_deref().map(parse_range).transpose()?;
    let points: Vec<Point> = match method {
        "ears-c1" | "ears-c2" | "ears-c3" => {
            let m = match method {
                "ears-c1" => EarsMethod::C1,
                "ears-c2" => EarsMethod::C2,
                _ => EarsMethod::C3,
            };
            let control = EarsControl {
                baseline: args.baseline.unwrap_or(7),
                min_sigma: args.min_sigma.unwrap_or(0.0),
                alpha: args.alpha,
                range,
            };
            ears(&y, m, &control)?
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
            cusum(&y, &CusumControl { range, k: args.k.unwrap_or(1.04), h: args.h.unwrap_or(2.26), m: args.m, trans, alpha: args.alpha })?
        }
        other => bail!("unknown --method `{other}` (ears-c1, ears-c2, ears-c3, farrington, cusum, glr-pois, glr-nb)"),
    };
    let mut out = BufWriter::new(io::stdout().lock());
    writeln!(out, "t,observed,upperbound,alarm")?;
    for p in points {
        let alarm = match p.alarm {
            None => "NA",
            Some(true) => "1",
            Some(false) => "0",
        };
        writeln!(
            out,
            "{},{},{},{}",
            p.t,
            fmt(p.observed),
            fmt(p.upperbound),
            alarm
        )?;
    }
    out.flush()?;
    Ok(exit::OK)
}
