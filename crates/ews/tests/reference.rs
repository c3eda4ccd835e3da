//! Agreement with R `surveillance` 1.20.3 on the package's own datasets: the fixtures in
//! `tests/fixtures` are written by `tests/fixtures/generate.R` (see its header). Same alarms, and
//! upper bounds within 1e-6 relative.

use std::collections::HashMap;
use std::path::Path;

use interdict_ews::{cusum, ears, CusumControl, EarsControl, EarsMethod, Point, Transform};

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
}

fn series(name: &str) -> Vec<f64> {
    let mut r =
        csv::Reader::from_path(fixtures().join("series").join(format!("{name}.csv"))).unwrap();
    r.records()
        .map(|x| x.unwrap()[1].parse().unwrap())
        .collect()
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
                let m = match method {
                    "ears-c1" => EarsMethod::C1,
                    "ears-c2" => EarsMethod::C2,
                    _ => EarsMethod::C3,
                };
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
            assert_eq!(g.alarm, wa, "{name} t={}: alarm", g.t);
        }
        checked += 1;
    }
    assert!(checked >= 40, "{checked} cases");
}
