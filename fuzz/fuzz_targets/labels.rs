//! Shipment labels are read from QR codes on packages that anyone can print: label text must
//! never panic the parser or the verifier, a text that verifies must be exactly a label that
//! was signed (no second encoding of the same payload or signature is accepted), and
//! notification bodies and action bodies from member systems must check without panicking,
//! naming a field in every error.
#![no_main]

use interdict_audit::SigningKey;
use interdict_label::{sign, verify, KeySet, LabelQuantity, Payload, PublishedKey};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn fixture() -> &'static (SigningKey, KeySet, String) {
    static F: OnceLock<(SigningKey, KeySet, String)> = OnceLock::new();
    F.get_or_init(|| {
        let key = SigningKey::from_seed([5; 32]);
        let payload = Payload {
            pen: "PEN-CN-2026-000001".into(),
            exporting_country: "CN".into(),
            importing_country: "MX".into(),
            substance_id: Some("npp".into()),
            cas: Some("39742-60-4".into()),
            quantity: LabelQuantity {
                value: 500.0,
                unit: "kg".into(),
            },
            exporter: "Hubei".into(),
            importer: "Quimica".into(),
            issued_at: "2026-12-01T00:00:00Z".into(),
            valid_until: "2027-03-01T23:59:59Z".into(),
            key_id: key.key_id(),
        };
        let keys = KeySet {
            keys: vec![PublishedKey {
                key_id: key.key_id(),
                organisation: "org-cn".into(),
                country: "CN".into(),
                public_key: key.public_key().to_hex(),
                valid_from: "2026-01-01T00:00:00Z".into(),
                revoked_at: None,
            }],
        };
        let label = sign(&payload, &key).expect("signs");
        (key, keys, label)
    })
}

fuzz_target!(|data: &[u8]| {
    let (_, keys, label) = fixture();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let v = verify(text, keys, "2026-12-02T00:00:00Z");
    if v.valid {
        assert_eq!(text.trim(), label, "only the signed label verifies");
    }
    // The same bytes spliced into the real label's payload or signature.
    let mut parts = label.splitn(3, '.');
    let (p, pl, sig) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    for spliced in [format!("{p}.{text}.{sig}"), format!("{p}.{pl}.{text}")] {
        let v = verify(&spliced, keys, "2026-12-02T00:00:00Z");
        if v.valid {
            assert_eq!(spliced.trim(), label);
        }
    }
    let _ = KeySet::from_json(text);
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
        if let Ok(input) = serde_json::from_value::<interdict_domain::pen::PenInput>(value.clone())
        {
            let cn = interdict_core::CountryCode::parse("CN").expect("CN");
            if let Err(e) = input.check(cn) {
                assert!(!e.field.is_empty());
            }
        }
        if let Ok(policy) = serde_json::from_value::<interdict_domain::pen::CorridorPolicy>(value) {
            let _ = policy.check();
        }
    }
    let _ = interdict_domain::pen::parse_corridor(text);
});
