//! Canonical JSON, as the contract defines it: object keys sorted, no insignificant white
//! space, UTF-8 as is.
//!
//! Everything the log hashes or signs is first written this way, so anyone holding the same
//! JSON value, in any language, gets the same bytes and so the same hash.
//!
//! The workspace enables serde_json's `preserve_order` feature (features are unified, so it is
//! on here too): `serde_json::Map` keeps insertion order and `serde_json::to_string` would
//! write keys in whatever order a value was built. This writer therefore sorts explicitly and
//! does not depend on that feature either way.
//!
//! The precise rules, for an independent implementation:
//! - keys are sorted by their UTF-8 bytes (the same as by Unicode code points);
//! - strings keep every character as is (no `\u` escapes for non-ASCII, `/` not escaped),
//!   except `"` → `\"`, `\` → `\\`, U+0008 → `\b`, U+0009 → `\t`, U+000A → `\n`,
//!   U+000C → `\f`, U+000D → `\r`, and the other characters below U+0020 → `\u00xx`
//!   (lower-case hex) — the escapes of serde_json, and of Python's `json.dumps` with
//!   `ensure_ascii=False`;
//! - integers in decimal; other numbers as Python's `repr` of a float: the shortest digits
//!   that read back to the same value, in positional form with at least one decimal (`25.0`,
//!   `0.0001`, `1000000000000000.0`), or below 1e-4 and from 1e16 on in exponent form with a
//!   sign and at least two exponent digits (`1e-05`, `1.5e-07`, `1e+16`).
//!
//! So `json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)` in
//! Python gives the same text. Numbers are written here rather than by serde_json, whose float
//! format has changed between versions (`1e16` became `1e+16`): a stored `record_hash` must not
//! change when a dependency is updated. The log's entries themselves only hold integers and
//! strings.

use serde::Serialize;
use serde_json::{Number, Value};
use thiserror::Error;

/// A value that cannot become JSON (e.g. a map whose keys are not strings).
#[derive(Debug, Error)]
#[error("the value cannot be written as JSON: {0}")]
pub struct CanonicalError(#[from] serde_json::Error);

/// The canonical JSON of `value`.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value);
    out
}

/// The canonical JSON of any serialisable value (through `serde_json::Value`).
pub fn to_canonical_json<T: Serialize + ?Sized>(value: &T) -> Result<String, CanonicalError> {
    Ok(canonical_json(&serde_json::to_value(value)?))
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut fields: Vec<(&String, &Value)> = map.iter().collect();
            // `str`'s order is byte order, which for UTF-8 is code-point order.
            fields.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, item)) in fields.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, key);
                out.push(':');
                write_value(out, item);
            }
            out.push('}');
        }
    }
}

fn write_number(out: &mut String, n: &Number) {
    if let Some(u) = n.as_u64() {
        out.push_str(&u.to_string());
    } else if let Some(i) = n.as_i64() {
        out.push_str(&i.to_string());
    } else if let Some(f) = n.as_f64() {
        write_float(out, f);
    }
}

/// Python's float `repr` (see the module doc), built from Rust's `{:e}`, which gives the
/// shortest round-trip digits and has done so since Rust 1.0.
fn write_float(out: &mut String, f: f64) {
    if !f.is_finite() {
        // A `Value` cannot hold one; serde_json writes them as null.
        out.push_str("null");
        return;
    }
    let sci = format!("{:e}", f.abs());
    let Some((mantissa, exp)) = sci.split_once('e') else {
        out.push_str(&sci);
        return;
    };
    let Ok(exp) = exp.parse::<i32>() else {
        out.push_str(&sci);
        return;
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if f.is_sign_negative() {
        out.push('-');
    }
    if !(-4..16).contains(&exp) {
        out.push_str(mantissa);
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.unsigned_abs()));
    } else if exp >= 0 {
        let int_len = exp as usize + 1;
        if digits.len() <= int_len {
            out.push_str(&digits);
            out.extend(std::iter::repeat_n('0', int_len - digits.len()));
            out.push_str(".0");
        } else {
            out.push_str(&digits[..int_len]);
            out.push('.');
            out.push_str(&digits[int_len..]);
        }
    } else {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', exp.unsigned_abs() as usize - 1));
        out.push_str(&digits);
    }
}

fn write_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{08}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{0c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => {
                let b = c as u32 as usize;
                out.push_str("\\u00");
                out.push(char::from(HEX[b >> 4]));
                out.push(char::from(HEX[b & 0x0f]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_sorted_at_every_depth_without_white_space() {
        let v = json!({"b": 1, "a": {"z": [3, {"y": null, "x": true}], "c": "d"}, "A": false});
        assert_eq!(
            canonical_json(&v),
            r#"{"A":false,"a":{"c":"d","z":[3,{"x":true,"y":null}]},"b":1}"#
        );
    }

    #[test]
    fn insertion_order_does_not_matter() {
        // With `preserve_order` on, these two maps iterate differently.
        let one: Value = serde_json::from_str(r#"{"tree_size":1,"key_id":"k"}"#).unwrap();
        let two: Value = serde_json::from_str(r#"{"key_id":"k","tree_size":1}"#).unwrap();
        assert_eq!(canonical_json(&one), canonical_json(&two));
        assert_eq!(canonical_json(&one), r#"{"key_id":"k","tree_size":1}"#);
    }

    #[test]
    fn keys_sort_by_code_point() {
        // 'Z' < 'a' < 'é' (U+00E9) < '€' (U+20AC) < '😀' (U+1F600).
        let v = json!({"😀": 5, "€": 4, "é": 3, "a": 2, "Z": 1, "": 0});
        assert_eq!(
            canonical_json(&v),
            r#"{"":0,"Z":1,"a":2,"é":3,"€":4,"😀":5}"#
        );
    }

    #[test]
    fn utf8_as_is_and_only_the_necessary_escapes() {
        let v = json!("Zürich / Αθήνα \"q\" \\ \n\t\r\u{08}\u{0c}\u{01}\u{1f}\u{7f}\u{2028}");
        assert_eq!(
            canonical_json(&v),
            "\"Zürich / Αθήνα \\\"q\\\" \\\\ \\n\\t\\r\\b\\f\\u0001\\u001f\u{7f}\u{2028}\""
        );
    }

    #[test]
    fn strings_escape_exactly_as_serde_json() {
        for c in (0u32..0x80).chain([0x2028, 0x2029, 0xfeff, 0x1f600]) {
            let Some(c) = char::from_u32(c) else { continue };
            let s = format!("a{c}b");
            assert_eq!(
                canonical_json(&json!(s)),
                serde_json::to_string(&s).unwrap(),
                "{c:?}"
            );
        }
    }

    #[test]
    fn numbers_as_python_writes_them() {
        // Expected text from Python 3: json.dumps(v, separators=(",", ":")).
        let v: Value = serde_json::from_str(
            "[0,-1,18446744073709551615,-9223372036854775808,25.0,0.5,1e16,1.5e-7,0.0,-0.0,\
             1e15,1234.5678,0.0001,1e-05,1.2345678901234568e17,1e100,5e-324,-2.5e-300,0.1,\
             1.7976931348623157e308,123456.789e3]",
        )
        .unwrap();
        assert_eq!(
            canonical_json(&v),
            "[0,-1,18446744073709551615,-9223372036854775808,25.0,0.5,1e+16,1.5e-07,0.0,-0.0,\
             1000000000000000.0,1234.5678,0.0001,1e-05,1.2345678901234568e+17,1e+100,5e-324,\
             -2.5e-300,0.1,1.7976931348623157e+308,123456789.0]"
        );
    }

    #[test]
    fn same_text_as_python_json_dumps_sorted() {
        // json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        let v = json!({"é": 1, "a": {"z": "Zürich\u{2028}\u{7f}\u{01}\n", "b": [true, null]}});
        assert_eq!(
            canonical_json(&v),
            "{\"a\":{\"b\":[true,null],\"z\":\"Zürich\u{2028}\u{7f}\\u0001\\n\"},\"é\":1}"
        );
    }

    #[test]
    fn equals_serde_json_once_keys_are_sorted() {
        let text = r#"{"a":[1,2.5,"x",null,true,{"b":{}}],"b":{"c":[]},"c":"\u00e9\n"}"#;
        let v: Value = serde_json::from_str(text).unwrap();
        assert_eq!(canonical_json(&v), serde_json::to_string(&v).unwrap());
    }

    #[test]
    fn any_serialisable_value() {
        #[derive(Serialize)]
        struct S {
            zeta: u32,
            alpha: &'static str,
        }
        assert_eq!(
            to_canonical_json(&S {
                zeta: 1,
                alpha: "a"
            })
            .unwrap(),
            r#"{"alpha":"a","zeta":1}"#
        );
        let mut bad = std::collections::BTreeMap::new();
        bad.insert(vec![1u8], 1);
        assert!(to_canonical_json(&bad).is_err());
    }
}
