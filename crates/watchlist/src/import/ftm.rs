//! OpenSanctions / FollowTheMoney entities, one JSON object a line. Parties (Person, Company,
//! Organization, LegalEntity, PublicBody, Vessel, Airplane) are kept; addresses, sanctions and
//! other linked records are skipped.

use crate::model::{push_unique, Entity, ImportError};
use crate::schema::Schema;
use interdict_core::to_iso2;

const FILE: &str = "FtM JSON Lines";

pub fn parse(text: &str) -> Result<Vec<Entity>, ImportError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i as u64 + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| ImportError::at(FILE, line_no, format!("not JSON: {e}")))?;
        let schema_name = v["schema"]
            .as_str()
            .ok_or_else(|| ImportError::at(FILE, line_no, "missing `schema`"))?;
        let schema = match schema_name {
            "Person" => Schema::Person,
            "Company" | "Organization" | "LegalEntity" | "PublicBody" => Schema::Organization,
            "Vessel" => Schema::Vessel,
            "Airplane" => Schema::Aircraft,
            _ => continue,
        };
        let id = v["id"]
            .as_str()
            .ok_or_else(|| ImportError::at(FILE, line_no, "missing `id`"))?
            .to_string();
        let props = &v["properties"];
        let strings = |key: &str| -> Vec<String> {
            props[key]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut names = Vec::new();
        if let Some(caption) = v["caption"].as_str() {
            push_unique(&mut names, caption);
        }
        for key in ["name", "alias", "previousName", "weakAlias"] {
            for n in strings(key) {
                push_unique(&mut names, &n);
            }
        }
        if names.is_empty() {
            return Err(ImportError::at(
                FILE,
                line_no,
                format!("{schema_name} {id} has no name"),
            ));
        }
        let mut countries = Vec::new();
        for key in [
            "country",
            "nationality",
            "jurisdiction",
            "citizenship",
            "flag",
        ] {
            for c in strings(key) {
                if let Some(code) = to_iso2(&c) {
                    push_unique(&mut countries, code);
                }
            }
        }
        let mut programs = Vec::new();
        for key in ["programId", "topics"] {
            for p in strings(key) {
                push_unique(&mut programs, &p);
            }
        }
        for d in v["datasets"].as_array().into_iter().flatten() {
            if let Some(d) = d.as_str() {
                push_unique(&mut programs, d);
            }
        }
        out.push(Entity {
            id,
            schema,
            names,
            countries,
            programs,
            notes: strings("notes").join(" "),
        });
    }
    Ok(out)
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
}
