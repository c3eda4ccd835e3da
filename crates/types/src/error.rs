//! Error records: what stands in the place of an input record that could not be processed.

use serde::Serialize;

/// `{"code", "message"}`: a stable code for machines and a message for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ErrorBody<'a> {
    pub code: &'a str,
    pub message: String,
}

/// One bad input record in a batch answer: as much of the record as could be read (its input
/// text, name, id, line) and the error. Absent parts are left out, except `id` and `name`,
/// which the declaration and structure formats write as `null` when the record had none.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ErrorRecord<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Option<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Option<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    pub error: ErrorBody<'a>,
}

impl<'a> ErrorRecord<'a> {
    /// A record with only the error.
    pub fn new(code: &'a str, message: impl Into<String>) -> ErrorRecord<'a> {
        ErrorRecord {
            input: None,
            name: None,
            id: None,
            line: None,
            error: ErrorBody {
                code,
                message: message.into(),
            },
        }
    }

    /// `invalid_record`: the record could not be read (the declaration format's code).
    pub fn invalid_record(message: impl Into<String>) -> ErrorRecord<'a> {
        ErrorRecord::new("invalid_record", message)
    }

    pub fn with_input(mut self, input: &'a str) -> Self {
        self.input = Some(input);
        self
    }

    pub fn with_name(mut self, name: Option<&'a str>) -> Self {
        self.name = Some(name);
        self
    }

    pub fn with_id(mut self, id: Option<&'a str>) -> Self {
        self.id = Some(id);
        self
    }

    pub fn with_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_parts_are_left_out_but_a_missing_id_is_null() {
        let r = ErrorRecord::invalid_record("line 3, field date: bad")
            .with_id(None)
            .with_line(3);
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"id":null,"line":3,"error":{"code":"invalid_record","message":"line 3, field date: bad"}}"#
        );
        let r = ErrorRecord::new("invalid_utf8", "x")
            .with_input("a")
            .with_line(1);
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"input":"a","line":1,"error":{"code":"invalid_utf8","message":"x"}}"#
        );
    }
}
