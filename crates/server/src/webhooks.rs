//! Webhook deliveries of alert subscriptions: the HTTP side of `interdict_app::subscriptions`.
//!
//! A worker takes the due deliveries from the outbox, posts each (body as stored, header
//! `x-interdict-signature: sha256=<hex>`), and records the answer: 2xx delivered, anything
//! else retried with back-off. No redirect is followed. Addresses are checked where they
//! resolve, at subscription and again at every connection (the resolver itself drops them),
//! so a name that later points at loopback, a private network or a link-local address (cloud
//! metadata) is never reached — unless the operator allows it (`--allow-private-webhooks`).

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::time::Duration;

use interdict_app::subscriptions;

use crate::state::AppState;

/// How often the worker looks for due deliveries.
pub const DELIVERY_TICK: Duration = Duration::from_secs(2);
/// New alerts are looked for every this many ticks.
const ENQUEUE_EVERY: u64 = 5;
/// Longest a receiver may take to answer.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// Whether an address is one a webhook must not reach without the operator's leave: loopback,
/// private, link-local, shared (CGNAT), unspecified, multicast, broadcast, documentation.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
                || o[0] == 0
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_internal(IpAddr::V4(v4));
            }
            let s = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
        }
    }
}

/// The host and port of an http(s) URL.
fn host_port(url: &str) -> Result<(String, u16), String> {
    let (rest, default_port) = if let Some(r) = url.strip_prefix("https://") {
        (r, 443)
    } else if let Some(r) = url.strip_prefix("http://") {
        (r, 80)
    } else {
        return Err("must start with https:// or http://".into());
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6
            .split_once(']')
            .ok_or("an IPv6 host needs its closing ]")?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().map_err(|_| format!("`{p}` is not a port"))?,
            None => default_port,
        };
        return Ok((host.to_string(), port));
    }
    match authority.rsplit_once(':') {
        Some((h, p)) => Ok((
            h.to_string(),
            p.parse().map_err(|_| format!("`{p}` is not a port"))?,
        )),
        None => Ok((authority.to_string(), default_port)),
    }
}

/// Where a URL's host resolves, keeping only the addresses allowed.
fn allowed_addresses(
    host: &str,
    port: u16,
    allow_private: bool,
) -> Result<Vec<SocketAddr>, String> {
    let all: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("`{host}` does not resolve: {e}"))?
        .collect();
    if all.is_empty() {
        return Err(format!("`{host}` resolves to no address"));
    }
    let allowed: Vec<SocketAddr> = all
        .iter()
        .copied()
        .filter(|a| allow_private || !is_internal(a.ip()))
        .collect();
    if allowed.is_empty() {
        return Err(format!(
            "`{host}` resolves to {}, an internal address (loopback, private or link-local); \
             the operator can allow these with --allow-private-webhooks",
            all[0].ip()
        ));
    }
    Ok(allowed)
}

/// Checks a subscription's URL where it resolves now (blocking: DNS).
pub fn check_destination(url: &str, allow_private: bool) -> Result<(), String> {
    let (host, port) = host_port(url)?;
    allowed_addresses(&host, port, allow_private).map(|_| ())
}

fn agent(allow_private: bool) -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(DELIVERY_TIMEOUT)
        .redirects(0)
        .user_agent("interdict-webhooks/1")
        .resolver(move |addr: &str| -> std::io::Result<Vec<SocketAddr>> {
            let (host, port) = addr
                .rsplit_once(':')
                .and_then(|(h, p)| p.parse().ok().map(|p| (h.trim_matches(['[', ']']), p)))
                .ok_or_else(|| std::io::Error::other(format!("bad address {addr}")))?;
            allowed_addresses(host, port, allow_private).map_err(std::io::Error::other)
        })
        .build()
}

/// One pass: queue new alerts (every few ticks), then post what is due.
fn pass(state: &AppState, agent: &ureq::Agent, tick: u64) {
    let app = &state.app;
    let now = state.now();
    if tick.is_multiple_of(ENQUEUE_EVERY) {
        if let Err(e) = subscriptions::enqueue_new_alerts(app, now) {
            tracing::warn!(error = %e, "webhooks: could not queue new alerts");
        }
    }
    let due = match subscriptions::due(app, now, 20) {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!(error = %e, "webhooks: could not read the outbox");
            return;
        }
    };
    for d in due {
        let answer = agent
            .post(&d.url)
            .set("content-type", "application/json")
            .set("x-interdict-signature", &d.signature)
            .set("x-interdict-event", &d.event_key)
            .set("x-interdict-delivery", &d.seq.to_string())
            .send_string(&d.body);
        let now = state.now();
        let outcome = match answer {
            Ok(r) if (200..300).contains(&r.status()) => subscriptions::delivered(app, d.seq, now),
            Ok(r) => subscriptions::failed(app, &d, &format!("answered {}", r.status()), now),
            Err(ureq::Error::Status(code, _)) => {
                subscriptions::failed(app, &d, &format!("answered {code}"), now)
            }
            Err(e) => subscriptions::failed(app, &d, &e.to_string(), now),
        };
        match outcome {
            Ok(()) => {
                tracing::debug!(subscription = %d.subscription_id, delivery = d.seq, "webhook tried")
            }
            Err(e) => tracing::warn!(error = %e, "webhooks: could not record a delivery"),
        }
    }
}

/// Starts the delivery worker on the runtime.
pub fn spawn(state: AppState) {
    let allow_private = state.settings.allow_private_webhooks;
    tokio::spawn(async move {
        let agent = agent(allow_private);
        let mut tick = tokio::time::interval(DELIVERY_TICK);
        let mut n: u64 = 0;
        loop {
            tick.tick().await;
            let (state, agent) = (state.clone(), agent.clone());
            let count = n;
            if let Err(e) = tokio::task::spawn_blocking(move || pass(&state, &agent, count)).await {
                tracing::warn!(error = %e, "webhooks: the worker failed");
            }
            n = n.wrapping_add(1);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_recognised() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(is_internal(a.parse().unwrap()), "{a}");
        }
        for a in ["93.184.216.34", "2606:2800:220:1::1", "8.8.8.8"] {
            assert!(!is_internal(a.parse().unwrap()), "{a}");
        }
    }

    #[test]
    fn loopback_is_refused_unless_allowed() {
        assert!(check_destination("http://127.0.0.1:9/x", false).is_err());
        assert!(check_destination("http://localhost:9/x", false).is_err());
        assert!(check_destination("http://[::1]:9/x", false).is_err());
        assert!(check_destination("http://127.0.0.1:9/x", true).is_ok());
        assert_eq!(
            host_port("https://h.example:8443/p").unwrap(),
            ("h.example".into(), 8443)
        );
        assert_eq!(host_port("http://[::1]/p").unwrap(), ("::1".into(), 80));
    }
}
