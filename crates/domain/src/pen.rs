//! Pre-export notifications (`shared/spec/platform.md`, Pre-export notifications): what an
//! exporting authority files, the statuses a notification moves through and which action of
//! which side may move it, the fixed visibility of a notification, and reply deadlines in
//! working days by corridor policy.
//!
//! The rules here are the whole of the lifecycle: the application layer asks [`authorise`]
//! who may act and [`transition`] where the action leads, and records the answer; no other
//! place decides a status.

use interdict_core::{CountryCode, Date, Locode, Quantity, Unit};
use serde::{Deserialize, Serialize};

use crate::authz::Decision;
use crate::identity::{Actor, OrgKind, Role};
use crate::incident::{FieldError, QuantityInput};
use crate::sharing::ChangeDecision;

use crate::incident::words;

words!(
    /// Where a notification stands.
    PenStatus, "notification status", [
    Sent = "sent",
    Acknowledged = "acknowledged",
    NoObjection = "no_objection",
    Objection = "objection",
    Query = "query",
    Withdrawn = "withdrawn",
    Expired = "expired",
    Stopped = "stopped",
    Shipped = "shipped",
]);

impl PenStatus {
    /// Waiting for the importing country's answer: the reply deadline runs.
    pub fn awaits_reply(self) -> bool {
        matches!(self, PenStatus::Sent | PenStatus::Acknowledged)
    }

    /// No action can move it any more.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            PenStatus::Objection | PenStatus::Withdrawn | PenStatus::Expired | PenStatus::Stopped
        )
    }
}

words!(
    /// How the consignment travels.
    TransportMode, "mode of transport", [
    Sea = "sea",
    Air = "air",
    Road = "road",
    Rail = "rail",
    Post = "post",
]);

words!(
    /// What a corridor's silence means when the reply deadline passes.
    SilenceMeans, "silence policy", [
    Expired = "expired",
    NoObjection = "no_objection",
]);

words!(
    /// The importing authority's answer.
    ReplyDecision, "reply decision", [
    NoObjection = "no_objection",
    Objection = "objection",
    Query = "query",
]);

words!(
    /// Which notifications of a caller an inbox lists.
    PenRole, "role", [
    Outgoing = "outgoing",
    Incoming = "incoming",
    Transit = "transit",
]);

/// A trader named on a notification.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraderInput {
    pub name: String,
    #[serde(default)]
    pub address: String,
    pub country: CountryCode,
}

/// The substance as filed: any of these, resolved through the registry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PenSubstanceInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub substance_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cas: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A notification as filed (`POST /api/v1/pens`). Unknown fields are refused.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PenInput {
    pub importing_country: CountryCode,
    #[serde(default)]
    pub transit_countries: Vec<CountryCode>,
    pub exporter: TraderInput,
    pub importer: TraderInput,
    pub consignee: TraderInput,
    pub substance: PenSubstanceInput,
    pub quantity: QuantityInput,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mixture_percent: Option<f64>,
    pub hs_code: String,
    pub point_of_exit: String,
    pub point_of_entry: String,
    pub mode_of_transport: TransportMode,
    pub carrier: String,
    pub dispatch_date: String,
    pub arrival_date: String,
    pub invoice_number: String,
    pub export_authorisation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_deadline: Option<String>,
}

/// A filing once checked: its values typed.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckedPen {
    pub exporting_country: CountryCode,
    pub quantity: Quantity,
    /// The quantity in kilograms (the mixture's whole mass; volumes and counts have none).
    pub quantity_kg: Option<f64>,
    pub dispatch_date: Date,
    pub arrival_date: Date,
    pub reply_deadline: Option<Date>,
    pub point_of_exit: Locode,
    pub point_of_entry: Locode,
}

fn bad(field: impl Into<String>, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.into(),
        message: message.into(),
    }
}

/// Longest text of one field of a notification.
pub const MAX_FIELD: usize = 1024;

impl PenInput {
    /// Checks every field for a filing by an authority of `exporting_country`; the first wrong
    /// field is named as the contract's `details.field`.
    pub fn check(&self, exporting_country: CountryCode) -> Result<CheckedPen, FieldError> {
        if self.importing_country == exporting_country {
            return Err(bad(
                "importing_country",
                "is the exporting country; a notification is for an export to another country",
            ));
        }
        if self.transit_countries.len() > 20 {
            return Err(bad("transit_countries", "more than 20"));
        }
        for (i, c) in self.transit_countries.iter().enumerate() {
            if *c == exporting_country || *c == self.importing_country {
                return Err(bad(
                    format!("transit_countries[{i}]"),
                    "is the exporting or importing country",
                ));
            }
        }
        for (field, t) in [
            ("exporter", &self.exporter),
            ("importer", &self.importer),
            ("consignee", &self.consignee),
        ] {
            if t.name.trim().is_empty() {
                return Err(bad(format!("{field}.name"), "is empty"));
            }
            for (sub, text) in [("name", &t.name), ("address", &t.address)] {
                if text.len() > MAX_FIELD {
                    return Err(bad(
                        format!("{field}.{sub}"),
                        format!("longer than {MAX_FIELD} bytes"),
                    ));
                }
            }
        }
        if self.exporter.country != exporting_country {
            return Err(bad(
                "exporter.country",
                format!(
                    "is {}, but the notification is filed by an authority of {exporting_country}",
                    self.exporter.country
                ),
            ));
        }
        let s = &self.substance;
        let given = [&s.substance_id, &s.cas, &s.name]
            .iter()
            .filter(|v| v.as_deref().is_some_and(|t| !t.trim().is_empty()))
            .count();
        if given == 0 {
            return Err(bad("substance", "give substance_id, cas or name"));
        }
        for (field, text) in [
            ("substance.substance_id", &s.substance_id),
            ("substance.cas", &s.cas),
            ("substance.name", &s.name),
        ] {
            if text.as_deref().is_some_and(|t| t.len() > MAX_FIELD) {
                return Err(bad(field, format!("longer than {MAX_FIELD} bytes")));
            }
        }
        let unit = Unit::parse(&self.quantity.unit).ok_or_else(|| {
            bad(
                "quantity.unit",
                format!(
                    "`{}` is not a unit (kg, g, t, l, ml, units)",
                    interdict_core::text::clip(&self.quantity.unit, 20)
                ),
            )
        })?;
        let quantity = Quantity::new(self.quantity.value, unit)
            .map_err(|e| bad("quantity.value", e.to_string()))?;
        if quantity.value == 0.0 {
            return Err(bad("quantity.value", "must be more than 0"));
        }
        if let Some(p) = self.mixture_percent {
            if !(p > 0.0 && p <= 100.0) {
                return Err(bad(
                    "mixture_percent",
                    "must be more than 0 and at most 100",
                ));
            }
        }
        let hs = self.hs_code.trim();
        let digits: String = hs.chars().filter(|c| *c != '.' && *c != ' ').collect();
        if digits.len() < 4 || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad(
                "hs_code",
                "must be an HS code of 4 to 12 digits (2939.71, 293971)",
            ));
        }
        let locode = |field: &str, text: &str| {
            Locode::parse(text).map_err(|e| bad(field, format!("{e} (a UN/LOCODE such as NLRTM)")))
        };
        let point_of_exit = locode("point_of_exit", &self.point_of_exit)?;
        let point_of_entry = locode("point_of_entry", &self.point_of_entry)?;
        if point_of_exit.country() != exporting_country {
            return Err(bad(
                "point_of_exit",
                format!(
                    "is in {}, not the exporting country",
                    point_of_exit.country()
                ),
            ));
        }
        if point_of_entry.country() != self.importing_country {
            return Err(bad(
                "point_of_entry",
                format!(
                    "is in {}, not the importing country",
                    point_of_entry.country()
                ),
            ));
        }
        for (field, text) in [
            ("carrier", &self.carrier),
            ("invoice_number", &self.invoice_number),
            ("export_authorisation", &self.export_authorisation),
        ] {
            if text.trim().is_empty() {
                return Err(bad(field, "is empty"));
            }
            if text.len() > MAX_FIELD {
                return Err(bad(field, format!("longer than {MAX_FIELD} bytes")));
            }
        }
        let date = |field: &str, text: &str| Date::parse(text.trim()).map_err(|e| bad(field, e));
        let dispatch_date = date("dispatch_date", &self.dispatch_date)?;
        let arrival_date = date("arrival_date", &self.arrival_date)?;
        if arrival_date < dispatch_date {
            return Err(bad("arrival_date", "is before the dispatch date"));
        }
        let reply_deadline = self
            .reply_deadline
            .as_deref()
            .map(|d| date("reply_deadline", d))
            .transpose()?;
        Ok(CheckedPen {
            exporting_country,
            quantity_kg: quantity.kg(),
            quantity,
            dispatch_date,
            arrival_date,
            reply_deadline,
            point_of_exit,
            point_of_entry,
        })
    }
}

/// The countries a notification concerns: its fixed visibility.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PenParties {
    pub exporting: CountryCode,
    pub importing: CountryCode,
    pub transit: Vec<CountryCode>,
}

impl PenParties {
    /// Every country named, exporting first.
    pub fn countries(&self) -> Vec<CountryCode> {
        let mut out = vec![self.exporting, self.importing];
        out.extend(self.transit.iter().copied());
        out
    }
}

/// Which side of a notification a caller is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Exporting,
    Importing,
    Transit,
    Secretariat,
}

/// The side `actor` is on, if the notification is visible to it at all: the competent
/// authorities of the exporting, importing and transit countries, and the secretariat.
pub fn side_of(actor: &Actor, parties: &PenParties) -> Option<Side> {
    if actor.user.disabled {
        return None;
    }
    let org = &actor.organisation;
    match (org.kind, org.country) {
        (OrgKind::Secretariat, _) => Some(Side::Secretariat),
        (OrgKind::CompetentAuthority, Some(c)) if c == parties.exporting => Some(Side::Exporting),
        (OrgKind::CompetentAuthority, Some(c)) if c == parties.importing => Some(Side::Importing),
        (OrgKind::CompetentAuthority, Some(c)) if parties.transit.contains(&c) => {
            Some(Side::Transit)
        }
        _ => None,
    }
}

/// Whether `actor` may read the notification. One it may not read is `not_found`.
pub fn may_read(actor: &Actor, parties: &PenParties) -> Decision {
    match side_of(actor, parties) {
        Some(Side::Secretariat) => Decision::allow("the secretariat receives every notification"),
        Some(Side::Exporting) => {
            Decision::allow("the exporting country's competent authority filed it")
        }
        Some(Side::Importing) => Decision::allow("it notifies the importing country's authority"),
        Some(Side::Transit) => Decision::allow("the caller's country is a transit country of it"),
        None => Decision::deny(
            "notifications are seen only by the competent authorities of the countries named \
             on them and the secretariat",
        ),
    }
}

/// Whether `actor` may file notifications: an officer or admin of a competent authority.
pub fn may_file(actor: &Actor) -> Decision {
    if actor.user.disabled {
        return Decision::deny("the user is disabled");
    }
    if actor.organisation.kind != OrgKind::CompetentAuthority {
        return Decision::deny(format!(
            "notifications are filed by competent authorities, not by a {} organisation",
            actor.organisation.kind
        ));
    }
    if actor.role() < Role::Officer {
        return Decision::deny(format!(
            "a {} may not file notifications; officers and admins may",
            actor.role()
        ));
    }
    Decision::allow("officers of a competent authority file notifications")
}

/// What someone does to a notification.
#[derive(Clone, Debug, PartialEq)]
pub enum PenAction {
    Acknowledge,
    Reply(ReplyDecision),
    /// The exporter answers a query.
    Answer,
    Withdraw,
    Stop,
    Shipment,
    /// The deadline passed with no answer (the platform's clock).
    Expire,
    /// The deadline passed and the corridor counts silence as consent (the platform's clock).
    ClearBySilence,
}

impl PenAction {
    /// The action's name in the history and the audit log.
    pub fn as_str(&self) -> &'static str {
        match self {
            PenAction::Acknowledge => "acknowledge",
            PenAction::Reply(_) => "reply",
            PenAction::Answer => "answer",
            PenAction::Withdraw => "withdraw",
            PenAction::Stop => "stop",
            PenAction::Shipment => "shipment",
            PenAction::Expire => "expire",
            PenAction::ClearBySilence => "no_objection_by_silence",
        }
    }

    /// The side that takes it (`None`: the platform itself).
    fn side(&self) -> Option<&'static [Side]> {
        match self {
            PenAction::Acknowledge | PenAction::Reply(_) => Some(&[Side::Importing]),
            PenAction::Answer | PenAction::Withdraw | PenAction::Shipment => {
                Some(&[Side::Exporting])
            }
            // "when any party to it raises a stop-shipment alert"
            PenAction::Stop => Some(&[Side::Exporting, Side::Importing, Side::Transit]),
            PenAction::Expire | PenAction::ClearBySilence => None,
        }
    }
}

/// Whether `actor` may take `action` on a notification: a caller who may not read it gets
/// `NotFound`; one on the wrong side, or below officer, `Forbidden`.
pub fn authorise(actor: &Actor, parties: &PenParties, action: &PenAction) -> ChangeDecision {
    let Some(side) = side_of(actor, parties) else {
        return ChangeDecision::NotFound;
    };
    let Some(allowed) = action.side() else {
        return ChangeDecision::Forbidden(format!(
            "`{}` is the platform's own action at the deadline",
            action.as_str()
        ));
    };
    if !allowed.contains(&side) {
        let who = match action {
            PenAction::Acknowledge | PenAction::Reply(_) => {
                "the importing country's competent authority"
            }
            PenAction::Stop => "the competent authority of a country named on the notification",
            _ => "the exporting country's competent authority",
        };
        return ChangeDecision::Forbidden(format!("only {who} may {}", action.as_str()));
    }
    if actor.role() < Role::Officer {
        return ChangeDecision::Forbidden(format!(
            "a {} may read notifications but not act on them; officers and admins may",
            actor.role()
        ));
    }
    ChangeDecision::Allowed
}

/// Where `action` takes a notification in `status`, or why it may not (the contract's
/// `conflict`).
pub fn transition(status: PenStatus, action: &PenAction) -> Result<PenStatus, String> {
    use PenStatus::*;
    let next = match (action, status) {
        (PenAction::Acknowledge, Sent) => Some(Acknowledged),
        (PenAction::Reply(d), Acknowledged) => Some(match d {
            ReplyDecision::NoObjection => NoObjection,
            ReplyDecision::Objection => Objection,
            ReplyDecision::Query => Query,
        }),
        (PenAction::Answer, Query) => Some(Acknowledged),
        (PenAction::Withdraw, Sent | Acknowledged | Query | NoObjection) => Some(Withdrawn),
        (PenAction::Stop, Sent | Acknowledged | Query | NoObjection | Shipped) => Some(Stopped),
        (PenAction::Shipment, NoObjection) => Some(Shipped),
        (PenAction::Expire, Sent | Acknowledged) => Some(Expired),
        (PenAction::ClearBySilence, Sent | Acknowledged) => Some(NoObjection),
        _ => None,
    };
    next.ok_or_else(|| {
        let hint = match (action, status) {
            (PenAction::Reply(_), Sent) => " (acknowledge it first)",
            (PenAction::Reply(_), Query) => " (the exporter has not answered the query yet)",
            (PenAction::Shipment, _) => " (a shipment is recorded after no objection)",
            (PenAction::Withdraw, Shipped) => " (it has shipped)",
            _ => "",
        };
        format!(
            "a notification that is `{}` cannot be changed by `{}`{hint}",
            status.as_str(),
            action.as_str()
        )
    })
}

/// A corridor's rules (`PUT /api/v1/corridors/{exporting}-{importing}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorridorPolicy {
    pub reply_working_days: u32,
    pub silence_means: SilenceMeans,
}

/// Working days an importer has to answer when the corridor says nothing.
pub const DEFAULT_REPLY_WORKING_DAYS: u32 = 15;
/// The longest reply period a corridor may set.
pub const MAX_REPLY_WORKING_DAYS: u32 = 365;

impl Default for CorridorPolicy {
    fn default() -> CorridorPolicy {
        CorridorPolicy {
            reply_working_days: DEFAULT_REPLY_WORKING_DAYS,
            silence_means: SilenceMeans::Expired,
        }
    }
}

impl CorridorPolicy {
    pub fn check(&self) -> Result<(), FieldError> {
        if self.reply_working_days == 0 || self.reply_working_days > MAX_REPLY_WORKING_DAYS {
            return Err(bad(
                "reply_working_days",
                format!("must be 1 to {MAX_REPLY_WORKING_DAYS}"),
            ));
        }
        Ok(())
    }
}

/// A corridor's id, `CN-MX`, parsed.
pub fn parse_corridor(id: &str) -> Result<(CountryCode, CountryCode), FieldError> {
    let (a, b) = id
        .split_once('-')
        .ok_or_else(|| bad("corridor", "must be <exporting>-<importing>, such as CN-MX"))?;
    let country = |t: &str| {
        CountryCode::parse(t).map_err(|_| {
            bad(
                "corridor",
                format!(
                    "`{}` is not an ISO 3166-1 alpha-2 code",
                    interdict_core::text::clip(t, 10)
                ),
            )
        })
    };
    let (a, b) = (country(a)?, country(b)?);
    if a == b {
        return Err(bad("corridor", "the two countries are the same"));
    }
    Ok((a, b))
}

/// Whether `day` is a Saturday or Sunday.
pub fn is_weekend(day: Date) -> bool {
    // 1970-01-01 was a Thursday: (day number + 3) mod 7 counts from Monday = 0.
    (day.day_number() + 3).rem_euclid(7) >= 5
}

/// The date `n` working days after `start` (weekends and `holiday` days skipped).
pub fn add_working_days(start: Date, n: u32, holiday: &dyn Fn(Date) -> bool) -> Date {
    let mut day = start.day_number();
    let mut left = n;
    while left > 0 {
        day += 1;
        let d = Date::from_day_number(day);
        if !is_weekend(d) && !holiday(d) {
            left -= 1;
        }
    }
    Date::from_day_number(day)
}

/// Working days from `from` (exclusive) to `to` (inclusive); 0 when `to` is not after `from`.
pub fn working_days_between(from: Date, to: Date, holiday: &dyn Fn(Date) -> bool) -> u32 {
    let mut n = 0;
    let mut day = from.day_number() + 1;
    let end = to.day_number();
    while day <= end {
        let d = Date::from_day_number(day);
        if !is_weekend(d) && !holiday(d) {
            n += 1;
        }
        day += 1;
    }
    n
}

/// Whether the deadline passed without an answer: the deadline day is the last one to reply.
pub fn deadline_passed(deadline: Date, today: Date) -> bool {
    today > deadline
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::{Organisation, User};

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn cc(s: &str) -> CountryCode {
        CountryCode::parse(s).unwrap()
    }

    fn actor(kind: OrgKind, country: Option<&str>, role: Role) -> Actor {
        Actor {
            user: User {
                id: "u".into(),
                email: "u@x".into(),
                organisation_id: "o".into(),
                role,
                disabled: false,
            },
            organisation: Organisation {
                id: "o".into(),
                name: "O".into(),
                country: country.map(cc),
                kind,
            },
        }
    }

    fn parties() -> PenParties {
        PenParties {
            exporting: cc("CN"),
            importing: cc("MX"),
            transit: vec![cc("US")],
        }
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        // 2026-12-04 is a Friday.
        assert!(!is_weekend(date("2026-12-04")));
        assert!(is_weekend(date("2026-12-05")));
        assert!(is_weekend(date("2026-12-06")));
        let none = |_: Date| false;
        assert_eq!(
            add_working_days(date("2026-12-04"), 1, &none),
            date("2026-12-07")
        );
        assert_eq!(
            add_working_days(date("2026-12-04"), 15, &none),
            date("2026-12-25")
        );
        let christmas = |d: Date| d == date("2026-12-25");
        assert_eq!(
            add_working_days(date("2026-12-04"), 15, &christmas),
            date("2026-12-28")
        );
        assert_eq!(
            working_days_between(date("2026-12-04"), date("2026-12-28"), &christmas),
            15
        );
        assert_eq!(
            working_days_between(date("2026-12-28"), date("2026-12-04"), &none),
            0
        );
    }

    #[test]
    fn every_allowed_transition_and_no_other() {
        use PenStatus::*;
        let actions = [
            PenAction::Acknowledge,
            PenAction::Reply(ReplyDecision::NoObjection),
            PenAction::Reply(ReplyDecision::Objection),
            PenAction::Reply(ReplyDecision::Query),
            PenAction::Answer,
            PenAction::Withdraw,
            PenAction::Stop,
            PenAction::Shipment,
            PenAction::Expire,
            PenAction::ClearBySilence,
        ];
        let allowed: &[(PenStatus, usize, PenStatus)] = &[
            (Sent, 0, Acknowledged),
            (Acknowledged, 1, NoObjection),
            (Acknowledged, 2, Objection),
            (Acknowledged, 3, Query),
            (Query, 4, Acknowledged),
            (Sent, 5, Withdrawn),
            (Acknowledged, 5, Withdrawn),
            (Query, 5, Withdrawn),
            (NoObjection, 5, Withdrawn),
            (Sent, 6, Stopped),
            (Acknowledged, 6, Stopped),
            (Query, 6, Stopped),
            (NoObjection, 6, Stopped),
            (Shipped, 6, Stopped),
            (NoObjection, 7, Shipped),
            (Sent, 8, Expired),
            (Acknowledged, 8, Expired),
            (Sent, 9, NoObjection),
            (Acknowledged, 9, NoObjection),
        ];
        let mut seen = 0;
        for &status in PenStatus::ALL {
            for (i, action) in actions.iter().enumerate() {
                let expected = allowed
                    .iter()
                    .find(|(s, a, _)| *s == status && *a == i)
                    .map(|(_, _, to)| *to);
                match (transition(status, action), expected) {
                    (Ok(to), Some(e)) => {
                        assert_eq!(to, e, "{status:?} {action:?}");
                        seen += 1;
                    }
                    (Err(msg), None) => assert!(msg.contains(status.as_str()), "{msg}"),
                    (got, want) => panic!("{status:?} {action:?}: got {got:?}, want {want:?}"),
                }
            }
        }
        assert_eq!(seen, allowed.len());
        for &s in PenStatus::ALL {
            if s.is_final() {
                for a in &actions {
                    assert!(transition(s, a).is_err());
                }
            }
        }
    }

    #[test]
    fn fixed_visibility_and_sides() {
        let p = parties();
        let ca = |c| actor(OrgKind::CompetentAuthority, Some(c), Role::Officer);
        assert_eq!(side_of(&ca("CN"), &p), Some(Side::Exporting));
        assert_eq!(side_of(&ca("MX"), &p), Some(Side::Importing));
        assert_eq!(side_of(&ca("US"), &p), Some(Side::Transit));
        assert_eq!(side_of(&ca("NL"), &p), None);
        let customs = actor(OrgKind::Customs, Some("MX"), Role::Admin);
        assert_eq!(side_of(&customs, &p), None);
        let sec = actor(OrgKind::Secretariat, None, Role::Viewer);
        assert!(may_read(&sec, &p).allowed);
        assert!(!may_read(&customs, &p).allowed);
        let mut disabled = ca("CN");
        disabled.user.disabled = true;
        assert!(!may_read(&disabled, &p).allowed);
    }

    #[test]
    fn who_may_act() {
        let p = parties();
        let ca = |c, r| actor(OrgKind::CompetentAuthority, Some(c), r);
        let ok = ChangeDecision::Allowed;
        assert_eq!(
            authorise(&ca("MX", Role::Officer), &p, &PenAction::Acknowledge),
            ok
        );
        assert!(matches!(
            authorise(&ca("CN", Role::Officer), &p, &PenAction::Acknowledge),
            ChangeDecision::Forbidden(_)
        ));
        assert!(matches!(
            authorise(&ca("MX", Role::Analyst), &p, &PenAction::Acknowledge),
            ChangeDecision::Forbidden(_)
        ));
        assert_eq!(
            authorise(&ca("CN", Role::Admin), &p, &PenAction::Withdraw),
            ok
        );
        assert_eq!(
            authorise(&ca("US", Role::Officer), &p, &PenAction::Stop),
            ok
        );
        assert!(matches!(
            authorise(&ca("US", Role::Officer), &p, &PenAction::Shipment),
            ChangeDecision::Forbidden(_)
        ));
        assert_eq!(
            authorise(&ca("NL", Role::Admin), &p, &PenAction::Stop),
            ChangeDecision::NotFound
        );
        let sec = actor(OrgKind::Secretariat, None, Role::Admin);
        assert!(matches!(
            authorise(&sec, &p, &PenAction::Stop),
            ChangeDecision::Forbidden(_)
        ));
        assert!(matches!(
            authorise(&ca("MX", Role::Admin), &p, &PenAction::Expire),
            ChangeDecision::Forbidden(_)
        ));
    }

    fn input() -> PenInput {
        serde_json::from_value(serde_json::json!({
            "importing_country": "MX",
            "transit_countries": ["US"],
            "exporter": {"name": "Hubei Chem", "address": "Wuhan", "country": "CN"},
            "importer": {"name": "Quimica MX", "address": "CDMX", "country": "MX"},
            "consignee": {"name": "Quimica MX", "address": "CDMX", "country": "MX"},
            "substance": {"cas": "120-58-1"},
            "quantity": {"value": 500, "unit": "kg"},
            "hs_code": "2932.99",
            "point_of_exit": "CNSHA",
            "point_of_entry": "MXZLO",
            "mode_of_transport": "sea",
            "carrier": "COSCO",
            "dispatch_date": "2026-12-10",
            "arrival_date": "2027-01-20",
            "invoice_number": "INV-1",
            "export_authorisation": "EA-1"
        }))
        .unwrap()
    }

    #[test]
    fn filing_checks_name_the_field() {
        let ok = input().check(cc("CN")).unwrap();
        assert_eq!(ok.quantity_kg, Some(500.0));
        let field = |f: &dyn Fn(&mut PenInput)| {
            let mut i = input();
            f(&mut i);
            i.check(cc("CN")).unwrap_err().field
        };
        assert_eq!(field(&|i| i.quantity.value = -1.0), "quantity.value");
        assert_eq!(field(&|i| i.quantity.unit = "bags".into()), "quantity.unit");
        assert_eq!(
            field(&|i| i.point_of_entry = "NLRTM".into()),
            "point_of_entry"
        );
        assert_eq!(
            field(&|i| i.dispatch_date = "2026-13-01".into()),
            "dispatch_date"
        );
        assert_eq!(
            field(&|i| i.substance = PenSubstanceInput::default()),
            "substance"
        );
        assert_eq!(
            field(&|i| i.exporter.country = cc("IN")),
            "exporter.country"
        );
        assert_eq!(
            field(&|i| i.importing_country = cc("CN")),
            "importing_country"
        );
        assert_eq!(field(&|i| i.hs_code = "29x".into()), "hs_code");
        assert_eq!(
            field(&|i| i.mixture_percent = Some(120.0)),
            "mixture_percent"
        );
        let unknown: Result<PenInput, _> = serde_json::from_value(serde_json::json!({"bogus": 1}));
        assert!(unknown.is_err());
    }

    #[test]
    fn corridor_ids_and_policies() {
        assert_eq!(parse_corridor("CN-MX").unwrap(), (cc("CN"), cc("MX")));
        assert!(parse_corridor("CNMX").is_err());
        assert!(parse_corridor("CN-CN").is_err());
        assert!(CorridorPolicy::default().check().is_ok());
        let zero = CorridorPolicy {
            reply_working_days: 0,
            silence_means: SilenceMeans::Expired,
        };
        assert_eq!(zero.check().unwrap_err().field, "reply_working_days");
    }
}
