//! Agreement with R `surveillance` 1.20.3 on the package's own datasets: the fixtures in
//! `tests/fixtures` are written by `tests/fixtures/generate.R` (see its header). Same alarms, and
//! upper bounds within 1e-6 relative.

use std::collections::HashMap;
use std::path::Path;

use interdict_ews::{
    cusum, ears, farrington, glrnb, CusumControl, EarsControl, EarsMethod, FarringtonControl,
    GlrControl, Point, PowerTransform, ThresholdMethod, Transform,
};

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
}

/// The observed counts and, for dated series, the day numbers of the weeks.
fn series_with_dates(name: &str) -> (Vec<f64>, Option<Vec<i64>>) {
    let mut r =
        csv::Reader::from_path(fixtures().join("series").join(format!("{name}.csv"))).unwrap();
    let headers = r.headers().unwrap().clone();
    let oc = headers.iter().position(|h| h == "observed").unwrap();
    let dc = headers.iter().position(|h| h == "date");
    let mut y = Vec::new();
    let mut d = Vec::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        y.push(rec[oc].parse().unwrap());
        if let Some(dc) = dc {
            let parts: Vec<u32> = rec[dc].split('-').map(|p| p.parse().unwrap()).collect();
            d.push(interdict_core::days_from_civil(
                parts[0] as i32,
                parts[1],
                parts[2],
            ));
        }
    }
    (y, dc.map(|_| d))
}

fn series(name: &str) -> Vec<f64> {
    series_with_dates(name).0
}

fn params(text: &str) -> HashMap<String, String> {
    text.split(';')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn range(p: &HashMap<String, String>) -> Option<(usize, usize)> {
    p.get("range").map(|r| {
        let (a, b) = r.split_once("..").unwrap();
        (a.parse().unwrap(), b.parse().unwrap())
    })
}

#[test]
fn every_reference_case_agrees_with_r() {
    let mut r = csv::Reader::from_path(fixtures().join("cases.csv")).unwrap();
    let mut checked = 0;
    for case in r.records() {
        let case = case.unwrap();
        let (name, dataset, method, p) = (&case[0], &case[1], &case[2], params(&case[3]));
        let y = series(dataset);
        let got: Vec<Point> = match method {
            "ears-c1" | "ears-c2" | "ears-c3" => {
                let m = EarsMethod::parse(method).expect("an EARS method");
                let control = EarsControl {
                    baseline: p["baseline"].parse().unwrap(),
                    min_sigma: p["min_sigma"].parse().unwrap(),
                    alpha: p.get("alpha").map(|a| a.parse().unwrap()),
                    range: range(&p),
                };
                ears(&y, m, &control).unwrap()
            }
            "cusum" => {
                let control = CusumControl {
                    range: range(&p).unwrap(),
                    k: p["k"].parse().unwrap(),
                    h: p["h"].parse().unwrap(),
                    m: p.get("m").map(|m| m.parse().unwrap()),
                    trans: Transform::parse(&p["trans"]).unwrap(),
                    alpha: None,
                };
                cusum(&y, &control).unwrap()
            }
            "farrington" => {
                let (y, dates) = series_with_dates(dataset);
                let limit: Vec<&str> = p["limit54"].split(':').collect();
                let control = FarringtonControl {
                    range: range(&p).unwrap(),
                    b: p["b"].parse().unwrap(),
                    w: p["w"].parse().unwrap(),
                    reweight: p["reweight"] == "TRUE",
                    weights_threshold: p["weights_threshold"].parse().unwrap(),
                    trend: p["trend"] == "TRUE",
                    p_threshold_trend: p["p_threshold_trend"].parse().unwrap(),
                    no_periods: p["no_periods"].parse().unwrap(),
                    past_weeks_not_included: p["past_weeks_not_included"].parse().unwrap(),
                    threshold_method: match p["threshold_method"].as_str() {
                        "delta" => ThresholdMethod::Delta,
                        "nbPlugin" => ThresholdMethod::NbPlugin,
                        _ => ThresholdMethod::Muan,
                    },
                    alpha: p["alpha"].parse().unwrap(),
                    powertrans: match p["powertrans"].as_str() {
                        "2/3" => PowerTransform::TwoThirds,
                        "1/2" => PowerTransform::Half,
                        _ => PowerTransform::None,
                    },
                    limit54: (limit[0].parse().unwrap(), limit[1].parse().unwrap()),
                };
                let dates = if p["dated"] == "TRUE" { dates } else { None };
                farrington(&y, dates.as_deref(), &control).unwrap()
            }
            "glr-pois" | "glr-nb" => {
                let mut control = GlrControl::defaults(range(&p).unwrap());
                match p.get("alpha").map(String::as_str) {
                    Some("estimate") => control.estimate_alpha = true,
                    Some(a) => control.alpha = a.parse().unwrap(),
                    None => {}
                }
                control.c_arl = p["c_arl"].parse().unwrap();
                control.mu0 = p.get("mu0").map(|m| m.parse().unwrap());
                control.theta = p.get("theta").map(|m| m.parse().unwrap());
                glrnb(&y, &control).unwrap()
            }
            other => panic!("unknown method {other}"),
        };
        let mut want = csv::Reader::from_path(fixtures().join(format!("{name}.csv"))).unwrap();
        let want: Vec<csv::StringRecord> = want.records().map(|x| x.unwrap()).collect();
        assert_eq!(got.len(), want.len(), "{name}: number of monitored points");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g.t.to_string(), &w[0], "{name}");
            let wu = &w[2];
            if wu == "NA" {
                assert!(
                    g.upperbound.is_nan(),
                    "{name} t={}: R gives NA, got {}",
                    g.t,
                    g.upperbound
                );
            } else {
                let wu: f64 = wu.parse().unwrap();
                let rel = (g.upperbound - wu).abs() / wu.abs().max(1e-12);
                assert!(
                    rel <= 1e-6 || (g.upperbound - wu).abs() <= 1e-9,
                    "{name} t={}: upperbound {} vs R {wu}",
                    g.t,
                    g.upperbound
                );
            }
            let wa = match &w[3] {
                "NA" => None,
                "1" => Some(true),
                _ => Some(false),
            };
            assert_eq!(
                g.alarm, wa,
                "{name} t={}: alarm (upperbound {} vs R {})",
                g.t, g.upperbound, &w[2]
            );
        }
        checked += 1;
        eprintln!("{name}: {} points agree", got.len());
    }
    assert!(checked >= 40, "{checked} cases");
}
