//! One error type for the whole API, rendered as `application/problem+json`.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use tillit_api::{FieldCode, FieldError, Problem, ProblemCode};

/// Values a problem refers to (`Problem.params`).
pub type Params = std::collections::BTreeMap<String, serde_json::Value>;

pub const PROBLEM_JSON: &str = "application/problem+json";
const TYPE_BASE: &str = "https://tillit.no/problems/";

/// Every problem `type` (after [`TYPE_BASE`]) with its status, for the spec.
pub const PROBLEM_TYPES: &[(&str, u16, &str)] = &[
    ("bad-request", 400, "The request could not be read"),
    ("unauthorized", 401, "No valid token or credentials"),
    ("forbidden", 403, "The caller may not do this"),
    ("not-found", 404, "Nothing this caller can see is there"),
    (
        "method-not-allowed",
        405,
        "The path exists; `Allow` lists its methods",
    ),
    (
        "conflict",
        409,
        "The change conflicts with the current state",
    ),
    ("gone", 410, "It existed and is over"),
    (
        "payload-too-large",
        413,
        "The body is larger than `params.limit` bytes",
    ),
    (
        "unsupported-media-type",
        415,
        "The body is not of a type the route reads",
    ),
    (
        "validation",
        422,
        "Invalid input: `errors` names each field and reason",
    ),
    (
        "too-many-requests",
        429,
        "Too many failed tries: wait `Retry-After` seconds",
    ),
    (
        "internal",
        500,
        "A fault on the server side; it has been logged",
    ),
    (
        "unavailable",
        503,
        "Overloaded or starting; try again shortly",
    ),
];

pub fn problem_type(kind: &str) -> String {
    format!("{TYPE_BASE}{kind}")
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// The request clashes with the current state: a stable code and an
    /// English detail.
    #[error("conflict {0:?}: {1}")]
    Conflict(ProblemCode, String, Params),
    /// The thing existed but is over (a closed survey's link).
    #[error("gone {0:?}: {1}")]
    Gone(ProblemCode, String),
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("unauthorized: {0:?}")]
    Unauthorized(ProblemCode),
    #[error("forbidden: {0:?}")]
    Forbidden(ProblemCode),
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

/// The English words for a code that carries no detail of its own.
fn english(code: ProblemCode) -> &'static str {
    use ProblemCode as C;
    match code {
        C::TokenMissing => "Log in first: no access token was sent.",
        C::TokenInvalid => "The access token is invalid or has expired.",
        C::SessionEnded => "The session has ended: log in again.",
        C::WrongCredentials => "Wrong email or password.",
        C::WrongClientCredentials => "Unknown client or wrong secret.",
        C::LinkInvalid => "The link is unknown, used or expired: ask for a new one.",
        C::Forbidden => "Your role may not do this.",
        C::OriginRefused => "The request came from another site.",
        _ => "",
    }
}

impl AppError {
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        AppError::Internal(cause.to_string())
    }
    pub fn invalid(field: &str, code: FieldCode, reason: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldError::new(field, code, reason)])
    }
    pub fn conflict(code: ProblemCode, detail: impl Into<String>) -> Self {
        AppError::Conflict(code, detail.into(), Params::new())
    }
    /// Adds a value the problem refers to (conflicts only).
    pub fn with(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        if let AppError::Conflict(_, _, params) = &mut self {
            params.insert(key.into(), value.into());
        }
        self
    }
    pub fn forbidden() -> Self {
        AppError::Forbidden(ProblemCode::Forbidden)
    }

    pub fn code(&self) -> ProblemCode {
        use ProblemCode as C;
        match self {
            AppError::NotFound => C::NotFound,
            AppError::Conflict(c, ..) | AppError::Gone(c, _) => *c,
            AppError::Invalid(_) => C::InvalidInput,
            AppError::BadRequest(_) => C::BadRequest,
            AppError::Unauthorized(c) | AppError::Forbidden(c) => *c,
            AppError::TooManyRequests { .. } => C::TooManyRequests,
            AppError::PayloadTooLarge { .. } => C::PayloadTooLarge,
            AppError::UnsupportedMediaType(_) => C::UnsupportedMediaType,
            AppError::MethodNotAllowed { .. } => C::MethodNotAllowed,
            AppError::Unavailable(_) => C::Unavailable,
            AppError::Internal(_) => C::Internal,
        }
    }

    pub fn problem(&self) -> Problem {
        let mut params = std::collections::BTreeMap::new();
        let (kind, title, detail, errors) = match self {
            AppError::NotFound => ("not-found", "Not found", None, vec![]),
            AppError::Conflict(_, d, p) => {
                params.extend(p.clone());
                ("conflict", "Conflict", Some(d.clone()), vec![])
            }
            AppError::Gone(_, d) => ("gone", "No longer available", Some(d.clone()), vec![]),
            AppError::Invalid(errs) => (
                "validation",
                "Invalid input",
                Some(format!("{} invalid field(s)", errs.len())),
                errs.clone(),
            ),
            AppError::BadRequest(d) => ("bad-request", "Bad request", Some(d.clone()), vec![]),
            AppError::Unauthorized(c) => (
                "unauthorized",
                "Authentication required",
                Some(english(*c).to_string()),
                vec![],
            ),
            AppError::Forbidden(c) => (
                "forbidden",
                "Forbidden",
                Some(english(*c).to_string()),
                vec![],
            ),
            AppError::TooManyRequests { retry_after_secs } => {
                params.insert("retry_after".into(), (*retry_after_secs).into());
                (
                    "too-many-requests",
                    "Too many attempts",
                    Some(format!("Try again in {retry_after_secs} seconds.")),
                    vec![],
                )
            }
            AppError::PayloadTooLarge { limit } => {
                params.insert("limit".into(), (*limit).into());
                (
                    "payload-too-large",
                    "Request body too large",
                    Some(format!("The limit is {limit} bytes.")),
                    vec![],
                )
            }
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
            kind: problem_type(kind),
            title: title.into(),
            status: self.status_code().as_u16(),
            code: self.code(),
            detail,
            params,
            errors,
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict(..) => StatusCode::CONFLICT,
            AppError::Gone(..) => StatusCode::GONE,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
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
        res.insert_header((header::CACHE_CONTROL, "no-store"));
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
                AppError::conflict(
                    ProblemCode::Duplicate,
                    "A row with the same key already exists.",
                )
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
                    let (code, reason) = describe_validation(e);
                    let reason = e.message.as_ref().map(|m| m.to_string()).unwrap_or(reason);
                    let mut fe = FieldError::new(path.clone(), code, reason);
                    for key in ["min", "max", "equal"] {
                        if let Some(v) = e.params.get(key) {
                            fe = fe.with(key, v.clone());
                        }
                    }
                    out.push(fe);
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

fn describe_validation(e: &validator::ValidationError) -> (FieldCode, String) {
    let p = |k: &str| e.params.get(k).map(|v| v.to_string());
    match e.code.as_ref() {
        "length" => (
            FieldCode::Length,
            match (p("min"), p("max"), p("equal")) {
                (_, _, Some(eq)) => format!("must be exactly {eq} characters"),
                (Some(min), Some(max), _) => format!("must be {min} to {max} characters"),
                (Some(min), None, _) => format!("must be at least {min} characters"),
                (None, Some(max), _) => format!("must be at most {max} characters"),
                _ => "has the wrong length".into(),
            },
        ),
        "range" => (FieldCode::OutOfRange, "is out of range".into()),
        "email" => (
            FieldCode::InvalidEmail,
            "is not a valid email address".into(),
        ),
        code => (FieldCode::Invalid, format!("is invalid ({code})")),
    }
}
