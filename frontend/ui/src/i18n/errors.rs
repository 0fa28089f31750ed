//! What went wrong, in the reader's language. The server sends stable
//! codes (`ProblemCode`, `FieldCode`) with parameters; every code has a
//! text here in Bokmål, Nynorsk and English (the matches are exhaustive, so
//! a new code without a translation does not compile).

use tillit_api::{FieldCode, FieldError, Problem, ProblemCode};

use super::{self as texts, tr, Lang, K};

/// Seconds as people read a wait: "45 sekunder", "3 minutter".
fn wait(secs: i64, l: Lang) -> String {
    if secs < 90 {
        texts::wait_seconds(l, secs)
    } else {
        texts::wait_minutes(l, (secs + 59) / 60)
    }
}

/// "Too many attempts", with how long to wait.
pub fn too_many_requests(p: &Problem, l: Lang) -> String {
    let secs = p.param("retry_after").unwrap_or(0).max(1);
    texts::problem_too_many_requests(l, wait(secs, l))
}

/// The message for a whole problem.
pub fn problem_text(p: &Problem, l: Lang) -> String {
    use ProblemCode as C;
    let n = |k: &str| p.param(k).unwrap_or(0);
    let key = match p.code {
        C::NotFound => K::ProblemNotFound,
        C::MethodNotAllowed | C::BadRequest | C::UnsupportedMediaType => K::ProblemBadRequest,
        C::InvalidInput => K::ProblemInvalidInput,
        C::PayloadTooLarge => K::ProblemPayloadTooLarge,
        C::TooManyRequests => {
            return texts::problem_too_many_requests(l, wait(n("retry_after").max(1), l))
        }
        C::Unavailable => K::ProblemUnavailable,
        C::Internal => K::ProblemInternal,
        C::Forbidden => K::ProblemForbidden,
        C::OriginRefused => K::ProblemOriginRefused,
        C::TokenMissing | C::TokenInvalid | C::SessionEnded => K::ProblemSessionEnded,
        C::WrongCredentials => K::ProblemWrongCredentials,
        C::WrongClientCredentials => K::ProblemWrongClientCredentials,
        C::LinkInvalid => K::ProblemLinkInvalid,
        C::EmailTaken => K::ProblemEmailTaken,
        C::ExternalIdTaken => K::ProblemExternalIdTaken,
        C::Duplicate => K::ProblemDuplicate,
        C::SelfDeactivation => K::ProblemSelfDeactivation,
        C::SelfRoleChange => K::ProblemSelfRoleChange,
        C::AlreadyActivated => K::ProblemAlreadyActivated,
        C::UserInactive => K::ProblemUserInactive,
        C::UnitInUse => return texts::problem_unit_in_use(l, n("units"), n("employees")),
        C::MassDeactivation => {
            return texts::problem_mass_deactivation(l, n("would_deactivate"), n("active"))
        }
        C::TermsNotPublished => K::ProblemTermsNotPublished,
        C::TermsNotCurrent => K::ProblemTermsNotCurrent,
        C::TermsAlreadyAccepted => K::ProblemTermsAlreadyAccepted,
        C::TermsNotAccepted => K::ProblemTermsNotAccepted,
        C::QuestionnaireFrozen => K::ProblemQuestionnaireFrozen,
        C::QuestionnaireAlreadyPublished => K::ProblemQuestionnaireAlreadyPublished,
        C::SurveyOpenExtendOnly => K::ProblemSurveyOpenExtendOnly,
        C::SurveyClosed => K::ProblemSurveyClosed,
        C::SurveyAlreadyLaunched => K::ProblemSurveyAlreadyLaunched,
        C::SurveyClosingPassed => K::ProblemSurveyClosingPassed,
        C::SurveyNotOpen => K::ProblemSurveyNotOpen,
        C::NoEmployees => K::ProblemNoEmployees,
        C::AlreadyAnswered => K::ProblemAlreadyAnswered,
        C::ReportNotReady => K::ProblemReportNotReady,
        C::Unknown => {
            return p
                .detail
                .clone()
                .unwrap_or_else(|| tr(l, K::ProblemUnknown).to_string())
        }
    };
    tr(l, key).to_string()
}

/// The message when the server could not be reached at all.
pub fn network_text(l: Lang) -> String {
    tr(l, K::NetworkUnreachable).to_string()
}

/// Why one field is invalid, with the value it is about when known.
pub fn field_text(e: &FieldError, l: Lang) -> String {
    let reason = field_reason(e, l);
    let text = match e.params.get("value").and_then(|v| v.as_str()) {
        Some(v) => texts::field_value_reason(l, v, reason),
        None => reason,
    };
    match e.param("first_row") {
        Some(row) => texts::field_on_row(l, text, row),
        None => text,
    }
}

fn field_reason(e: &FieldError, l: Lang) -> String {
    use FieldCode as F;
    let n = |k: &str| e.param(k);
    let key = match e.code {
        F::Required => K::FieldRequired,
        F::Length | F::TooLong => match (n("min"), n("max"), n("equal")) {
            (_, _, Some(eq)) => return texts::field_length_exactly(l, eq),
            (Some(min), Some(max), _) => return texts::field_length_between(l, min, max),
            (Some(min), None, _) => return texts::field_length_at_least(l, min),
            (None, Some(max), _) => return texts::field_length_at_most(l, max),
            _ => K::FieldLengthWrong,
        },
        F::OutOfRange => match (n("min"), n("max")) {
            (Some(min), Some(max)) => return texts::field_between(l, min, max),
            _ => K::FieldOutOfRange,
        },
        F::InvalidEmail => K::FieldInvalidEmail,
        F::InvalidCharacters => K::FieldInvalidCharacters,
        F::InvalidType => K::FieldInvalidType,
        F::MalformedJson => K::FieldMalformedJson,
        F::MalformedCsv => K::FieldMalformedCsv,
        F::MissingColumn => K::FieldMissingColumn,
        F::InvalidEncoding => K::FieldInvalidEncoding,
        F::TooManyRows => return texts::field_too_many_rows(l, n("max").unwrap_or(0)),
        F::Duplicate => K::FieldDuplicate,
        F::Cycle => K::FieldCycle,
        F::UnknownParent => K::FieldUnknownParent,
        F::UnknownUnit => K::FieldUnknownUnit,
        F::EmailTaken => K::FieldEmailTaken,
        F::InvalidLanguage => K::FieldInvalidLanguage,
        F::InvalidHeader => K::FieldInvalidHeader,
        F::KeyReused => K::FieldKeyReused,
        F::InvalidOrgNumber => K::FieldInvalidOrgNumber,
        F::MustConfirm => K::FieldMustConfirm,
        F::NotALeader => K::FieldNotALeader,
        F::InvalidRole => K::FieldInvalidRole,
        F::UnknownVersion => K::FieldUnknownVersion,
        F::UnknownModule => K::FieldUnknownModule,
        F::NotOptional => K::FieldNotOptional,
        F::BeforeOpening => K::FieldBeforeOpening,
        F::InThePast => K::FieldInThePast,
        F::OutsidePeriod => K::FieldOutsidePeriod,
        F::InvalidScale | F::UnknownScale => K::FieldInvalidScale,
        F::UnknownQuestion => K::FieldUnknownQuestion,
        F::UnknownTopic => K::FieldUnknownTopic,
        F::UnknownSurvey => K::FieldUnknownSurvey,
        F::AgencyOnlyTopic => K::FieldAgencyOnlyTopic,
        F::InvalidReceipt => K::FieldInvalidReceipt,
        F::InvalidQuery | F::InvalidPath => K::FieldInvalid,
        F::WeakPassword => K::FieldWeakPassword,
        F::PasswordContainsEmail => K::FieldPasswordContainsEmail,
        F::WrongPassword => K::FieldWrongPassword,
        F::PasswordUnchanged => K::FieldPasswordUnchanged,
        F::Invalid | F::Unknown => return e.reason.clone(),
    };
    tr(l, key).to_string()
}

/// A field's name as the reader knows it, for the names forms use.
pub fn field_label(field: &str, l: Lang) -> String {
    // "units[3].name" and "employees.email" name their last part.
    let last = field.rsplit(['.', ']']).next().unwrap_or(field);
    let known = match last {
        "email" | "admin_email" => K::LabelEmail,
        "name" | "admin_name" => K::LabelName,
        "password" | "new_password" => K::LabelNewPassword,
        "current_password" => K::LabelCurrentPassword,
        "external_id" => K::LabelExternalId,
        "parent_external_id" => K::LabelParentExternalId,
        "unit_external_id" => K::LabelUnitExternalId,
        "language" => K::LabelLanguage,
        "title" => K::LabelTitle,
        "opens_at" => K::LabelOpensAt,
        "closes_at" => K::LabelClosesAt,
        "org_number" => K::LabelOrgNumber,
        "confirm_responsible" | "confirm_authority" => K::LabelConfirmation,
        "page" => K::LabelPage,
        "receipt" => K::LabelReceipt,
        "body" => K::LabelBody,
        _ => return field.to_string(),
    };
    tr(l, known).to_string()
}
