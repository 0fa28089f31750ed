//! Security headers on every response.
//!
//! - Content-Security-Policy: the web app loads only its own files (the
//!   wasm module needs `wasm-unsafe-eval`, nothing needs inline script);
//!   the API docs page (Swagger UI) also needs inline styles. Violations
//!   are reported to `/api/csp-report` and logged, so a page that breaks
//!   the policy shows up in the log, not only in someone's console.
//! - Strict-Transport-Security when the public address is https.
//! - `Cache-Control: no-store` on every API answer that does not say
//!   otherwise: they carry personal data or tokens, and no shared cache
//!   or back button may keep them.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;

use crate::state::AppState;

const APP_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; \
report-uri /api/csp-report";

const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
frame-ancestors 'none'; report-uri /api/csp-report";

const HSTS: &str = "max-age=31536000; includeSubDomains";

pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let https = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|s| s.config.https());
    let path = req.path().to_string();
    let mut res = next.call(req).await?;
    let h = res.headers_mut();
    let csp = if path.starts_with("/api/docs") {
        DOCS_CSP
    } else {
        APP_CSP
    };
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    if https {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    if path.starts_with("/api/")
        && !path.starts_with("/api/docs")
        && !h.contains_key(header::CACHE_CONTROL)
    {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(res)
}
