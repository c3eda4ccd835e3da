//! Declarations as `shared/spec/declarations.md` defines them: fields, validation, and readers for
//! CSV and JSON Lines that yield one record (or one error naming the field) per line of input.

use std::collections::{BTreeSet, HashSet};
use std::io::BufRead;

use interdict_core::{is_iso2, CountryCode, Date};

/// Units a quantity may be declared in: the value type every crate shares.
pub use interdict_core::Unit;

/// One validated line of goods.
#[derive(Clone, Debug, PartialEq)]
pub struct Declaration {
    pub id: String,
    /// 1-based line (CSV: physical line of the record; JSON Lines: line number).
    pub line: u64,
    pub date: Date,
    pub exporter_name: String,
    pub exporter_country: CountryCode,
    pub exporter_address: Option<String>,
    pub importer_name: String,
    pub importer_country: CountryCode,
    pub importer_address: Option<String>,
    pub consignee_name: Option<String>,
    pub notify_party: Option<String>,
    pub goods_description: String,
    /// Digits only (`29333790` from `2933.37.90`).
    pub hs_code: Option<String>,
    /// As declared.
    pub cas_number: Option<String>,
    pub quantity: Option<f64>,
    pub unit: Unit,
    pub transit_countries: Vec<CountryCode>,
    pub port_of_loading: Option<String>,
    pub port_of_discharge: Option<String>,
    pub pen_reference: Option<String>,
}

impl Declaration {
    /// The quantity in kilograms, when it can be known. Litres are taken at density 1 (said so in
    /// the evidence of any flag that uses it); `units` cannot be weighed.
    pub fn quantity_kg(&self) -> Option<f64> {
        let q = self.quantity?;
        match self.unit {
            Unit::Kg | Unit::L => Some(q),
            Unit::G | Unit::Ml => Some(q / 1000.0),
            Unit::T => Some(q * 1000.0),
            Unit::Units => None,
        }
    }
}

/// A line that could not be read: which line, which declaration (if its id was readable), why.
/// The message names the line and field itself.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct RecordError {
    pub line: u64,
    pub id: Option<String>,
    pub message: String,
}

/// The spec's field names, in spec order.
pub const FIELDS: &[&str] = &[
    "id",
    "date",
    "exporter_name",
    "exporter_country",
    "exporter_address",
    "importer_name",
    "importer_country",
    "importer_address",
    "consignee_name",
    "notify_party",
    "goods_description",
    "hs_code",
    "cas_number",
    "quantity",
    "unit",
    "transit_countries",
    "port_of_loading",
    "port_of_discharge",
    "pen_reference",
];

/// A record's fields before validation: field name → text (absent when empty).
pub type RawRecord = Vec<(String, String)>;

fn get<'a>(raw: &'a RawRecord, name: &str) -> Option<&'a str> {
    raw.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// Whether `code` (upper case, without spaces) is a port code as declarations write it: five
/// bytes, a country code and three ASCII letters or digits. Looks through `get`, so a code with
/// a multi-byte character (`€AB`) is refused, never sliced through. (Stricter UN/LOCODE rules,
/// as `interdict_core::Locode` has them, would refuse codes accepted until now.)
pub(crate) fn is_port_code(code: &str) -> bool {
    code.len() == 5
        && code.get(..2).is_some_and(is_iso2)
        && code
            .get(2..)
            .is_some_and(|place| place.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The most bytes a field of a declaration may hold (4 KiB: eight times the 512 characters of
/// the WCO data model's goods description). A longer field is refused before any check reads
/// it, so one record costs a bounded amount whatever it holds; the rest of the file is still
/// screened.
pub const MAX_FIELD_BYTES: usize = 4096;

/// The longest JSON Lines record read ([`interdict_core::lines::MAX_LINE_BYTES`], 256 KiB).
pub use interdict_core::lines::MAX_LINE_BYTES;

/// Validates a raw record into a declaration, naming the first bad field.
pub fn validate(raw: &RawRecord, line: u64) -> Result<Declaration, RecordError> {
    if let Some((name, value)) = raw.iter().find(|(_, v)| v.len() > MAX_FIELD_BYTES) {
        return Err(RecordError {
            line,
            id: get(raw, "id")
                .filter(|id| id.len() <= MAX_FIELD_BYTES)
                .map(|id| interdict_core::text::clip(id, 100)),
            message: format!(
                "line {line}, field {name}: {} bytes, more than the {MAX_FIELD_BYTES} a field may hold",
                value.len()
            ),
        });
    }
    let id = get(raw, "id").map(str::to_string);
    let err = |message: String| RecordError {
        line,
        id: id.clone(),
        message,
    };
    let required = |name: &str| -> Result<String, RecordError> {
        get(raw, name)
            .map(str::to_string)
            .ok_or_else(|| err(format!("line {line}: required field `{name}` is missing")))
    };
    let country = |name: &str, v: &str| -> Result<CountryCode, RecordError> {
        CountryCode::parse(v).map_err(|_| {
            err(format!(
                "line {line}, field {name}: `{v}` is not an ISO 3166-1 alpha-2 country code"
            ))
        })
    };
    let locode = |name: &str| -> Result<Option<String>, RecordError> {
        match get(raw, name) {
            None => Ok(None),
            Some(v) => {
                let compact: String = v
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
                    .to_ascii_uppercase();
                if is_port_code(&compact) {
                    Ok(Some(compact))
                } else {
                    Err(err(format!(
                        "line {line}, field {name}: `{v}` is not a UN/LOCODE (e.g. CNSHA)"
                    )))
                }
            }
        }
    };
    let id_value = required("id")?;
    let date_text = required("date")?;
    let date = Date::parse(&date_text).map_err(|e| err(format!("line {line}, field date: {e}")))?;
    let exporter_name = required("exporter_name")?;
    let exporter_country = country("exporter_country", &required("exporter_country")?)?;
    let importer_name = required("importer_name")?;
    let importer_country = country("importer_country", &required("importer_country")?)?;
    let goods_description = required("goods_description")?;
    let hs_code = match get(raw, "hs_code") {
        None => None,
        Some(v) => {
            let digits: String = v
                .chars()
                .filter(|c| !matches!(c, '.' | ' ' | '-'))
                .collect();
            if (4..=10).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
                Some(digits)
            } else {
                return Err(err(format!(
                    "line {line}, field hs_code: `{v}` is not an HS code of 4-10 digits"
                )));
            }
        }
    };
    let unit = match get(raw, "unit") {
        None => Unit::Kg,
        Some(v) => Unit::parse(v).ok_or_else(|| {
            err(format!(
                "line {line}, field unit: `{v}` is not one of kg, g, t, l, ml, units"
            ))
        })?,
    };
    // Finite, non-negative and at most MAX_QUANTITY (the value type's rule): an infinite or
    // absurd figure would poison every later ALR total of the data directory.
    let quantity = match get(raw, "quantity") {
        None => None,
        Some(v) => match v.replace('_', "").parse::<f64>() {
            Ok(q) => match interdict_core::Quantity::new(q, unit) {
                Ok(q) => Some(q.value),
                Err(e) => {
                    return Err(err(format!(
                        "line {line}, field quantity: `{}` refused: {e}",
                        interdict_core::text::clip(v, 40)
                    )))
                }
            },
            Err(_) => {
                return Err(err(format!(
                    "line {line}, field quantity: `{}` is not a non-negative number",
                    interdict_core::text::clip(v, 40)
                )))
            }
        },
    };
    let mut transit_countries = Vec::new();
    if let Some(v) = get(raw, "transit_countries") {
        for c in v.split([';', ',']).map(str::trim).filter(|c| !c.is_empty()) {
            transit_countries.push(country("transit_countries", c)?);
        }
    }
    Ok(Declaration {
        id: id_value,
        line,
        date,
        exporter_name,
        exporter_country,
        exporter_address: get(raw, "exporter_address").map(str::to_string),
        importer_name,
        importer_country,
        importer_address: get(raw, "importer_address").map(str::to_string),
        consignee_name: get(raw, "consignee_name").map(str::to_string),
        notify_party: get(raw, "notify_party").map(str::to_string),
        goods_description,
        hs_code,
        cas_number: get(raw, "cas_number").map(str::to_string),
        quantity,
        unit,
        transit_countries,
        port_of_loading: locode("port_of_loading")?,
        port_of_discharge: locode("port_of_discharge")?,
        pen_reference: get(raw, "pen_reference").map(str::to_string),
    })
}

/// Input formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    Csv,
    JsonLines,
}

impl InputFormat {
    /// By the first non-blank byte after any byte-order mark when it tells (`{` or `[`: JSON;
    /// a letter or a quote: a CSV header), else by the file extension, else CSV. The content
    /// wins over the name, so a CSV named `.jsonl` is read as CSV (compare with
    /// [`InputFormat::by_name`] to warn once) rather than failing on every line.
    pub fn detect(path_name: &str, first_bytes: &[u8]) -> InputFormat {
        let body = first_bytes
            .strip_prefix(b"\xef\xbb\xbf".as_slice())
            .unwrap_or(first_bytes);
        match body.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{' | b'[') => InputFormat::JsonLines,
            Some(b) if b.is_ascii_alphabetic() || *b == b'"' => InputFormat::Csv,
            _ => InputFormat::by_name(path_name).unwrap_or(InputFormat::Csv),
        }
    }

    /// What a file's extension says it holds, if anything.
    pub fn by_name(path_name: &str) -> Option<InputFormat> {
        let lower = path_name.to_ascii_lowercase();
        if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") || lower.ends_with(".json") {
            Some(InputFormat::JsonLines)
        } else if lower.ends_with(".csv") {
            Some(InputFormat::Csv)
        } else {
            None
        }
    }
}

/// Ids checked for duplicates per file; past this many the check stops (and says so), so that
/// memory does not grow with the input.
pub const ID_CHECK_LIMIT: usize = 4_000_000;

/// A fixed-key hasher: the same id always hashes the same, within and across runs.
const ID_HASHER: std::hash::BuildHasherDefault<std::collections::hash_map::DefaultHasher> =
    std::hash::BuildHasherDefault::new();

/// What a reader yields for each line of input.
pub type Item = Result<Declaration, RecordError>;

/// Reads declarations one by one, in constant memory (only the set of ids seen is kept, to
/// reject duplicates). Unknown fields are collected once for a single warning.
pub struct DeclarationReader<R: BufRead> {
    inner: Inner<R>,
    /// 64-bit hashes of the ids seen, up to [`ID_CHECK_LIMIT`]: memory stays bounded on any input.
    seen_ids: HashSet<u64>,
    /// Set once more ids were read than are checked for duplicates.
    id_check_exhausted: bool,
    /// Fields not in the spec, seen so far.
    unknown_fields: BTreeSet<String>,
}

enum Inner<R: BufRead> {
    Csv {
        reader: csv::Reader<R>,
        headers: Vec<String>,
        header_error: Option<String>,
    },
    Json {
        reader: R,
        line: u64,
        /// Set when the input turned out not to be JSON Lines at all (said once).
        done: bool,
    },
}

/// The largest input buffer a spare reader keeps.
const KEPT_BUFFER: usize = 64 * 1024;

/// An in-memory input (a request's body) that the reader may keep for reuse.
pub type InMemory = std::io::Cursor<Vec<u8>>;

thread_local! {
    /// A CSV reader kept for the next in-memory input on this thread: building one (its
    /// parser's transition tables) costs more than screening a declaration, so a server
    /// answering one declaration per request reuses it ([`DeclarationReader::in_memory`]).
    static SPARE_CSV_READER: std::cell::RefCell<Option<csv::Reader<InMemory>>> =
        const { std::cell::RefCell::new(None) };
}

impl DeclarationReader<InMemory> {
    /// A reader over a copy of `data`, reusing this thread's spare CSV reader when there is one;
    /// [`DeclarationReader::recycle`] gives it back. Reads exactly as [`DeclarationReader::new`].
    pub fn in_memory(data: &[u8], format: InputFormat) -> DeclarationReader<InMemory> {
        if format == InputFormat::Csv {
            if let Some(mut reader) = SPARE_CSV_READER.with(|spare| spare.borrow_mut().take()) {
                let mut buffer = std::mem::take(reader.get_mut().get_mut());
                buffer.clear();
                buffer.extend_from_slice(data);
                *reader.get_mut() = std::io::Cursor::new(buffer);
                // Back to the start of the new input: the parser's state, line count and end
                // of input are reset; the header row is then read as the first record.
                if reader
                    .seek_raw(std::io::SeekFrom::Start(0), csv::Position::new())
                    .is_ok()
                {
                    let mut header = csv::StringRecord::new();
                    // An unreadable header is reported by a fresh reader, word for word.
                    if reader.read_record(&mut header).is_ok() {
                        return DeclarationReader::over_csv(reader, Ok(&header));
                    }
                }
            }
        }
        DeclarationReader::new(std::io::Cursor::new(data.to_vec()), format)
    }

    /// Keeps this reader's CSV parser for the next in-memory input on this thread.
    /// A large input's buffer is not kept (a thread would hold on to it).
    pub fn recycle(self) {
        if let Inner::Csv { reader, .. } = self.inner {
            if reader.get_ref().get_ref().capacity() <= KEPT_BUFFER {
                SPARE_CSV_READER.with(|spare| *spare.borrow_mut() = Some(reader));
            }
        }
    }
}

impl<R: BufRead> DeclarationReader<R> {
    pub fn new(reader: R, format: InputFormat) -> DeclarationReader<R> {
        match format {
            InputFormat::Csv => {
                let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
                let header = reader.headers().cloned();
                DeclarationReader::over_csv(reader, header.as_ref())
            }
            InputFormat::JsonLines => DeclarationReader::with(Inner::Json {
                reader,
                line: 0,
                done: false,
            }),
        }
    }

    /// A CSV reader whose header row was read (or could not be).
    fn over_csv(
        reader: csv::Reader<R>,
        header: Result<&csv::StringRecord, &csv::Error>,
    ) -> DeclarationReader<R> {
        let (headers, header_error) = match header {
            Ok(h) => (
                h.iter()
                    .map(|x| x.trim().trim_start_matches('\u{feff}').to_string())
                    .collect::<Vec<_>>(),
                None,
            ),
            Err(e) => (Vec::new(), Some(format!("line 1: unreadable header ({e})"))),
        };
        let unknown_fields = headers
            .iter()
            .filter(|h| !FIELDS.contains(&h.as_str()))
            .cloned()
            .collect();
        DeclarationReader {
            unknown_fields,
            ..DeclarationReader::with(Inner::Csv {
                reader,
                headers,
                header_error,
            })
        }
    }

    fn with(inner: Inner<R>) -> DeclarationReader<R> {
        DeclarationReader {
            inner,
            seen_ids: HashSet::new(),
            id_check_exhausted: false,
            unknown_fields: BTreeSet::new(),
        }
    }

    /// Fields not in the spec seen so far (CSV: in the header; JSON Lines: in any line read),
    /// for one warning.
    pub fn unknown_fields(&self) -> &BTreeSet<String> {
        &self.unknown_fields
    }

    /// Whether more ids were read than [`ID_CHECK_LIMIT`], so that later ones were not checked
    /// for duplicates.
    pub fn id_check_exhausted(&self) -> bool {
        self.id_check_exhausted
    }

    fn check_unique(&mut self, item: Item) -> Item {
        match item {
            Ok(d) => {
                use std::hash::BuildHasher;
                let key = ID_HASHER.hash_one(&d.id);
                if self.seen_ids.len() >= ID_CHECK_LIMIT && !self.seen_ids.contains(&key) {
                    self.id_check_exhausted = true;
                    return Ok(d);
                }
                if self.seen_ids.insert(key) {
                    Ok(d)
                } else {
                    Err(RecordError {
                        line: d.line,
                        id: Some(d.id.clone()),
                        message: format!(
                            "line {}, field id: `{}` already used earlier in this file",
                            d.line, d.id
                        ),
                    })
                }
            }
            e => e,
        }
    }
}

impl<R: BufRead> Iterator for DeclarationReader<R> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        let item = match &mut self.inner {
            Inner::Csv {
                reader,
                headers,
                header_error,
            } => {
                if let Some(e) = header_error.take() {
                    return Some(Err(RecordError {
                        line: 1,
                        id: None,
                        message: e,
                    }));
                }
                let mut record = csv::StringRecord::new();
                match reader.read_record(&mut record) {
                    Ok(false) => return None,
                    Ok(true) => {
                        let line = record.position().map_or(0, |p| p.line());
                        if record.len() != headers.len() && record.iter().any(|f| f.contains('\n'))
                        {
                            // A quote left open runs on over the records after it.
                            Err(RecordError {
                                line,
                                id: None,
                                message: format!(
                                    "line {line}: unterminated quote starting at line {line} (the quoted field runs on over {} more lines and the records in them)",
                                    record.iter().map(|f| f.matches('\n').count()).sum::<usize>()
                                ),
                            })
                        } else if record.len() != headers.len() {
                            Err(RecordError {
                                line,
                                id: None,
                                message: format!(
                                    "line {line}: {} fields where the header has {}",
                                    record.len(),
                                    headers.len()
                                ),
                            })
                        } else {
                            let raw: RawRecord = headers
                                .iter()
                                .cloned()
                                .zip(record.iter().map(str::to_string))
                                .collect();
                            validate(&raw, line)
                        }
                    }
                    Err(e) => {
                        let line = e.position().map_or(0, |p| p.line());
                        if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                            return Some(Err(RecordError {
                                line,
                                id: None,
                                message: format!("read error: {e}"),
                            }));
                        }
                        Err(RecordError {
                            line,
                            id: None,
                            message: format!("line {line}: {e}"),
                        })
                    }
                }
            }
            Inner::Json { reader, line, done } => {
                if *done {
                    return None;
                }
                let mut buf = Vec::new();
                let mut length;
                loop {
                    // LF, CRLF and a lone CR end a line, as in every reader; an endless line
                    // is read through but only its first MAX_LINE_BYTES are kept.
                    match interdict_core::lines::read_line_capped(reader, &mut buf, MAX_LINE_BYTES)
                    {
                        Ok((0, _)) => return None,
                        Ok((_, whole)) => {
                            *line += 1;
                            length = whole;
                            if whole <= buf.len() && buf.iter().all(u8::is_ascii_whitespace) {
                                continue;
                            }
                            break;
                        }
                        Err(e) => {
                            return Some(Err(RecordError {
                                line: *line + 1,
                                id: None,
                                message: format!("read error: {e}"),
                            }))
                        }
                    }
                }
                let line = *line;
                if length > MAX_LINE_BYTES {
                    return Some(Err(RecordError {
                        line,
                        id: None,
                        message: format!(
                            "line {line}: {length} bytes, more than the {MAX_LINE_BYTES} a JSON Lines record may hold"
                        ),
                    }));
                }
                if line == 1 && buf.starts_with(b"\xef\xbb\xbf") {
                    buf.drain(..3);
                }
                if buf.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
                    // One error for the whole file, not one per line of the array.
                    *done = true;
                    return Some(Err(RecordError {
                        line,
                        id: None,
                        message: format!("line {line}: a JSON array; declarations in JSON are JSON Lines, one object per line (`jq -c '.[]'` converts)"),
                    }));
                }
                match serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&buf) {
                    Err(e) => Err(RecordError {
                        line,
                        id: None,
                        message: format!("line {line}: not a JSON object ({e})"),
                    }),
                    Ok(obj) => {
                        let mut raw: RawRecord = Vec::with_capacity(obj.len());
                        let mut bad: Option<String> = None;
                        for (k, v) in obj {
                            if !FIELDS.contains(&k.as_str()) {
                                self.unknown_fields.insert(k.clone());
                            }
                            let text = match v {
                                serde_json::Value::Null => String::new(),
                                serde_json::Value::String(s) => s,
                                serde_json::Value::Number(n) => n.to_string(),
                                serde_json::Value::Bool(b) => b.to_string(),
                                serde_json::Value::Array(a) => {
                                    let parts: Vec<String> = a
                                        .into_iter()
                                        .map(|x| match x {
                                            serde_json::Value::String(s) => s,
                                            other => other.to_string(),
                                        })
                                        .collect();
                                    parts.join(";")
                                }
                                serde_json::Value::Object(_) => {
                                    bad.get_or_insert(format!("line {line}, field {k}: an object where a value was expected"));
                                    String::new()
                                }
                            };
                            raw.push((k, text));
                        }
                        match bad {
                            Some(message) => Err(RecordError {
                                line,
                                id: get(&raw, "id").map(str::to_string),
                                message,
                            }),
                            None => validate(&raw, line),
                        }
                    }
                }
            }
        };
        Some(self.check_unique(item))
    }
}

#[cfg(test)]
mod tests {

    /// Everything a reader yields, for comparing two readers of the same input.
    fn read_all<R: BufRead>(mut r: DeclarationReader<R>) -> (String, BTreeSet<String>) {
        let items: Vec<Item> = r.by_ref().collect();
        (format!("{items:?}"), r.unknown_fields().clone())
    }

    #[test]
    fn a_reused_csv_reader_reads_every_input_as_a_fresh_one_does() {
        let header = "id,date,goods_description,quantity,unit,exporter_name,exporter_country,importer_name,importer_country";
        let good = format!("{header}\nD-1,2025-01-10,acetone,10,kg,A,CN,B,MX\n");
        let inputs: Vec<Vec<u8>> = vec![
            good.clone().into_bytes(),
            Vec::new(),
            format!("{header}\n").into_bytes(),
            good.replace("\n", "\r\n").into_bytes(),
            format!("\u{feff}{header},extra\nD-2,2025-01-10,\"multi\nline\",1,kg,A,CN,B,MX,x\nD-3,short\n").into_bytes(),
            b"id,da\xfete\nD-1,x\n".to_vec(),
            format!("{header}\nD-4,2025-01-10,cafe,1,kg,A,CN,B,MX\n").into_bytes().into_iter().chain(*b"D-5,\xe9\xff\n").collect(),
            b"\"unterminated,header\n".to_vec(),
            good.into_bytes(),
        ];
        // Twice over, so every input also follows every other one on a reused reader.
        for input in inputs.iter().chain(inputs.iter()) {
            let fresh = read_all(DeclarationReader::new(
                std::io::Cursor::new(input.clone()),
                InputFormat::Csv,
            ));
            let mut reused = DeclarationReader::in_memory(input, InputFormat::Csv);
            let items: Vec<Item> = reused.by_ref().collect();
            let got = (format!("{items:?}"), reused.unknown_fields().clone());
            reused.recycle();
            assert_eq!(got, fresh, "input {:?}", String::from_utf8_lossy(input));
        }
    }

    use super::*;

    const HEADER: &str = "id,date,exporter_name,exporter_country,importer_name,importer_country,goods_description,hs_code,quantity,unit,transit_countries,port_of_loading,extra\n";

    fn read(text: &str, format: InputFormat) -> (Vec<Item>, BTreeSet<String>) {
        let mut r = DeclarationReader::new(text.as_bytes(), format);
        let items: Vec<Item> = r.by_ref().collect();
        (items, r.unknown_fields().clone())
    }

    #[test]
    fn csv_records_validate_and_errors_name_the_field() {
        let text = format!(
            "{HEADER}D-1,2025-03-01,A Co,CN,B Co,MX,NPP,2933.37,25,kg,US;GT,CNSHA,x\n\
             D-2,2025-02-30,A Co,CN,B Co,MX,NPP,,,,,,\n\
             D-3,2025-03-01,A Co,ZZ,B Co,MX,NPP,,,,,,\n\
             D-4,2025-03-01,A Co,CN,B Co,MX,NPP,,lots,,,,\n\
             D-1,2025-03-01,A Co,CN,B Co,MX,NPP,,,,,,\n\
             D-6,2025-03-01,A Co,CN,,MX,NPP,,,,,,\n"
        );
        let (items, unknown) = read(&text, InputFormat::Csv);
        let d = items[0].as_ref().unwrap();
        assert_eq!(
            (
                d.hs_code.as_deref(),
                d.quantity_kg(),
                d.transit_countries.len()
            ),
            (Some("293337"), Some(25.0), 2)
        );
        let msg = |i: usize| items[i].as_ref().unwrap_err().message.clone();
        assert!(msg(1).contains("line 3, field date"), "{}", msg(1));
        assert!(msg(2).contains("field exporter_country"), "{}", msg(2));
        assert!(msg(3).contains("field quantity"), "{}", msg(3));
        assert!(msg(4).contains("already used"), "{}", msg(4));
        assert!(msg(5).contains("`importer_name` is missing"), "{}", msg(5));
        assert_eq!(unknown.into_iter().collect::<Vec<_>>(), ["extra"]);
    }

    /// Issue 18: JSON Lines with lone CR line ends are read record by record, numbered as
    /// lines; an endless line is one error record and the records after it are read.
    #[test]
    fn json_lines_split_at_lone_cr_and_bound_each_line() {
        let good = |id: &str| {
            format!(
                r#"{{"id":"{id}","date":"2025-03-01","exporter_name":"A","exporter_country":"CN","importer_name":"B","importer_country":"UK","goods_description":"NPP","quantity":1,"unit":"kg"}}"#
            )
        };
        let text = format!("{}\r{}\r", good("C-1"), good("C-2"));
        let (items, _) = read(&text, InputFormat::JsonLines);
        let ids: Vec<(u64, &str)> = items
            .iter()
            .map(|i| {
                let d = i.as_ref().unwrap();
                (d.line, d.id.as_str())
            })
            .collect();
        assert_eq!(ids, [(1, "C-1"), (2, "C-2")]);
        // `UK`, as traders write it, is the United Kingdom's code GB.
        assert_eq!(items[0].as_ref().unwrap().importer_country.as_str(), "GB");

        let text = format!(
            "{}\n{}\n{}\n",
            good("L-1"),
            "x".repeat(MAX_LINE_BYTES + 10),
            good("L-3")
        );
        let (items, _) = read(&text, InputFormat::JsonLines);
        assert_eq!(items.len(), 3);
        let e = items[1].as_ref().unwrap_err();
        assert!(
            e.message.starts_with("line 2:") && e.message.contains("more than"),
            "{}",
            e.message
        );
        assert_eq!(items[2].as_ref().unwrap().id, "L-3");
    }

    #[test]
    fn json_lines_accept_arrays_numbers_and_report_bad_lines() {
        let text = r#"{"id":"J-1","date":"2025-03-01","exporter_name":"A","exporter_country":"cn","importer_name":"B","importer_country":"MX","goods_description":"NPP","quantity":2.5,"unit":"t","transit_countries":["US","GT"]}
not json
{"id":"J-3","date":"2025-03-01"}
"#;
        let (items, _) = read(text, InputFormat::JsonLines);
        let d = items[0].as_ref().unwrap();
        assert_eq!(
            (d.exporter_country.as_str(), d.quantity_kg()),
            ("CN", Some(2500.0))
        );
        assert!(items[1]
            .as_ref()
            .unwrap_err()
            .message
            .starts_with("line 2: not a JSON object"));
        assert!(items[2]
            .as_ref()
            .unwrap_err()
            .message
            .contains("exporter_name"));
    }

    #[test]
    fn multi_byte_port_codes_are_errors_not_panics() {
        // Regression: `&compact[..2]` sliced through `€` and aborted `interdict screen`.
        let header = "id,date,exporter_name,exporter_country,importer_name,importer_country,goods_description,port_of_loading,port_of_discharge\n";
        for (loading, discharge, field) in [
            ("€AB", "", "port_of_loading"),
            ("", "€AB", "port_of_discharge"),
            ("A€B", "", "port_of_loading"),
            ("CN€", "", "port_of_loading"),
        ] {
            let text =
                format!("{header}D-1,2025-03-01,A Co,CN,B Co,MX,NPP,{loading},{discharge}\n");
            let (items, _) = read(&text, InputFormat::Csv);
            let e = items[0].as_ref().unwrap_err();
            assert!(
                e.message.contains(&format!("field {field}")),
                "{}",
                e.message
            );
            let json = format!(
                r#"{{"id":"J-1","date":"2025-03-01","exporter_name":"A","exporter_country":"CN","importer_name":"B","importer_country":"MX","goods_description":"NPP","{field}":"{}"}}"#,
                if loading.is_empty() {
                    discharge
                } else {
                    loading
                }
            );
            let (items, _) = read(&json, InputFormat::JsonLines);
            assert!(items[0].is_err());
        }
        // Valid codes are accepted as before: spaces dropped, upper-cased, digits allowed.
        let text = format!("{header}D-1,2025-03-01,A Co,CN,B Co,MX,NPP,cn sha,NLRT1\n");
        let (items, _) = read(&text, InputFormat::Csv);
        let d = items[0].as_ref().unwrap();
        assert_eq!(
            (d.port_of_loading.as_deref(), d.port_of_discharge.as_deref()),
            (Some("CNSHA"), Some("NLRT1"))
        );
        assert!(!is_port_code("XXSHA"));
        assert!(!is_port_code("CNSH"));
        assert!(!is_port_code("CNSH-"));
    }

    #[test]
    fn format_detection() {
        assert_eq!(InputFormat::detect("x.jsonl", b""), InputFormat::JsonLines);
        assert_eq!(
            InputFormat::detect("x.txt", b"  {\"id\""),
            InputFormat::JsonLines
        );
        assert_eq!(InputFormat::detect("x", b"id,date"), InputFormat::Csv);
        // Issue 18: the content wins over the name, past a byte-order mark.
        assert_eq!(InputFormat::detect("x.jsonl", b"id,date"), InputFormat::Csv);
        assert_eq!(
            InputFormat::detect("x.csv", b"\xef\xbb\xbf{\"id\""),
            InputFormat::JsonLines
        );
        assert_eq!(
            InputFormat::by_name("x.JSONL"),
            Some(InputFormat::JsonLines)
        );
    }

    /// Issue 18: a JSON array where JSON Lines are expected is said once, not once per line;
    /// a byte-order mark before the first object is skipped.
    #[test]
    fn a_json_array_is_one_error_and_a_bom_is_skipped() {
        let (items, _) = read(
            "[{\"id\":\"D1\"},\n{\"id\":\"D2\"}]\n",
            InputFormat::JsonLines,
        );
        assert_eq!(items.len(), 1);
        assert!(items[0]
            .as_ref()
            .unwrap_err()
            .message
            .contains("JSON array"));
        let bom = "\u{feff}{\"id\":\"J-1\",\"date\":\"2025-03-01\",\"exporter_name\":\"A\",\"exporter_country\":\"CN\",\"importer_name\":\"B\",\"importer_country\":\"MX\",\"goods_description\":\"NPP\"}\n";
        let (items, _) = read(bom, InputFormat::JsonLines);
        assert!(items[0].is_ok(), "{:?}", items[0]);
    }

    /// Issue 18: a field over MAX_FIELD_BYTES is refused before any check reads it, an
    /// infinite or absurd quantity is refused at the edge (it would poison the ALR ledger),
    /// and an unterminated quote is named with its line; the other records are still read.
    #[test]
    fn oversized_fields_absurd_quantities_and_open_quotes_are_one_record_error_each() {
        let huge = "acetone ".repeat(MAX_FIELD_BYTES);
        let text = format!(
            "{HEADER}D-1,2025-03-01,A Co,CN,B Co,MX,{huge},,1,kg,,,\n\
             D-2,2025-03-01,A Co,CN,B Co,MX,NPP,,1e306,t,,,\n\
             D-3,2025-03-01,A Co,CN,B Co,MX,NPP,,inf,kg,,,\n\
             D-4,2025-03-01,A Co,CN,B Co,MX,NPP,,1e12,t,,,\n\
             D-5,2025-03-01,A Co,CN,B Co,MX,\"NPP,,1,kg,,,\n\
             D-6,2025-03-01,A Co,CN,B Co,MX,NPP,,1,kg,,,\n"
        );
        let (items, _) = read(&text, InputFormat::Csv);
        let msg = |i: usize| items[i].as_ref().unwrap_err().message.clone();
        assert!(
            msg(0).starts_with("line 2, field goods_description:"),
            "{}",
            msg(0)
        );
        assert!(msg(0).contains("4096"), "{}", msg(0));
        assert!(msg(0).len() < 200);
        assert_eq!(items[0].as_ref().unwrap_err().id.as_deref(), Some("D-1"));
        assert!(
            msg(1).contains("field quantity") && msg(1).contains("1e306"),
            "{}",
            msg(1)
        );
        assert!(msg(2).contains("field quantity"), "{}", msg(2));
        assert!(items[3].is_ok(), "1e12 t is the largest figure accepted");
        assert_eq!(items.len(), 5);
        assert!(
            msg(4).contains("unterminated quote starting at line 6"),
            "{}",
            msg(4)
        );
    }
}
