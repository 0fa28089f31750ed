//! The parts of the spec that no handler carries: info, security scheme, the
//! shared problem response. Everything else is collected from the handlers.

use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{RefOr, Response};
use utoipa::{Modify, OpenApi, ToSchema};

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
        schemas(tillit_api::Problem, tillit_api::FieldError),
        responses(ProblemResponse)
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

/// Every error response: a problem document.
pub struct ProblemResponse;

impl<'s> utoipa::ToResponse<'s> for ProblemResponse {
    fn response() -> (&'s str, RefOr<Response>) {
        let schema = tillit_api::Problem::name();
        (
            "Problem",
            ResponseBuilder::new()
                .description("A problem document (RFC 9457) naming what went wrong and, for invalid input, each field and reason")
                .content(
                    PROBLEM_JSON,
                    ContentBuilder::new()
                        .schema(Some(utoipa::openapi::Ref::from_schema_name(schema)))
                        .build(),
                )
                .build()
                .into(),
        )
    }
}
