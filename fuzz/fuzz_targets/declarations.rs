//! Declarations come from customs systems: the CSV and JSON Lines readers must never panic, and
//! every line must come out as a declaration or an error that names its line. Issue 18: an
//! accepted declaration has no field over MAX_FIELD_BYTES and a quantity that is finite and at
//! most MAX_QUANTITY; an error never echoes a long value whole.
//!
//! Seeds: `corpus/declarations/` (lines of `examples/declarations.csv`, as CSV and JSON Lines).
#![no_main]

use interdict_screen::{DeclarationReader, InputFormat, MAX_FIELD_BYTES};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // One line splitting everywhere: a stream read with capped reads splits as the text does
    // (LF, CRLF, lone CR), and a capped read keeps at most its cap.
    if let Ok(text) = std::str::from_utf8(data) {
        let whole: Vec<&str> = interdict_core::lines::numbered(text)
            .map(|(_, l)| l)
            .collect();
        let mut reader = std::io::BufReader::with_capacity(7, data);
        let mut buf = Vec::new();
        let mut streamed = Vec::new();
        while let Ok((n, length)) =
            interdict_core::lines::read_line_capped(&mut reader, &mut buf, 64)
        {
            if n == 0 {
                break;
            }
            assert!(buf.len() <= 64 && buf.len() == length.min(64));
            streamed.push(length);
        }
        assert_eq!(whole.iter().map(|l| l.len()).collect::<Vec<_>>(), streamed);
    }
    for format in [InputFormat::Csv, InputFormat::JsonLines] {
        for item in DeclarationReader::new(data, format).take(10_000) {
            match item {
                Ok(d) => {
                    assert!(!d.id.is_empty() && d.line >= 1);
                    assert!(d.goods_description.len() <= MAX_FIELD_BYTES);
                    assert!(d.exporter_name.len() <= MAX_FIELD_BYTES);
                    if let Some(q) = d.quantity {
                        assert!(q.is_finite() && (0.0..=interdict_core::MAX_QUANTITY).contains(&q));
                        assert!(d.quantity_kg().is_none_or(f64::is_finite));
                    }
                }
                Err(e) => {
                    let at = format!("line {}", e.line);
                    assert!(
                        e.message.starts_with(&format!("{at}:"))
                            || e.message.starts_with(&format!("{at},")),
                        "{e:?}"
                    );
                    assert!(
                        e.message.len() <= MAX_FIELD_BYTES + 400,
                        "{}",
                        e.message.len()
                    );
                }
            }
        }
    }
});
