//! What every handler shares: the application, the configuration, the metrics, the clock.

use std::sync::Arc;
use std::time::Duration;

use interdict_app::App;

use crate::metrics::Metrics;

/// Server settings that handlers need.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Longest a request may take before it is answered `unavailable`.
    pub request_timeout: Duration,
    /// Whether the session cookie carries `Secure` (off only for plain-HTTP development).
    pub secure_cookies: bool,
    /// Days added to the clock, for training and deadline tests (`--clock-offset`).
    pub clock_offset_days: i64,
    /// Whether webhooks may reach loopback, private and link-local addresses
    /// (`--allow-private-webhooks`; off: a subscription cannot be turned against the
    /// platform's own network).
    pub allow_private_webhooks: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            body_limit: 32 << 20,
            request_timeout: Duration::from_secs(60),
            secure_cookies: true,
            clock_offset_days: 0,
            allow_private_webhooks: false,
        }
    }
}

/// Shared by every request. Holds no per-user state: any number of processes may serve one
/// PostgreSQL database behind a load balancer.
#[derive(Clone)]
pub struct AppState {
    pub app: Arc<App>,
    pub settings: Arc<Settings>,
    pub metrics: Arc<Metrics>,
}

impl AppState {
    pub fn new(app: App, settings: Settings) -> AppState {
        AppState {
            app: Arc::new(app),
            settings: Arc::new(settings),
            metrics: Arc::new(Metrics::default()),
        }
    }

    /// The one clock of the server: Unix seconds, shifted by `--clock-offset`.
    pub fn now(&self) -> i64 {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        secs + self.settings.clock_offset_days * 86_400
    }
}
