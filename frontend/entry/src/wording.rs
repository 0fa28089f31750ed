//! Problems as they meet someone logging in or choosing a password: the
//! field reasons of every form (a password's length), and only the
//! problems these four requests can answer with.

use tillit_api::{Problem, ProblemCode};
use tillit_ui::components::Wording;
use tillit_ui::i18n::{errors, tr, Lang, K};

pub const ENTRY: Wording = Wording {
    problem,
    field: errors::field_text,
    label: errors::field_label,
};

fn problem(p: &Problem, l: Lang) -> String {
    use ProblemCode as C;
    let key = match p.code {
        C::TooManyRequests => return errors::too_many_requests(p, l),
        C::WrongCredentials => K::ProblemWrongCredentials,
        C::UserInactive => K::ProblemUserInactive,
        C::LinkInvalid => K::ProblemLinkInvalid,
        C::TokenMissing | C::TokenInvalid | C::SessionEnded => K::ProblemSessionEnded,
        C::NotFound => K::ProblemNotFound,
        C::InvalidInput => K::ProblemInvalidInput,
        C::BadRequest | C::MethodNotAllowed | C::UnsupportedMediaType | C::PayloadTooLarge => {
            K::ProblemBadRequest
        }
        C::Forbidden => K::ProblemForbidden,
        C::Unavailable => K::ProblemUnavailable,
        C::Internal => K::ProblemInternal,
        C::OriginRefused => K::ProblemOriginRefused,
        _ => K::ProblemUnknown,
    };
    tr(l, key).to_string()
}
