//! The parts of the spec that no handler carries: info, security scheme, the
//! shared problem response. Everything else is collected from the handlers.

pub mod refine;
pub mod v3_0;

use std::collections::BTreeMap;

use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Ref, RefOr, Response};
use utoipa::{Modify, OpenApi, PartialSchema, ToSchema};

use crate::error::PROBLEM_JSON;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tillit API",
        description = "Employee work-environment surveys for government agencies. \
Every failure answers with an RFC 9457 problem document (`application/problem+json`). \
Access tokens are JWTs sent as `Authorization: Bearer`; the scopes listed on each \
operation are the roles that may call it.",
        license(name = "MIT")
    ),
    components(
        // CsvVariant appears only in query parameters, which utoipa does not
        // collect schemas from.
        schemas(tillit_api::Problem, tillit_api::FieldError, tillit_api::CsvVariant),
        responses(ProblemResponse, UnauthorizedResponse, TooManyRequestsResponse)
    ),
    modifiers(&Security),
    tags(
        (name = "health", description = "Liveness and readiness for load balancers"),
        (name = "auth", description = "Logins, sessions, passwords and machine clients"),
        (name = "agencies", description = "Onboarding agencies (processor)"),
        (name = "terms", description = "Terms versions and their acceptance (TERMS-*)"),
        (name = "organisation", description = "Units, employees, users (ORG-*)"),
        (name = "import", description = "Bulk HR import (ORG-2)"),
        (name = "audit", description = "The audit trail (GDPR-1)"),
        (name = "questionnaire", description = "The questionnaire bank (Q-*)"),
        (name = "surveys", description = "Surveys, launch and response rates (SURV-*)"),
        (name = "answering", description = "Answering a survey from the invitation link (RESP-*, ANON-*)"),
        (name = "reports", description = "Frozen reports of closed surveys (REP-*)"),
        (name = "follow-up", description = "Follow-up actions (tiltak) after a report"),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "A 15-minute access token from /api/auth/login or /api/auth/token",
                    ))
                    .build(),
            ),
        );
    }
}

fn problem(description: &str) -> ResponseBuilder {
    ResponseBuilder::new().description(description).content(
        PROBLEM_JSON,
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name(tillit_api::Problem::name())))
            .build(),
    )
}

/// Every error response: a problem document.
pub struct ProblemResponse;

impl<'s> utoipa::ToResponse<'s> for ProblemResponse {
    fn response() -> (&'s str, RefOr<Response>) {
        (
            "Problem",
            problem(
                "A problem document (RFC 9457) naming what went wrong and, for invalid input, \
                 each field and reason",
            )
            .build()
            .into(),
        )
    }
}

/// 401: no token, or one that is expired, revoked or not ours.
pub struct UnauthorizedResponse;

impl<'s> utoipa::ToResponse<'s> for UnauthorizedResponse {
    fn response() -> (&'s str, RefOr<Response>) {
        (
            "Unauthorized",
            problem(
                "No valid access token: log in (or fetch a client token) and send it as \
                 `Authorization: Bearer`",
            )
            .header(
                "WWW-Authenticate",
                HeaderBuilder::new()
                    .schema(Some(String::schema()))
                    .description(Some("Always `Bearer`"))
                    .build(),
            )
            .build()
            .into(),
        )
    }
}

/// 429: a secret was presented too often without success.
pub struct TooManyRequestsResponse;

impl<'s> utoipa::ToResponse<'s> for TooManyRequestsResponse {
    fn response() -> (&'s str, RefOr<Response>) {
        (
            "TooManyRequests",
            problem(
                "Too many failed tries from this address for this secret; try again after \
                 Retry-After seconds",
            )
            .header(
                "Retry-After",
                HeaderBuilder::new()
                    .schema(Some(i64::schema()))
                    .description(Some("Seconds until a new try is taken"))
                    .build(),
            )
            .build()
            .into(),
        )
    }
}

/// Named sets of error responses, listed in a handler's `responses(..)`
/// after its success: `responses((status = 200, body = Unit), Authed,
/// NotFound)`. Each entry refers to a shared response component.
macro_rules! response_sets {
    ($($(#[$doc:meta])* $name:ident { $($status:literal => $component:literal),+ $(,)? })+) => {$(
        $(#[$doc])*
        pub struct $name;

        impl utoipa::IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Response>> {
                [$(($status.to_string(), RefOr::Ref(Ref::from_response_name($component)))),+]
                    .into_iter()
                    .collect()
            }
        }
    )+};
}

response_sets! {
    /// Every route that needs a token: none or a bad one (401), the wrong
    /// role (403), and anything unforeseen.
    Authed { "401" => "Unauthorized", "403" => "Problem", "default" => "Problem" }
    /// A route without a token: anything unforeseen.
    Public { "default" => "Problem" }
    /// A route that reads a JSON body: unreadable (400), too large (413),
    /// not JSON (415), invalid fields (422).
    Body { "400" => "Problem", "413" => "Problem", "415" => "Problem", "422" => "Problem" }
    /// A route whose query or headers are checked (422).
    Query { "422" => "Problem" }
    /// The path names something this caller cannot see (404).
    NotFound { "404" => "Problem" }
    /// The change conflicts with the current state (409).
    Conflict { "409" => "Problem" }
    /// It existed, but is over (410).
    Gone { "410" => "Problem" }
    /// Refused for now: too many failed tries with a secret (429).
    Throttled { "429" => "TooManyRequests" }
    /// Refused without a token (403): a request from another site.
    Refused { "403" => "Problem" }
    /// Wrong credentials on a route that takes them (401).
    BadCredentials { "401" => "Problem" }
    /// The database or a hasher is overloaded or away; try again (503).
    Unavailable { "503" => "Problem" }
}
