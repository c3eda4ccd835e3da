//! `interdict serve`: the coalition platform's HTTP shell. Handlers parse, authenticate, call
//! the application layer (`interdict-app`) and answer in the contract's terms
//! (`shared/spec/platform.md`); no domain rule lives here.
//!
//! Architecture invariant: depends on `interdict-app`, `-domain`, `-types`, `-core` (and the
//! engines' wire-facing types); never on a database driver. Every request has an id (in the
//! `x-request-id` header, in every log line, in an `internal` error's message), a body limit and
//! a time limit; shutdown on SIGTERM/SIGINT stops accepting and lets requests in flight finish.

pub mod error;
pub mod http;
pub mod metrics;
pub mod openapi;
pub mod state;
pub mod ui;
pub mod webhooks;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use tracing::Instrument;

pub use error::ApiError;
pub use state::{AppState, Settings};

use crate::http::RequestId;

/// The whole API.
pub fn router(state: AppState) -> Router {
    use http::{engines, identity, ops};
    Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route(
            "/api/openapi.json",
            get(|| async { Json(openapi::document()) }),
        )
        .route("/api/v1/me", get(identity::me))
        .route(
            "/api/v1/session",
            post(identity::login).delete(identity::logout),
        )
        .route(
            "/api/v1/organisations",
            get(identity::organisations).post(identity::add_organisation),
        )
        .route("/api/v1/users", post(identity::add_user))
        .route(
            "/api/v1/tokens",
            get(identity::tokens).post(identity::create_token),
        )
        .route("/api/v1/tokens/{id}", delete(identity::revoke_token))
        .route("/api/v1/identify", post(engines::identify))
        .route("/api/v1/classify", post(engines::classify))
        .route("/api/v1/parties/match", post(engines::match_party))
        .route("/api/v1/screen", post(engines::screen))
        .route("/api/v1/detect", post(http::detect::detect))
        .route("/api/v1/substances", get(engines::substances))
        .route("/api/v1/substances/{id}", get(engines::substance))
        .route("/api/v1/lists", get(engines::lists))
        .route("/api/v1/lists/import", post(engines::import_list))
        .route(
            "/api/v1/incidents",
            get(http::incidents::search).post(http::incidents::create),
        )
        .route("/api/v1/incidents:import", post(http::incidents::import))
        .route("/api/v1/incidents:export", get(http::incidents::export))
        .route(
            "/api/v1/incidents/{id}",
            get(http::incidents::get).patch(http::incidents::update),
        )
        .route(
            "/api/v1/incidents/{id}/visibility",
            get(http::incidents::visibility),
        )
        .route(
            "/api/v1/incidents/{id}/attachments",
            get(http::incidents::attachments).post(http::incidents::attach),
        )
        .route(
            "/api/v1/incidents/{id}/attachments/{attachment}",
            get(http::incidents::attachment),
        )
        .route("/api/v1/pens", post(http::pens::file).get(http::pens::list))
        .route("/api/v1/pens:statistics", get(http::pens::statistics))
        .route("/api/v1/pens:screen", post(http::pens::screen_draft))
        .route("/api/v1/pens/{id}", get(http::pens::get))
        .route(
            "/api/v1/pens/{id}/acknowledge",
            post(http::pens::acknowledge),
        )
        .route("/api/v1/pens/{id}/reply", post(http::pens::reply))
        .route("/api/v1/pens/{id}/answer", post(http::pens::answer))
        .route("/api/v1/pens/{id}/withdraw", post(http::pens::withdraw))
        .route("/api/v1/pens/{id}/stop", post(http::pens::stop))
        .route("/api/v1/pens/{id}/shipment", post(http::pens::shipment))
        .route("/api/v1/pens/{id}/label", get(http::pens::label))
        .route("/api/v1/labels/verify", post(http::pens::verify))
        .route("/api/v1/keys", get(http::pens::keys))
        .route("/api/v1/keys:rotate", post(http::pens::rotate))
        .route("/api/v1/keys/{key_id}/revoke", post(http::pens::revoke))
        .route(
            "/api/v1/corridors/{corridor}",
            put(http::pens::put_corridor).get(http::pens::corridor),
        )
        .route("/api/v1/alerts", get(http::alerts::alerts))
        .route(
            "/api/v1/countries/{cc}/needs",
            get(http::alerts::country_needs),
        )
        .route("/api/v1/needs", get(http::alerts::needs))
        .route("/api/v1/flows", get(http::alerts::flows))
        .route("/api/v1/flows/changes", get(http::alerts::flow_changes))
        .route(
            "/api/v1/subscriptions",
            post(http::alerts::subscribe).get(http::alerts::subscriptions_list),
        )
        .route(
            "/api/v1/subscriptions/{id}",
            delete(http::alerts::unsubscribe),
        )
        .route(
            "/api/v1/subscriptions/{id}/deliveries",
            get(http::alerts::deliveries),
        )
        .route("/api/v1/audit", get(http::audit::entries))
        .route("/api/v1/audit/checkpoint", get(http::audit::checkpoint))
        .route("/api/v1/audit/proof/inclusion", get(http::audit::inclusion))
        .route(
            "/api/v1/audit/proof/consistency",
            get(http::audit::consistency),
        )
        .merge(ui::routes())
        .fallback(|| async { ApiError::not_found("no such path") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                "bad_request",
                "method not allowed on this path",
            )
        })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            around_request,
        ))
        .with_state(state)
}

static REQUESTS: AtomicU64 = AtomicU64::new(0);

/// A request id unique in this process and unlikely to meet another process's: a random
/// prefix drawn at start-up and a counter.
fn next_request_id() -> String {
    use std::sync::OnceLock;
    static PREFIX: OnceLock<String> = OnceLock::new();
    let prefix = PREFIX.get_or_init(|| {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos() ^ (d.as_secs() as u32))
            .unwrap_or(0);
        format!("{:08x}{:04x}", nanos, std::process::id() & 0xffff)
    });
    format!("{prefix}-{:06}", REQUESTS.fetch_add(1, Ordering::Relaxed))
}

/// A NUL character (`%00`) in the path or a query parameter, refused before any handler: no
/// record holds one, and PostgreSQL refuses text with one, which reached the searches as an
/// internal error (found by the SQL-injection test once it ran on PostgreSQL too).
fn nul_in_uri(uri: &axum::http::Uri) -> Option<ApiError> {
    if uri.path().contains("%00") {
        return Some(ApiError::bad_request(
            "path",
            "the path holds a NUL character (%00)",
        ));
    }
    let query = uri.query().filter(|q| q.contains("%00"))?;
    let (name, _) = form_urlencoded::parse(query.as_bytes())
        .find(|(k, v)| k.contains('\0') || v.contains('\0'))?;
    Some(ApiError::bad_request(
        &name,
        format!("query parameter `{name}` holds a NUL character (%00)"),
    ))
}

/// Around every request: its id, a tracing span carrying it, the time limit, metrics, and
/// the security headers.
async fn around_request(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let id = next_request_id();
    req.extensions_mut().insert(RequestId(id.clone()));
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().clone();
    let started = Instant::now();
    let span = tracing::info_span!("request", request_id = %id, %method, route = %route);
    let limit = state.settings.request_timeout;
    let refused = nul_in_uri(req.uri());
    let run = async move {
        match refused {
            Some(e) => e.into_response(),
            None => next.run(req).await,
        }
    };
    let mut response = match tokio::time::timeout(limit, run.instrument(span.clone())).await {
        Ok(r) => r,
        Err(_) => {
            span.in_scope(|| tracing::warn!("request took longer than {limit:?}"));
            ApiError::unavailable(format!(
                "the request took longer than {} s",
                limit.as_secs()
            ))
            .into_response()
        }
    };
    let status = response.status().as_u16();
    state.metrics.record(&route, status, started.elapsed());
    span.in_scope(|| {
        tracing::info!(
            status,
            ms = started.elapsed().as_millis() as u64,
            "answered"
        );
    });
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&id) {
        headers.insert(HeaderName::from_static("x-request-id"), v);
    }
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("cache-control", "no-store"),
        (
            "content-security-policy",
            "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ),
    ] {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    response
}

/// How long a client may take to send a request's headers before its connection is closed
/// (slow clients, slowloris): the time limit of a request only starts once its headers are in.
pub const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Serves until SIGTERM or SIGINT, then stops accepting and lets requests in flight finish.
/// Each connection is served by hyper with [`HEADER_READ_TIMEOUT`] on every request's headers.
pub async fn serve(listen: SocketAddr, state: AppState) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "serving");
    spawn_deadline_clock(state.clone());
    webhooks::spawn(state.clone());
    spawn_feed_warmup(state.clone());
    eprintln!("interdict: serving on http://{addr}");
    let drain_limit = state.settings.request_timeout + std::time::Duration::from_secs(5);
    let app = router(state);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown_signal());
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little rather than spin.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = tower::ServiceExt::map_request(
            app.clone(),
            move |mut req: axum::http::Request<hyper::body::Incoming>| {
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                req.map(axum::body::Body::new)
            },
        );
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(HEADER_READ_TIMEOUT);
        let conn = builder.serve_connection(
            hyper_util::rt::TokioIo::new(stream),
            hyper_util::service::TowerToHyperService::new(service),
        );
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, %peer, "connection ended");
            }
        });
    }
    drop(listener);
    // Requests in flight finish (each within its time limit); a connection still trickling its
    // headers is not waited for beyond that.
    if tokio::time::timeout(drain_limit, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("shutting down: some connections did not finish in {drain_limit:?}");
    }
    tracing::info!("stopped");
    Ok(())
}

/// How often the platform's clock moves notifications whose reply deadline passed.
pub const DEADLINE_TICK: std::time::Duration = std::time::Duration::from_secs(30);

/// The platform's deadline clock: at start-up and every [`DEADLINE_TICK`], notifications
/// whose deadline passed unanswered become `expired` or `no_objection` by silence, whether or
/// not anyone is looking. Several servers on one database may run it: each move re-reads the
/// notification in its transaction.
/// Reads the stored incidents into the alert feeds' base in the background, so the first
/// alerts, flows or needs request after a start does not wait for the whole store to be read.
fn spawn_feed_warmup(state: AppState) {
    let app = state.app.clone();
    tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        match interdict_app::early_warning::warm_feeds(&app) {
            Ok(n) => tracing::info!(
                incidents = n,
                ms = started.elapsed().as_millis() as u64,
                "alert feeds read"
            ),
            Err(e) => {
                tracing::warn!(error = %e, "alert feeds: could not read the incidents");
                return;
            }
        }
        let started = Instant::now();
        match interdict_app::early_warning::warm_alerts(&app) {
            Ok(n) => tracing::info!(
                organisations = n,
                ms = started.elapsed().as_millis() as u64,
                "alert detectors run once per country"
            ),
            Err(e) => tracing::warn!(error = %e, "alert detectors: could not warm them"),
        }
    });
}

fn spawn_deadline_clock(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(DEADLINE_TICK);
        loop {
            tick.tick().await;
            let app = state.app.clone();
            let now = state.now();
            let moved = tokio::task::spawn_blocking(move || {
                interdict_app::pens::sweep_deadlines(&app, now)
            })
            .await;
            match moved {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "deadline clock: could not move notifications")
                }
                Err(e) => tracing::warn!(error = %e, "deadline clock: the task failed"),
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Runs the server on its own multi-threaded runtime until SIGTERM or SIGINT (the CLI's entry).
pub fn run(listen: SocketAddr, state: AppState) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("interdict-http")
        .build()
        .map_err(|e| anyhow::anyhow!("cannot start the runtime: {e}"))?;
    // The database pool is dropped here, outside the runtime: the PostgreSQL client owns a
    // runtime of its own, which may not be dropped from within an asynchronous context.
    let keep = state.clone();
    let served = runtime.block_on(serve(listen, state));
    drop(runtime);
    drop(keep);
    served
}
