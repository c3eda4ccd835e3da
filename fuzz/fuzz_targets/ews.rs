//! Aberration detection over any options and any series: a detector built from a method and
//! overrides must run to points or an error, never panic (issue 18). The bytes choose the
//! method, each option from a list of ordinary and extreme values, the range, dates or none, and
//! then the counts.
#![no_main]

use interdict_ews::{Detector, Method, Overrides, PowerTransform, ThresholdMethod, Transform};
use libfuzzer_sys::fuzz_target;

/// Reads the bytes one at a time, each choosing among a few values (0 once they run out).
struct Choices<'a>(&'a [u8]);

impl Choices<'_> {
    fn byte(&mut self) -> u8 {
        let (first, rest) = self.0.split_first().map_or((0, &[][..]), |(f, r)| (*f, r));
        self.0 = rest;
        first
    }

    fn pick<T: Copy>(&mut self, options: &[T]) -> T {
        options[usize::from(self.byte()) % options.len()]
    }

    fn maybe<T: Copy>(&mut self, options: &[T]) -> Option<T> {
        let b = self.byte();
        (b % 2 == 1).then(|| options[usize::from(b / 2) % options.len()])
    }
}

const SIZES: [usize; 10] = [0, 1, 2, 3, 5, 26, 52, 53, 1000, usize::MAX];
const REALS: [f64; 9] = [
    0.0,
    0.05,
    0.5,
    1.0,
    2.58,
    -1.0,
    1e300,
    f64::NAN,
    f64::INFINITY,
];

fuzz_target!(|data: &[u8]| {
    let mut c = Choices(data);
    let method = c.pick(&Method::ALL);
    let o = Overrides {
        baseline: c.maybe(&SIZES),
        min_sigma: c.maybe(&REALS),
        alpha: c.maybe(&REALS),
        k: c.maybe(&REALS),
        h: c.maybe(&REALS),
        m: c.maybe(&REALS),
        trans: c.maybe(&[
            Transform::Standard,
            Transform::Anscombe,
            Transform::Anscombe2nd,
            Transform::Rossi,
            Transform::PearsonNegBin,
            Transform::None,
        ]),
        b: c.maybe(&SIZES),
        w: c.maybe(&SIZES),
        reweight: c.maybe(&[true, false]),
        weights_threshold: c.maybe(&REALS),
        p_threshold_trend: c.maybe(&REALS),
        trend: c.maybe(&[true, false]),
        limit54: c.maybe(&[
            (5.0, 4),
            (0.0, 1),
            (-1.0, 4),
            (f64::NAN, 0),
            (1e9, usize::MAX),
        ]),
        no_periods: c.maybe(&SIZES),
        past_weeks_not_included: c.maybe(&SIZES),
        threshold_method: c.maybe(&[
            ThresholdMethod::Delta,
            ThresholdMethod::NbPlugin,
            ThresholdMethod::Muan,
        ]),
        powertrans: c.maybe(&[
            PowerTransform::TwoThirds,
            PowerTransform::Half,
            PowerTransform::None,
        ]),
        c_arl: c.maybe(&REALS),
        theta: c.maybe(&REALS),
        mu0: c.maybe(&REALS),
    };
    let range_kind = c.byte();
    let (from, to) = (usize::from(c.byte()), usize::from(c.byte()));
    let dated = c.byte();
    let scale = c.pick(&[1.0, 1000.0, 1e300, 0.0]);
    // The rest are the counts; a long, slowly varying series so the models have history.
    let tail = c.0;
    let n = (tail.len() * 8).min(600);
    let y: Vec<f64> = (0..n)
        .map(|i| f64::from(tail.get(i / 8).copied().unwrap_or(0) % 16) * scale)
        .collect();
    let step = [7, 7, 6, 1][usize::from(dated % 4)];
    let dates: Vec<i64> = (0..n as i64).map(|i| 14_610 + step * i).collect();
    let dates = (dated % 2 == 1).then_some(dates.as_slice());
    let range = match range_kind % 4 {
        0 => None,
        1 => Some((n.saturating_sub(from % 8), n.saturating_sub(to % 8))),
        2 => Some((from, to)),
        _ => Some((n.saturating_sub(2).max(1), n + usize::from(to % 2))),
    };
    // The GLR charts are quadratic in the range: keep fuzzing quick.
    let range = match (method, range) {
        (Method::GlrPois | Method::GlrNb, Some((a, b))) => Some((a.max(n.saturating_sub(8)), b)),
        _ => range,
    };
    if let Ok(detector) = Detector::new(method, &o) {
        let _ = detector.run(&y, dates, range);
    }
});
