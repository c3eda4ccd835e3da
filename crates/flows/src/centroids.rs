//! A point per country for the map: Natural Earth's label points (`data/centroids.csv`, its
//! provenance in `data/SOURCES.md`), compiled in and read once.

use std::collections::HashMap;
use std::sync::OnceLock;

use interdict_core::CountryCode;

/// `country,lat,lon,name`, one ISO 3166-1 alpha-2 code a line, made by
/// `tools/centroids/make_centroids.py` from Natural Earth 10m admin-0 countries 5.1.1.
const CSV: &str = include_str!("../../../data/centroids.csv");

/// One row of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Centroid {
    pub code: String,
    pub lat: f64,
    pub lon: f64,
    pub name: String,
}

/// Every row of `data/centroids.csv`, or the first line that is not a valid row (named by number).
pub fn parse(text: &str) -> Result<Vec<Centroid>, String> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, "country,lat,lon,name")) => {}
        other => {
            return Err(format!(
                "line 1: header `country,lat,lon,name` expected, found `{}`",
                other.map(|(_, l)| l).unwrap_or("")
            ))
        }
    }
    for (i, line) in lines {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let mut f = line.splitn(4, ',');
        let (Some(code), Some(lat), Some(lon), Some(name)) =
            (f.next(), f.next(), f.next(), f.next())
        else {
            return Err(format!("line {n}: four fields expected"));
        };
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(format!(
                "line {n}, field country: `{code}` is not two capital letters"
            ));
        }
        let lat: f64 = lat
            .parse()
            .map_err(|_| format!("line {n}, field lat: `{lat}` is not a number"))?;
        let lon: f64 = lon
            .parse()
            .map_err(|_| format!("line {n}, field lon: `{lon}` is not a number"))?;
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return Err(format!("line {n}: {lat},{lon} is not a point on the globe"));
        }
        out.push(Centroid {
            code: code.to_string(),
            lat,
            lon,
            name: name.trim_matches('"').to_string(),
        });
    }
    Ok(out)
}

fn table() -> &'static HashMap<String, (f64, f64)> {
    static T: OnceLock<HashMap<String, (f64, f64)>> = OnceLock::new();
    T.get_or_init(|| {
        // The compiled-in file is checked by a test; a broken one would give an empty map
        // (nodes without coordinates), never a panic.
        parse(CSV)
            .unwrap_or_default()
            .into_iter()
            .map(|c| (c.code, (c.lat, c.lon)))
            .collect()
    })
}

/// The country's point as `(lat, lon)` in decimal degrees (WGS 84), or `None` for the few ISO
/// codes Natural Earth has no feature of their own for (BQ, BV, CC, CX, GF, GP, MQ, RE, SJ, TK, YT).
///
/// A code `CountryCode` accepts as another name of a country (`UK` for `GB`) gets that
/// country's point.
pub fn centroid(country: CountryCode) -> Option<(f64, f64)> {
    let t = table();
    t.get(country.as_str())
        .copied()
        .or_else(|| interdict_core::to_iso2(country.as_str()).and_then(|code| t.get(code).copied()))
}

/// Every row of the compiled-in table, in code order.
pub fn all() -> Vec<Centroid> {
    parse(CSV).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiled_table_parses_and_covers_every_country_code() {
        let rows = parse(CSV).expect("data/centroids.csv parses");
        assert!(rows.len() >= 230, "{} rows", rows.len());
        let mut codes: Vec<&str> = rows.iter().map(|c| c.code.as_str()).collect();
        let n = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), n, "a code appears twice");
        // Every code CountryCode accepts has a point.
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                let s = String::from_utf8(vec![a, b]).unwrap_or_default();
                if let Ok(cc) = CountryCode::parse(&s) {
                    assert!(centroid(cc).is_some(), "no centroid for {s}");
                }
            }
        }
    }

    #[test]
    fn points_fall_where_the_countries_are() {
        let at = |c: &str| centroid(CountryCode::parse(c).unwrap()).unwrap();
        let (lat, lon) = at("FR");
        assert!(
            (42.0..51.0).contains(&lat) && (-5.0..8.0).contains(&lon),
            "FR {lat},{lon}"
        );
        let (lat, lon) = at("NO");
        assert!(
            (58.0..71.0).contains(&lat) && (4.0..31.0).contains(&lon),
            "NO {lat},{lon}"
        );
        let (lat, lon) = at("SG");
        assert!(
            (1.0..1.6).contains(&lat) && (103.5..104.2).contains(&lon),
            "SG {lat},{lon}"
        );
        let (lat, lon) = at("AU");
        assert!(lat < -10.0 && lon > 110.0, "AU {lat},{lon}");
        assert_eq!(at("UK"), at("GB"));
        let (lat, lon) = at("MX");
        assert!(
            (14.0..33.0).contains(&lat) && (-118.0..-86.0).contains(&lon),
            "MX {lat},{lon}"
        );
    }

    #[test]
    fn bad_rows_are_named_by_line() {
        assert!(parse("nope\n").unwrap_err().contains("line 1"));
        let e = parse("country,lat,lon,name\nFR,46.7,2.5,France\nDE,abc,10,Germany\n").unwrap_err();
        assert!(e.contains("line 3") && e.contains("lat"), "{e}");
        let e = parse("country,lat,lon,name\nFR,95,2.5,France\n").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
        let e = parse("country,lat,lon,name\nfr,1,2,France\n").unwrap_err();
        assert!(e.contains("country"), "{e}");
    }
}
