use serde::{Deserialize, Serialize};

/// An RFC 9457 problem document (`application/problem+json`), the body of
/// every failed request.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI naming the kind of problem, e.g. `https://tillit.example/problems/validation`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Every invalid field, when the problem is invalid input.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// One invalid input value: which field and why. Import rows also name the row.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// 1-based row number, for bulk imports (CSV rows count the header as row 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// The field's name as sent, e.g. `email` or `units[3].parent_external_id`.
    pub field: String,
    /// A machine-readable reason code, e.g. `invalid_email`, `required`, `unknown_parent`.
    pub code: String,
    /// A human-readable explanation in English.
    pub reason: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &str, reason: impl Into<String>) -> Self {
        FieldError {
            row: None,
            field: field.into(),
            code: code.to_string(),
            reason: reason.into(),
        }
    }
    pub fn at_row(mut self, row: usize) -> Self {
        self.row = Some(row);
        self
    }
}
