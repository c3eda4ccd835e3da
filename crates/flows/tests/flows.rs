//! Edges and nodes: aggregation by route, kilograms in and out, counts, points, JSON shape.

mod common;

use common::{build, cc, Rec};
use interdict_flows::{centroid, flows, Filter, Source};

#[test]
fn edges_are_routes_and_nodes_sum_them() {
    let records = build(vec![
        Rec::new("CN", "MX", 10).kg(1000.0),
        Rec::new("CN", "MX", 11).kg(500.0).substance("p2p", true),
        Rec::new("CN", "MX", 12).incident().via(&["US"]).kg(20.0),
        Rec::new("CN", "MX", 13).incident().via(&["US"]),
        Rec::new("IN", "MX", 14).kg(250.0),
        Rec::new("MX", "US", 15)
            .incident()
            .kg(5.0)
            .substance("meth", true),
    ]);
    let f = flows(&records);
    let route = |from: &str, to: &str, via: &[&str]| {
        f.edges
            .iter()
            .find(|e| {
                e.from == cc(from)
                    && e.to == cc(to)
                    && e.via == via.iter().map(|c| cc(c)).collect::<Vec<_>>()
            })
            .unwrap_or_else(|| panic!("no edge {from}-{to} via {via:?}: {:?}", f.edges))
    };
    assert_eq!(f.edges.len(), 4);
    let direct = route("CN", "MX", &[]);
    assert_eq!((direct.notifications, direct.incidents), (2, 0));
    assert_eq!(direct.quantity_kg, 1500.0);
    assert_eq!(
        direct.substances,
        vec!["BMK".to_string(), "P2P".to_string()]
    );
    let transit = route("CN", "MX", &["US"]);
    assert_eq!((transit.notifications, transit.incidents), (0, 2));
    assert_eq!(
        transit.quantity_kg, 20.0,
        "an unknown quantity adds nothing"
    );
    // Order: kilograms descending.
    let kgs: Vec<f64> = f.edges.iter().map(|e| e.quantity_kg).collect();
    assert_eq!(kgs, vec![1500.0, 250.0, 20.0, 5.0]);

    let node = |c: &str| f.nodes.iter().find(|n| n.country == cc(c)).expect("node");
    assert_eq!(f.nodes.len(), 4);
    let cn = node("CN");
    assert_eq!((cn.out_kg, cn.in_kg, cn.incidents), (1520.0, 0.0, 2));
    let mx = node("MX");
    assert_eq!((mx.in_kg, mx.out_kg, mx.incidents), (1770.0, 5.0, 3));
    let us = node("US");
    // Destination of the MX → US seizure, transit of two CN → MX incidents.
    assert_eq!((us.in_kg, us.out_kg, us.incidents), (5.0, 0.0, 3));
    assert_eq!(node("IN").incidents, 0);
    assert!(cn.lat.is_some() && cn.lon.is_some());
    let codes: Vec<&str> = f.nodes.iter().map(|n| n.country.as_str()).collect();
    assert_eq!(codes, vec!["CN", "IN", "MX", "US"]);
}

#[test]
fn ties_are_ordered_by_count_then_codes() {
    let records = build(vec![
        Rec::new("NL", "BE", 1),
        Rec::new("DE", "BE", 1),
        Rec::new("DE", "BE", 2),
        Rec::new("CA", "US", 1),
    ]);
    let f = flows(&records);
    let pairs: Vec<String> = f
        .edges
        .iter()
        .map(|e| format!("{}{}", e.from, e.to))
        .collect();
    assert_eq!(pairs, vec!["DEBE", "CAUS", "NLBE"]);
}

#[test]
fn json_matches_the_contract() {
    let records = build(vec![Rec::new("CN", "MX", 1).via(&["US"]).kg(2.5)]);
    let v = serde_json::to_value(flows(&records)).expect("json");
    let keys = |o: &serde_json::Value| {
        let mut k: Vec<String> = o.as_object().expect("object").keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&v), vec!["edges", "nodes"]);
    assert_eq!(
        keys(&v["edges"][0]),
        vec![
            "from",
            "incidents",
            "notifications",
            "quantity_kg",
            "substances",
            "to",
            "via"
        ]
    );
    assert_eq!(
        keys(&v["nodes"][0]),
        vec!["country", "in_kg", "incidents", "lat", "lon", "out_kg"]
    );
    assert_eq!(v["edges"][0]["via"], serde_json::json!(["US"]));
    assert_eq!(v["edges"][0]["from"], "CN");
    assert_eq!(v["edges"][0]["quantity_kg"], 2.5);
}

#[test]
fn the_coalitions_countries_have_points() {
    let coalition = [
        "CN", "IN", "US", "MX", "CA", "NL", "DE", "NG", "GT", "BE", "GH", "AU", "CO", "PE", "BR",
        "GB", "FR", "ES", "PL", "TH", "VN", "MM", "LA", "KH", "ZA", "KR", "JP", "TR", "AE", "SG",
        "MY", "PH", "ID", "PK", "AF", "IR", "SA", "EC", "PA", "HN", "SV", "BO", "NZ", "HK", "TW",
    ];
    let mut seen = Vec::new();
    for c in coalition {
        let (lat, lon) = centroid(cc(c)).unwrap_or_else(|| panic!("no point for {c}"));
        assert!(
            (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon),
            "{c}"
        );
        assert!(!seen.contains(&(lat, lon)), "{c} shares a point");
        seen.push((lat, lon));
    }
    // The hemisphere is right for a few.
    let (lat, lon) = centroid(cc("AU")).unwrap_or_default();
    assert!(lat < 0.0 && lon > 0.0);
    let (lat, lon) = centroid(cc("CA")).unwrap_or_default();
    assert!(lat > 40.0 && lon < -50.0);
    let (lat, lon) = centroid(cc("GH")).unwrap_or_default();
    assert!(
        (4.0..12.0).contains(&lat) && (-4.0..2.0).contains(&lon),
        "GH {lat},{lon}"
    );
}

#[test]
fn the_filter_narrows_what_the_flows_count() {
    let records = build(vec![
        Rec::new("CN", "MX", 10).kg(10.0),
        Rec::new("CN", "MX", 20).kg(20.0).incident(),
        Rec::new("CN", "MX", 30).kg(40.0).substance("p2p", true),
    ]);
    let only = |f: Filter| {
        let kept: Vec<_> = f.apply(&records).into_iter().cloned().collect();
        flows(&kept).edges.first().map(|e| e.quantity_kg)
    };
    assert_eq!(only(Filter::default()), Some(70.0));
    assert_eq!(
        only(Filter {
            substance: Some("p2p".into()),
            ..Filter::default()
        }),
        Some(40.0)
    );
    assert_eq!(
        only(Filter {
            source: Some(Source::Incident),
            ..Filter::default()
        }),
        Some(20.0)
    );
    assert_eq!(
        only(Filter {
            from_day: Some(11),
            to_day: Some(25),
            ..Filter::default()
        }),
        Some(20.0)
    );
    assert_eq!(
        only(Filter {
            class: Some("nitazene".into()),
            ..Filter::default()
        }),
        None
    );
}
