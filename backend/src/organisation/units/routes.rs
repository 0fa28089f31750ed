//! The unit routes: thin handlers over [`super::store`].

use actix_web::{delete, get, post, put, web, HttpResponse};
use tillit_api::{CreateUnit, FieldCode, ListQuery, Page, Unit, UnitId, UnitListQuery, UpdateUnit};

use super::store::{self, creates_cycle, to_api, Counts, UnitRow};
use crate::audit::Action;
use crate::auth::identity::{Auth, ControllerAdmin, OrgReader};
use crate::db::paging;
use crate::domain::{parse_name, ExternalId};
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::openapi::{Authed, Body, Conflict, NotFound, Query};
use crate::params::UnitPath;
use crate::state::AppState;
use crate::util::{new_id, now};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_units)
        .service(create_unit)
        .service(get_unit)
        .service(update_unit)
        .service(deactivate_unit);
}

/// List units (ORG-1), paged and searchable by name or external id.
#[utoipa::path(
    tag = "organisation",
    params(UnitListQuery),
    security(("bearer" = ["controller_admin", "leader", "integration"])),
    responses(
        (status = 200, description = "A page of units; per_page may be up to 5000 to load a whole tree", body = Page<Unit>),
        Authed, Query,
    )
)]
#[get("/units")]
async fn list_units(
    state: web::Data<AppState>,
    auth: Auth<OrgReader>,
    q: web::Query<UnitListQuery>,
) -> Result<web::Json<Page<Unit>>, AppError> {
    let q = ListQuery::from(q.into_inner());
    let paging = paging(&q, 5000)?;
    let out = state
        .reading(&auth, move |tx| {
            let inactive = q.include_inactive.unwrap_or(false);
            let page = store::page(tx, q.q.as_deref(), inactive, paging)?;
            let counts = store::employee_counts(tx)?;
            Ok(page.map(|r| to_api(r, &counts)))
        })
        .await?;
    Ok(web::Json(out))
}

/// Create a unit.
#[utoipa::path(
    tag = "organisation",
    request_body = CreateUnit,
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 201, description = "Created", body = Unit),
        Authed, Body, Conflict,
    )
)]
#[post("/units")]
async fn create_unit(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
    body: ApiJson<CreateUnit>,
) -> Result<HttpResponse, AppError> {
    let b = body.0;
    let ext =
        ExternalId::parse(&b.external_id, "external_id").map_err(|e| AppError::Invalid(vec![e]))?;
    let name = parse_name(&b.name, "name").map_err(|e| AppError::Invalid(vec![e]))?;
    let row = state
        .in_agency(&auth, move |tx| {
            if let Some(p) = &b.parent_id {
                store::get(tx, p).map_err(|_| {
                    AppError::invalid(
                        "parent_id",
                        FieldCode::UnknownParent,
                        "no such unit in this agency",
                    )
                })?;
            }
            let row = UnitRow {
                id: UnitId(new_id()),
                agency_id: tx.agency().clone(),
                external_id: ext.as_str().to_string(),
                name,
                parent_id: b.parent_id,
                active: true,
                updated_at: now(),
            };
            store::insert(tx, &row)?;
            tx.audit(Action::UnitCreate, Some(row.id.as_str()))?;
            Ok(row)
        })
        .await?;
    Ok(HttpResponse::Created().json(to_api(row, &Counts::default())))
}

/// One unit.
#[utoipa::path(
    tag = "organisation",
    params(UnitPath),
    security(("bearer" = ["controller_admin", "leader", "integration"])),
    responses(
        (status = 200, description = "The unit", body = Unit),
        Authed, NotFound,
    )
)]
#[get("/units/{unit_id}")]
async fn get_unit(
    state: web::Data<AppState>,
    auth: Auth<OrgReader>,
    path: web::Path<UnitPath>,
) -> Result<web::Json<Unit>, AppError> {
    let id = path.into_inner().unit_id;
    let unit = state
        .reading(&auth, move |tx| {
            let row = store::get(tx, &id)?;
            let counts = store::employee_counts(tx)?;
            Ok(to_api(row, &counts))
        })
        .await?;
    Ok(web::Json(unit))
}

/// Rename or move a unit. Moving it under itself or a descendant is refused.
#[utoipa::path(
    tag = "organisation",
    params(UnitPath),
    request_body = UpdateUnit,
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 200, description = "Updated", body = Unit),
        Authed, Body, NotFound,
    )
)]
#[put("/units/{unit_id}")]
async fn update_unit(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
    path: web::Path<UnitPath>,
    body: ApiJson<UpdateUnit>,
) -> Result<web::Json<Unit>, AppError> {
    let b = body.0;
    let name = parse_name(&b.name, "name").map_err(|e| AppError::Invalid(vec![e]))?;
    let id = path.into_inner().unit_id;
    let unit = state
        .in_agency(&auth, move |tx| {
            let mut row = store::get(tx, &id)?;
            if let Some(p) = &b.parent_id {
                let all = store::all(tx)?;
                if !all.iter().any(|u| &u.id == p) {
                    return Err(AppError::invalid(
                        "parent_id",
                        FieldCode::UnknownParent,
                        "no such unit in this agency",
                    ));
                }
                if creates_cycle(&all, &id, p) {
                    return Err(AppError::invalid(
                        "parent_id",
                        FieldCode::Cycle,
                        "a unit cannot be placed under itself or its own sub-unit",
                    ));
                }
            }
            row.name = name;
            row.parent_id = b.parent_id;
            row.updated_at = now();
            store::update(tx, &row)?;
            tx.audit(Action::UnitUpdate, Some(row.id.as_str()))?;
            let counts = store::employee_counts(tx)?;
            Ok(to_api(row, &counts))
        })
        .await?;
    Ok(web::Json(unit))
}

/// Deactivate a unit. Refused while it has active sub-units or employees.
#[utoipa::path(
    tag = "organisation",
    params(UnitPath),
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 204, description = "Deactivated"),
        Authed, NotFound, Conflict,
    )
)]
#[delete("/units/{unit_id}")]
async fn deactivate_unit(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
    path: web::Path<UnitPath>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().unit_id;
    state
        .in_agency(&auth, move |tx| {
            store::deactivate(tx, &id)?;
            tx.audit(Action::UnitDeactivate, Some(id.as_str()))
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
