//! `POST /api/v1/detect`: aberration detection on one weekly series, by the same detectors and
//! defaults as `interdict detect` (R `surveillance`'s).

use axum::Json;
use interdict_app::detect::{self, Preset, Series};
use interdict_ews::{Method, Overrides, PowerTransform, ThresholdMethod, Transform};
use interdict_types::PointWire;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::http::auth::Caller;
use crate::http::body::RawBody;
use crate::http::{blocking, RequestId, St};

/// The longest series accepted (about 20,000 years of weeks).
const MAX_POINTS: usize = 1_000_000;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeekIn {
    /// The count of the week (non-negative).
    pub observed: f64,
    /// The week's date (`YYYY-MM-DD`), for Farrington's calendar reference weeks.
    #[serde(default)]
    pub date: Option<String>,
}

/// Options replacing the method's defaults (the `interdict detect` options of the same names).
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct DetectOptions {
    pub baseline: Option<usize>,
    pub min_sigma: Option<f64>,
    pub alpha: Option<f64>,
    pub k: Option<f64>,
    pub h: Option<f64>,
    pub m: Option<f64>,
    /// standard, anscombe, anscombe2nd, rossi, pearsonNegBin or none.
    pub trans: Option<String>,
    pub b: Option<usize>,
    pub w: Option<usize>,
    pub reweight: Option<bool>,
    pub weights_threshold: Option<f64>,
    pub p_threshold_trend: Option<f64>,
    pub trend: Option<bool>,
    pub no_periods: Option<usize>,
    pub past_weeks_not_included: Option<usize>,
    /// delta, nbPlugin or muan.
    pub threshold_method: Option<String>,
    /// 2/3, 1/2 or none.
    pub powertrans: Option<String>,
    pub c_arl: Option<f64>,
    pub theta: Option<f64>,
    pub mu0: Option<f64>,
    /// `noufaily`: start from Noufaily's Farrington settings (as `interdict alerts`).
    pub preset: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DetectIn {
    /// ears-c1, ears-c2, ears-c3, farrington, cusum, glr-pois or glr-nb.
    pub method: String,
    /// The weekly counts, oldest first.
    pub series: Vec<WeekIn>,
    /// 1-based inclusive span to monitor, `[A, B]` (CUSUM and GLR need one).
    #[serde(default)]
    pub range: Option<[usize; 2]>,
    #[serde(default)]
    pub options: Option<DetectOptions>,
}

#[derive(serde::Serialize, ToSchema)]
pub struct PointOut {
    pub t: usize,
    #[schema(nullable = true)]
    pub observed: Option<f64>,
    #[schema(nullable = true)]
    pub upperbound: Option<f64>,
    #[schema(nullable = true)]
    pub alarm: Option<bool>,
}

#[derive(serde::Serialize, ToSchema)]
pub struct DetectOut {
    pub method: String,
    /// The monitored points (as `interdict detect --json`).
    pub points: Vec<PointOut>,
}

fn named<T: std::str::FromStr<Err = interdict_ews::EwsError>>(
    field: &str,
    v: &Option<String>,
) -> Result<Option<T>, ApiError> {
    v.as_deref()
        .map(|s| {
            s.parse::<T>()
                .map_err(|e| ApiError::bad_request(field, e.to_string()))
        })
        .transpose()
}

/// The preset named and the options given (each over the preset's, in `interdict_app::detect`).
fn overrides(o: &DetectOptions) -> Result<(Option<Preset>, Overrides), ApiError> {
    let preset = o
        .preset
        .as_deref()
        .map(str::parse::<Preset>)
        .transpose()
        .map_err(|e| ApiError::bad_request("options.preset", e.to_string()))?;
    let given = Overrides {
        baseline: o.baseline,
        min_sigma: o.min_sigma,
        alpha: o.alpha,
        k: o.k,
        h: o.h,
        m: o.m,
        trans: named::<Transform>("options.trans", &o.trans)?,
        b: o.b,
        w: o.w,
        reweight: o.reweight,
        weights_threshold: o.weights_threshold,
        p_threshold_trend: o.p_threshold_trend,
        trend: o.trend,
        limit54: None,
        no_periods: o.no_periods,
        past_weeks_not_included: o.past_weeks_not_included,
        threshold_method: named::<ThresholdMethod>(
            "options.threshold_method",
            &o.threshold_method,
        )?,
        powertrans: named::<PowerTransform>("options.powertrans", &o.powertrans)?,
        c_arl: o.c_arl,
        theta: o.theta,
        mu0: o.mu0,
    };
    Ok((preset, given))
}

/// Runs a detector over one weekly series.
#[utoipa::path(post, path = "/api/v1/detect", tag = "engines", request_body = DetectIn,
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, body = DetectOut), (status = 400, body = crate::http::docs::ErrorDoc),
              (status = 401, body = crate::http::docs::ErrorDoc), (status = 413, body = crate::http::docs::ErrorDoc),
              (status = 422, body = crate::http::docs::ErrorDoc)))]
pub async fn detect(
    _state: St,
    rid: RequestId,
    _caller: Caller,
    body: RawBody,
) -> Result<Json<DetectOut>, ApiError> {
    let input: DetectIn = body.json()?;
    let method: Method = input
        .method
        .parse()
        .map_err(|e: interdict_ews::EwsError| ApiError::bad_request("method", e.to_string()))?;
    if input.series.is_empty() || input.series.len() > MAX_POINTS {
        return Err(ApiError::bad_request(
            "series",
            format!("must have 1 to {MAX_POINTS} weeks"),
        ));
    }
    let mut y = Vec::with_capacity(input.series.len());
    let mut dates = Vec::new();
    for (i, w) in input.series.iter().enumerate() {
        if !w.observed.is_finite() || w.observed < 0.0 {
            return Err(ApiError::bad_request(
                &format!("series[{i}].observed"),
                "must be a finite count, at least 0",
            ));
        }
        y.push(w.observed);
        if let Some(d) = &w.date {
            let d = interdict_core::Date::parse(d)
                .map_err(|e| ApiError::bad_request(&format!("series[{i}].date"), e))?;
            dates.push(d.day_number());
        }
    }
    if !dates.is_empty() && dates.len() != y.len() {
        return Err(ApiError::bad_request(
            "series",
            "give a date for every week or for none",
        ));
    }
    let range = input.range.map(|[a, b]| (a, b));
    if range.is_none() && method.needs_range() {
        return Err(ApiError::bad_request(
            "range",
            format!("{method} needs a range [A, B]"),
        ));
    }
    let (preset, given) = overrides(&input.options.unwrap_or_default())?;
    let detector = detect::detector(method, preset, &given)
        .map_err(|e| ApiError::bad_request("options", e.to_string()))?;
    let name = detector.name().to_string();
    let points = blocking(&rid, move || {
        let series = Series {
            id: None,
            y,
            dates: (!dates.is_empty()).then_some(dates),
        };
        Ok(detect::run(&detector, &series, range).map_err(|e| e.to_string()))
    })
    .await?
    .map_err(|message| {
        ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable",
            message,
        )
    })?;
    Ok(Json(DetectOut {
        method: name,
        points: points
            .iter()
            .map(|p| {
                let w = PointWire::new(None, p);
                PointOut {
                    t: w.t,
                    observed: w.observed,
                    upperbound: w.upperbound,
                    alarm: w.alarm,
                }
            })
            .collect(),
    }))
}
