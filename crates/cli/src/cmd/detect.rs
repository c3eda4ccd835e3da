//! `interdict detect`: one aberration-detection method over one series, or many in parallel.

use std::io::{self, BufWriter, Write};

use anyhow::{bail, Context as _, Result};
use interdict_app::detect::{self, Series};
use interdict_ews::{Method, Overrides, Point, PowerTransform, ThresholdMethod, Transform};

use crate::cli::DetectArgs;
use crate::exit;
use crate::output::Context;

/// Reads `[series,] t, [date,] observed`, checking that `t` runs 1, 2, 3, … within each series and
/// that counts are numbers. Without a `series` column the file is one series. Also returns the
/// first place where the dates are not one week apart (methods that read dates need weeks).
fn read_series(path: &std::path::Path) -> Result<(Vec<Series>, Option<String>)> {
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
    let mut not_weekly: Option<String> = None;
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
                let date = interdict_core::Date::parse(d).map_err(|e| {
                    anyhow::anyhow!("{}, line {line}, field date: {e}", path.display())
                })?;
                if let Some(&before) = series_days.last() {
                    let gap = date.day_number() - before;
                    if gap != 7 && not_weekly.is_none() {
                        not_weekly = Some(format!(
                            "{}, line {line}, field date: {date} is {gap} day(s) after the date before it; the dates must be weekly (one row per week, 7 days apart)",
                            path.display()
                        ));
                    }
                }
                series_days.push(date.day_number());
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
    Ok((all, not_weekly))
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

fn parse_limit54(l: &str) -> Result<(f64, usize)> {
    let (a, b) = l
        .split_once(',')
        .with_context(|| format!("--limit54 `{l}`: expected C,P"))?;
    Ok((
        a.trim()
            .parse()
            .with_context(|| format!("--limit54 `{l}`: `{a}` is not a number"))?,
        b.trim()
            .parse()
            .with_context(|| format!("--limit54 `{l}`: `{b}` is not a number"))?,
    ))
}

/// Parses an option's value with the engine's `FromStr`, naming the option on failure.
fn parse_named<T: std::str::FromStr<Err = interdict_ews::EwsError>>(
    option: &str,
    value: Option<&str>,
) -> Result<Option<T>> {
    value
        .map(|v| v.parse::<T>().map_err(|e| anyhow::anyhow!("{option}: {e}")))
        .transpose()
}

/// The options as overrides of the method's defaults (documented in `interdict_ews::Overrides`).
fn overrides(args: &DetectArgs) -> Result<Overrides> {
    Ok(Overrides {
        baseline: args.baseline,
        min_sigma: args.min_sigma,
        alpha: args.alpha,
        k: args.k,
        h: args.h,
        m: args.m,
        trans: parse_named::<Transform>("--trans", args.trans.as_deref())?,
        b: args.b,
        w: args.w,
        reweight: args.reweight,
        weights_threshold: args.weights_threshold,
        p_threshold_trend: args.p_threshold_trend,
        trend: args.no_trend.then_some(false),
        limit54: args.limit54.as_deref().map(parse_limit54).transpose()?,
        no_periods: args.no_periods,
        past_weeks_not_included: args.past_weeks_not_included,
        threshold_method: parse_named::<ThresholdMethod>(
            "--threshold-method",
            args.threshold_method.as_deref(),
        )?,
        powertrans: parse_named::<PowerTransform>("--powertrans", args.powertrans.as_deref())?,
        c_arl: args.c_arl,
        theta: args.theta,
        mu0: args.mu0,
    })
}

fn fmt(x: f64) -> String {
    if x.is_nan() {
        "NA".into()
    } else {
        format!("{x}")
    }
}

/// Whether `--json` was given. The shared output context also turns JSON on when standard
/// output is not a terminal, but `detect` writes CSV to pipes and files unless asked (scripts
/// and the golden outputs read it), so it needs the flag itself.
fn json_requested(ctx: &Context) -> bool {
    use clap::Parser as _;
    ctx.json
        && crate::cli::Cli::try_parse()
            .map(|cli| cli.global.json)
            .unwrap_or(false)
}

pub fn run(ctx: &Context, args: &DetectArgs) -> Result<u8> {
    let method: Method = args
        .method
        .parse()
        .map_err(|e| anyhow::anyhow!("--method: {e}"))?;
    let range = args.range.as_deref().map(parse_range).transpose()?;
    if range.is_none() && method.needs_range() {
        if method == Method::Cusum {
            bail!("cusum needs --range A..B (the points before A estimate the expected count)");
        }
        bail!("{method} needs --range A..B (the weeks before A estimate the in-control mean unless --mu0 is given)");
    }
    let detector = detect::detector(method, None, &overrides(args)?)?;
    if crate::output::empty_input(ctx, &args.input) {
        return Ok(exit::OK);
    }
    let (all, not_weekly) = read_series(&args.input)?;
    if let (Method::Farrington, Some(problem)) = (method, &not_weekly) {
        if all.iter().any(|s| s.dates.is_some()) {
            bail!("{problem}");
        }
    }
    let results = detect::run_all(&detector, &all, range);
    let json = json_requested(ctx);
    let batch = all.len() > 1 || all.first().is_some_and(|s| s.id.is_some());
    if !batch {
        // One series that cannot be run: the error alone, without a header.
        if let Some(Err(e)) = results.first() {
            return Err(e.clone().into());
        }
    }
    let mut out = BufWriter::new(io::stdout().lock());
    if !json {
        writeln!(
            out,
            "{}t,observed,upperbound,alarm",
            if batch { "series," } else { "" }
        )?;
    }
    let mut failed = 0;
    for (s, result) in all.iter().zip(results) {
        let points = match result {
            Ok(p) => p,
            Err(e) if batch => {
                failed += 1;
                eprintln!(
                    "{}",
                    crate::output::terminal(&format!(
                        "series {}: {e}",
                        s.id.clone().unwrap_or_default()
                    ))
                );
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        if json {
            write_json_lines(&mut out, s.id.as_deref(), &points)?;
        } else {
            write_csv(&mut out, s.id.as_deref(), &points)?;
        }
    }
    out.flush()?;
    Ok(if failed > 0 { exit::PARTIAL } else { exit::OK })
}

fn write_csv(out: &mut impl Write, id: Option<&str>, points: &[Point]) -> io::Result<()> {
    let prefix = id.map(|i| format!("{i},")).unwrap_or_default();
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
    Ok(())
}

/// One object per point: `{"series"?, "t", "observed", "upperbound", "alarm"}`, with null where
/// the CSV has NA.
fn write_json_lines(out: &mut impl Write, id: Option<&str>, points: &[Point]) -> io::Result<()> {
    for p in points {
        serde_json::to_writer(&mut *out, &interdict_types::PointWire::new(id, p))?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(t: usize, upperbound: f64, alarm: Option<bool>) -> Point {
        Point {
            t,
            observed: 3.0,
            upperbound,
            expected: 2.0,
            alarm,
        }
    }

    #[test]
    fn json_lines_have_the_csv_columns_with_null_for_na() {
        let points = [point(7, 4.5, Some(false)), point(8, f64::NAN, None)];
        let mut out = Vec::new();
        write_json_lines(&mut out, None, &points).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"t\":7,\"observed\":3.0,\"upperbound\":4.5,\"alarm\":false}\n\
             {\"t\":8,\"observed\":3.0,\"upperbound\":null,\"alarm\":null}\n"
        );
        let mut out = Vec::new();
        write_json_lines(&mut out, Some("MX"), &[point(1, 1.0, Some(true))]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"series\":\"MX\",\"t\":1,\"observed\":3.0,\"upperbound\":1.0,\"alarm\":true}\n"
        );
    }

    #[test]
    fn csv_keeps_its_format() {
        let mut out = Vec::new();
        write_csv(
            &mut out,
            Some("a"),
            &[point(2, f64::NAN, None), point(3, 1.5, Some(true))],
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a,2,3,NA,NA\na,3,3,1.5,1\n"
        );
    }
}
