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

/// Which structure file format a reader splits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One SMILES per line, optional name after whitespace; blank lines, `#` comments and a
    /// leading `smiles` header are skipped.
    Smi,
    /// MOL blocks separated by `$$$$` lines; the name is the block's first line.
    Sdf,
}

/// A block longer than this without `$$$$` is cut into a record of its own (which will not parse):
/// memory stays bounded on a file that is not SDF at all.
const MAX_BLOCK: usize = 16 << 20;

/// Streams records from a structure file, a line at a time, in bounded memory. Lines that are not
/// UTF-8 are read lossily (the record will fail to parse and say so).
pub struct RecordReader<R> {
    reader: R,
    format: Format,
    line: usize,
    done: bool,
}

impl<R: std::io::BufRead> RecordReader<R> {
    pub fn new(reader: R, format: Format) -> Self {
        RecordReader {
            reader,
            format,
            line: 0,
            done: false,
        }
    }

    /// The next line without its end, or `None` at the end of input.
    fn next_line(&mut self) -> std::io::Result<Option<String>> {
        let mut buf = Vec::new();
        if self.reader.read_until(b'\n', &mut buf)? == 0 {
            return Ok(None);
        }
        self.line += 1;
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
    }

    fn next_smi(&mut self) -> std::io::Result<Option<RawRecord>> {
        while let Some(line) = self.next_line()? {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let mut parts = trimmed.splitn(2, [' ', '\t']);
            let smiles = parts.next().unwrap_or("").to_string();
            if self.line == 1 && smiles.eq_ignore_ascii_case("smiles") {
                continue;
            }
            let name = parts
                .next()
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty());
            return Ok(Some(RawRecord {
                line: self.line,
                name,
                text: RawText::Smiles(smiles),
            }));
        }
        Ok(None)
    }

    fn next_sdf(&mut self) -> std::io::Result<Option<RawRecord>> {
        let mut block = String::new();
        let mut start = 0;
        while let Some(line) = self.next_line()? {
            if line.trim_end() == "$$$$" {
                if !block.trim().is_empty() {
                    return Ok(Some(sdf_record(start, block)));
                }
                block.clear();
                start = 0;
                continue;
            }
            if start == 0 {
                start = self.line;
            }
            block.push_str(&line);
            block.push('\n');
            if block.len() > MAX_BLOCK {
                return Ok(Some(sdf_record(start, block)));
            }
        }
        Ok((!block.trim().is_empty()).then(|| sdf_record(start, block)))
    }
}

impl<R: std::io::BufRead> Iterator for RecordReader<R> {
    type Item = std::io::Result<RawRecord>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let next = match self.format {
            Format::Smi => self.next_smi(),
            Format::Sdf => self.next_sdf(),
        };
        match next {
            Ok(Some(r)) => Some(Ok(r)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// Every record of a `.smi` text (see [`Format::Smi`]).
pub fn read_smi(text: &str) -> Vec<RawRecord> {
    RecordReader::new(text.as_bytes(), Format::Smi)
        .filter_map(Result::ok)
        .collect()
}

/// Every record of an SDF text (see [`Format::Sdf`]).
pub fn read_sdf(text: &str) -> Vec<RawRecord> {
    RecordReader::new(text.as_bytes(), Format::Sdf)
        .filter_map(Result::ok)
        .collect()
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

/// Whether a word of free text is written as a SMILES: at least six characters; outside brackets
/// only organic-subset atoms (B C N O P S F Cl Br I, aromatic b c n o p s), bonds, branches and
/// ring digits; SMILES punctuation or a ring digit somewhere. Names ("ketamine", "MDMA",
/// "N-phenethyl-4-piperidone"), CAS and HS numbers never pass; the caller still parses, so a false
/// positive costs one failed parse.
pub fn looks_like_smiles(word: &str) -> bool {
    if word.len() < 6 || !word.is_ascii() {
        return false;
    }
    let bytes = word.as_bytes();
    let mut in_bracket = false;
    let mut atoms = 0;
    let mut structure_marks = 0;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if in_bracket {
            if c == b']' {
                in_bracket = false;
            } else if !(c.is_ascii_alphanumeric() || b"@+-:".contains(&c)) {
                return false;
            }
            i += 1;
            continue;
        }
        match c {
            b'[' => {
                in_bracket = true;
                atoms += 1;
                structure_marks += 1;
            }
            b'C' if bytes.get(i + 1) == Some(&b'l') => {
                atoms += 1;
                i += 1;
            }
            b'B' if bytes.get(i + 1) == Some(&b'r') => {
                atoms += 1;
                i += 1;
            }
            b'B' | b'C' | b'N' | b'O' | b'P' | b'S' | b'F' | b'I' | b'b' | b'c' | b'n' | b'o'
            | b'p' | b's' => atoms += 1,
            b'(' | b')' | b'=' | b'#' | b'%' | b'0'..=b'9' => structure_marks += 1,
            b'-' | b'/' | b'\\' | b'.' | b':' | b'$' | b'*' => {}
            _ => return false,
        }
        i += 1;
    }
    !in_bracket && atoms >= 3 && structure_marks > 0
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
    fn smiles_words_are_told_from_names_and_numbers() {
        for yes in [
            "CCC(=O)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1",
            "CN[C@@H](C)Cc1ccccc1",
            "O=C1CCNCC1",
            "CCN(CC)CCn1c(Cc2ccc(OC(C)C)cc2)nc2cc([N+](=O)[O-])ccc21.Cl",
            "c1ccc(-c2ccccc2)cc1",
        ] {
            assert!(looks_like_smiles(yes), "{yes}");
        }
        for no in [
            "ketamine",
            "MDMA",
            "79099-07-3",
            "2933.39",
            "N-phenethyl-4-piperidone",
            "(25kg)",
            "1,000",
            "CCOCCOC",
        ] {
            assert!(!looks_like_smiles(no), "{no}");
        }
    }

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
