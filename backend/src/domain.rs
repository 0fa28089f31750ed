//! Input parsed once into types that can only hold valid values.

use tillit_api::FieldCode;
use tillit_api::FieldError;
use validator::ValidateEmail;

/// A normalised email address: trimmed, lower-cased, syntactically valid.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str, field: &str) -> Result<Self, FieldError> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err(FieldError::new(
                field,
                FieldCode::Required,
                "an email address is required",
            ));
        }
        if s.len() > 254 || !s.validate_email() || !s.contains('.') {
            return Err(FieldError::new(
                field,
                FieldCode::InvalidEmail,
                format!(
                    "'{}' is not a valid email address",
                    truncate(raw.trim(), 80)
                ),
            )
            .with("value", truncate(raw.trim(), 80)));
        }
        Ok(EmailAddress(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

/// An HR system's id for a unit or an employee.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExternalId(String);

impl ExternalId {
    pub fn parse(raw: &str, field: &str) -> Result<Self, FieldError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(FieldError::new(
                field,
                FieldCode::Required,
                "an external id is required",
            ));
        }
        if s.chars().count() > 100 {
            return Err(FieldError::new(
                field,
                FieldCode::TooLong,
                "at most 100 characters",
            ));
        }
        if s.chars().any(forbidden_char) {
            return Err(FieldError::new(
                field,
                FieldCode::InvalidCharacters,
                "control and text-direction characters are not allowed",
            ));
        }
        Ok(ExternalId(s.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A display name: 1 to 200 characters after trimming.
pub fn parse_name(raw: &str, field: &str) -> Result<String, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(FieldError::new(
            field,
            FieldCode::Required,
            "a name is required",
        ));
    }
    if s.chars().count() > 200 {
        return Err(FieldError::new(
            field,
            FieldCode::TooLong,
            "at most 200 characters",
        ));
    }
    if s.chars().any(forbidden_char) {
        return Err(FieldError::new(
            field,
            FieldCode::InvalidCharacters,
            "control and text-direction characters are not allowed",
        ));
    }
    Ok(s.to_string())
}

/// Characters a name may not hold: control characters, and the Unicode
/// bidirectional controls that make text display in another order than it
/// is stored (a name that reads "Ola" on screen and sorts as something else,
/// or hides a file extension).
pub fn forbidden_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

#[cfg(test)]
#[path = "domain_tests.rs"]
mod tests;
