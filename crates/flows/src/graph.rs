//! Edges and nodes: the records summed per route and per country.

use std::collections::{BTreeMap, BTreeSet};

use interdict_core::CountryCode;
use serde::Serialize;

use crate::centroids::centroid;
use crate::record::{FlowRecord, Source};

/// One route: origin, destination and transit countries in order. Records with the same three
/// are one edge; a route through other transit countries is another edge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Edge {
    pub from: CountryCode,
    pub to: CountryCode,
    pub via: Vec<CountryCode>,
    /// Notifications on the route.
    pub notifications: u64,
    /// Incidents on the route.
    pub incidents: u64,
    /// Kilograms of the records with a known quantity (notifications and incidents alike),
    /// rounded to the gram.
    pub quantity_kg: f64,
    /// Display names of the substances moved, sorted, each once.
    pub substances: Vec<String>,
}

/// One country on the map.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Node {
    pub country: CountryCode,
    /// Natural Earth's label point; `null` for the few codes without one.
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// Kilograms on edges ending here (destination only; transit is not counted).
    pub in_kg: f64,
    /// Kilograms on edges starting here.
    pub out_kg: f64,
    /// Incidents naming the country as origin, destination or transit (each incident once).
    pub incidents: u64,
}

/// The contract's `{"edges": […], "nodes": […]}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Flows {
    pub edges: Vec<Edge>,
    pub nodes: Vec<Node>,
}

/// Kilograms are rounded to the gram, so sums print without float noise.
pub(crate) fn round_kg(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The records in a fixed order (day, id, then the rest), so that sums of kilograms come out
/// bit for bit the same whatever order the caller read them in.
pub(crate) fn ordered(records: &[FlowRecord]) -> Vec<&FlowRecord> {
    let mut v: Vec<&FlowRecord> = records.iter().collect();
    v.sort_by(|a, b| {
        (a.day, &a.id, &a.substance, a.from, a.to, a.source).cmp(&(
            b.day,
            &b.id,
            &b.substance,
            b.from,
            b.to,
            b.source,
        ))
    });
    v
}

#[derive(Default)]
struct EdgeAcc {
    notifications: u64,
    incidents: u64,
    kg: f64,
    substances: BTreeSet<String>,
}

#[derive(Default)]
struct NodeAcc {
    in_kg: f64,
    out_kg: f64,
    incidents: u64,
}

/// Edges and nodes of the records.
///
/// Order: edges by kilograms, then by number of records (both descending), then by origin,
/// destination and transit codes; nodes by country code. A record whose origin equals its
/// destination with no transit is kept (a domestic incident) as an edge to itself.
pub fn flows(records: &[FlowRecord]) -> Flows {
    let mut edges: BTreeMap<(CountryCode, CountryCode, Vec<CountryCode>), EdgeAcc> =
        BTreeMap::new();
    let mut nodes: BTreeMap<CountryCode, NodeAcc> = BTreeMap::new();
    for r in ordered(records) {
        let e = edges.entry((r.from, r.to, r.via.clone())).or_default();
        match r.source {
            Source::Notification => e.notifications += 1,
            Source::Incident => e.incidents += 1,
        }
        let kg = r.kg().unwrap_or(0.0);
        e.kg += kg;
        e.substances.insert(r.name().to_string());
        nodes.entry(r.from).or_default().out_kg += kg;
        nodes.entry(r.to).or_default().in_kg += kg;
        let mut named: BTreeSet<CountryCode> = r.via.iter().copied().collect();
        named.insert(r.from);
        named.insert(r.to);
        for c in named {
            let n = nodes.entry(c).or_default();
            if r.source == Source::Incident {
                n.incidents += 1;
            }
        }
    }
    let mut edges: Vec<Edge> = edges
        .into_iter()
        .map(|((from, to, via), a)| Edge {
            from,
            to,
            via,
            notifications: a.notifications,
            incidents: a.incidents,
            quantity_kg: round_kg(a.kg),
            substances: a.substances.into_iter().collect(),
        })
        .collect();
    edges.sort_by(|a, b| {
        b.quantity_kg
            .total_cmp(&a.quantity_kg)
            .then((b.notifications + b.incidents).cmp(&(a.notifications + a.incidents)))
            .then(a.from.cmp(&b.from))
            .then(a.to.cmp(&b.to))
            .then(a.via.cmp(&b.via))
    });
    let nodes = nodes
        .into_iter()
        .map(|(country, a)| {
            let point = centroid(country);
            Node {
                country,
                lat: point.map(|p| p.0),
                lon: point.map(|p| p.1),
                in_kg: round_kg(a.in_kg),
                out_kg: round_kg(a.out_kg),
                incidents: a.incidents,
            }
        })
        .collect();
    Flows { edges, nodes }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cc(s: &str) -> CountryCode {
        CountryCode::parse(s).unwrap()
    }

    fn rec(
        id: &str,
        source: Source,
        from: &str,
        to: &str,
        via: &[&str],
        kg: Option<f64>,
    ) -> FlowRecord {
        FlowRecord {
            id: id.into(),
            source,
            from: cc(from),
            to: cc(to),
            via: via.iter().map(|c| cc(c)).collect(),
            day: 0,
            quantity_kg: kg,
            substance: "s".into(),
            substance_name: "S".into(),
            classes: vec![],
            listed: true,
        }
    }

    #[test]
    fn a_route_through_another_country_is_its_own_edge() {
        let f = flows(&[
            rec("a", Source::Notification, "CN", "MX", &[], Some(10.0)),
            rec("b", Source::Incident, "CN", "MX", &["US"], Some(1.0)),
        ]);
        assert_eq!(f.edges.len(), 2);
        assert_eq!(f.edges[0].via, Vec::<CountryCode>::new());
        assert_eq!(f.edges[1].via, vec![cc("US")]);
        let us = f.nodes.iter().find(|n| n.country == cc("US")).unwrap();
        assert_eq!((us.in_kg, us.out_kg, us.incidents), (0.0, 0.0, 1));
    }

    #[test]
    fn sums_do_not_depend_on_input_order() {
        let mut v: Vec<FlowRecord> = (0..50)
            .map(|i| {
                rec(
                    &format!("r{i}"),
                    Source::Notification,
                    "IN",
                    "NL",
                    &[],
                    Some(0.1 * f64::from(i)),
                )
            })
            .collect();
        let a = flows(&v);
        v.reverse();
        assert_eq!(a, flows(&v));
        assert_eq!(a.edges[0].quantity_kg, 122.5);
    }
}
