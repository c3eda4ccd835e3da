//! OFAC's legacy SDN CSV files: `sdn.csv` (12 columns, no header), with `alt.csv` (aliases) and
//! `add.csv` (addresses) beside it. `-0-` means empty; the file ends with a DOS EOF byte (0x1A).

use std::collections::HashMap;

use super::check_name;
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

/// Line numbers from byte offsets, counted once through the text. The csv reader's own line count
/// lags one behind in files with CRLF line ends (OFAC's), naming the line before the bad one.
struct Lines<'t> {
    text: &'t [u8],
    /// Bytes counted so far, and the line the next byte is on.
    counted: usize,
    line: u64,
}

impl Lines<'_> {
    /// The line a record starts on, from its position (asked in increasing order, as records
    /// come). The position of a record after a CRLF points at the `\n`, which is skipped.
    fn of(&mut self, position: Option<&csv::Position>) -> u64 {
        let Some(mut offset) = position.map(|p| p.byte() as usize) else {
            return 0;
        };
        while self
            .text
            .get(offset)
            .is_some_and(|&b| b == b'\n' || b == b'\r')
        {
            offset += 1;
        }
        let offset = offset.min(self.text.len());
        if offset < self.counted {
            (self.counted, self.line) = (0, 1);
        }
        let newlines = self.text[self.counted..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.line += newlines as u64;
        self.counted = offset;
        self.line
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
    let mut lines = Lines {
        text: text.as_bytes(),
        counted: 0,
        line: 1,
    };
    let mut out = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| {
            let line = lines.of(e.position());
            ImportError::at(file, line, format!("not valid CSV: {e}"))
        })?;
        let line = lines.of(rec.position());
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
/// `ent_num` is not in `sdn.csv` are skipped (the files are published separately and drift). A
/// name (`SDN_Name`, `alt_name`) without a letter or digit or over the size limits is refused
/// with its file, line and field.
pub fn parse(sdn: &str, alt: Option<&str>, add: Option<&str>) -> Result<Vec<Entity>, ImportError> {
    let mut entities: Vec<Entity> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for (line, r) in records("sdn.csv", sdn, 12)? {
        let id = ent_num("sdn.csv", line, &r[0])?;
        let name = field(&r[1]);
        if name.is_empty() {
            return Err(ImportError::at("sdn.csv", line, "empty SDN_Name"));
        }
        check_name("SDN_Name", name).map_err(|e| ImportError::at("sdn.csv", line, e))?;
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
            let alt_name = field(&r[3]);
            if let (Some(&i), false) = (by_id.get(&id), alt_name.is_empty()) {
                check_name("alt_name", alt_name)
                    .map_err(|e| ImportError::at("alt.csv", line, e))?;
                push_unique(&mut entities[i].names, alt_name);
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

    #[test]
    fn names_without_letters_or_over_the_limits_are_refused_with_line_and_field() {
        let row = |id: u32, name: &str| {
            format!("{id},\"{name}\",\"individual\",\"SDNTK\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n")
        };
        let huge = "A".repeat(50 * 1024 * 1024);
        let sdn = format!("{}{}", row(1, "ZHENG, Zhiqiang"), row(2, &huge));
        let err = parse(&sdn, None, None).unwrap_err().to_string();
        assert!(
            err.starts_with("sdn.csv, line 2: field `SDN_Name`: a name of 52428800 bytes is over the limit of 1024 bytes"),
            "{}",
            &err[..200.min(err.len())]
        );
        assert!(err.len() < 300, "the message quotes the name clipped");
        // Line numbers count CRLF line ends once.
        let sdn = format!("{}{}{}", row(1, "A"), row(2, "B"), row(3, "\u{2014}"));
        let err = parse(&sdn, None, None).unwrap_err().to_string();
        assert!(
            err.starts_with("sdn.csv, line 3: field `SDN_Name`"),
            "{err}"
        );
        let err = parse(&row(7, " - "), None, None).unwrap_err().to_string();
        assert!(
            err.contains("line 1: field `SDN_Name`: a name needs a letter or a digit"),
            "{err}"
        );
        // An alias likewise, when it belongs to an entity; `-0-` is OFAC's empty field.
        let alt = format!(
            "1,10,\"aka\",-0- ,-0- \r\n1,11,\"aka\",\"{}\",-0- \r\n",
            "X Y ".repeat(200)
        );
        let err = parse(&row(1, "ZHENG, Zhiqiang"), Some(&alt), None)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("alt.csv, line 2: field `alt_name`: a name of 400 words is over the limit of 128 words"),
            "{err}"
        );
    }
}
