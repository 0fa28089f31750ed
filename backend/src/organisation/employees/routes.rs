//! The employee routes: thin handlers over [`super::store`]. Every read of
//! an employee is personal data and is recorded (GDPR-1).

use actix_web::{delete, get, post, put, web, HttpResponse};
use tillit_api::{CreateEmployee, Employee, EmployeeId, ListQuery, Page, UpdateEmployee};

use super::store::{self, to_api, EmployeeRow};
use crate::audit::Action;
use crate::auth::identity::{Auth, ControllerAdmin, HrData};
use crate::db::paging;
use crate::domain::{EmailAddress, ExternalId};
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::openapi::{Authed, Body, Conflict, NotFound, Query};
use crate::params::EmployeePath;
use crate::state::AppState;
use crate::util::{new_id, now};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_employees)
        .service(create_employee)
        .service(get_employee)
        .service(update_employee)
        .service(deactivate_employee);
}

/// List employees (ORG-1), paged, searchable by email or external id.
#[utoipa::path(
    tag = "organisation",
    params(ListQuery),
    security(("bearer" = ["controller_admin", "integration"])),
    responses(
        (status = 200, description = "A page of employees", body = Page<Employee>),
        Authed, Query,
    )
)]
#[get("/employees")]
async fn list_employees(
    state: web::Data<AppState>,
    auth: Auth<HrData>,
    q: web::Query<ListQuery>,
) -> Result<web::Json<Page<Employee>>, AppError> {
    let paging = paging(&q, 200)?;
    let q = q.into_inner();
    let out = state
        .audited_read(&auth, Action::EmployeeList, None, move |tx| {
            let inactive = q.include_inactive.unwrap_or(false);
            let page = store::page(tx, q.q.as_deref(), inactive, paging)?;
            Ok(page.map(|(r, u)| to_api(r, u)))
        })
        .await?;
    Ok(web::Json(out))
}

/// Create an employee.
#[utoipa::path(
    tag = "organisation",
    request_body = CreateEmployee,
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 201, description = "Created", body = Employee),
        Authed, Body, Conflict,
    )
)]
#[post("/employees")]
async fn create_employee(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
    body: ApiJson<CreateEmployee>,
) -> Result<HttpResponse, AppError> {
    let b = body.0;
    let mut errors = Vec::new();
    let ext = ExternalId::parse(&b.external_id, "external_id")
        .map_err(|e| errors.push(e))
        .ok();
    let email = EmailAddress::parse(&b.email, "email")
        .map_err(|e| errors.push(e))
        .ok();
    let (Some(ext), Some(email)) = (ext, email) else {
        return Err(AppError::Invalid(errors));
    };
    let (row, unit_name) = state
        .in_agency(&auth, move |tx| {
            let row = EmployeeRow {
                id: EmployeeId(new_id()),
                agency_id: tx.agency().clone(),
                external_id: ext.as_str().to_string(),
                email: email.into_string(),
                unit_id: b.unit_id,
                language: b.language,
                active: true,
                updated_at: now(),
            };
            store::insert(tx, &row)?;
            tx.audit(Action::EmployeeCreate, Some(row.id.as_str()))?;
            store::get(tx, &row.id)
        })
        .await?;
    Ok(HttpResponse::Created().json(to_api(row, unit_name)))
}

/// One employee.
#[utoipa::path(
    tag = "organisation",
    params(EmployeePath),
    security(("bearer" = ["controller_admin", "integration"])),
    responses(
        (status = 200, description = "The employee", body = Employee),
        Authed, NotFound,
    )
)]
#[get("/employees/{employee_id}")]
async fn get_employee(
    state: web::Data<AppState>,
    auth: Auth<HrData>,
    path: web::Path<EmployeePath>,
) -> Result<web::Json<Employee>, AppError> {
    let id = path.into_inner().employee_id;
    let (row, unit) = state
        .audited_read(
            &auth,
            Action::EmployeeRead,
            Some(id.to_string()),
            move |tx| {
                let found = store::get(tx, &id)?;
                Ok(found)
            },
        )
        .await?;
    Ok(web::Json(to_api(row, unit)))
}

/// Correct an employee's email, unit or language.
#[utoipa::path(
    tag = "organisation",
    params(EmployeePath),
    request_body = UpdateEmployee,
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 200, description = "Updated", body = Employee),
        Authed, Body, NotFound, Conflict,
    )
)]
#[put("/employees/{employee_id}")]
async fn update_employee(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
    path: web::Path<EmployeePath>,
    body: ApiJson<UpdateEmployee>,
) -> Result<web::Json<Employee>, AppError> {
    let b = body.0;
    let email = EmailAddress::parse(&b.email, "email").map_err(|e| AppError::Invalid(vec![e]))?;
    let id = path.into_inner().employee_id;
    let (row, unit) = state
        .in_agency(&auth, move |tx| {
            store::update(tx, &id, email.as_str(), &b.unit_id, b.language)?;
            tx.audit(Action::EmployeeUpdate, Some(id.as_str()))?;
            store::get(tx, &id)
        })
        .await?;
    Ok(web::Json(to_api(row, unit)))
}

/// Deactivate an employee: they get no further invitations.
#[utoipa::path(
    tag = "organisation",
    params(EmployeePath),
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 204, description = "Deactivated"),
        Authed, NotFound,
    )
)]
#[delete("/employees/{employee_id}")]
async fn deactivate_employee(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
    path: web::Path<EmployeePath>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().employee_id;
    state
        .in_agency(&auth, move |tx| {
            store::deactivate(tx, &id)?;
            tx.audit(Action::EmployeeDeactivate, Some(id.as_str()))
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
