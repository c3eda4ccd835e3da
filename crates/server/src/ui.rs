//! The web UI: static pages (HTML, small vanilla ES modules, CSS, string catalogues) embedded in
//! the binary and served at `/` and `/ui/…`. Nothing is loaded from anywhere else; the pages only
//! call the API of the same origin, with the session cookie and its CSRF token, so a user sees
//! exactly what the API lets them see. No build step: the files under `crates/server/ui/` are
//! the files served, except `ui/vendor/`, which `ui-vendor/build.mjs` derives from npm packages
//! pinned by `ui-vendor/package-lock.json` (committed; `.ci/run` rebuilds it and fails on any
//! difference), and `/ui/geo/centroids.json`, the flows engine's country points. They work under
//! the server's Content-Security-Policy (`default-src 'self'`, no inline scripts or styles).

use axum::extract::Path;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::error::ApiError;

/// One embedded file.
struct Asset {
    path: &'static str,
    mime: &'static str,
    body: &'static [u8],
}

macro_rules! asset {
    ($path:literal, $mime:expr) => {
        Asset {
            path: $path,
            mime: $mime,
            body: include_bytes!(concat!("../ui/", $path)),
        }
    };
}

const JS: &str = "text/javascript; charset=utf-8";
const JSON: &str = "application/json; charset=utf-8";

/// Every file of the UI; anything else under `/ui/` is `not_found`.
const ASSETS: &[Asset] = &[
    asset!("index.html", "text/html; charset=utf-8"),
    asset!("app.css", "text/css; charset=utf-8"),
    asset!("favicon.svg", "image/svg+xml"),
    asset!("i18n/en.json", JSON),
    asset!("i18n/es.json", JSON),
    asset!("js/app.js", JS),
    asset!("js/lib.js", JS),
    asset!("js/mol.js", JS),
    asset!("js/screen.js", JS),
    asset!("js/substances.js", JS),
    asset!("js/pens.js", JS),
    asset!("js/label.js", JS),
    asset!("js/incidents.js", JS),
    asset!("js/alerts.js", JS),
    asset!("js/flows.js", JS),
    asset!("js/needs.js", JS),
    asset!("js/audit.js", JS),
    asset!("js/map.js", JS),
    asset!("js/qr.js", JS),
    asset!("vendor/world-110m.json", JSON),
    asset!("vendor/jsqr.js", JS),
    asset!("vendor/LICENSES.txt", "text/plain; charset=utf-8"),
];

/// The UI's routes, merged into the API router.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(index))
        .route("/ui/geo/centroids.json", get(centroids))
        .route("/ui/{*path}", get(file))
}

/// The countries' points as the flow map places them (`{"CC": [lat, lon]}`), made once.
async fn centroids() -> Response {
    static BODY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let body = BODY.get_or_init(|| interdict_app::flows::centroids().to_string());
    ([(CONTENT_TYPE, JSON)], body.as_str()).into_response()
}

async fn index() -> Response {
    serve("index.html")
}

async fn file(Path(path): Path<String>) -> Response {
    serve(&path)
}

fn serve(path: &str) -> Response {
    match ASSETS.iter().find(|a| a.path == path) {
        Some(a) => ([(CONTENT_TYPE, a.mime)], a.body).into_response(),
        None => ApiError::not_found("no such page").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_is_there_and_the_catalogues_have_the_same_keys() {
        for a in ASSETS {
            assert!(!a.body.is_empty(), "{} is empty", a.path);
        }
        let keys = |p: &str| -> Vec<String> {
            let a = ASSETS.iter().find(|a| a.path == p).expect("catalogue");
            let v: serde_json::Value = serde_json::from_slice(a.body).expect("catalogue is JSON");
            let mut k: Vec<String> = v.as_object().expect("an object").keys().cloned().collect();
            k.sort();
            k
        };
        assert_eq!(keys("i18n/en.json"), keys("i18n/es.json"));
    }

    #[test]
    fn the_pages_carry_no_inline_script_or_style_and_nothing_from_elsewhere() {
        // The vendored third-party files keep their comments and licences (which name their
        // homes); the CSP and the browser test's same-origin check are the wall for those.
        for a in ASSETS.iter().filter(|a| !a.path.starts_with("vendor/")) {
            let text = String::from_utf8_lossy(a.body);
            if a.path.ends_with(".html") {
                assert!(!text.contains("<script>"), "{}: inline script", a.path);
                assert!(!text.contains("style="), "{}: inline style", a.path);
            }
            for remote in ["http://", "https://", "//cdn", "fonts.googleapis"] {
                let hits = a
                    .body
                    .windows(remote.len())
                    .enumerate()
                    .filter(|(_, w)| *w == remote.as_bytes())
                    .filter(|(i, _)| {
                        let before = &a.body[i.saturating_sub(12)..*i];
                        !before.windows(5).any(|w| w == b"xmlns")
                    })
                    .count();
                assert_eq!(hits, 0, "{} names {remote}", a.path);
            }
        }
    }

    #[test]
    fn the_world_map_and_the_country_points_are_there() {
        let world = ASSETS
            .iter()
            .find(|a| a.path == "vendor/world-110m.json")
            .expect("the world map");
        let v: serde_json::Value = serde_json::from_slice(world.body).expect("JSON");
        let countries = v["countries"].as_array().expect("countries");
        assert!(countries.len() > 150, "{} countries", countries.len());
        for c in countries {
            for ring in c["rings"].as_array().expect("rings") {
                let xs = ring.as_array().expect("a ring");
                assert!(xs.len() >= 6 && xs.len() % 2 == 0, "{}", c["name"]);
                for pair in xs.chunks(2) {
                    let (lon, lat) = (pair[0].as_f64(), pair[1].as_f64());
                    assert!(
                        matches!((lon, lat), (Some(x), Some(y)) if x.abs() <= 180.0 && y.abs() <= 90.0),
                        "{}: {pair:?}",
                        c["name"]
                    );
                }
            }
        }
        let points = interdict_app::flows::centroids();
        assert_eq!(
            points["MX"].as_array().map(Vec::len),
            Some(2),
            "{}",
            points["MX"]
        );
    }

    #[test]
    fn unknown_paths_are_not_found() {
        assert_eq!(serve("../Cargo.toml").status(), 404);
        assert_eq!(serve("js/app.js").status(), 200);
    }
}
