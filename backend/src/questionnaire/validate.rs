//! Checks a questionnaire document before it is stored.

use std::collections::HashSet;
use tillit_api::FieldCode;

use tillit_api::{FieldError, Questionnaire, Texts, TopicFlag};

fn texts(errors: &mut Vec<FieldError>, t: &Texts, field: &str) {
    for (lang, s) in [("nb", &t.nb), ("nn", &t.nn), ("en", &t.en)] {
        if s.trim().is_empty() {
            errors.push(FieldError::new(
                format!("{field}.{lang}"),
                FieldCode::Required,
                "a text is required in every language",
            ));
        }
    }
}

/// Every problem with `q`, each naming its field path.
pub fn check(q: &Questionnaire) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if q.modules.get("core").is_none_or(|m| m.optional) {
        errors.push(FieldError::new(
            "content.modules.core",
            FieldCode::Required,
            "a non-optional `core` module is required",
        ));
    }
    for (key, scale) in &q.scales {
        let f = format!("content.scales.{key}");
        let n = scale.labels.nb.len();
        if !(2..=11).contains(&n) {
            errors.push(FieldError::new(
                format!("{f}.labels"),
                FieldCode::InvalidScale,
                "a scale has 2 to 11 labelled steps",
            ));
        }
        if scale.labels.nn.len() != n || scale.labels.en.len() != n {
            errors.push(FieldError::new(
                format!("{f}.labels"),
                FieldCode::InvalidScale,
                "every language needs the same number of labels",
            ));
        }
        let all = scale
            .labels
            .nb
            .iter()
            .chain(&scale.labels.nn)
            .chain(&scale.labels.en);
        if all.clone().any(|l| l.trim().is_empty()) {
            errors.push(FieldError::new(
                format!("{f}.labels"),
                FieldCode::Required,
                "labels cannot be empty",
            ));
        }
        if let Some(na) = &scale.not_applicable {
            texts(&mut errors, na, &format!("{f}.not_applicable"));
        }
    }
    if q.topics.is_empty() {
        errors.push(FieldError::new(
            "content.topics",
            FieldCode::Required,
            "at least one topic",
        ));
    }
    let mut topic_keys = HashSet::new();
    let mut question_keys = HashSet::new();
    for (i, t) in q.topics.iter().enumerate() {
        let f = format!("content.topics[{i}]");
        if t.key.trim().is_empty() || !topic_keys.insert(t.key.as_str()) {
            errors.push(FieldError::new(
                format!("{f}.key"),
                FieldCode::Duplicate,
                "topic keys must be present and unique",
            ));
        }
        if !q.modules.contains_key(&t.module) {
            errors.push(FieldError::new(
                format!("{f}.module"),
                FieldCode::UnknownModule,
                format!("no module '{}'", t.module),
            ));
        }
        texts(&mut errors, &t.title, &format!("{f}.title"));
        if t.factor.is_none() {
            errors.push(FieldError::new(
                format!("{f}.factor"),
                FieldCode::Required,
                "say whether the topic is a protective or a risk factor (Q-5)",
            ));
        }
        if t.questions.is_empty() {
            errors.push(FieldError::new(
                format!("{f}.questions"),
                FieldCode::Required,
                "a topic needs at least one question",
            ));
        }
        for (j, qu) in t.questions.iter().enumerate() {
            let qf = format!("{f}.questions[{j}]");
            if qu.key.trim().is_empty() || !question_keys.insert(qu.key.as_str()) {
                errors.push(FieldError::new(
                    format!("{qf}.key"),
                    FieldCode::Duplicate,
                    "question keys must be present and unique",
                ));
            }
            if !q.scales.contains_key(&qu.scale) {
                errors.push(FieldError::new(
                    format!("{qf}.scale"),
                    FieldCode::UnknownScale,
                    format!("no scale '{}'", qu.scale),
                ));
            }
            texts(&mut errors, &qu.text, &format!("{qf}.text"));
            if qu.direction.is_none() {
                errors.push(FieldError::new(
                    format!("{qf}.direction"),
                    FieldCode::Required,
                    "say whether a higher answer is better or worse (Q-5)",
                ));
            }
        }
    }
    indices(&mut errors, q);
    errors
}

/// Q-5 indices: unique keys, titled, over known topics that units may
/// show (an index over a sensitive or health topic would carry it into
/// unit reports, against REP-6 and REP-7).
fn indices(errors: &mut Vec<FieldError>, q: &Questionnaire) {
    let mut keys = HashSet::new();
    for (i, ix) in q.indices.iter().enumerate() {
        let f = format!("content.indices[{i}]");
        if ix.key.trim().is_empty() || !keys.insert(ix.key.as_str()) {
            errors.push(FieldError::new(
                format!("{f}.key"),
                FieldCode::Duplicate,
                "index keys must be present and unique",
            ));
        }
        texts(errors, &ix.title, &format!("{f}.title"));
        if ix.topics.is_empty() {
            errors.push(FieldError::new(
                format!("{f}.topics"),
                FieldCode::Required,
                "an index needs at least one topic",
            ));
        }
        for (j, key) in ix.topics.iter().enumerate() {
            let tf = format!("{f}.topics[{j}]");
            match q.topics.iter().find(|t| &t.key == key) {
                None => errors.push(FieldError::new(
                    tf,
                    FieldCode::UnknownTopic,
                    format!("no topic '{key}'"),
                )),
                Some(t)
                    if t.flags
                        .iter()
                        .any(|fl| matches!(fl, TopicFlag::Sensitive | TopicFlag::Health)) =>
                {
                    errors.push(FieldError::new(
                        tf,
                        FieldCode::AgencyOnlyTopic,
                        format!("'{key}' may only appear in the agency report"),
                    ))
                }
                Some(_) => {}
            }
        }
    }
}
