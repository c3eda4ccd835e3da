//! No option combination or series shape makes a detector panic: each run gives points or an
//! error. A bounded, deterministic sweep over option grids (issue 18: `--w 0`, `--b 100`,
//! `--no-periods 53`, `--past-weeks-not-included 10000`, reversed ranges, short series, zeros,
//! huge counts …), with every combination named when one panics.

use std::panic::{catch_unwind, AssertUnwindSafe};

use interdict_ews::{
    alerts, cusum, ears, farrington, glrnb, CusumControl, Detector, EarsControl, EarsMethod,
    FarringtonControl, GlrControl, Incident, Method, Overrides, PowerTransform, ThresholdMethod,
    Transform,
};

/// A small deterministic generator (no dependency): the same sweep on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn pick<T: Copy>(&mut self, options: &[T]) -> T {
        options[self.next() as usize % options.len()]
    }
}

fn series() -> Vec<(&'static str, Vec<f64>)> {
    let seasonal = |n: usize| -> Vec<f64> {
        (0..n)
            .map(|i| (4.0 + 3.0 * (i as f64 * std::f64::consts::TAU / 52.0).sin()).round())
            .collect()
    };
    let mut spiky = seasonal(330);
    spiky[320] = 60.0;
    vec![
        ("empty", vec![]),
        ("one", vec![3.0]),
        ("short", seasonal(40)),
        ("year-and-a-bit", seasonal(60)),
        ("seasonal", seasonal(330)),
        ("spiky", spiky),
        ("zeros", vec![0.0; 330]),
        ("sparse", (0..330).map(|i| f64::from(i % 37 == 0)).collect()),
        ("huge", vec![1e300; 330]),
        ("max", vec![f64::MAX; 330]),
        (
            "nan",
            (0..330)
                .map(|i| if i % 50 == 7 { f64::NAN } else { 2.0 })
                .collect(),
        ),
    ]
}

/// A range near the end of a series of `n`, or an awkward one.
fn range(rng: &mut Lcg, n: usize) -> (usize, usize) {
    let end = n.max(1);
    rng.pick(&[
        (end.saturating_sub(2).max(1), end),
        (end, end),
        (end, end.saturating_sub(3)),
        (0, end),
        (1, 1),
        (end, end + 5),
        (usize::MAX, usize::MAX),
        (300, 302),
    ])
}

fn must_not_panic(what: String, run: impl FnOnce()) {
    if catch_unwind(AssertUnwindSafe(run)).is_err() {
        panic!("panicked: {what}");
    }
}

#[test]
fn farrington_never_panics_on_any_options() {
    let sizes = [0, 1, 2, 3, 5, 26, 52, 53, 1000, usize::MAX];
    let mut rng = Lcg(18);
    for (name, y) in series() {
        let dates: Vec<i64> = (0..y.len() as i64).map(|i| 14_610 + 7 * i).collect();
        for _ in 0..60 {
            let c = FarringtonControl {
                range: range(&mut rng, y.len()),
                b: rng.pick(&[0, 1, 2, 3, 5, 6, 100, usize::MAX / 52, usize::MAX]),
                w: rng.pick(&sizes),
                reweight: rng.pick(&[true, false]),
                weights_threshold: rng.pick(&[1.0, 2.58, f64::NAN, -1.0]),
                trend: rng.pick(&[true, false]),
                p_threshold_trend: rng.pick(&[0.05, 1.0, f64::NAN]),
                no_periods: rng.pick(&sizes),
                past_weeks_not_included: rng.pick(&[0, 3, 26, 52, 10_000, usize::MAX]),
                threshold_method: rng.pick(&[
                    ThresholdMethod::Delta,
                    ThresholdMethod::NbPlugin,
                    ThresholdMethod::Muan,
                ]),
                alpha: rng.pick(&[0.05, 0.5, 1e-12, 0.0, 1.0, 2.0, f64::NAN]),
                powertrans: rng.pick(&[
                    PowerTransform::TwoThirds,
                    PowerTransform::Half,
                    PowerTransform::None,
                ]),
                limit54: (
                    rng.pick(&[0.0, 5.0, -1.0, f64::NAN]),
                    rng.pick(&[0, 1, 4, 1000]),
                ),
            };
            let dated = rng.pick(&[false, true]);
            let d = dated.then_some(dates.as_slice());
            must_not_panic(format!("{name} dated={dated} {c:?}"), || {
                let _ = farrington(&y, d, &c);
            });
        }
    }
}

#[test]
fn ears_cusum_and_glr_never_panic_on_any_options() {
    let mut rng = Lcg(12);
    for (name, y) in series() {
        for _ in 0..40 {
            let method = rng.pick(&[EarsMethod::C1, EarsMethod::C2, EarsMethod::C3]);
            let c = EarsControl {
                baseline: rng.pick(&[0, 3, 7, 100, usize::MAX - 2, usize::MAX]),
                min_sigma: rng.pick(&[0.0, 0.5, -1.0, f64::NAN]),
                alpha: rng.pick(&[None, Some(0.001), Some(0.0), Some(1.5), Some(f64::NAN)]),
                range: {
                    let r = range(&mut rng, y.len());
                    rng.pick(&[None, Some(r)])
                },
            };
            must_not_panic(format!("{name} {method:?} {c:?}"), || {
                let _ = ears(&y, method, &c);
            });
            let c = CusumControl {
                range: range(&mut rng, y.len()),
                k: rng.pick(&[1.04, 0.0, f64::NAN]),
                h: rng.pick(&[2.26, -1.0, f64::INFINITY]),
                m: rng.pick(&[None, Some(0.0), Some(-2.0), Some(3.0), Some(f64::NAN)]),
                trans: rng.pick(&[
                    Transform::Standard,
                    Transform::Anscombe,
                    Transform::Anscombe2nd,
                    Transform::Rossi,
                    Transform::PearsonNegBin,
                    Transform::None,
                ]),
                alpha: rng.pick(&[None, Some(0.1), Some(-1.0)]),
            };
            must_not_panic(format!("{name} {c:?}"), || {
                let _ = cusum(&y, &c);
            });
            // The GLR charts cost O(n²) per run: short ranges keep the sweep quick.
            let end = y.len().max(1);
            let c = GlrControl {
                range: rng.pick(&[
                    (end.saturating_sub(5).max(1), end),
                    (end, end),
                    (end, 1),
                    (0, 3),
                    (2, 4),
                ]),
                c_arl: rng.pick(&[5.0, 0.0, f64::NAN]),
                mu0: rng.pick(&[None, Some(2.0), Some(0.0), Some(-1.0)]),
                theta: rng.pick(&[None, Some(1.0), Some(0.5), Some(-3.0), Some(f64::NAN)]),
                harmonics: rng.pick(&[0, 1, 2, usize::MAX]),
                trend: rng.pick(&[false, true]),
                alpha: rng.pick(&[0.0, 0.2, -1.0, f64::NAN]),
                estimate_alpha: rng.pick(&[false, true]),
            };
            must_not_panic(format!("{name} {c:?}"), || {
                let _ = glrnb(&y, &c);
            });
        }
    }
}

#[test]
fn detectors_from_overrides_never_panic() {
    let mut rng = Lcg(7);
    for (name, y) in series() {
        for _ in 0..25 {
            let method = rng.pick(&Method::ALL);
            let o = Overrides {
                baseline: rng.pick(&[None, Some(2), Some(7), Some(usize::MAX)]),
                alpha: rng.pick(&[None, Some(0.05), Some(0.0), Some(3.0)]),
                b: rng.pick(&[None, Some(0), Some(1), Some(100)]),
                w: rng.pick(&[None, Some(0), Some(1000), Some(usize::MAX)]),
                no_periods: rng.pick(&[None, Some(0), Some(10), Some(53)]),
                past_weeks_not_included: rng.pick(&[None, Some(0), Some(10_000)]),
                ..Overrides::default()
            };
            let r = range(&mut rng, y.len());
            let r = rng.pick(&[None, Some(r)]);
            // GLR over a long range is quadratic: keep it to the end of the series.
            let r = if matches!(method, Method::GlrPois | Method::GlrNb) {
                r.map(|(a, b)| (a.max(y.len().saturating_sub(4)), b))
            } else {
                r
            };
            must_not_panic(format!("{name} {method} {o:?} {r:?}"), || {
                if let Ok(d) = Detector::new(method, &o) {
                    let _ = d.run(&y, None, r);
                }
            });
        }
    }
}

#[test]
fn alerts_never_panic_on_odd_detectors() {
    let incidents: Vec<Incident> = (0..400)
        .map(|i| Incident {
            day: 14_610 + 3 * i,
            country: if i % 3 == 0 { "MX" } else { "US" }.into(),
            substance: if i % 5 == 0 { "a" } else { "b" }.into(),
            substance_name: "x".into(),
            classes: vec!["c".into()],
            coalition: true,
        })
        .collect();
    let odd = [
        Detector::Farrington(FarringtonControl {
            w: usize::MAX,
            ..FarringtonControl::noufaily((1, 1))
        }),
        Detector::Farrington(FarringtonControl {
            b: usize::MAX,
            ..FarringtonControl::defaults((1, 1))
        }),
        Detector::Ears(
            EarsMethod::C3,
            EarsControl {
                baseline: usize::MAX,
                ..EarsControl::default()
            },
        ),
        Detector::Glr(GlrControl {
            harmonics: usize::MAX,
            ..GlrControl::defaults((1, 1))
        }),
    ];
    for d in odd {
        for since in [None, Some(0), Some(i64::from(u32::MAX))] {
            must_not_panic(format!("{d:?} since {since:?}"), || {
                let _ = alerts(&incidents, &d, since);
            });
        }
    }
}
