//! Paths into a JSON record: dotted with `[]` segments, or JSON pointers (see
//! `Column::path`).

use serde_json::Value;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Segment {
    key: String,
    /// `key[]`: every element of the array at `key`.
    each: bool,
}

/// A parsed path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Path {
    Dotted(Vec<Segment>),
    Pointer(String),
}

/// How a JSON value is named in messages.
pub(crate) fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Path {
    pub(crate) fn parse(text: &str) -> Result<Path, String> {
        if text.starts_with('/') {
            return Ok(Path::Pointer(text.to_string()));
        }
        if text.is_empty() {
            return Err("the path is empty".into());
        }
        let mut segments = Vec::new();
        for part in text.split('.') {
            let (key, each) = match part.strip_suffix("[]") {
                Some(k) => (k, true),
                None => (part, false),
            };
            if key.is_empty() {
                return Err(if part.is_empty() {
                    "a segment is empty".into()
                } else {
                    format!("segment `{part}` has no key before `[]`")
                });
            }
            if key.contains(['[', ']']) {
                return Err(format!(
                    "segment `{part}`: only a final `[]` is understood (use a JSON pointer for \
                     keys with brackets)"
                ));
            }
            segments.push(Segment {
                key: key.to_string(),
                each,
            });
        }
        Ok(Path::Dotted(segments))
    }

    /// Whether the path reaches many values (has a `[]` segment).
    pub(crate) fn has_each(&self) -> bool {
        match self {
            Path::Dotted(segments) => segments.iter().any(|s| s.each),
            Path::Pointer(_) => false,
        }
    }

    /// Calls `found` with every value the path reaches in `record`, in order: exactly once
    /// (`None` for missing or null) for a path without `[]`; once per element reached for a
    /// path with `[]` (`None` where an element lacks the rest of the path). The error names
    /// where the record's shape differs from the path.
    pub(crate) fn visit<'a>(
        &self,
        record: &'a Value,
        found: &mut dyn FnMut(Option<&'a Value>) -> Result<(), String>,
    ) -> Result<(), String> {
        match self {
            Path::Pointer(p) => found(record.pointer(p).filter(|v| !v.is_null())),
            Path::Dotted(segments) => walk(Some(record), segments, 0, found),
        }
    }
}

fn prefix(segments: &[Segment], upto: usize) -> String {
    segments[..=upto]
        .iter()
        .map(|s| {
            if s.each {
                format!("{}[]", s.key)
            } else {
                s.key.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

fn walk<'a>(
    value: Option<&'a Value>,
    segments: &[Segment],
    at: usize,
    found: &mut dyn FnMut(Option<&'a Value>) -> Result<(), String>,
) -> Result<(), String> {
    let Some(seg) = segments.get(at) else {
        return found(value.filter(|v| !v.is_null()));
    };
    let value = match value {
        None | Some(Value::Null) => {
            // Missing on the way: nothing when an array was to be expanded from here on,
            // else one null.
            return if segments[at..].iter().any(|s| s.each) {
                Ok(())
            } else {
                found(None)
            };
        }
        Some(v) => v,
    };
    let child = match value {
        Value::Object(m) => m.get(&seg.key),
        Value::Array(items) if seg.key.bytes().all(|b| b.is_ascii_digit()) => {
            seg.key.parse::<usize>().ok().and_then(|i| items.get(i))
        }
        other => {
            let parent = if at == 0 {
                "the record".to_string()
            } else {
                format!("`{}`", prefix(segments, at - 1))
            };
            return Err(format!(
                "{parent} is {}, not an object with `{}`",
                json_kind(other),
                seg.key
            ));
        }
    };
    if !seg.each {
        return walk(child, segments, at + 1, found);
    }
    match child {
        None | Some(Value::Null) => Ok(()),
        Some(Value::Array(items)) => {
            for item in items {
                walk(Some(item), segments, at + 1, found)?;
            }
            Ok(())
        }
        Some(other) => Err(format!(
            "`{}` is {}, not an array",
            prefix_plain(segments, at),
            json_kind(other)
        )),
    }
}

/// The path up to and including segment `at`, without its `[]`.
fn prefix_plain(segments: &[Segment], at: usize) -> String {
    let mut p = prefix(segments, at);
    if p.ends_with("[]") {
        p.truncate(p.len() - 2);
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn all(path: &str, record: &Value) -> Result<Vec<Option<Value>>, String> {
        let p = Path::parse(path)?;
        let mut out = Vec::new();
        p.visit(record, &mut |v| {
            out.push(v.cloned());
            Ok(())
        })?;
        Ok(out)
    }

    #[test]
    fn paths_parse() {
        assert!(Path::parse("a.b").is_ok());
        assert!(Path::parse("a[].b").unwrap().has_each());
        assert!(!Path::parse("/a/b").unwrap().has_each());
        assert_eq!(Path::parse("").unwrap_err(), "the path is empty");
        assert_eq!(Path::parse("a..b").unwrap_err(), "a segment is empty");
        assert!(Path::parse("[]").unwrap_err().contains("no key"));
        assert!(Path::parse("a[0].b")
            .unwrap_err()
            .contains("only a final `[]`"));
    }

    #[test]
    fn values_are_reached() {
        let r = json!({
            "id": "x",
            "place": {"locode": "NLRTM", "lat": null},
            "xs": [{"k": 1, "tags": ["a", "b"]}, {"k": null}, {"tags": ["c"]}],
            "s": "text",
            "a.b": 7
        });
        assert_eq!(all("id", &r).unwrap(), vec![Some(json!("x"))]);
        assert_eq!(all("place.locode", &r).unwrap(), vec![Some(json!("NLRTM"))]);
        assert_eq!(all("place.lat", &r).unwrap(), vec![None]);
        assert_eq!(all("nowhere.deep", &r).unwrap(), vec![None]);
        assert_eq!(all("xs.0.k", &r).unwrap(), vec![Some(json!(1))]);
        assert_eq!(all("xs.9.k", &r).unwrap(), vec![None]);
        assert_eq!(all("xs[].k", &r).unwrap(), vec![Some(json!(1)), None, None]);
        assert_eq!(
            all("xs[].tags[]", &r).unwrap(),
            vec![Some(json!("a")), Some(json!("b")), Some(json!("c"))]
        );
        assert_eq!(all("missing[].k", &r).unwrap(), vec![]);
        assert_eq!(all("nowhere.list[]", &r).unwrap(), vec![]);
        assert_eq!(all("/a.b", &r).unwrap(), vec![Some(json!(7))]);
        assert_eq!(
            all("/place/locode", &r).unwrap(),
            vec![Some(json!("NLRTM"))]
        );
    }

    #[test]
    fn shapes_that_differ_are_named() {
        let r = json!({"s": "text", "place": {"locode": 5}, "xs": [1]});
        assert_eq!(
            all("s.k", &r).unwrap_err(),
            "`s` is a string, not an object with `k`"
        );
        assert_eq!(all("s[]", &r).unwrap_err(), "`s` is a string, not an array");
        assert_eq!(
            all("place.locode[]", &r).unwrap_err(),
            "`place.locode` is a number, not an array"
        );
        assert_eq!(
            all("xs[].k", &r).unwrap_err(),
            "`xs[]` is a number, not an object with `k`"
        );
        assert_eq!(
            all("k", &json!([1])).unwrap_err(),
            "the record is an array, not an object with `k`"
        );
    }
}
