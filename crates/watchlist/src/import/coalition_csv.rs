//! The coalition's own watch entries: CSV with a header and columns `name, aliases, country, type,
//! reference, notes` (aliases separated by `;`, country an ISO code or a name).

use super::check_name;
use crate::model::{push_unique, Entity, ImportError};
use crate::schema::Schema;
use interdict_core::to_iso2;

const FILE: &str = "watchlist CSV";

/// Parses the whole file. A name or alias without a letter or digit or over the size limits is
/// refused with its line and field, like an unknown country.
pub fn parse(text: &str) -> Result<Vec<Entity>, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| ImportError::at(FILE, 1, format!("unreadable header: {e}")))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let Some(name_col) = col("name") else {
        return Err(ImportError::at(FILE, 1, "missing column `name`"));
    };
    let (aliases_col, country_col, type_col, ref_col, notes_col) = (
        col("aliases"),
        col("country"),
        col("type"),
        col("reference"),
        col("notes"),
    );
    let mut out = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            ImportError::at(FILE, line, format!("{e}"))
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("").trim();
        let name = get(Some(name_col));
        if name.is_empty() {
            return Err(ImportError::at(FILE, line, "empty `name`"));
        }
        check_name("name", name).map_err(|e| ImportError::at(FILE, line, e))?;
        let mut names = vec![name.to_string()];
        for a in get(aliases_col).split(';').map(str::trim) {
            if !a.is_empty() {
                check_name("aliases", a).map_err(|e| ImportError::at(FILE, line, e))?;
            }
            push_unique(&mut names, a);
        }
        let mut countries = Vec::new();
        for c in get(country_col)
            .split(';')
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            let code = to_iso2(c)
                .ok_or_else(|| ImportError::at(FILE, line, format!("unknown country `{c}`")))?;
            push_unique(&mut countries, code);
        }
        let reference = get(ref_col);
        out.push(Entity {
            id: if reference.is_empty() {
                format!("line-{line}")
            } else {
                reference.to_string()
            },
            schema: Schema::parse(get(type_col)),
            names,
            countries,
            programs: Vec::new(),
            notes: get(notes_col).to_string(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_and_rejects_bad_countries() {
        let ok = "name,aliases,country,type,reference,notes\nHubei Amarvel Biotech,Amarvel;Hubei Amarvel,CN,company,W-1,pill presses\n";
        let e = parse(ok).unwrap();
        assert_eq!(
            e[0].names,
            ["Hubei Amarvel Biotech", "Amarvel", "Hubei Amarvel"]
        );
        assert_eq!(e[0].countries, ["CN"]);
        assert_eq!(e[0].schema, Schema::Organization);
        let bad = "name,country\nX,CN\nY,Atlantis\n";
        let err = parse(bad).unwrap_err().to_string();
        assert!(err.contains("line 3") && err.contains("Atlantis"), "{err}");
    }

    #[test]
    fn names_and_aliases_without_letters_or_over_the_limits_are_refused() {
        let long = "Wuhan Chemical ".repeat(100);
        let err = parse(&format!("name,aliases\nAmarvel,\n{long},\n"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("line 3: field `name`: a name of 1499 bytes"),
            "{err}"
        );
        let err = parse("name,aliases\nAmarvel,Hubei Amarvel;***\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("line 2: field `aliases`: a name needs a letter or a digit"),
            "{err}"
        );
        // Empty aliases between separators are only formatting.
        assert_eq!(
            parse("name,aliases\nAmarvel,;Hubei Amarvel;\n").unwrap()[0]
                .names
                .len(),
            2
        );
    }
}
