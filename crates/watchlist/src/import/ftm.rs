//! OpenSanctions / FollowTheMoney entities, one JSON object a line. Parties (Person, Company,
//! Organization, LegalEntity, PublicBody, Vessel, Airplane) are kept; addresses, sanctions and
//! other linked records are skipped.

use serde_json::{Map, Value};

use super::check_name;
use crate::model::{push_unique, Entity, ImportError};
use crate::schema::Schema;
use interdict_core::to_iso2;

const FILE: &str = "FtM JSON Lines";

/// The JSON type of a value, as an error message names it.
fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn wrong_type(field: &str, expected: &str, found: &Value) -> String {
    format!(
        "field `{field}`: expected {expected}, found {}",
        type_name(found)
    )
}

/// A required string field.
fn required_str<'v>(entity: &'v Map<String, Value>, field: &str) -> Result<&'v str, String> {
    match entity.get(field) {
        None | Some(Value::Null) => Err(format!("missing `{field}`")),
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(wrong_type(field, "a string", other)),
    }
}

/// An optional string field (absent or null when not given).
fn optional_str<'v>(
    entity: &'v Map<String, Value>,
    field: &str,
) -> Result<Option<&'v str>, String> {
    match entity.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(wrong_type(field, "a string", other)),
    }
}

/// An optional array of strings (FtM writes every property this way), named `path` in errors.
fn strings<'v>(value: Option<&'v Value>, path: &str) -> Result<Vec<&'v str>, String> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(k, item)| {
                item.as_str()
                    .ok_or_else(|| wrong_type(&format!("{path}[{k}]"), "a string", item))
            })
            .collect(),
        Some(other) => Err(wrong_type(path, "an array of strings", other)),
    }
}

/// Parses the whole file. A line that is not a JSON object, or whose fields have the wrong JSON
/// type (`schema` and `id` strings, `caption` a string, `properties` an object of arrays of
/// strings, `datasets` an array of strings), is refused with the field and the type expected; so
/// is a name without a letter or digit or over the size limits.
pub fn parse(text: &str) -> Result<Vec<Entity>, ImportError> {
    let mut out = Vec::new();
    for (line_no, line) in interdict_core::lines::numbered(text) {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line)
            .map_err(|e| ImportError::at(FILE, line_no, format!("not JSON: {e}")))?;
        if let Some(entity) = read_entity(&v).map_err(|e| ImportError::at(FILE, line_no, e))? {
            out.push(entity);
        }
    }
    Ok(out)
}

/// One line's entity, or `None` for a record that is not a party (an address, a sanction …).
fn read_entity(v: &Value) -> Result<Option<Entity>, String> {
    let Value::Object(entity) = v else {
        return Err(format!(
            "expected a JSON object (an FtM entity), found {}",
            type_name(v)
        ));
    };
    let schema_name = required_str(entity, "schema")?;
    let schema = match schema_name {
        "Person" => Schema::Person,
        "Company" | "Organization" | "LegalEntity" | "PublicBody" => Schema::Organization,
        "Vessel" => Schema::Vessel,
        "Airplane" => Schema::Aircraft,
        _ => return Ok(None),
    };
    let id = required_str(entity, "id")?.to_string();
    let empty = Map::new();
    let props = match entity.get("properties") {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(p)) => p,
        Some(other) => return Err(wrong_type("properties", "an object", other)),
    };
    let property = |key: &str| strings(props.get(key), &format!("properties.{key}"));
    let mut names = Vec::new();
    if let Some(caption) = optional_str(entity, "caption")? {
        if !caption.trim().is_empty() {
            check_name("caption", caption.trim())?;
        }
        push_unique(&mut names, caption);
    }
    for key in ["name", "alias", "previousName", "weakAlias"] {
        for n in property(key)? {
            if !n.trim().is_empty() {
                check_name(&format!("properties.{key}"), n.trim())?;
            }
            push_unique(&mut names, n);
        }
    }
    if names.is_empty() {
        return Err(format!("{schema_name} {id} has no name"));
    }
    let mut countries = Vec::new();
    for key in [
        "country",
        "nationality",
        "jurisdiction",
        "citizenship",
        "flag",
    ] {
        for c in property(key)? {
            if let Some(code) = to_iso2(c) {
                push_unique(&mut countries, code);
            }
        }
    }
    let mut programs = Vec::new();
    for key in ["programId", "topics"] {
        for p in property(key)? {
            push_unique(&mut programs, p);
        }
    }
    for d in strings(entity.get("datasets"), "datasets")? {
        push_unique(&mut programs, d);
    }
    Ok(Some(Entity {
        id,
        schema,
        names,
        countries,
        programs,
        notes: property("notes")?.join(" "),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_parties_and_skips_other_schemas() {
        let text = r#"{"id":"a","schema":"Person","caption":"Ivan Petrov","properties":{"name":["Ivan Petrov"],"alias":["Иван Петров"],"nationality":["ru"],"topics":["sanction"]},"datasets":["us_ofac_sdn"]}
{"id":"b","schema":"Address","properties":{"full":["Moscow"]}}"#;
        let e = parse(text).unwrap();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].names, ["Ivan Petrov", "Иван Петров"]);
        assert_eq!(e[0].countries, ["RU"]);
        assert_eq!(e[0].programs, ["sanction", "us_ofac_sdn"]);
    }

    #[test]
    fn bad_json_names_the_line() {
        let err =
            parse("{\"id\":\"a\",\"schema\":\"Person\",\"properties\":{\"name\":[\"X\"]}}\n{oops")
                .unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }

    #[test]
    fn wrong_json_types_name_the_field_and_the_type_expected() {
        let cases = [
            (
                r#"{"id":"a","schema":5}"#,
                "field `schema`: expected a string, found a number",
            ),
            (
                r#"{"id":["a"],"schema":"Person"}"#,
                "field `id`: expected a string, found an array",
            ),
            (r#"{"schema":"Person"}"#, "missing `id`"),
            (r#"{"id":"a"}"#, "missing `schema`"),
            (
                r#"{"id":"a","schema":"Person","properties":{"name":"Ivan Petrov"}}"#,
                "field `properties.name`: expected an array of strings, found a string",
            ),
            (
                r#"{"id":"a","schema":"Person","properties":{"name":["Ivan", 7]}}"#,
                "field `properties.name[1]`: expected a string, found a number",
            ),
            (
                r#"{"id":"a","schema":"Person","properties":[]}"#,
                "field `properties`: expected an object, found an array",
            ),
            (
                r#"{"id":"a","schema":"Person","caption":{"en":"X"}}"#,
                "field `caption`: expected a string, found an object",
            ),
            (
                r#"{"id":"a","schema":"Person","caption":"X","datasets":"sdn"}"#,
                "field `datasets`: expected an array of strings, found a string",
            ),
            (
                r#"{"id":"a","schema":"Person","caption":"X","properties":{"nationality":[true]}}"#,
                "field `properties.nationality[0]`: expected a string, found a boolean",
            ),
            (
                r#"["Person"]"#,
                "expected a JSON object (an FtM entity), found an array",
            ),
        ];
        for (line, expected) in cases {
            let text =
                format!("{{\"id\":\"ok\",\"schema\":\"Person\",\"caption\":\"Ivan\"}}\n{line}");
            let err = parse(&text).unwrap_err().to_string();
            assert_eq!(err, format!("FtM JSON Lines, line 2: {expected}"), "{line}");
        }
        // Records that are not parties are skipped before their fields are read; null is absent.
        let ok = r#"{"id":"b","schema":"Address","properties":{"full":"Moscow"}}
{"id":"c","schema":"Company","caption":null,"properties":{"name":["Acme"],"alias":null}}"#;
        assert_eq!(parse(ok).unwrap()[0].names, ["Acme"]);
    }

    #[test]
    fn names_without_letters_or_over_the_limits_are_refused_with_line_and_field() {
        let huge = "Ivan Petrov ".repeat(10_000);
        let text =
            format!(r#"{{"id":"a","schema":"Person","properties":{{"alias":["Ivan","{huge}"]}}}}"#);
        let err = parse(&text).unwrap_err().to_string();
        assert!(
            err.starts_with("FtM JSON Lines, line 1: field `properties.alias`: a name of 119999 bytes is over the limit of 1024 bytes"),
            "{}",
            &err[..200.min(err.len())]
        );
        let err = parse(r#"{"id":"a","schema":"Person","caption":"--"}"#)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("field `caption`: a name needs a letter or a digit"),
            "{err}"
        );
    }
}
