//! Problems as employees meet them. Their requests (start, submit, opt
//! out, withdraw) can only fail in a few ways; everything else reads as
//! "something went wrong". A token that no longer works is the mail link,
//! not a login, so it says so.

use tillit_api::{FieldCode, FieldError, Problem, ProblemCode};
use tillit_ui::components::Wording;
use tillit_ui::i18n::{errors, tr, Lang, K};

pub const RESPONDENT: Wording = Wording {
    problem,
    field,
    label,
};

fn problem(p: &Problem, l: Lang) -> String {
    use ProblemCode as C;
    let key = match p.code {
        C::TooManyRequests => return errors::too_many_requests(p, l),
        C::NotFound => K::ProblemNotFound,
        C::InvalidInput => K::ProblemInvalidInput,
        C::BadRequest | C::MethodNotAllowed | C::UnsupportedMediaType | C::PayloadTooLarge => {
            K::ProblemBadRequest
        }
        C::Unavailable => K::ProblemUnavailable,
        C::Internal => K::ProblemInternal,
        C::OriginRefused => K::ProblemOriginRefused,
        C::LinkInvalid | C::TokenMissing | C::TokenInvalid | C::SessionEnded => {
            K::ProblemLinkInvalid
        }
        C::SurveyClosed => K::ProblemSurveyClosed,
        C::AlreadyAnswered => K::ProblemAlreadyAnswered,
        _ => K::ProblemUnknown,
    };
    tr(l, key).to_string()
}

fn field(e: &FieldError, l: Lang) -> String {
    use FieldCode as F;
    let key = match e.code {
        F::Required => K::FieldRequired,
        F::OutOfRange => K::FieldOutOfRange,
        F::UnknownQuestion => K::FieldUnknownQuestion,
        F::InvalidScale | F::UnknownScale => K::FieldInvalidScale,
        F::InvalidReceipt => K::FieldInvalidReceipt,
        F::MalformedJson => K::FieldMalformedJson,
        F::InvalidType => K::FieldInvalidType,
        _ => K::FieldInvalid,
    };
    tr(l, key).to_string()
}

fn label(field: &str, l: Lang) -> String {
    match field {
        "receipt" => tr(l, K::LabelReceipt).to_string(),
        _ => field.to_string(),
    }
}
