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

/// A line longer than this is cut here and the rest of it skipped: memory stays bounded on a
/// file without line ends. No structure line comes near it (SMILES stop at
/// [`crate::MAX_SMILES_LEN`]); the record of a cut line fails to parse and says so.
const MAX_LINE: usize = 1 << 20;

/// Streams records from a structure file, a line at a time, in bounded memory. Lines that are not
/// UTF-8 are read lossily (the record will fail to parse and say so).
pub struct RecordReader<R> {
    reader: R,
    format: Format,
    line: usize,
    done: bool,
    /// SDF: the lines of the record being read, the line number of its first line, and the
    /// index of its counts line. Kept between records because a record whose `$$$$` is missing
    /// is only seen to end when the next one's counts line arrives.
    block: Vec<String>,
    block_start: usize,
    block_bytes: usize,
    counts_at: Option<usize>,
}

impl<R: std::io::BufRead> RecordReader<R> {
    pub fn new(reader: R, format: Format) -> Self {
        RecordReader {
            reader,
            format,
            line: 0,
            done: false,
            block: Vec::new(),
            block_start: 0,
            block_bytes: 0,
            counts_at: None,
        }
    }

    /// The next line without its end (cut at [`MAX_LINE`] bytes), or `None` at the end of
    /// input. Lines end at LF, CRLF or a lone CR, as in every reader of the project
    /// ([`interdict_core::lines`]).
    fn next_line(&mut self) -> std::io::Result<Option<String>> {
        let mut buf = Vec::new();
        let (consumed, _) =
            interdict_core::lines::read_line_capped(&mut self.reader, &mut buf, MAX_LINE)?;
        if consumed == 0 {
            return Ok(None);
        }
        self.line += 1;
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

    /// The next SDF record. Records end at `$$$$`, and also where the next record's header
    /// begins (three lines before a second counts line) when a truncated record lost its
    /// `$$$$`: the truncated record then fails alone and the next one is read whole.
    fn next_sdf(&mut self) -> std::io::Result<Option<RawRecord>> {
        while let Some(line) = self.next_line()? {
            if line.trim_end() == "$$$$" {
                if let Some(record) = self.take_block(self.block.len()) {
                    return Ok(Some(record));
                }
                continue;
            }
            let mut cut = None;
            if is_counts_line(&line) {
                let header = self.block.len().saturating_sub(3);
                match self.counts_at {
                    // A second counts line: the record before it lost its end.
                    Some(previous) => cut = Some(header.max(previous + 1)),
                    // Lines before this record's header are not part of it.
                    None if header > 0 => cut = Some(header),
                    None => {}
                }
                self.counts_at = Some(self.block.len());
            }
            if self.block.is_empty() {
                self.block_start = self.line;
            }
            self.block_bytes += line.len() + 1;
            self.block.push(line);
            if let Some(at) = cut {
                if let Some(counts) = self.counts_at.as_mut() {
                    *counts -= at;
                }
                if let Some(record) = self.take_block(at) {
                    return Ok(Some(record));
                }
                continue;
            }
            if self.block_bytes > MAX_BLOCK {
                if let Some(record) = self.take_block(self.block.len()) {
                    return Ok(Some(record));
                }
            }
        }
        Ok(self.take_block(self.block.len()))
    }

    /// The first `lines` lines of the block as a record (`None` when they are blank); the rest
    /// stays as the start of the next record.
    fn take_block(&mut self, lines: usize) -> Option<RawRecord> {
        let rest = self.block.split_off(lines.min(self.block.len()));
        let taken = std::mem::replace(&mut self.block, rest);
        let start = self.block_start;
        self.block_start += taken.len();
        self.block_bytes = self.block.iter().map(|l| l.len() + 1).sum();
        if self.block.is_empty() {
            self.counts_at = None;
        }
        if taken.iter().all(|l| l.trim().is_empty()) {
            return None;
        }
        let mut text = String::with_capacity(taken.iter().map(|l| l.len() + 1).sum());
        for l in &taken {
            text.push_str(l);
            text.push('\n');
        }
        Some(sdf_record(start, text))
    }
}

/// A MOL counts line: ends with `V2000` or `V3000` and begins with the atom and bond counts as
/// two three-character numbers (`  3  2  0 … V2000`). Data items and atom lines never look so.
fn is_counts_line(line: &str) -> bool {
    let line = line.trim_end();
    let field = |r: std::ops::Range<usize>| {
        line.get(r)
            .is_some_and(|f| !f.trim().is_empty() && f.trim().bytes().all(|b| b.is_ascii_digit()))
    };
    (line.ends_with("V2000") || line.ends_with("V3000")) && field(0..3) && field(3..6)
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

    /// Issue 18: lone CR and CRLF line ends split records as LF does, with the same numbers.
    #[test]
    fn lone_cr_and_crlf_line_ends_read_as_lf() {
        let lf = "# comment\nCCO ethanol\n\nc1ccccc1\tbenzene ring\nC1CC(\n";
        for text in [lf.replace('\n', "\r"), lf.replace('\n', "\r\n")] {
            let recs = read_smi(&text);
            let got: Vec<(usize, Option<&str>)> =
                recs.iter().map(|r| (r.line, r.name.as_deref())).collect();
            assert_eq!(
                got,
                [(2, Some("ethanol")), (4, Some("benzene ring")), (5, None)]
            );
        }
        let sdf = "first\n  x\n\n  0  0  0  0  0  0            999 V2000\nM  END\n$$$$\nsecond\n\n\n  0  0\nM  END\n$$$$\n";
        let recs = read_sdf(&sdf.replace('\n', "\r"));
        let got: Vec<(usize, Option<&str>)> =
            recs.iter().map(|r| (r.line, r.name.as_deref())).collect();
        assert_eq!(got, [(1, Some("first")), (7, Some("second"))]);
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

    const ETHANOL: &str = "ethanol\n  manual\n\n  3  2  0  0  0  0  0  0  0  0999 V2000\n    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n    1.2990    0.7500    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n    2.5981   -0.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0\n  1  2  1  0\n  2  3  1  0\nM  END\n";

    fn molblock(r: &RawRecord) -> &str {
        match &r.text {
            RawText::Molblock(b) => b,
            other => panic!("{other:?}"),
        }
    }

    /// Regression: a record cut off before its `$$$$` swallowed the next, good record.
    #[test]
    fn a_truncated_record_does_not_swallow_the_next() {
        let truncated = "cut\n  manual\n\n  3  2  0  0  0  0  0  0  0  0999 V2000\n    0.0000    0.0000    0.0000 C   0  0  0  0\n";
        let text = format!("{truncated}{ETHANOL}$$$${ETHANOL}> <ID>\n  3  2  0  0  0  0  0  0  0  0999 V2000x\n\n$$$$\n");
        let text = text.replace("$$$$ethanol", "$$$$\nethanol");
        let recs = read_sdf(&text);
        assert_eq!(recs.len(), 3, "{recs:?}");
        assert_eq!((recs[0].line, recs[0].name.as_deref()), (1, Some("cut")));
        assert_eq!(molblock(&recs[0]).lines().count(), 5);
        assert_eq!(
            (recs[1].line, recs[1].name.as_deref()),
            (6, Some("ethanol"))
        );
        assert_eq!(molblock(&recs[1]), ETHANOL);
        assert_eq!(
            (recs[2].line, recs[2].name.as_deref()),
            (17, Some("ethanol"))
        );
        assert_eq!(molblock(&recs[2]), ETHANOL);
    }

    #[test]
    fn stray_lines_before_a_header_are_a_record_of_their_own() {
        let recs = read_sdf(&format!("\n\n{ETHANOL}$$$$\njunk\n{ETHANOL}$$$$\n"));
        assert_eq!(recs.len(), 3, "{recs:?}");
        assert_eq!(
            (recs[0].line, recs[0].name.as_deref()),
            (3, Some("ethanol"))
        );
        assert_eq!((recs[1].line, recs[1].name.as_deref()), (14, Some("junk")));
        assert_eq!((recs[2].line, molblock(&recs[2])), (15, ETHANOL));
    }

    #[test]
    fn counts_lines_are_told_from_other_lines() {
        assert!(is_counts_line("  3  2  0  0  0  0  0  0  0  0999 V2000"));
        assert!(is_counts_line("  0  0  0  0  0  0  0  0  0  0999 V3000  "));
        assert!(is_counts_line("100 99  0  0  0  0            999 V2000"));
        assert!(!is_counts_line("V2000"));
        assert!(!is_counts_line("M  V30 COUNTS 26 27 0 0 0"));
        assert!(!is_counts_line("    0.0000    0.0000    0.0000 C   0  0"));
        assert!(!is_counts_line("ab cd V2000"));
    }

    /// Memory stays bounded on input without line ends: a line is cut at `MAX_LINE` bytes.
    #[test]
    fn endless_lines_are_cut() {
        let text = format!("{}\nCCO ethanol\n", "C".repeat(MAX_LINE + 10));
        let recs = read_smi(&text);
        assert_eq!(recs.len(), 2);
        match &recs[0].text {
            RawText::Smiles(s) => assert_eq!(s.len(), MAX_LINE),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            (recs[1].line, recs[1].name.as_deref()),
            (2, Some("ethanol"))
        );
    }
}
