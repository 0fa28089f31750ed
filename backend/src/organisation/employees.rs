use actix_web::{delete, get, post, put, web, HttpResponse};
use diesel::prelude::*;
use tillit_api::ProblemCode;
use tillit_api::{CreateEmployee, Employee, Language, ListQuery, Page, UpdateEmployee};

use super::units;
use crate::audit::{self, Event};
use crate::auth::identity::{Auth, ControllerAdmin, HrData};
use crate::db::schema::{employees, units as units_t};
use crate::db::{like_pattern, lower, paging, write_tx, DbConn};
use crate::db_run;
use crate::domain::{EmailAddress, ExternalId};
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::openapi::ProblemResponse;
use crate::state::AppState;
use crate::util::{new_id, now};

/// ORG-3: only what the survey needs. No national identity number, no name.
#[derive(Queryable, Selectable, Insertable, Debug, Clone, PartialEq)]
#[diesel(table_name = employees)]
pub struct EmployeeRow {
    pub id: String,
    pub agency_id: String,
    pub external_id: String,
    pub email: String,
    pub unit_id: String,
    pub language: String,
    pub active: bool,
    pub updated_at: chrono::NaiveDateTime,
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_employees)
        .service(create_employee)
        .service(get_employee)
        .service(update_employee)
        .service(deactivate_employee);
}

fn to_api(r: EmployeeRow, unit_name: String) -> Employee {
    Employee {
        id: r.id,
        external_id: r.external_id,
        email: r.email,
        unit_id: r.unit_id,
        unit_name,
        language: Language::parse(&r.language).unwrap_or_default(),
        active: r.active,
    }
}

pub fn all(conn: &mut DbConn, agency: &str) -> Result<Vec<EmployeeRow>, AppError> {
    Ok(db_run!(conn, |c| employees::table
        .filter(employees::agency_id.eq(agency))
        .select(EmployeeRow::as_select())
        .load(c))?)
}

fn get(conn: &mut DbConn, agency: &str, id: &str) -> Result<(EmployeeRow, String), AppError> {
    Ok(db_run!(conn, |c| employees::table
        .inner_join(units_t::table)
        .filter(employees::agency_id.eq(agency))
        .filter(employees::id.eq(id))
        .select((EmployeeRow::as_select(), units_t::name))
        .first(c))?)
}

/// Another active employee of the agency already using this email?
fn email_taken(
    conn: &mut DbConn,
    agency: &str,
    email: &str,
    except: Option<&str>,
) -> Result<bool, AppError> {
    let ids: Vec<String> = db_run!(conn, |c| employees::table
        .filter(employees::agency_id.eq(agency))
        .filter(employees::email.eq(email))
        .filter(employees::active.eq(true))
        .select(employees::id)
        .load(c))?;
    Ok(ids.iter().any(|id| Some(id.as_str()) != except))
}

fn check_unit(conn: &mut DbConn, agency: &str, unit_id: &str) -> Result<(), AppError> {
    match units::get(conn, agency, unit_id) {
        Ok(u) if u.active => Ok(()),
        _ => Err(AppError::Invalid(vec![units::unknown_unit("unit_id")])),
    }
}

/// List employees (ORG-1), paged, searchable by email or external id.
#[utoipa::path(
    tag = "organisation",
    params(ListQuery),
    security(("bearer" = ["controller_admin", "integration"])),
    responses(
        (status = 200, description = "A page of employees", body = Page<Employee>),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
    )
)]
#[get("/employees")]
async fn list_employees(
    state: web::Data<AppState>,
    auth: Auth<HrData>,
    q: web::Query<ListQuery>,
) -> Result<web::Json<Page<Employee>>, AppError> {
    let (page, per_page) = paging(&q, 200)?;
    let agency = auth.agency()?.to_string();
    let actor = auth.actor();
    let q = q.into_inner();
    let out = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let pattern = like_pattern(q.q.as_deref());
                let inactive = q.include_inactive.unwrap_or(false);
                let (rows, total) = db_run!(conn, |c| {
                    let mut query = employees::table
                        .inner_join(units_t::table)
                        .filter(employees::agency_id.eq(&agency))
                        .into_boxed();
                    let mut count = employees::table
                        .filter(employees::agency_id.eq(&agency))
                        .into_boxed();
                    if !inactive {
                        query = query.filter(employees::active.eq(true));
                        count = count.filter(employees::active.eq(true));
                    }
                    if let Some(p) = &pattern {
                        query = query.filter(
                            employees::email
                                .like(p.clone())
                                .or(lower(employees::external_id).like(p.clone())),
                        );
                        count = count.filter(
                            employees::email
                                .like(p.clone())
                                .or(lower(employees::external_id).like(p.clone())),
                        );
                    }
                    let rows: Vec<(EmployeeRow, String)> = query
                        .order((employees::email.asc(), employees::id.asc()))
                        .limit(per_page)
                        .offset((page - 1) * per_page)
                        .select((EmployeeRow::as_select(), units_t::name))
                        .load(c)?;
                    let total: i64 = count.count().get_result(c)?;
                    Ok::<_, diesel::result::Error>((rows, total))
                })?;
                audit::record(
                    conn,
                    &agency,
                    &actor,
                    Event::new("employee.list", "employee", None),
                )?;
                Ok(Page {
                    items: rows.into_iter().map(|(r, u)| to_api(r, u)).collect(),
                    total,
                    page,
                    per_page,
                })
            })
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
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 409, response = ProblemResponse),
        (status = 415, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
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
    let agency = auth.agency()?.to_string();
    let actor = auth.actor();
    let (row, unit_name) = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                check_unit(conn, &agency, &b.unit_id)?;
                if email_taken(conn, &agency, email.as_str(), None)? {
                    return Err(AppError::conflict(
                        ProblemCode::EmailTaken,
                        "An active employee already has this email address.",
                    ));
                }
                let row = EmployeeRow {
                    id: new_id(),
                    agency_id: agency.clone(),
                    external_id: ext.as_str().to_string(),
                    email: email.into_string(),
                    unit_id: b.unit_id.clone(),
                    language: b.language.code().to_string(),
                    active: true,
                    updated_at: now(),
                };
                db_run!(conn, |c| diesel::insert_into(employees::table)
                    .values(&row)
                    .execute(c))
                .map_err(|e| match AppError::from(e) {
                    AppError::Conflict(..) => AppError::conflict(
                        ProblemCode::ExternalIdTaken,
                        "An employee with this external id exists.",
                    ),
                    other => other,
                })?;
                audit::record(
                    conn,
                    &agency,
                    &actor,
                    Event::new("employee.create", "employee", Some(&row.id)),
                )?;
                get(conn, &agency, &row.id)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(to_api(row, unit_name)))
}

/// One employee.
#[utoipa::path(
    tag = "organisation",
    params(("employee_id" = String, Path, description = "Employee id")),
    security(("bearer" = ["controller_admin", "integration"])),
    responses(
        (status = 200, description = "The employee", body = Employee),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
    )
)]
#[get("/employees/{employee_id}")]
async fn get_employee(
    state: web::Data<AppState>,
    auth: Auth<HrData>,
    path: web::Path<String>,
) -> Result<web::Json<Employee>, AppError> {
    let agency = auth.agency()?.to_string();
    let actor = auth.actor();
    let id = path.into_inner();
    let (row, unit) = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let found = get(conn, &agency, &id)?;
                audit::record(
                    conn,
                    &agency,
                    &actor,
                    Event::new("employee.read", "employee", Some(&id)),
                )?;
                Ok(found)
            })
        })
        .await?;
    Ok(web::Json(to_api(row, unit)))
}

/// Correct an employee's email, unit or language.
#[utoipa::path(
    tag = "organisation",
    params(("employee_id" = String, Path, description = "Employee id")),
    request_body = UpdateEmployee,
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 200, description = "Updated", body = Employee),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
        (status = 409, response = ProblemResponse),
        (status = 415, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
    )
)]
#[put("/employees/{employee_id}")]
async fn update_employee(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
    path: web::Path<String>,
    body: ApiJson<UpdateEmployee>,
) -> Result<web::Json<Employee>, AppError> {
    let b = body.0;
    let email = EmailAddress::parse(&b.email, "email").map_err(|e| AppError::Invalid(vec![e]))?;
    let agency = auth.agency()?.to_string();
    let actor = auth.actor();
    let id = path.into_inner();
    let (row, unit) = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                get(conn, &agency, &id)?;
                check_unit(conn, &agency, &b.unit_id)?;
                if email_taken(conn, &agency, email.as_str(), Some(&id))? {
                    return Err(AppError::conflict(
                        ProblemCode::EmailTaken,
                        "An active employee already has this email address.",
                    ));
                }
                db_run!(conn, |c| diesel::update(employees::table.find(&id))
                    .set((
                        employees::email.eq(email.as_str()),
                        employees::unit_id.eq(&b.unit_id),
                        employees::language.eq(b.language.code()),
                        employees::updated_at.eq(now()),
                    ))
                    .execute(c))?;
                audit::record(
                    conn,
                    &agency,
                    &actor,
                    Event::new("employee.update", "employee", Some(&id)),
                )?;
                get(conn, &agency, &id)
            })
        })
        .await?;
    Ok(web::Json(to_api(row, unit)))
}

/// Deactivate an employee: they get no further invitations.
#[utoipa::path(
    tag = "organisation",
    params(("employee_id" = String, Path, description = "Employee id")),
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 204, description = "Deactivated"),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
    )
)]
#[delete("/employees/{employee_id}")]
async fn deactivate_employee(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let agency = auth.agency()?.to_string();
    let actor = auth.actor();
    let id = path.into_inner();
    state
        .db(move |conn| {
            write_tx(conn, |conn| {
                get(conn, &agency, &id)?;
                db_run!(conn, |c| diesel::update(employees::table.find(&id))
                    .set((employees::active.eq(false), employees::updated_at.eq(now())))
                    .execute(c))?;
                audit::record(
                    conn,
                    &agency,
                    &actor,
                    Event::new("employee.deactivate", "employee", Some(&id)),
                )
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
