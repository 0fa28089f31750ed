//! Follow-ups as CSV, with the same two variants as reports.

use tillit_api::{CsvVariant, FollowUp, FollowUpStatus, Language};

use crate::error::AppError;
use crate::reports::export::{finish, number, writer};

fn words(l: Language) -> ([&'static str; 14], [&'static str; 4], [&'static str; 2]) {
    match l {
        Language::Nb => (
            [
                "undersøkelse",
                "enhet",
                "tema",
                "tiltak",
                "beskrivelse",
                "ansvarlig",
                "frist",
                "status",
                "forfalt",
                "verneombud",
                "tillitsvalgte",
                "ansatte",
                "poeng da",
                "poeng neste undersøkelse",
            ],
            ["planlagt", "i gang", "gjennomført", "avlyst"],
            ["ja", "nei"],
        ),
        Language::Nn => (
            [
                "undersøking",
                "eining",
                "tema",
                "tiltak",
                "skildring",
                "ansvarleg",
                "frist",
                "status",
                "forfalle",
                "verneombod",
                "tillitsvalde",
                "tilsette",
                "poeng då",
                "poeng neste undersøking",
            ],
            ["planlagt", "i gang", "gjennomført", "avlyst"],
            ["ja", "nei"],
        ),
        Language::En => (
            [
                "survey",
                "unit",
                "topic",
                "action",
                "description",
                "owner",
                "due",
                "status",
                "overdue",
                "safety representative",
                "union representatives",
                "employees",
                "score then",
                "score next survey",
            ],
            ["planned", "in progress", "done", "cancelled"],
            ["yes", "no"],
        ),
    }
}

pub fn csv(items: &[FollowUp], variant: CsvVariant, lang: Language) -> Result<Vec<u8>, AppError> {
    let (head, statuses, yes_no) = words(lang);
    let num = |x: Option<f64>| x.map(|x| number(x, 1, variant)).unwrap_or_default();
    let yes = |b: bool| if b { yes_no[0] } else { yes_no[1] };
    let fail = |e: csv::Error| AppError::internal(format!("writing the CSV: {e}"));
    let mut out = writer(variant);
    out.write_record(head).map_err(fail)?;
    for f in items {
        let status = statuses[match f.fields.status {
            FollowUpStatus::Planned => 0,
            FollowUpStatus::InProgress => 1,
            FollowUpStatus::Done => 2,
            FollowUpStatus::Cancelled => 3,
        }];
        out.write_record([
            f.survey_title.as_str(),
            &f.unit_name,
            f.topic_title.get(lang),
            &f.fields.title,
            &f.fields.description,
            &f.fields.owner,
            &f.fields.due_on.to_string(),
            status,
            yes(f.overdue),
            yes(f.fields.with_safety_rep),
            yes(f.fields.with_union_reps),
            yes(f.fields.with_employees),
            &num(f.score_then),
            &num(f.score_next),
        ])
        .map_err(fail)?;
    }
    finish(out, variant)
}
