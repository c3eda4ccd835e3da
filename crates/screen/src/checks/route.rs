//! ROUTE_RISK: the consignment passes a country or port configured as high-risk for its goods.

use crate::code::FlagCode;
use crate::context::{RouteKind, RouteRule};
use crate::declaration::Declaration;
use crate::evidence::RouteRisk;
use crate::flag::{Flag, Severity};

/// The flag when a rule for one of the goods' classes (or `*`, any controlled goods) names a
/// transit country or the port of loading or discharge. Goods in no class are not checked.
pub(crate) fn check(
    rules: &[RouteRule],
    d: &Declaration,
    goods_classes: &[String],
) -> Option<Flag> {
    if goods_classes.is_empty() {
        return None;
    }
    let hits: Vec<RouteRule> = rules
        .iter()
        .filter(|rule| rule.class == "*" || goods_classes.contains(&rule.class))
        .filter(|rule| match rule.kind {
            RouteKind::Country => d.transit_countries.iter().any(|c| c.as_str() == rule.code),
            RouteKind::Port => [&d.port_of_loading, &d.port_of_discharge]
                .iter()
                .any(|p| p.as_deref() == Some(rule.code.as_str())),
        })
        .cloned()
        .collect();
    if hits.is_empty() {
        return None;
    }
    let codes: Vec<&str> = hits.iter().map(|h| h.code.as_str()).collect();
    Some(Flag::new(
        FlagCode::RouteRisk,
        Severity::Medium,
        format!(
            "route through {} is high-risk for these goods",
            codes.join(", ")
        ),
        RouteRisk {
            rules: hits,
            transit_countries: d.transit_countries.clone(),
            port_of_loading: d.port_of_loading.clone(),
            port_of_discharge: d.port_of_discharge.clone(),
        },
    ))
}
