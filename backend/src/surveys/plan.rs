//! Checks of a survey's settings, without I/O.

use chrono::{DateTime, Duration, Utc};
use tillit_api::FieldCode;
use tillit_api::{FieldError, Language, Questionnaire};

pub struct Settings<'a> {
    pub title: &'a str,
    pub modules: &'a [String],
    pub languages: &'a [Language],
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub reminder_days: &'a [u32],
}

pub fn check(q: &Questionnaire, s: &Settings<'_>, now: DateTime<Utc>) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Err(e) = crate::domain::parse_name(s.title, "title") {
        errors.push(e);
    }
    for (i, m) in s.modules.iter().enumerate() {
        match q.modules.get(m) {
            Some(module) if module.optional => {}
            Some(_) => errors.push(FieldError::new(
                format!("modules[{i}]"),
                FieldCode::NotOptional,
                format!("'{m}' is always included"),
            )),
            None => errors.push(FieldError::new(
                format!("modules[{i}]"),
                FieldCode::UnknownModule,
                format!("the questionnaire has no module '{m}'"),
            )),
        }
    }
    if s.languages.is_empty() {
        errors.push(FieldError::new(
            "languages",
            FieldCode::Required,
            "choose at least one language",
        ));
    }
    if s.closes_at <= s.opens_at {
        errors.push(FieldError::new(
            "closes_at",
            FieldCode::BeforeOpening,
            "must be after opens_at",
        ));
    }
    if s.closes_at <= now {
        errors.push(FieldError::new(
            "closes_at",
            FieldCode::InThePast,
            "must be in the future",
        ));
    }
    if s.closes_at - s.opens_at > Duration::days(120) {
        errors.push(FieldError::new(
            "closes_at",
            FieldCode::TooLong,
            "a survey runs at most 120 days",
        ));
    }
    for (i, d) in s.reminder_days.iter().enumerate() {
        if *d == 0 || s.opens_at + Duration::days(i64::from(*d)) >= s.closes_at {
            errors.push(FieldError::new(
                format!("reminder_days[{i}]"),
                FieldCode::OutsidePeriod,
                "a reminder day must fall after opening and before closing",
            ));
        }
    }
    errors
}

/// The language an invitation uses: the employee's, when the survey offers it.
pub fn invitation_language(preferred: Language, offered: &[Language]) -> Language {
    if offered.contains(&preferred) {
        preferred
    } else {
        offered.first().copied().unwrap_or(Language::Nb)
    }
}
