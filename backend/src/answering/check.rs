//! Which answers a survey accepts, without I/O.

use std::collections::BTreeMap;
use tillit_api::FieldCode;

use tillit_api::{FieldError, Questionnaire, Topic};

/// The topics a survey asks: core plus the modules the agency chose.
pub fn topics_of(q: &Questionnaire, modules: &[String]) -> Vec<Topic> {
    q.topics
        .iter()
        .filter(|t| t.module == "core" || modules.contains(&t.module))
        .cloned()
        .collect()
}

/// Every answer must name a question of the survey and a step of its scale;
/// 0 ("not relevant / don't know") only where the scale offers it.
pub fn answers(
    q: &Questionnaire,
    topics: &[Topic],
    answers: &BTreeMap<String, u8>,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (key, value) in answers {
        let field = format!("answers.{key}");
        let Some(question) = topics
            .iter()
            .flat_map(|t| &t.questions)
            .find(|qu| &qu.key == key)
        else {
            errors.push(FieldError::new(
                field,
                FieldCode::UnknownQuestion,
                "this survey has no such question",
            ));
            continue;
        };
        let Some(scale) = q.scales.get(&question.scale) else {
            errors.push(FieldError::new(
                field,
                FieldCode::UnknownScale,
                "the question's scale is missing",
            ));
            continue;
        };
        let steps = scale.labels.nb.len();
        let ok = match *value {
            0 => scale.not_applicable.is_some(),
            v => usize::from(v) <= steps,
        };
        if !ok {
            errors.push(FieldError::new(
                field,
                FieldCode::OutOfRange,
                format!("must be 1 to {steps}, or 0 where offered"),
            ));
        }
    }
    errors
}
