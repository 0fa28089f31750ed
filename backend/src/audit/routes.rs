use actix_web::{get, web};
use tillit_api::AuditVerification;

use crate::auth::identity::{Auth, ControllerAdmin};
use crate::error::AppError;
use crate::openapi::Authed;
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(verify_chain);
}

/// Check that the agency's audit trail is intact (GDPR-1).
///
/// Entries are sealed into the chain within about a second of the action;
/// this check seals what is still waiting first, so it covers every entry
/// up to the moment it was asked.
#[utoipa::path(
    tag = "audit",
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 200, description = "The result of recomputing every hash", body = AuditVerification),
        Authed,
    )
)]
#[get("/audit/verify")]
async fn verify_chain(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
) -> Result<web::Json<AuditVerification>, AppError> {
    let agency = auth.agency()?.clone();
    let inbox = state.read_inbox.clone();
    let checked = state
        .db(move |conn| {
            super::seal(conn, inbox.as_deref())?;
            super::verify(conn, inbox.as_deref(), agency.as_str())
        })
        .await?;
    Ok(web::Json(checked))
}
