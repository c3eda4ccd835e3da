//! OFAC's legacy SDN CSV files: `sdn.csv` (12 columns, no header), with `alt.csv` (aliases) and
//! `add.csv` (addresses) beside it. `-0-` means empty; the file ends with a DOS EOF byte (0x1A).

use std::collections::HashMap;

use crate::model::{push_unique, Entity, ImportError};
use crate::schema::Schema;
use interdict_core::to_iso2;

fn field(s: &str) -> &str {
    let t = s.trim();
    if t == "-0-" {
        ""
    } else {
        t
    }
}

fn records(
    file: &str,
    text: &str,
    columns: usize,
) -> Result<Vec<(u64, csv::StringRecord)>, ImportError> {
    let text = text.trim_end_matches(['\u{1a}', '\r', '\n']);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            ImportError::at(file, line, format!("not valid CSV: {e}"))
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        if rec.len() == 1 && rec[0].trim().is_empty() {
            continue;
        }
        if rec.len() != columns {
            return Err(ImportError::at(
                file,
                line,
                format!("expected {columns} fields, found {}", rec.len()),
            ));
        }
        out.push((line, rec));
    }
    Ok(out)
}

fn ent_num(file: &str, line: u64, s: &str) -> Result<String, ImportError> {
    let t = s.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ImportError::at(
            file,
            line,
            format!("ent_num `{t}` is not a number"),
        ));
    }
    Ok(t.to_string())
}

/// Parses `sdn.csv` and, when given, `alt.csv` and `add.csv`. Aliases and addresses whose
/// `ent_num` is not in `sdn.csv` are skipped (the files are published separately and drift).
pub fn parse(sdn: &str, alt: Option<&str>, add: Option<&str>) -> Result<Vec<Entity>, ImportError> {
    let mut entities: Vec<Entity> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for (line, r) in records("sdn.csv", sdn, 12)? {
        let id = ent_num("sdn.csv", line, &r[0])?;
        let name = field(&r[1]);
        if name.is_empty() {
            return Err(ImportError::at("sdn.csv", line, "empty SDN_Name"));
        }
        let schema = match field(&r[2]).to_ascii_lowercase().as_str() {
            "individual" => Schema::Person,
            "vessel" => Schema::Vessel,
            "aircraft" => Schema::Aircraft,
            _ => Schema::Organization,
        };
        let programs: Vec<String> = field(&r[3])
            .split(['[', ']'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect();
        let remarks = field(&r[11]).to_string();
        let mut countries = Vec::new();
        for marker in ["nationality ", "Nationality ", "citizen ", "Citizen "] {
            for part in remarks.split(marker).skip(1) {
                let country = part.split([';', '.', ',']).next().unwrap_or("");
                if let Some(code) = to_iso2(country) {
                    push_unique(&mut countries, code);
                }
            }
        }
        if let Some(code) = to_iso2(field(&r[9])) {
            push_unique(&mut countries, code); // vessel flag
        }
        by_id.insert(id.clone(), entities.len());
        entities.push(Entity {
            id,
            schema,
            names: vec![name.to_string()],
            countries,
            programs,
            notes: remarks,
        });
    }
    if let Some(alt) = alt {
        for (line, r) in records("alt.csv", alt, 5)? {
            let id = ent_num("alt.csv", line, &r[0])?;
            if let Some(&i) = by_id.get(&id) {
                push_unique(&mut entities[i].names, field(&r[3]));
            }
        }
    }
    if let Some(add) = add {
        for (line, r) in records("add.csv", add, 6)? {
            let id = ent_num("add.csv", line, &r[0])?;
            if let (Some(&i), Some(code)) = (by_id.get(&id), to_iso2(field(&r[4]))) {
                push_unique(&mut entities[i].countries, code);
            }
        }
    }
    Ok(entities)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SDN: &str = "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\
        7157,\"ZHENG, Zhiqiang\",\"individual\",\"SDNTK] [ILLICIT-DRUGS-EO14059\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 1970; nationality China.\"\r\n\u{1a}";

    #[test]
    fn reads_entities_programs_and_nationality() {
        let alt = "36,12,\"aka\",\"AERO-CARIBBEAN\",-0- \r\n9999,1,\"aka\",\"ORPHAN\",-0- \r\n";
        let add = "36,25,-0- ,\"Havana\",\"Cuba\",-0- \r\n";
        let e = parse(SDN, Some(alt), Some(add)).unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].names, ["AEROCARIBBEAN AIRLINES", "AERO-CARIBBEAN"]);
        assert_eq!(e[0].countries, ["CU"]);
        assert_eq!(e[1].schema, Schema::Person);
        assert_eq!(e[1].programs, ["SDNTK", "ILLICIT-DRUGS-EO14059"]);
        assert_eq!(e[1].countries, ["CN"]);
    }

    #[test]
    fn malformed_lines_are_rejected_with_line_and_reason() {
        let bad = "36,\"A\",-0- ,\"CUBA\"\r\n";
        let err = parse(bad, None, None).unwrap_err().to_string();
        assert!(
            err.contains("line 1") && err.contains("expected 12 fields"),
            "{err}"
        );
        let bad = "x36,\"A\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n";
        assert!(parse(bad, None, None)
            .unwrap_err()
            .to_string()
            .contains("not a number"));
    }
}
