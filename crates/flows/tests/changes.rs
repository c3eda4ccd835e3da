//! Corridor changes and substitution on planted and quiet data.

mod common;

use common::{build, cc, poisson_corridor, Lcg, Rec};
use interdict_core::Date;
use interdict_flows::{
    changes, ChangeKind, Controls, Measure, Relatives, HISTORY_WINDOWS,
    SUBSTITUTION_MAX_PERIOD_DAYS,
};

/// 2025-01-01.
const BASE: i64 = 20_089;
const W: i64 = 28;

fn none() -> (Relatives, Controls) {
    (Relatives::new(), Controls::new())
}

/// Quiet corridors among coalition countries with means from 1.5 to 25 records a window.
const QUIET: [(&str, &str, f64); 10] = [
    ("CN", "MX", 5.0),
    ("CN", "US", 12.0),
    ("IN", "MX", 3.0),
    ("IN", "NL", 1.5),
    ("DE", "NL", 25.0),
    ("NL", "BE", 6.0),
    ("CO", "GT", 2.0),
    ("GH", "NG", 4.0),
    ("CA", "US", 8.0),
    ("AU", "CN", 1.5),
];

#[test]
fn a_planted_new_corridor_is_found_with_its_figures() {
    let (rel, ctl) = none();
    let mut rng = Lcg::new(7);
    let today = BASE + 12 * W - 1;
    let mut recs = Vec::new();
    for (f, t, m) in QUIET.iter().take(4) {
        recs.extend(poisson_corridor(&mut rng, f, t, *m, W, BASE, today));
    }
    recs.push(Rec::new("IN", "GH", today - 3).kg(400.0));
    recs.push(Rec::new("IN", "GH", today - 10).kg(600.0).incident());
    let out = changes(&build(recs), today, W, &rel, &ctl);
    assert_eq!(out.history_windows, HISTORY_WINDOWS);
    let new: Vec<_> = out
        .corridors
        .iter()
        .filter(|c| c.kind == ChangeKind::New)
        .collect();
    assert_eq!(new.len(), 1, "{:#?}", out.corridors);
    let c = new[0];
    assert_eq!((c.from, c.to), (cc("IN"), cc("GH")));
    assert_eq!(
        (c.window.records, c.window.notifications, c.window.incidents),
        (2, 1, 1)
    );
    assert_eq!(c.window.quantity_kg, 1000.0);
    assert_eq!(c.history.records_before, 0);
    assert!(
        c.sentence
            .starts_with("IN → GH is a new corridor: 2 records (1,000 kg)"),
        "{}",
        c.sentence
    );
    assert_eq!(c.substances, vec!["BMK".to_string()]);
}

#[test]
fn a_corridor_seen_long_ago_is_not_new() {
    let (rel, ctl) = none();
    let today = BASE + 20 * W - 1;
    let recs = vec![
        Rec::new("IN", "GH", BASE).kg(1.0),
        Rec::new("IN", "GH", today).kg(1.0),
        Rec::new("CN", "MX", BASE).kg(1.0),
    ];
    let out = changes(&build(recs), today, W, &rel, &ctl);
    assert!(
        out.corridors.iter().all(|c| c.kind != ChangeKind::New),
        "{:#?}",
        out.corridors
    );
}

#[test]
fn without_earlier_data_nothing_is_new() {
    let (rel, ctl) = none();
    let today = BASE + 100;
    let recs = vec![
        Rec::new("IN", "GH", today - 5),
        Rec::new("CN", "MX", today - 2),
    ];
    let out = changes(&build(recs), today, W, &rel, &ctl);
    assert_eq!(out.history_windows, 0);
    assert!(out.corridors.is_empty(), "{:#?}", out.corridors);
}

#[test]
fn a_planted_growth_is_found_and_the_rest_stays_quiet() {
    let (rel, ctl) = none();
    let mut rng = Lcg::new(11);
    let today = BASE + 12 * W - 1;
    let window_start = today - W + 1;
    let mut recs = Vec::new();
    for (f, t, m) in QUIET {
        if (f, t) == ("CN", "MX") {
            // Five a window before, sixteen in the last.
            recs.extend(poisson_corridor(
                &mut rng,
                f,
                t,
                m,
                W,
                BASE,
                window_start - 1,
            ));
            for i in 0..16 {
                recs.push(Rec::new(f, t, window_start + i).kg(250.0));
            }
        } else {
            recs.extend(poisson_corridor(&mut rng, f, t, m, W, BASE, today));
        }
    }
    let out = changes(&build(recs), today, W, &rel, &ctl);
    assert_eq!(out.corridors.len(), 1, "{:#?}", out.corridors);
    let c = &out.corridors[0];
    assert_eq!(
        (c.from, c.to, c.kind),
        (cc("CN"), cc("MX"), ChangeKind::Grew)
    );
    assert_eq!(c.window.records, 16);
    assert_eq!(c.history.windows, 8);
    assert!(c.measures.contains(&Measure::Records));
    let mean = c.history.mean_records;
    assert!((2.0..9.0).contains(&mean), "history mean {mean}");
    let ratio = c.ratio_records.expect("a ratio");
    assert!((ratio - 16.0 / mean).abs() < 1e-9);
    let p = c.p_records.expect("a probability");
    assert!(p > 0.0 && p <= interdict_flows::ALARM_P, "p {p}");
    assert!(
        c.sentence
            .starts_with("CN → MX grew in the 28 days to 2025-12-02: 16 records against a mean of"),
        "{}",
        c.sentence
    );
}

#[test]
fn heavier_consignments_grow_by_kilograms() {
    let (rel, ctl) = none();
    let today = BASE + 12 * W - 1;
    let mut recs = Vec::new();
    // Four consignments of about 200 kg every window, then four of 2,000 kg.
    for k in 0..12 {
        for i in 0..4 {
            let heavy = k == 11;
            recs.push(Rec::new("CN", "IN", BASE + k * W + i * 5).kg(if heavy {
                2000.0
            } else {
                190.0 + 5.0 * i as f64
            }));
        }
    }
    let out = changes(&build(recs), today, W, &rel, &ctl);
    assert_eq!(out.corridors.len(), 1, "{:#?}", out.corridors);
    let c = &out.corridors[0];
    assert_eq!(c.kind, ChangeKind::Grew);
    assert_eq!(c.measures, vec![Measure::Kg]);
    assert!(
        (c.ratio_kg.unwrap_or_default() - 8000.0 / 790.0).abs() < 1e-6,
        "{:?}",
        c.ratio_kg
    );
}

#[test]
fn a_planted_fall_is_found() {
    let (rel, ctl) = none();
    let mut rng = Lcg::new(5);
    let today = BASE + 12 * W - 1;
    let window_start = today - W + 1;
    let mut recs = poisson_corridor(&mut rng, "DE", "NL", 30.0, W, BASE, window_start - 1);
    for i in 0..4 {
        recs.push(Rec::new("DE", "NL", window_start + i).kg(200.0));
    }
    recs.extend(poisson_corridor(&mut rng, "NL", "BE", 30.0, W, BASE, today));
    let out = changes(&build(recs), today, W, &rel, &ctl);
    assert_eq!(out.corridors.len(), 1, "{:#?}", out.corridors);
    let c = &out.corridors[0];
    assert_eq!(
        (c.from, c.to, c.kind),
        (cc("DE"), cc("NL"), ChangeKind::Shrank)
    );
    assert!(
        c.sentence
            .starts_with("DE → NL shrank in the 28 days to 2025-12-02: 4 records"),
        "{}",
        c.sentence
    );
}

/// Stable Poisson series give no alarm in the latest window, and hardly any when every window of
/// a long quiet series is judged in turn.
#[test]
fn quiet_series_raise_no_alarm() {
    let (rel, ctl) = none();
    let mut rng = Lcg::new(2026);
    let windows = 40;
    let last = BASE + windows * W - 1;
    let mut recs = Vec::new();
    for (f, t, m) in QUIET {
        recs.extend(poisson_corridor(&mut rng, f, t, m, W, BASE, last));
    }
    let records = build(recs);
    let out = changes(&records, last, W, &rel, &ctl);
    assert!(
        out.corridors.is_empty(),
        "false alarms: {:#?}",
        out.corridors
    );

    let mut judged = 0;
    let mut alarms = Vec::new();
    for k in (HISTORY_WINDOWS as i64 + 1)..=windows {
        let today = BASE + k * W - 1;
        let out = changes(&records, today, W, &rel, &ctl);
        judged += QUIET.len();
        alarms.extend(out.corridors.into_iter().map(|c| (today, c.sentence)));
    }
    eprintln!(
        "{} alarms in {judged} quiet corridor-windows: {alarms:#?}",
        alarms.len()
    );
    assert!(
        alarms.len() * 100 <= judged,
        "{} alarms in {judged}: {alarms:#?}",
        alarms.len()
    );
}

#[test]
fn the_order_of_the_input_does_not_matter() {
    let (rel, ctl) = none();
    let mut rng = Lcg::new(3);
    let today = BASE + 12 * W - 1;
    let mut recs = Vec::new();
    for (f, t, m) in QUIET {
        recs.extend(poisson_corridor(&mut rng, f, t, m, W, BASE, today));
    }
    recs.push(Rec::new("IN", "GH", today));
    let mut records = build(recs);
    let a = changes(&records, today, W, &rel, &ctl);
    records.reverse();
    assert_eq!(a, changes(&records, today, W, &rel, &ctl));
    assert!(!a.corridors.is_empty());
}

fn every(days: i64, from: i64, to: i64) -> impl Iterator<Item = i64> {
    (from..to).step_by(days as usize)
}

#[test]
fn a_planted_substitution_is_found_and_a_control_without_a_rise_is_not() {
    let today = BASE + 800;
    let bmk_control = BASE + 400;
    let anpp_control = BASE + 300;
    let eph_control = BASE + 350;
    let mut recs = Vec::new();
    // BMK: every 10 days before its control, every 100 days after.
    for d in every(10, BASE, bmk_control) {
        recs.push(Rec::new("CN", "MX", d).kg(500.0).substance("bmk", true));
    }
    for d in every(100, bmk_control, today) {
        recs.push(Rec::new("CN", "MX", d).kg(500.0).substance("bmk", true));
    }
    // BMK methyl glycidate: once before, every 15 days after.
    recs.push(
        Rec::new("CN", "NL", BASE + 5)
            .kg(100.0)
            .substance("bmk-methyl-glycidate", false),
    );
    for d in every(15, bmk_control, today) {
        recs.push(
            Rec::new("CN", "NL", d)
                .kg(300.0)
                .incident()
                .substance("bmk-methyl-glycidate", false),
        );
    }
    // ANPP falls after its control but its relative stays flat: no substitution.
    for d in every(10, BASE, anpp_control) {
        recs.push(Rec::new("IN", "MX", d).kg(50.0).substance("anpp", true));
    }
    for d in every(90, anpp_control, today) {
        recs.push(Rec::new("IN", "MX", d).kg(50.0).substance("anpp", true));
    }
    for d in every(30, BASE, today) {
        recs.push(
            Rec::new("IN", "MX", d)
                .kg(20.0)
                .substance("1-boc-4-ap", false),
        );
    }
    // Ephedrine does not fall, though its relative rises: no substitution either.
    for d in every(10, BASE, today) {
        recs.push(
            Rec::new("IN", "US", d)
                .kg(10.0)
                .substance("ephedrine", true),
        );
    }
    for d in every(20, eph_control, today) {
        recs.push(
            Rec::new("IN", "US", d)
                .kg(10.0)
                .substance("eph-relative", false),
        );
    }
    let records = build(recs);
    let relatives: Relatives = [
        ("bmk-methyl-glycidate", "bmk"),
        ("1-boc-4-ap", "anpp"),
        ("eph-relative", "ephedrine"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    let controls: Controls = [
        ("bmk", bmk_control),
        ("anpp", anpp_control),
        ("ephedrine", eph_control),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b))
    .collect();
    let out = changes(&records, today, W, &relatives, &controls);
    assert_eq!(out.substitutions.len(), 1, "{:#?}", out.substitutions);
    let s = &out.substitutions[0];
    assert_eq!(s.parent, "bmk");
    assert_eq!(s.control_day, bmk_control);
    assert_eq!(s.period_days, SUBSTITUTION_MAX_PERIOD_DAYS);
    assert_eq!(s.before.last_day, bmk_control - 1);
    assert_eq!(s.after.first_day, bmk_control);
    // Days 35..399 hold 40, 50 … 390: 36 records before; 400, 500, 600, 700 → 4 after.
    assert_eq!(s.parent_before.records, 36);
    assert_eq!(s.parent_after.records, 4);
    assert_eq!(s.relatives.len(), 1);
    let r = &s.relatives[0];
    assert_eq!(r.substance, "bmk-methyl-glycidate");
    assert_eq!(
        r.before.records, 0,
        "the one early record is outside the year before"
    );
    assert_eq!(r.after.records, 25);
    let date = Date::from_day_number(bmk_control).to_string();
    assert_eq!(
        s.sentence,
        format!(
            "After BMK was controlled on {date}, its flows fell from 36 records (18,000 kg) in the 365 days before \
             to 4 records (2,000 kg) in the 365 days after, while BMK-METHYL-GLYCIDATE rose from 0 records to 25 records (7,500 kg)."
        )
    );
}

#[test]
fn a_control_too_recent_for_an_after_period_is_not_judged() {
    let today = BASE + 400;
    let control = today - 10;
    let mut recs = Vec::new();
    for d in every(5, BASE, control) {
        recs.push(Rec::new("CN", "MX", d).substance("bmk", true));
    }
    for d in every(2, control, today + 1) {
        recs.push(Rec::new("CN", "MX", d).substance("glycidate", false));
    }
    let relatives: Relatives = [("glycidate".to_string(), "bmk".to_string())].into();
    let controls: Controls = [("bmk".to_string(), control)].into();
    let out = changes(&build(recs), today, W, &relatives, &controls);
    assert!(out.substitutions.is_empty(), "{:#?}", out.substitutions);
}

#[test]
fn changes_serialise_with_dates_and_kinds_in_words() {
    let today = BASE + 12 * W - 1;
    let mut recs = Vec::new();
    for k in 0..11 {
        recs.push(Rec::new("CN", "MX", BASE + k * W));
    }
    recs.push(Rec::new("IN", "GH", today).kg(3.0));
    let (rel, ctl) = none();
    let v = serde_json::to_value(changes(&build(recs), today, W, &rel, &ctl)).expect("json");
    assert_eq!(v["window_days"], 28);
    assert_eq!(v["window"]["last"], "2025-12-02");
    assert_eq!(v["window"]["first"], "2025-11-05");
    assert_eq!(v["history_windows"], 8);
    let c = &v["corridors"][0];
    assert_eq!(c["kind"], "new");
    assert_eq!(c["from"], "IN");
    assert_eq!(c["window"]["quantity_kg"], 3.0);
    assert!(c["p_records"].is_null());
    assert_eq!(v["substitutions"], serde_json::json!([]));
}

#[test]
fn absurd_days_and_windows_do_not_panic() {
    let recs = vec![
        Rec::new("CN", "MX", i64::MIN).kg(1.0),
        Rec::new("CN", "MX", i64::MAX).kg(f64::NAN),
        Rec::new("CN", "MX", 0).kg(-5.0),
        Rec::new("IN", "MX", 1),
    ];
    let records = build(recs);
    let relatives: Relatives = [("x".to_string(), "bmk".to_string())].into();
    for (today, window) in [
        (i64::MIN, 0),
        (i64::MAX, i64::MAX),
        (0, -7),
        (10, 1),
        (1_000, 28),
    ] {
        for control in [i64::MIN, 0, i64::MAX] {
            let controls: Controls = [("bmk".to_string(), control)].into();
            let out = changes(&records, today, window, &relatives, &controls);
            assert!(out.window_days >= 1);
            assert!(out.substitutions.is_empty());
        }
    }
    let f = interdict_flows::flows(&records);
    assert_eq!(
        f.edges[0].quantity_kg, 1.0,
        "NaN and negative kilograms count as unknown"
    );
}
