//! Prometheus metrics: requests by route and status, a latency histogram per route, and the
//! database pool. Kept in memory per process (each process is scraped on its own).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default)]
struct RouteStats {
    by_status: BTreeMap<u16, u64>,
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
pub struct Metrics {
    routes: Mutex<BTreeMap<String, RouteStats>>,
}

impl Metrics {
    pub fn record(&self, route: &str, status: u16, elapsed: Duration) {
        let Ok(mut routes) = self.routes.lock() else {
            return;
        };
        if !routes.contains_key(route) {
            routes.insert(route.to_string(), RouteStats::default());
        }
        let Some(stats) = routes.get_mut(route) else {
            return;
        };
        *stats.by_status.entry(status).or_default() += 1;
        let secs = elapsed.as_secs_f64();
        for (i, le) in BUCKETS.iter().enumerate() {
            if secs <= *le {
                stats.buckets[i] += 1;
            }
        }
        stats.count += 1;
        stats.sum += secs;
    }

    /// The Prometheus text exposition.
    pub fn render(&self, pool: interdict_app::PoolStats) -> String {
        let mut s = String::new();
        s.push_str("# HELP interdict_http_requests_total HTTP requests by route and status.\n");
        s.push_str("# TYPE interdict_http_requests_total counter\n");
        let routes = match self.routes.lock() {
            Ok(r) => r,
            Err(p) => p.into_inner(),
        };
        for (route, st) in routes.iter() {
            for (status, n) in &st.by_status {
                let _ = writeln!(
                    s,
                    "interdict_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        s.push_str("# HELP interdict_http_request_duration_seconds Request latency by route.\n");
        s.push_str("# TYPE interdict_http_request_duration_seconds histogram\n");
        for (route, st) in routes.iter() {
            for (i, le) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    s,
                    "interdict_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{le}\"}} {}",
                    st.buckets[i]
                );
            }
            let _ = writeln!(s, "interdict_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}", st.count);
            let _ = writeln!(
                s,
                "interdict_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                st.sum
            );
            let _ = writeln!(
                s,
                "interdict_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                st.count
            );
        }
        s.push_str("# HELP interdict_db_pool_connections Database pool connections by state.\n");
        s.push_str("# TYPE interdict_db_pool_connections gauge\n");
        let _ = writeln!(
            s,
            "interdict_db_pool_connections{{state=\"idle\"}} {}",
            pool.idle
        );
        let _ = writeln!(
            s,
            "interdict_db_pool_connections{{state=\"in_use\"}} {}",
            pool.in_use
        );
        let _ = writeln!(
            s,
            "interdict_db_pool_connections{{state=\"max\"}} {}",
            pool.max_size
        );
        s
    }
}
