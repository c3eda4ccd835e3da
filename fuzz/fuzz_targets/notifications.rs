//! Pre-export notification bodies come from member authorities' systems and the web UI's filing
//! form: any bytes as a filing (`POST /api/v1/pens`), a corridor policy and id, and an action's
//! quantity and date must never panic; a filing either checks or names the field that does not;
//! a checked filing's dates, ports and quantity are the ones filed; and the state machine never
//! leaves a final status.
#![no_main]

use interdict_core::{CountryCode, Date, Quantity, Unit};
use interdict_domain::incident::QuantityInput;
use interdict_domain::pen::{
    parse_corridor, transition, CorridorPolicy, PenAction, PenInput, PenStatus, ReplyDecision,
};
use libfuzzer_sys::fuzz_target;

fn actions() -> Vec<PenAction> {
    let mut all = vec![
        PenAction::Acknowledge,
        PenAction::Answer,
        PenAction::Withdraw,
        PenAction::Stop,
        PenAction::Shipment,
        PenAction::Expire,
        PenAction::ClearBySilence,
    ];
    all.extend(ReplyDecision::ALL.iter().map(|d| PenAction::Reply(*d)));
    all
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(filing) = serde_json::from_slice::<PenInput>(data) {
        let cn = CountryCode::parse("CN").expect("CN");
        match filing.check(cn) {
            Ok(checked) => {
                assert_eq!(
                    Date::parse(filing.dispatch_date.trim()),
                    Ok(checked.dispatch_date)
                );
                assert_eq!(checked.point_of_exit.country(), cn);
                assert_eq!(checked.point_of_entry.country(), filing.importing_country);
                assert!(checked.arrival_date >= checked.dispatch_date);
                assert!(checked.quantity.value.is_finite() && checked.quantity.value > 0.0);
                if let Some(kg) = checked.quantity_kg {
                    assert!(kg.is_finite());
                }
                // What was filed survives its own JSON round trip.
                let again: PenInput =
                    serde_json::from_value(serde_json::to_value(&filing).expect("serialises"))
                        .expect("reads back");
                assert_eq!(again, filing);
            }
            Err(e) => {
                assert!(!e.field.is_empty(), "an error names its field");
                assert!(!e.message.is_empty());
                assert!(
                    e.message.len() < 600,
                    "errors never echo a long value whole"
                );
            }
        }
    }
    if let Ok(policy) = serde_json::from_slice::<CorridorPolicy>(data) {
        if policy.check().is_ok() {
            assert!(policy.reply_working_days >= 1);
        }
    }
    if let Ok((a, b)) = parse_corridor(&text) {
        assert_ne!(a, b);
    }
    if let Ok(q) = serde_json::from_slice::<QuantityInput>(data) {
        if let Some(unit) = Unit::parse(&q.unit) {
            if let Ok(quantity) = Quantity::new(q.value, unit) {
                assert!(quantity.value.is_finite());
            }
        }
    }
    if let Ok(day) = Date::parse(&text) {
        assert_eq!(Date::parse(&day.to_string()), Ok(day));
    }
    // The state machine: a final status takes no action; every move leads somewhere else.
    for status in PenStatus::ALL {
        for action in actions() {
            if let Ok(next) = transition(*status, &action) {
                assert!(!status.is_final(), "{status:?} moved by {action:?}");
                let _ = next;
            }
        }
    }
});
