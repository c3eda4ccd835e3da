//! Reading structure files: `.smi` (SMILES, optional name after whitespace) and SDF (MOL blocks,
//! V2000 or V3000, separated by `$$$$`). Records are split here and parsed later, in parallel;
//! a record that cannot be parsed becomes an error in its place, never a stop.

/// One structure as written in the input, before parsing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawRecord {
    /// 1-based line where the record starts.
    pub line: usize,
    pub name: Option<String>,
    pub text: RawText,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RawText {
    Smiles(String),
    Molblock(String),
}

impl RawRecord {
    /// What to echo as `input`: the SMILES itself, or the record's place in an SDF file.
    pub fn label(&self) -> String {
        match &self.text {
            RawText::Smiles(s) => s.clone(),
            RawText::Molblock(_) => format!("sdf record at line {}", self.line),
        }
    }
}

/// Lines of a `.smi` file: blank lines and `#` comments are skipped; a header line `smiles ...`
/// is skipped too.
pub fn read_smi(text: &str) -> Vec<RawRecord> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let mut parts = trimmed.splitn(2, [' ', '\t']);
        let smiles = parts.next().unwrap_or("").to_string();
        if i == 0 && smiles.eq_ignore_ascii_case("smiles") {
            continue;
        }
        let name = parts
            .next()
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty());
        out.push(RawRecord {
            line: i + 1,
            name,
            text: RawText::Smiles(smiles),
        });
    }
    out
}

/// Records of an SDF file. The name is the MOL block's first line.
pub fn read_sdf(text: &str) -> Vec<RawRecord> {
    let mut out = Vec::new();
    let mut block = String::new();
    let mut start = 1;
    let mut lines_in_block = 0;
    for (i, line) in text.lines().enumerate() {
        if line.trim_end() == "$$$$" {
            if lines_in_block > 0 && !block.trim().is_empty() {
                out.push(sdf_record(start, std::mem::take(&mut block)));
            }
            block.clear();
            lines_in_block = 0;
            start = i + 2;
            continue;
        }
        if lines_in_block == 0 {
            start = i + 1;
        }
        block.push_str(line);
        block.push('\n');
        lines_in_block += 1;
    }
    if !block.trim().is_empty() {
        out.push(sdf_record(start, block));
    }
    out
}

fn sdf_record(line: usize, block: String) -> RawRecord {
    let name = block
        .lines()
        .next()
        .map(|l| l.trim().to_string())
        .filter(|n| !n.is_empty());
    // Data items (`> <NAME>`) follow `M  END`; the toolkit reads only the MOL block.
    let molblock = match block.find("M  END") {
        Some(end) => block[..end + "M  END".len()].to_string() + "\n",
        None => block,
    };
    RawRecord {
        line,
        name,
        text: RawText::Molblock(molblock),
    }
}

/// Whether a path names an SDF/MOL file (by extension).
pub fn is_sdf_path(path: &std::path::Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
            .as_deref(),
        Some("sdf" | "mol" | "sd")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smi_lines_with_names_comments_and_blanks() {
        let recs = read_smi("# comment\nCCO ethanol\n\nc1ccccc1\tbenzene ring\nC1CC(\n");
        assert_eq!(recs.len(), 3);
        assert_eq!(recs[0].line, 2);
        assert_eq!(recs[0].name.as_deref(), Some("ethanol"));
        assert_eq!(recs[1].name.as_deref(), Some("benzene ring"));
        assert_eq!(recs[2].text, RawText::Smiles("C1CC(".into()));
        assert_eq!(recs[2].line, 5);
    }

    #[test]
    fn sdf_records_split_with_lines_and_names() {
        let text = "first\n  x\n\n  0  0  0  0  0  0            999 V2000\nM  END\n> <ID>\n1\n\n$$$$\nsecond\n\n\n  0  0\nM  END\n$$$$\n";
        let recs = read_sdf(text);
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0].line, 1);
        assert_eq!(recs[0].name.as_deref(), Some("first"));
        assert_eq!(recs[1].line, 10);
        match &recs[0].text {
            RawText::Molblock(b) => assert!(b.ends_with("M  END\n") && !b.contains("<ID>")),
            other => panic!("{other:?}"),
        }
    }
}
