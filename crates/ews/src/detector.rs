//! Methods by name and their defaults, in one place: a [`Method`] and [`Overrides`] of its
//! documented defaults make a [`Detector`], which runs over any series. `interdict detect` and
//! `interdict alerts` both build theirs here, so a method means the same settings in both.

use std::fmt;
use std::str::FromStr;

use crate::{
    cusum, ears, farrington, glrnb, CusumControl, EarsControl, EarsMethod, EwsError,
    FarringtonControl, GlrControl, Point, PowerTransform, ThresholdMethod, Transform,
};

/// An aberration-detection method, by the name users give it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    EarsC1,
    EarsC2,
    EarsC3,
    /// `farringtonFlexible`; with [`Overrides::noufaily`], Noufaily's settings.
    Farrington,
    Cusum,
    /// `glrnb` with alpha 0: the Poisson GLR (or LR, with `theta`) chart.
    GlrPois,
    /// `glrnb` with alpha > 0, given or estimated: the negative-binomial chart.
    GlrNb,
}

/// The valid names, as error messages list them.
const METHOD_NAMES: &str = "ears-c1, ears-c2, ears-c3, farrington, cusum, glr-pois or glr-nb";

impl Method {
    pub const ALL: [Method; 7] = [
        Method::EarsC1,
        Method::EarsC2,
        Method::EarsC3,
        Method::Farrington,
        Method::Cusum,
        Method::GlrPois,
        Method::GlrNb,
    ];

    /// The name [`Method::from_str`] reads.
    pub fn name(self) -> &'static str {
        match self {
            Method::EarsC1 => "ears-c1",
            Method::EarsC2 => "ears-c2",
            Method::EarsC3 => "ears-c3",
            Method::Farrington => "farrington",
            Method::Cusum => "cusum",
            Method::GlrPois => "glr-pois",
            Method::GlrNb => "glr-nb",
        }
    }

    /// The EARS variant, for the three EARS methods.
    pub fn ears(self) -> Option<EarsMethod> {
        match self {
            Method::EarsC1 => Some(EarsMethod::C1),
            Method::EarsC2 => Some(EarsMethod::C2),
            Method::EarsC3 => Some(EarsMethod::C3),
            _ => None,
        }
    }

    /// Whether a run needs an explicit range: CUSUM and the GLR charts learn their in-control
    /// level from the points before it.
    pub fn needs_range(self) -> bool {
        matches!(self, Method::Cusum | Method::GlrPois | Method::GlrNb)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Method {
    type Err = EwsError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Method::ALL
            .into_iter()
            .find(|m| m.name() == s)
            .ok_or_else(|| EwsError::Unknown {
                what: "method",
                given: s.into(),
                expected: METHOD_NAMES,
            })
    }
}

/// Settings that replace a method's defaults; `None` keeps the default given on each field (the
/// package's own defaults). A method ignores the settings of other methods.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Overrides {
    /// EARS: baseline window length, at least 3. Default 7.
    pub baseline: Option<usize>,
    /// EARS: lower limit of the standard deviation. Default 0.
    pub min_sigma: Option<f64>,
    /// EARS: significance level (default 0.001 for C1 and C2, 0.025 for C3). Farrington:
    /// significance level (default 0.05). CUSUM: overdispersion of `pearsonNegBin` (default
    /// 0.1). glr-nb: the negative-binomial overdispersion, > 0 (default: estimated per series as
    /// 1/θ of `MASS::glm.nb` on the weeks before the range). glr-pois: 0 or nothing.
    pub alpha: Option<f64>,
    /// CUSUM: reference value. Default 1.04.
    pub k: Option<f64>,
    /// CUSUM: decision boundary. Default 2.26.
    pub h: Option<f64>,
    /// CUSUM: expected count. Default the mean of the points before the range.
    pub m: Option<f64>,
    /// CUSUM: standardisation. Default standard.
    pub trans: Option<Transform>,
    /// Farrington: years back, at least 1. Default 5.
    pub b: Option<usize>,
    /// Farrington: half-window in weeks. Default 3.
    pub w: Option<usize>,
    /// Farrington: down-weight outlying baseline weeks. Default true.
    pub reweight: Option<bool>,
    /// Farrington: Anscombe residual above which a week is down-weighted. Default 2.58.
    pub weights_threshold: Option<f64>,
    /// Farrington: p-value below which the time trend is kept. Default 0.05.
    pub p_threshold_trend: Option<f64>,
    /// Farrington: fit a time trend when the tests allow. Default true.
    pub trend: Option<bool>,
    /// Farrington: (cases, weeks): alarms need at least `cases` in the last `weeks` weeks.
    /// Default (5, 4).
    pub limit54: Option<(f64, usize)>,
    /// Farrington: seasonal periods, from 1 to the 52 weeks between reference weeks. Default 1.
    pub no_periods: Option<usize>,
    /// Farrington: most recent weeks left out of the baseline. Default w.
    pub past_weeks_not_included: Option<usize>,
    /// Farrington: threshold method. Default delta.
    pub threshold_method: Option<ThresholdMethod>,
    /// Farrington: power transformation of the delta threshold. Default 2/3.
    pub powertrans: Option<PowerTransform>,
    /// GLR: alarm threshold `c.ARL`. Default 5.
    pub c_arl: Option<f64>,
    /// GLR: a fixed change on the log scale (the LR chart). Default none (the GLR chart).
    pub theta: Option<f64>,
    /// GLR: the in-control mean of every week. Default: fitted to the weeks before the range.
    pub mu0: Option<f64>,
}

impl Overrides {
    /// Noufaily's Farrington settings (see [`FarringtonControl::noufaily`]), the ones
    /// `interdict alerts` runs: far fewer false alarms than the original Farrington.
    pub fn noufaily() -> Overrides {
        let c = FarringtonControl::noufaily((1, 1));
        Overrides {
            no_periods: Some(c.no_periods),
            past_weeks_not_included: Some(c.past_weeks_not_included),
            p_threshold_trend: Some(c.p_threshold_trend),
            threshold_method: Some(c.threshold_method),
            weights_threshold: Some(c.weights_threshold),
            ..Overrides::default()
        }
    }
}

/// A method with its settings, ready to run over any series. The controls' `range` is a
/// placeholder: each run sets it.
#[derive(Clone, Debug)]
pub enum Detector {
    Ears(EarsMethod, EarsControl),
    /// CUSUM; `m` from the points before the range unless given.
    Cusum(CusumControl),
    /// Farrington/Noufaily.
    Farrington(FarringtonControl),
    /// GLR chart (Poisson, or negative binomial with alpha given or estimated per series); the
    /// in-control mean is fitted to the weeks before the range unless given.
    Glr(GlrControl),
}

impl Detector {
    /// The detector of `method` with `overrides` of its defaults, checked as far as that can be
    /// done without a series (what is left is checked on each run).
    pub fn new(method: Method, o: &Overrides) -> Result<Detector, EwsError> {
        let placeholder = (1, 1);
        let detector = match method {
            Method::EarsC1 | Method::EarsC2 | Method::EarsC3 => {
                let m = method.ears().unwrap_or(EarsMethod::C1);
                let control = EarsControl {
                    baseline: o.baseline.unwrap_or(7),
                    min_sigma: o.min_sigma.unwrap_or(0.0),
                    alpha: o.alpha,
                    range: None,
                };
                control.validate(m)?;
                Detector::Ears(m, control)
            }
            Method::Farrington => {
                let defaults = FarringtonControl::defaults(placeholder);
                let w = o.w.unwrap_or(defaults.w);
                let control = FarringtonControl {
                    range: placeholder,
                    b: o.b.unwrap_or(defaults.b),
                    w,
                    reweight: o.reweight.unwrap_or(defaults.reweight),
                    weights_threshold: o.weights_threshold.unwrap_or(defaults.weights_threshold),
                    trend: o.trend.unwrap_or(defaults.trend),
                    p_threshold_trend: o.p_threshold_trend.unwrap_or(defaults.p_threshold_trend),
                    no_periods: o.no_periods.unwrap_or(defaults.no_periods),
                    past_weeks_not_included: o.past_weeks_not_included.unwrap_or(w),
                    threshold_method: o.threshold_method.unwrap_or(defaults.threshold_method),
                    alpha: o.alpha.unwrap_or(defaults.alpha),
                    powertrans: o.powertrans.unwrap_or(defaults.powertrans),
                    limit54: o.limit54.unwrap_or(defaults.limit54),
                };
                control.validate()?;
                Detector::Farrington(control)
            }
            Method::Cusum => Detector::Cusum(CusumControl {
                range: placeholder,
                k: o.k.unwrap_or(1.04),
                h: o.h.unwrap_or(2.26),
                m: o.m,
                trans: o.trans.unwrap_or(Transform::Standard),
                alpha: o.alpha,
            }),
            Method::GlrPois | Method::GlrNb => {
                let mut control = GlrControl::defaults(placeholder);
                match (method, o.alpha) {
                    (Method::GlrPois, Some(a)) if a != 0.0 => {
                        return Err(EwsError::Parameter {
                            name: "alpha",
                            reason: format!(
                                "{a}: glr-pois is the Poisson chart (alpha 0); use glr-nb with \
                                 alpha > 0 for the negative binomial chart"
                            ),
                        })
                    }
                    (Method::GlrNb, Some(a)) if a > 0.0 => control.alpha = a,
                    (Method::GlrNb, Some(a)) => {
                        return Err(EwsError::Parameter {
                            name: "alpha",
                            reason: format!(
                                "{a}: the negative binomial chart (glr-nb) needs alpha > 0, or \
                                 no alpha to estimate it"
                            ),
                        })
                    }
                    // The package's default: alpha = 1/θ of MASS::glm.nb on the weeks before
                    // the range.
                    (Method::GlrNb, None) => control.estimate_alpha = true,
                    _ => {}
                }
                control.c_arl = o.c_arl.unwrap_or(control.c_arl);
                control.mu0 = o.mu0;
                control.theta = o.theta;
                Detector::Glr(control)
            }
        };
        Ok(detector)
    }

    /// The method this detector runs.
    pub fn method(&self) -> Method {
        match self {
            Detector::Ears(EarsMethod::C1, _) => Method::EarsC1,
            Detector::Ears(EarsMethod::C2, _) => Method::EarsC2,
            Detector::Ears(EarsMethod::C3, _) => Method::EarsC3,
            Detector::Cusum(_) => Method::Cusum,
            Detector::Farrington(_) => Method::Farrington,
            Detector::Glr(c) if c.estimate_alpha || c.alpha > 0.0 => Method::GlrNb,
            Detector::Glr(_) => Method::GlrPois,
        }
    }

    pub fn name(&self) -> &'static str {
        self.method().name()
    }

    /// Runs over `y` (with `dates`, day numbers, for Farrington's calendar reference weeks),
    /// monitoring `range` (1-based, inclusive). Without a range: EARS monitors every point with
    /// enough history, Farrington every point from 52·b + w + 1 on; CUSUM and GLR need one.
    pub fn run(
        &self,
        y: &[f64],
        dates: Option<&[i64]>,
        range: Option<(usize, usize)>,
    ) -> Result<Vec<Point>, EwsError> {
        match self {
            Detector::Ears(method, control) => ears(y, *method, &EarsControl { range, ..*control }),
            Detector::Farrington(control) => {
                let range = match range {
                    Some(range) => range,
                    None => farrington_default_range(control, y.len())?,
                };
                farrington(y, dates, &FarringtonControl { range, ..*control })
            }
            Detector::Cusum(control) => {
                let range = range.ok_or_else(|| self.range_needed())?;
                cusum(y, &CusumControl { range, ..*control })
            }
            Detector::Glr(control) => {
                let range = range.ok_or_else(|| self.range_needed())?;
                glrnb(y, &GlrControl { range, ..*control })
            }
        }
    }

    fn range_needed(&self) -> EwsError {
        EwsError::Parameter {
            name: "range",
            reason: format!(
                "{} needs one: the points before it estimate the in-control level",
                self.name()
            ),
        }
    }
}

/// `farringtonFlexible`'s default range: from the first week with b years and w weeks of
/// history to the end.
fn farrington_default_range(c: &FarringtonControl, len: usize) -> Result<(usize, usize), EwsError> {
    let history = 52usize.checked_mul(c.b).and_then(|h| h.checked_add(c.w));
    match history {
        Some(history) if history < len => Ok((history + 1, len)),
        _ => Err(EwsError::TooShort {
            method: "Farrington",
            needed: history.unwrap_or(usize::MAX),
            first: history.map_or(usize::MAX, |h| h.saturating_add(1)),
            available: len,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_method_reads_back_its_name_and_an_unknown_one_lists_the_valid_ones() {
        for m in Method::ALL {
            assert_eq!(m.name().parse::<Method>(), Ok(m));
            assert_eq!(m.to_string(), m.name());
        }
        let e = "farington".parse::<Method>().unwrap_err();
        let text = e.to_string();
        assert!(text.contains("`farington`"), "{text}");
        for m in Method::ALL {
            assert!(text.contains(m.name()), "{text} lacks {m}");
        }
    }

    #[test]
    fn defaults_are_the_packages() {
        let none = Overrides::default();
        let Detector::Farrington(f) = Detector::new(Method::Farrington, &none).unwrap() else {
            panic!("farrington")
        };
        assert_eq!(f, FarringtonControl::defaults((1, 1)));
        let Detector::Ears(EarsMethod::C3, e) = Detector::new(Method::EarsC3, &none).unwrap()
        else {
            panic!("ears")
        };
        assert_eq!(e, EarsControl::default());
        let Detector::Cusum(c) = Detector::new(Method::Cusum, &none).unwrap() else {
            panic!("cusum")
        };
        assert_eq!(
            (c.k, c.h, c.m, c.trans),
            (1.04, 2.26, None, Transform::Standard)
        );
        let Detector::Glr(g) = Detector::new(Method::GlrPois, &none).unwrap() else {
            panic!("glr")
        };
        assert_eq!(g, GlrControl::defaults((1, 1)));
        let nb = Detector::new(Method::GlrNb, &none).unwrap();
        assert_eq!(nb.method(), Method::GlrNb);
        assert!(matches!(
            nb,
            Detector::Glr(GlrControl {
                estimate_alpha: true,
                ..
            })
        ));
    }

    #[test]
    fn the_noufaily_preset_is_farrington_with_noufailys_four_changes() {
        let Detector::Farrington(f) =
            Detector::new(Method::Farrington, &Overrides::noufaily()).unwrap()
        else {
            panic!("farrington")
        };
        assert_eq!(f, FarringtonControl::noufaily((1, 1)));
        assert_eq!(
            (
                f.no_periods,
                f.past_weeks_not_included,
                f.p_threshold_trend,
                f.threshold_method
            ),
            (10, 26, 1.0, ThresholdMethod::NbPlugin)
        );
    }

    #[test]
    fn past_weeks_not_included_follows_w_unless_given() {
        let o = Overrides {
            w: Some(5),
            ..Overrides::default()
        };
        let Detector::Farrington(f) = Detector::new(Method::Farrington, &o).unwrap() else {
            panic!("farrington")
        };
        assert_eq!((f.w, f.past_weeks_not_included), (5, 5));
    }

    #[test]
    fn glr_alpha_is_checked_and_errors_name_the_right_chart() {
        let alpha = |a| Overrides {
            alpha: Some(a),
            ..Overrides::default()
        };
        let pois = Detector::new(Method::GlrPois, &alpha(0.3)).unwrap_err();
        assert!(pois.to_string().contains("glr-pois"), "{pois}");
        let nb = Detector::new(Method::GlrNb, &alpha(-1.0)).unwrap_err();
        assert!(nb.to_string().contains("glr-nb"), "{nb}");
        let y = vec![1.0; 60];
        for method in [Method::GlrPois, Method::GlrNb, Method::Cusum] {
            let d = Detector::new(method, &Overrides::default()).unwrap();
            let e = d.run(&y, None, None).unwrap_err();
            assert!(e.to_string().contains(method.name()), "{e}");
        }
    }

    #[test]
    fn a_series_shorter_than_farringtons_history_says_so() {
        let d = Detector::new(Method::Farrington, &Overrides::default()).unwrap();
        let e = d.run(&[1.0; 100], None, None).unwrap_err();
        assert_eq!(
            e,
            EwsError::TooShort {
                method: "Farrington",
                needed: 263,
                first: 264,
                available: 100
            }
        );
        let huge = Overrides {
            w: Some(usize::MAX),
            ..Overrides::default()
        };
        let d = Detector::new(Method::Farrington, &huge).unwrap();
        assert!(matches!(
            d.run(&[1.0; 100], None, None),
            Err(EwsError::TooShort { .. })
        ));
    }
}
