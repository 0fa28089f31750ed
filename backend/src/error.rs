//! One error type for the whole API, rendered as `application/problem+json`.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use tillit_api::{FieldError, Problem};

pub const PROBLEM_JSON: &str = "application/problem+json";
const TYPE_BASE: &str = "https://tillit.no/problems/";

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    /// The thing existed but is over (a closed survey's link).
    #[error("gone: {0}")]
    Gone(String),
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("unauthorized: {0}")]
    Unauthorized(&'static str),
    #[error("forbidden")]
    Forbidden,
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("payload too large")]
    PayloadTooLarge { limit: usize },
    #[error("unsupported media type")]
    UnsupportedMediaType(String),
    #[error("method not allowed")]
    MethodNotAllowed { allow: Vec<String> },
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// The cause goes to the log only; the client sees a generic message.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        AppError::Internal(cause.to_string())
    }
    pub fn invalid(field: &str, code: &str, reason: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldError::new(field, code, reason)])
    }
    pub fn conflict(detail: impl Into<String>) -> Self {
        AppError::Conflict(detail.into())
    }

    pub fn problem(&self) -> Problem {
        let (kind, title, detail, errors) = match self {
            AppError::NotFound => ("not-found", "Not found", None, vec![]),
            AppError::Conflict(d) => ("conflict", "Conflict", Some(d.clone()), vec![]),
            AppError::Gone(d) => ("gone", "No longer available", Some(d.clone()), vec![]),
            AppError::Invalid(errs) => (
                "validation",
                "Invalid input",
                Some(format!("{} invalid field(s)", errs.len())),
                errs.clone(),
            ),
            AppError::BadRequest(d) => ("bad-request", "Bad request", Some(d.clone()), vec![]),
            AppError::Unauthorized(d) => (
                "unauthorized",
                "Authentication required",
                Some((*d).to_string()),
                vec![],
            ),
            AppError::Forbidden => (
                "forbidden",
                "Forbidden",
                Some("Your role may not do this.".into()),
                vec![],
            ),
            AppError::TooManyRequests { retry_after_secs } => (
                "too-many-requests",
                "Too many attempts",
                Some(format!("Try again in {retry_after_secs} seconds.")),
                vec![],
            ),
            AppError::PayloadTooLarge { limit } => (
                "payload-too-large",
                "Request body too large",
                Some(format!("The limit is {limit} bytes.")),
                vec![],
            ),
            AppError::UnsupportedMediaType(d) => (
                "unsupported-media-type",
                "Unsupported media type",
                Some(d.clone()),
                vec![],
            ),
            AppError::MethodNotAllowed { allow } => (
                "method-not-allowed",
                "Method not allowed",
                Some(format!("Allowed: {}", allow.join(", "))),
                vec![],
            ),
            AppError::Unavailable(_) => (
                "unavailable",
                "Service unavailable",
                Some("Try again shortly.".into()),
                vec![],
            ),
            AppError::Internal(_) => (
                "internal",
                "Internal error",
                Some("Something went wrong on our side; it has been logged.".into()),
                vec![],
            ),
        };
        Problem {
            kind: format!("{TYPE_BASE}{kind}"),
            title: title.into(),
            status: self.status_code().as_u16(),
            detail,
            errors,
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            AppError::Internal(cause) => tracing::error!(%cause, "internal error"),
            AppError::Unavailable(cause) => tracing::warn!(%cause, "unavailable"),
            _ => {}
        }
        let mut res = HttpResponse::build(self.status_code());
        res.content_type(PROBLEM_JSON);
        match self {
            AppError::TooManyRequests { retry_after_secs } => {
                res.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            AppError::Unauthorized(_) => {
                res.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            AppError::MethodNotAllowed { allow } => {
                res.insert_header((header::ALLOW, allow.join(", ")));
            }
            _ => {}
        }
        res.json(self.problem())
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => AppError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                tracing::info!(constraint = ?info.constraint_name(), "unique violation");
                AppError::Conflict("A row with the same key already exists.".into())
            }
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                AppError::Unavailable("serialization failure".into())
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<r2d2::Error> for AppError {
    fn from(e: r2d2::Error) -> Self {
        AppError::Unavailable(format!("database pool: {e}"))
    }
}

impl From<validator::ValidationErrors> for AppError {
    fn from(errs: validator::ValidationErrors) -> Self {
        AppError::Invalid(validation_field_errors(&errs, ""))
    }
}

/// Flattens validator's nested errors into `field.path` entries.
fn validation_field_errors(errs: &validator::ValidationErrors, prefix: &str) -> Vec<FieldError> {
    use validator::ValidationErrorsKind as K;
    let mut out = Vec::new();
    for (field, kind) in errs.errors() {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            K::Field(list) => {
                for e in list {
                    let reason = e
                        .message
                        .as_ref()
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| describe_validation(e));
                    out.push(FieldError::new(path.clone(), &e.code, reason));
                }
            }
            K::Struct(inner) => out.extend(validation_field_errors(inner, &path)),
            K::List(items) => {
                for (i, inner) in items {
                    out.extend(validation_field_errors(inner, &format!("{path}[{i}]")));
                }
            }
        }
    }
    out.sort_by(|a, b| a.field.cmp(&b.field));
    out
}

fn describe_validation(e: &validator::ValidationError) -> String {
    let p = |k: &str| e.params.get(k).map(|v| v.to_string());
    match e.code.as_ref() {
        "length" => match (p("min"), p("max"), p("equal")) {
            (_, _, Some(eq)) => format!("must be exactly {eq} characters"),
            (Some(min), Some(max), _) => format!("must be {min} to {max} characters"),
            (Some(min), None, _) => format!("must be at least {min} characters"),
            (None, Some(max), _) => format!("must be at most {max} characters"),
            _ => "has the wrong length".into(),
        },
        "email" => "is not a valid email address".into(),
        code => format!("is invalid ({code})"),
    }
}
