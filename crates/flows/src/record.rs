//! The engine's input: one record per notification or incident, and the query's filter.

use interdict_core::CountryCode;
use serde::Serialize;

/// Where a record comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A pre-export notification: licit trade, with a quantity.
    Notification,
    /// An incident (seizure, diversion, stopped shipment …): origin, transit, destination.
    Incident,
}

/// One movement of one substance. The caller builds these from the notifications and incidents
/// the requesting organisation may see; nothing here checks rights.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowRecord {
    /// The notification's or incident's id (ties in the order of sums are broken by it).
    pub id: String,
    pub source: Source,
    /// Exporting country or origin.
    pub from: CountryCode,
    /// Importing country or destination.
    pub to: CountryCode,
    /// Transit countries, in route order (empty for a direct movement).
    pub via: Vec<CountryCode>,
    /// Days since 1970-01-01 (the notification's filing or the incident's date).
    pub day: i64,
    /// Kilograms, when known. A negative, infinite or NaN value is read as unknown.
    pub quantity_kg: Option<f64>,
    /// Stable key of the substance: a registry id, or a `cas:`/`name:` key for others.
    pub substance: String,
    /// The substance's display name (the key is shown when empty).
    pub substance_name: String,
    /// Classes of the substance (`fentanyl-precursor`, `ats` …).
    pub classes: Vec<String>,
    /// Whether the substance is on a control list.
    pub listed: bool,
}

impl FlowRecord {
    /// The quantity if it is a usable number of kilograms.
    pub fn kg(&self) -> Option<f64> {
        self.quantity_kg.filter(|q| q.is_finite() && *q >= 0.0)
    }

    /// The name to show for the substance.
    pub fn name(&self) -> &str {
        if self.substance_name.trim().is_empty() {
            &self.substance
        } else {
            &self.substance_name
        }
    }
}

/// The query's filter (`substance=&class=&from=&to=&source=`): every field that is set must match.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// A substance key, or a name (compared without regard to case).
    pub substance: Option<String>,
    /// A class id.
    pub class: Option<String>,
    /// First day included.
    pub from_day: Option<i64>,
    /// Last day included.
    pub to_day: Option<i64>,
    /// Only notifications or only incidents (`None`: both).
    pub source: Option<Source>,
}

impl Filter {
    pub fn matches(&self, r: &FlowRecord) -> bool {
        if let Some(s) = &self.substance {
            let s = s.trim();
            if r.substance != s && !r.substance_name.eq_ignore_ascii_case(s) {
                return false;
            }
        }
        if let Some(c) = &self.class {
            if !r.classes.iter().any(|k| k == c.trim()) {
                return false;
            }
        }
        if self.from_day.is_some_and(|d| r.day < d) || self.to_day.is_some_and(|d| r.day > d) {
            return false;
        }
        self.source.is_none_or(|s| s == r.source)
    }

    /// The records that match, in their order.
    pub fn apply<'a>(&self, records: &'a [FlowRecord]) -> Vec<&'a FlowRecord> {
        records.iter().filter(|r| self.matches(r)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec() -> FlowRecord {
        FlowRecord {
            id: "n1".into(),
            source: Source::Notification,
            from: CountryCode::parse("CN").unwrap(),
            to: CountryCode::parse("MX").unwrap(),
            via: vec![],
            day: 100,
            quantity_kg: Some(5.0),
            substance: "bmk".into(),
            substance_name: "BMK".into(),
            classes: vec!["ats-precursor".into()],
            listed: true,
        }
    }

    #[test]
    fn filter_fields_must_all_match() {
        let r = rec();
        assert!(Filter::default().matches(&r));
        let f = |f: Filter| f.matches(&r);
        assert!(f(Filter {
            substance: Some("bmk".into()),
            ..Default::default()
        }));
        assert!(f(Filter {
            substance: Some("Bmk".into()),
            ..Default::default()
        }));
        assert!(!f(Filter {
            substance: Some("p2p".into()),
            ..Default::default()
        }));
        assert!(f(Filter {
            class: Some("ats-precursor".into()),
            ..Default::default()
        }));
        assert!(!f(Filter {
            class: Some("nitazene".into()),
            ..Default::default()
        }));
        assert!(f(Filter {
            from_day: Some(100),
            to_day: Some(100),
            ..Default::default()
        }));
        assert!(!f(Filter {
            from_day: Some(101),
            ..Default::default()
        }));
        assert!(!f(Filter {
            to_day: Some(99),
            ..Default::default()
        }));
        assert!(!f(Filter {
            source: Some(Source::Incident),
            ..Default::default()
        }));
    }

    #[test]
    fn unusable_quantities_are_unknown() {
        let mut r = rec();
        assert_eq!(r.kg(), Some(5.0));
        for q in [f64::NAN, f64::INFINITY, -1.0] {
            r.quantity_kg = Some(q);
            assert_eq!(r.kg(), None);
        }
        r.substance_name = " ".into();
        assert_eq!(r.name(), "bmk");
    }
}
