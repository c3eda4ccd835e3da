//! Importers of the official list formats. Each returns every entity of the file, or an error
//! naming the first line it cannot read: a list is imported whole or not at all.

pub mod coalition_csv;
pub mod ftm;
pub mod ofac;
pub mod un_xml;

/// Checks a name read from a list file, naming the field it came from: a name without a letter
/// or digit could never be screened, and one over [`crate::MAX_NAME_BYTES`] bytes or
/// [`crate::MAX_NAME_WORDS`] words would only be compared shortened, so the file is refused
/// rather than imported with it. Cheap: it looks at the text only.
pub(crate) fn check_name(field: &str, name: &str) -> Result<(), String> {
    crate::names::check_size(name).map_err(|e| {
        format!(
            "field `{field}`: {e} (`{}`)",
            interdict_core::text::clip(name, 40)
        )
    })
}

/// The supported formats, by the names the CLI uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    OfacSdn,
    UnXml,
    Ftm,
    Csv,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "ofac-sdn" => Format::OfacSdn,
            "un-xml" => Format::UnXml,
            "ftm" => Format::Ftm,
            "csv" => Format::Csv,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::OfacSdn => "ofac-sdn",
            Format::UnXml => "un-xml",
            Format::Ftm => "ftm",
            Format::Csv => "csv",
        }
    }

    /// The list name used when the user gives none.
    pub fn default_list_name(self) -> &'static str {
        match self {
            Format::OfacSdn => "us-ofac-sdn",
            Format::UnXml => "un-sc-consolidated",
            Format::Ftm => "opensanctions",
            Format::Csv => "coalition",
        }
    }
}
