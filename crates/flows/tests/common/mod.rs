//! Builders and a seeded generator shared by the tests.
#![allow(dead_code)]

use interdict_core::CountryCode;
use interdict_flows::{FlowRecord, Source};

pub fn cc(s: &str) -> CountryCode {
    CountryCode::parse(s).expect("a test country code")
}

pub struct Rec {
    pub source: Source,
    pub from: &'static str,
    pub to: &'static str,
    pub via: Vec<&'static str>,
    pub day: i64,
    pub kg: Option<f64>,
    pub substance: &'static str,
    pub listed: bool,
}

impl Rec {
    pub fn new(from: &'static str, to: &'static str, day: i64) -> Rec {
        Rec {
            source: Source::Notification,
            from,
            to,
            via: vec![],
            day,
            kg: None,
            substance: "bmk",
            listed: true,
        }
    }
    pub fn kg(mut self, kg: f64) -> Rec {
        self.kg = Some(kg);
        self
    }
    pub fn incident(mut self) -> Rec {
        self.source = Source::Incident;
        self
    }
    pub fn via(mut self, via: &[&'static str]) -> Rec {
        self.via = via.to_vec();
        self
    }
    pub fn substance(mut self, s: &'static str, listed: bool) -> Rec {
        self.substance = s;
        self.listed = listed;
        self
    }
    pub fn build(self, id: usize) -> FlowRecord {
        FlowRecord {
            id: format!("r{id:06}"),
            source: self.source,
            from: cc(self.from),
            to: cc(self.to),
            via: self.via.iter().map(|c| cc(c)).collect(),
            day: self.day,
            quantity_kg: self.kg,
            substance: self.substance.to_string(),
            substance_name: self.substance.to_uppercase(),
            classes: vec!["precursor".into()],
            listed: self.listed,
        }
    }
}

pub fn build(recs: Vec<Rec>) -> Vec<FlowRecord> {
    recs.into_iter()
        .enumerate()
        .map(|(i, r)| r.build(i))
        .collect()
}

/// Numerical Recipes' 32-bit linear congruential generator: fixed seed, same numbers everywhere.
pub struct Lcg(u32);

impl Lcg {
    pub fn new(seed: u32) -> Lcg {
        Lcg(seed)
    }
    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        f64::from(self.0) / 4_294_967_296.0
    }
    /// Poisson by Knuth's product of uniforms (fine for the small means used here).
    pub fn poisson(&mut self, mean: f64) -> u64 {
        let l = (-mean).exp();
        let mut k = 0;
        let mut p = 1.0;
        loop {
            p *= self.uniform();
            if p <= l {
                return k;
            }
            k += 1;
        }
    }
}

/// Records on a corridor as a Poisson process of `per_window` records per `window` days
/// (so any window of that length holds a Poisson number), each of 50 to 500 kg, over
/// `first..=last`.
pub fn poisson_corridor(
    rng: &mut Lcg,
    from: &'static str,
    to: &'static str,
    per_window: f64,
    window: i64,
    first: i64,
    last: i64,
) -> Vec<Rec> {
    let mut out = Vec::new();
    for day in first..=last {
        for _ in 0..rng.poisson(per_window / window as f64) {
            let kg = 50.0 + 450.0 * rng.uniform();
            out.push(Rec::new(from, to, day).kg((kg * 10.0).round() / 10.0));
        }
    }
    out
}
