//! Body extractors that answer every failure with a problem document:
//! wrong media type → 415, too large → 413, malformed or invalid → 422 with
//! the path of the offending field.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use tillit_api::FieldCode;
use tillit_api::FieldError;
use validator::Validate;

use crate::error::AppError;

/// Limit for ordinary JSON bodies.
pub const JSON_LIMIT: usize = 256 * 1024;
/// Limit for bulk imports: 100,000 rows with room to spare.
pub const BULK_LIMIT: usize = 64 * 1024 * 1024;

/// A JSON body, parsed and validated.
pub struct ApiJson<T>(pub T);

/// A bulk JSON body (HR imports); rows are validated by the import itself.
pub struct BulkJson<T>(pub T);

/// A CSV upload, decoded as UTF-8 with any byte-order mark removed.
pub struct CsvBody(pub String);

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ApiJson<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let checked = require_json(req).and_then(|()| check_length(req, JSON_LIMIT));
        let payload = payload.take();
        Box::pin(async move {
            checked?;
            let bytes = read_limited(payload, JSON_LIMIT).await?;
            let value: T = parse_json(&bytes)?;
            value.validate()?;
            Ok(ApiJson(value))
        })
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for BulkJson<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let checked = require_json(req).and_then(|()| check_length(req, BULK_LIMIT));
        let payload = payload.take();
        Box::pin(async move {
            checked?;
            let bytes = read_limited(payload, BULK_LIMIT).await?;
            Ok(BulkJson(parse_json(&bytes)?))
        })
    }
}

impl FromRequest for CsvBody {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        // The file as it is, or wrapped in JSON for clients that can only
        // send JSON bodies (many generated ones).
        let wrapped = media_type(req).as_deref() == Some("application/json");
        let checked = require_media(
            req,
            &[
                "text/csv",
                "text/plain",
                "application/csv",
                "application/json",
            ],
        )
        .and_then(|()| check_length(req, BULK_LIMIT));
        let payload = payload.take();
        Box::pin(async move {
            checked?;
            let bytes = read_limited(payload, BULK_LIMIT).await?;
            let text = if wrapped {
                parse_json::<tillit_api::CsvUpload>(&bytes)?.csv
            } else {
                String::from_utf8(bytes).map_err(|e| {
                    AppError::invalid(
                        "body",
                        FieldCode::InvalidEncoding,
                        format!(
                            "the file is not UTF-8 (first bad byte at offset {}); save it as CSV UTF-8",
                            e.utf8_error().valid_up_to()
                        ),
                    )
                })?
            };
            let text = text
                .strip_prefix('\u{feff}')
                .map(str::to_string)
                .unwrap_or(text);
            Ok(CsvBody(text))
        })
    }
}

fn media_type(req: &HttpRequest) -> Option<String> {
    let raw = req.headers().get(header::CONTENT_TYPE)?.to_str().ok()?;
    Some(
        raw.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase(),
    )
}

fn require_json(req: &HttpRequest) -> Result<(), AppError> {
    match media_type(req) {
        Some(m) if m == "application/json" || m.ends_with("+json") => Ok(()),
        other => Err(AppError::UnsupportedMediaType(format!(
            "expected Content-Type application/json, got {}",
            other.unwrap_or_else(|| "none".into())
        ))),
    }
}

fn require_media(req: &HttpRequest, allowed: &[&str]) -> Result<(), AppError> {
    match media_type(req) {
        Some(m) if allowed.contains(&m.as_str()) => Ok(()),
        other => Err(AppError::UnsupportedMediaType(format!(
            "expected Content-Type {}, got {}",
            allowed.join(" or "),
            other.unwrap_or_else(|| "none".into())
        ))),
    }
}

fn check_length(req: &HttpRequest, limit: usize) -> Result<(), AppError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    match declared {
        Some(n) if n > limit => Err(AppError::PayloadTooLarge { limit }),
        _ => Ok(()),
    }
}

async fn read_limited(mut payload: Payload, limit: usize) -> Result<Vec<u8>, AppError> {
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| AppError::BadRequest(format!("could not read body: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(AppError::PayloadTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Parses JSON and names the failing field by its path, e.g. `units[3].name`.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let msg = inner.to_string();
        if msg.starts_with(tillit_api::TOO_MANY_ROWS) {
            let list = path.split('[').next().unwrap_or("body").to_string();
            return AppError::Invalid(vec![crate::organisation::import::csv::too_many_rows(&list)]);
        }
        let (field, code) = if let Some(rest) = msg.strip_prefix("missing field `") {
            let name = rest.split('`').next().unwrap_or("");
            let field = if path == "." || path.is_empty() {
                name.to_string()
            } else {
                format!("{path}.{name}")
            };
            (field, FieldCode::Required)
        } else if inner.is_syntax() || inner.is_eof() {
            ("body".to_string(), FieldCode::MalformedJson)
        } else {
            let field = if path == "." {
                "body".to_string()
            } else {
                path
            };
            (field, FieldCode::InvalidType)
        };
        // serde's message ends with the position; keep it, it helps people fix files.
        AppError::Invalid(vec![FieldError::new(field, code, msg)])
    })
}
