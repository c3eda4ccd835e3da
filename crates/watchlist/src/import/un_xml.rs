//! The UN Security Council consolidated list (XML): `INDIVIDUAL` and `ENTITY` records with their
//! name parts, aliases, nationalities and address countries.

use quick_xml::events::Event;
use quick_xml::Reader;

use super::check_name;
use crate::model::{push_unique, Entity, ImportError};
use crate::schema::Schema;
use interdict_core::to_iso2;

const FILE: &str = "UN consolidated XML";

#[derive(Default)]
struct Record {
    schema: Option<Schema>,
    reference: String,
    dataid: String,
    name_parts: Vec<String>,
    aliases: Vec<String>,
    countries: Vec<String>,
    list_type: String,
    comments: String,
}

/// Parses the whole document; any XML error is reported with its byte position and line. A name
/// (the name parts joined, or an alias) without a letter or digit or over the size limits is
/// refused with its line and field.
pub fn parse(xml: &str) -> Result<Vec<Entity>, ImportError> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut current: Option<Record> = None;
    let mut text = String::new();
    let line_of = |pos: u64| {
        xml.as_bytes()[..(pos as usize).min(xml.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64
            + 1
    };
    loop {
        let pos = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| ImportError::at(FILE, line_of(pos), format!("malformed XML: {e}")))?;
        match event {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                match name.as_str() {
                    "INDIVIDUAL" => {
                        current = Some(Record {
                            schema: Some(Schema::Person),
                            ..Default::default()
                        })
                    }
                    "ENTITY" => {
                        current = Some(Record {
                            schema: Some(Schema::Organization),
                            ..Default::default()
                        })
                    }
                    _ => {}
                }
                stack.push(name);
                text.clear();
            }
            Event::Text(t) => {
                let decoded = t
                    .decode()
                    .map_err(|e| ImportError::at(FILE, line_of(pos), format!("bad text: {e}")))?;
                text.push_str(&decoded);
            }
            Event::GeneralRef(r) => {
                let name = r
                    .decode()
                    .map_err(|e| ImportError::at(FILE, line_of(pos), format!("bad entity: {e}")))?;
                let ch = match name.as_ref() {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    n => n
                        .strip_prefix("#x")
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .or_else(|| n.strip_prefix('#').and_then(|d| d.parse().ok()))
                        .and_then(char::from_u32),
                };
                let ch = ch.ok_or_else(|| {
                    ImportError::at(FILE, line_of(pos), format!("unknown entity &{name};"))
                })?;
                text.push(ch);
            }
            Event::End(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                if stack.last() != Some(&name) {
                    return Err(ImportError::at(
                        FILE,
                        line_of(pos),
                        format!("unexpected closing tag </{name}>"),
                    ));
                }
                if let Some(r) = current.as_mut() {
                    let value = text.trim();
                    let parent = stack
                        .len()
                        .checked_sub(2)
                        .map(|i| stack[i].as_str())
                        .unwrap_or("");
                    match (parent, name.as_str()) {
                        (_, "DATAID") => r.dataid = value.to_string(),
                        (_, "REFERENCE_NUMBER") => r.reference = value.to_string(),
                        (_, "UN_LIST_TYPE") => r.list_type = value.to_string(),
                        (_, "COMMENTS1") => r.comments = value.to_string(),
                        (
                            "INDIVIDUAL" | "ENTITY",
                            "FIRST_NAME" | "SECOND_NAME" | "THIRD_NAME" | "FOURTH_NAME",
                        ) if !value.is_empty() => r.name_parts.push(value.to_string()),
                        ("INDIVIDUAL_ALIAS" | "ENTITY_ALIAS", "ALIAS_NAME") => {
                            if !value.is_empty() {
                                check_name("ALIAS_NAME", value)
                                    .map_err(|e| ImportError::at(FILE, line_of(pos), e))?;
                            }
                            push_unique(&mut r.aliases, value)
                        }
                        ("NATIONALITY", "VALUE")
                        | ("INDIVIDUAL_ADDRESS" | "ENTITY_ADDRESS", "COUNTRY") => {
                            if let Some(code) = to_iso2(value) {
                                push_unique(&mut r.countries, code);
                            }
                        }
                        _ => {}
                    }
                }
                text.clear();
                stack.pop();
                if matches!(name.as_str(), "INDIVIDUAL" | "ENTITY") {
                    let r = current.take().unwrap_or_default();
                    let primary = r.name_parts.join(" ");
                    if primary.trim().is_empty() {
                        return Err(ImportError::at(
                            FILE,
                            line_of(pos),
                            format!("{name} {} has no name", r.dataid),
                        ));
                    }
                    check_name("FIRST_NAME to FOURTH_NAME", &primary)
                        .map_err(|e| ImportError::at(FILE, line_of(pos), e))?;
                    let mut names = vec![primary];
                    for a in &r.aliases {
                        push_unique(&mut names, a);
                    }
                    let id = if r.reference.is_empty() {
                        r.dataid
                    } else {
                        r.reference
                    };
                    out.push(Entity {
                        id,
                        schema: r.schema.unwrap_or_default(),
                        names,
                        countries: r.countries,
                        programs: if r.list_type.is_empty() {
                            vec![]
                        } else {
                            vec![r.list_type]
                        },
                        notes: r.comments,
                    });
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(ImportError::File {
            file: FILE.into(),
            reason: format!("document ends inside <{}>", stack.join("><")),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_individuals_and_entities() {
        let xml = r#"<?xml version="1.0"?><CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID>
            <FIRST_NAME>ERIC</FIRST_NAME><SECOND_NAME>BADEGE</SECOND_NAME><UN_LIST_TYPE>DRC</UN_LIST_TYPE>
            <REFERENCE_NUMBER>CDi.001</REFERENCE_NUMBER><NATIONALITY><VALUE>Democratic Republic of the Congo</VALUE></NATIONALITY>
            <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>E. Badege</ALIAS_NAME></INDIVIDUAL_ALIAS>
            <INDIVIDUAL_ADDRESS><COUNTRY>Rwanda</COUNTRY></INDIVIDUAL_ADDRESS></INDIVIDUAL></INDIVIDUALS>
            <ENTITIES><ENTITY><DATAID>2</DATAID><FIRST_NAME>DCB FINANCE LIMITED &amp; CO</FIRST_NAME>
            <REFERENCE_NUMBER>KPe.040</REFERENCE_NUMBER></ENTITY></ENTITIES></CONSOLIDATED_LIST>"#;
        let e = parse(xml).unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].names, ["ERIC BADEGE", "E. Badege"]);
        assert_eq!(e[0].countries, ["CD", "RW"]);
        assert_eq!(e[0].id, "CDi.001");
        assert_eq!(e[1].names, ["DCB FINANCE LIMITED & CO"]);
    }

    #[test]
    fn malformed_xml_names_the_line() {
        let err =
            parse("<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL><FIRST_NAME>X</SECOND_NAME>")
                .unwrap_err();
        assert!(err.to_string().contains("line 3"), "{err}");
        assert!(parse("<A><B>").is_err());
    }

    #[test]
    fn names_without_letters_or_over_the_limits_are_refused_with_line_and_field() {
        let record = |first: &str, alias: &str| {
            format!(
                "<CONSOLIDATED_LIST><INDIVIDUALS>\n<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>{first}</FIRST_NAME>\n\
                 <INDIVIDUAL_ALIAS><ALIAS_NAME>{alias}</ALIAS_NAME></INDIVIDUAL_ALIAS>\n\
                 </INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>"
            )
        };
        let err = parse(&record(&"ERIC ".repeat(300), "E. Badege"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("line 4: field `FIRST_NAME to FOURTH_NAME`: a name of 1499 bytes"),
            "{err}"
        );
        let err = parse(&record("ERIC BADEGE", "?")).unwrap_err().to_string();
        assert!(
            err.contains("line 3: field `ALIAS_NAME`: a name needs a letter"),
            "{err}"
        );
        // An empty alias is no alias.
        assert_eq!(
            parse(&record("ERIC BADEGE", "")).unwrap()[0].names,
            ["ERIC BADEGE"]
        );
    }
}
