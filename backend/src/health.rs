//! For load balancers and orchestrators: `/api/health` says the process
//! answers; `/api/ready` says it can serve (the database answers and its
//! schema is up to date). Neither needs a token or tells anything private.

use actix_web::{get, post, web, HttpResponse};
use serde::Serialize;

use crate::error::AppError;
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(health).service(ready).service(csp_report);
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: String,
}

/// Liveness: the process is up and answering.
#[utoipa::path(
    tag = "health",
    responses((status = 200, description = "Alive", body = Health))
)]
#[get("/health")]
async fn health() -> web::Json<Health> {
    web::Json(Health {
        status: "ok".into(),
    })
}

/// Readiness: the database answers and every migration is applied.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Ready to serve", body = Health),
        crate::openapi::Unavailable,
        crate::openapi::Public,
    )
)]
#[get("/ready")]
async fn ready(state: web::Data<AppState>) -> Result<web::Json<Health>, AppError> {
    state
        .db(|conn| {
            if crate::db::pending_migrations(conn)? {
                Err(AppError::Unavailable("migrations pending".into()))
            } else {
                Ok(())
            }
        })
        .await?;
    Ok(web::Json(Health {
        status: "ok".into(),
    }))
}

/// Where browsers report Content-Security-Policy violations; they are
/// logged (the report names a page and a blocked resource, nothing personal).
#[utoipa::path(
    tag = "health",
    request_body(content = String, content_type = "application/csp-report"),
    responses((status = 204, description = "Noted"))
)]
#[post("/csp-report")]
async fn csp_report(body: web::Bytes) -> HttpResponse {
    let text = String::from_utf8_lossy(&body[..body.len().min(4096)]).into_owned();
    let report: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let r = &report["csp-report"];
    tracing::warn!(
        directive = %r["violated-directive"].as_str().unwrap_or("?"),
        blocked = %r["blocked-uri"].as_str().unwrap_or("?"),
        page = %r["document-uri"].as_str().unwrap_or("?").split(['?', '#']).next().unwrap_or(""),
        "csp violation"
    );
    HttpResponse::NoContent().finish()
}
