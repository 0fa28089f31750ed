use actix_web::{delete, get, post, web, HttpResponse};
use tillit_api::{ClientId, CreateIntegrationClient, IntegrationClient, IntegrationClientCreated};

use crate::audit::Action;
use crate::auth::identity::{Auth, ControllerAdmin};
use crate::auth::store::ClientRow;
use crate::domain::parse_name;
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::openapi::{Authed, Body, NotFound};
use crate::params::ClientPath;
use crate::state::AppState;
use crate::util::{new_id, now, random_token, sha256_hex};

use super::store;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_clients)
        .service(create_client)
        .service(deactivate_client);
}

fn to_api(r: ClientRow) -> IntegrationClient {
    IntegrationClient {
        id: r.id,
        name: r.name,
        client_id: r.client_id,
        active: r.active,
        created_at: crate::util::utc(r.created_at),
    }
}

/// The agency's HR system clients.
#[utoipa::path(
    tag = "organisation",
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 200, description = "Clients", body = Vec<IntegrationClient>),
        Authed,
    )
)]
#[get("/integration-clients")]
async fn list_clients(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
) -> Result<web::Json<Vec<IntegrationClient>>, AppError> {
    let rows = state.reading(&auth, store::all).await?;
    Ok(web::Json(rows.into_iter().map(to_api).collect()))
}

/// Create an HR system client. The secret is shown once; only its hash is kept.
#[utoipa::path(
    tag = "organisation",
    request_body = CreateIntegrationClient,
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 201, description = "Created", body = IntegrationClientCreated),
        Authed, Body,
    )
)]
#[post("/integration-clients")]
async fn create_client(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
    body: ApiJson<CreateIntegrationClient>,
) -> Result<HttpResponse, AppError> {
    let name = parse_name(&body.0.name, "name").map_err(|e| AppError::Invalid(vec![e]))?;
    let secret = random_token(32)?;
    let client_id = format!("hr-{}", &random_token(9)?);
    let secret_hash = sha256_hex(secret.as_bytes());
    let row = state
        .in_agency(&auth, move |tx| {
            let row = ClientRow {
                id: ClientId(new_id()),
                agency_id: tx.agency().clone(),
                name,
                client_id,
                secret_hash,
                active: true,
                created_at: now(),
            };
            store::insert(tx, &row)?;
            tx.audit(Action::ClientCreate, Some(row.id.as_str()))?;
            Ok(row)
        })
        .await?;
    Ok(HttpResponse::Created().json(IntegrationClientCreated {
        client: to_api(row),
        client_secret: secret,
    }))
}

/// Deactivate an HR system client: its tokens stop being issued.
#[utoipa::path(
    tag = "organisation",
    params(ClientPath),
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 204, description = "Deactivated"),
        Authed, NotFound,
    )
)]
#[delete("/integration-clients/{integration_client_id}")]
async fn deactivate_client(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
    path: web::Path<ClientPath>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().integration_client_id;
    state
        .in_agency(&auth, move |tx| {
            store::deactivate(tx, &id)?;
            tx.audit(Action::ClientDeactivate, Some(id.as_str()))
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
