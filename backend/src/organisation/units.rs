use std::collections::HashMap;
use tillit_api::{FieldCode, ProblemCode};

use actix_web::{delete, get, post, put, web, HttpResponse};
use diesel::prelude::*;
use tillit_api::{CreateUnit, FieldError, ListQuery, Page, Unit, UpdateUnit};

use crate::audit::{self, Event};
use crate::auth::identity::{Auth, ControllerAdmin, OrgReader};
use crate::db::schema::{employees, units};
use crate::db::{like_pattern, lower, paging, write_tx, DbConn};
use crate::db_run;
use crate::domain::{parse_name, ExternalId};
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::openapi::ProblemResponse;
use crate::state::AppState;
use crate::util::{new_id, now};

#[derive(Queryable, Selectable, Insertable, Debug, Clone, PartialEq)]
#[diesel(table_name = units)]
pub struct UnitRow {
    pub id: String,
    pub agency_id: String,
    pub external_id: String,
    pub name: String,
    pub parent_id: Option<String>,
    pub active: bool,
    pub updated_at: chrono::NaiveDateTime,
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_units)
        .service(create_unit)
        .service(get_unit)
        .service(update_unit)
        .service(deactivate_unit);
}

/// All units of an agency, active or not.
pub fn all(conn: &mut DbConn, agency: &str) -> Result<Vec<UnitRow>, AppError> {
    Ok(db_run!(conn, |c| units::table
        .filter(units::agency_id.eq(agency))
        .select(UnitRow::as_select())
        .load(c))?)
}

pub fn get(conn: &mut DbConn, agency: &str, id: &str) -> Result<UnitRow, AppError> {
    Ok(db_run!(conn, |c| units::table
        .filter(units::agency_id.eq(agency))
        .filter(units::id.eq(id))
        .select(UnitRow::as_select())
        .first(c))?)
}

/// Active employees per unit: directly in it, and in it with all its
/// active sub-units.
pub struct Counts {
    direct: HashMap<String, i64>,
    total: HashMap<String, i64>,
}

fn employee_counts(conn: &mut DbConn, agency: &str) -> Result<Counts, AppError> {
    let rows: Vec<(String, i64)> = db_run!(conn, |c| employees::table
        .filter(employees::agency_id.eq(agency))
        .filter(employees::active.eq(true))
        .group_by(employees::unit_id)
        .select((employees::unit_id, diesel::dsl::count_star()))
        .load(c))?;
    let tree: Vec<(String, Option<String>)> = db_run!(conn, |c| units::table
        .filter(units::agency_id.eq(agency))
        .filter(units::active.eq(true))
        .select((units::id, units::parent_id))
        .load(c))?;
    let direct: HashMap<String, i64> = rows.into_iter().collect();
    let parent: HashMap<String, Option<String>> = tree.into_iter().collect();
    let total = crate::reports::suppression::group_sizes(&parent, &direct);
    Ok(Counts { direct, total })
}

fn to_api(r: UnitRow, counts: &Counts) -> Unit {
    Unit {
        employee_count: counts.direct.get(&r.id).copied().unwrap_or(0),
        total_employee_count: counts.total.get(&r.id).copied().unwrap_or(0),
        id: r.id,
        external_id: r.external_id,
        name: r.name,
        parent_id: r.parent_id,
        active: r.active,
    }
}

/// Would making `parent` the parent of `unit` close a loop?
pub fn creates_cycle(all: &[UnitRow], unit: &str, parent: &str) -> bool {
    let parents: HashMap<&str, Option<&str>> = all
        .iter()
        .map(|u| (u.id.as_str(), u.parent_id.as_deref()))
        .collect();
    let mut cur = Some(parent);
    let mut steps = 0;
    while let Some(p) = cur {
        if p == unit || steps > all.len() {
            return true;
        }
        cur = parents.get(p).copied().flatten();
        steps += 1;
    }
    false
}

/// List units (ORG-1), paged and searchable by name or external id.
#[utoipa::path(
    tag = "organisation",
    params(ListQuery),
    security(("bearer" = ["controller_admin", "leader", "integration"])),
    responses(
        (status = 200, description = "A page of units; per_page may be up to 5000 to load a whole tree", body = Page<Unit>),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
    )
)]
#[get("/units")]
async fn list_units(
    state: web::Data<AppState>,
    auth: Auth<OrgReader>,
    q: web::Query<ListQuery>,
) -> Result<web::Json<Page<Unit>>, AppError> {
    let (page, per_page) = paging(&q, 5000)?;
    let agency = auth.agency()?.to_string();
    let q = q.into_inner();
    let out = state
        .db(move |conn| {
            let pattern = like_pattern(q.q.as_deref());
            let inactive = q.include_inactive.unwrap_or(false);
            let (rows, total) = db_run!(conn, |c| {
                let mut query = units::table
                    .filter(units::agency_id.eq(&agency))
                    .into_boxed();
                let mut count = units::table
                    .filter(units::agency_id.eq(&agency))
                    .into_boxed();
                if !inactive {
                    query = query.filter(units::active.eq(true));
                    count = count.filter(units::active.eq(true));
                }
                if let Some(p) = &pattern {
                    query = query.filter(
                        lower(units::name)
                            .like(p.clone())
                            .or(lower(units::external_id).like(p.clone())),
                    );
                    count = count.filter(
                        lower(units::name)
                            .like(p.clone())
                            .or(lower(units::external_id).like(p.clone())),
                    );
                }
                let rows: Vec<UnitRow> = query
                    .order((units::name.asc(), units::id.asc()))
                    .limit(per_page)
                    .offset((page - 1) * per_page)
                    .select(UnitRow::as_select())
                    .load(c)?;
                let total: i64 = count.count().get_result(c)?;
                Ok::<_, diesel::result::Error>((rows, total))
            })?;
            let counts = employee_counts(conn, &agency)?;
            Ok(Page {
                items: rows.into_iter().map(|r| to_api(r, &counts)).collect(),
                total,
                page,
                per_page,
            })
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
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 409, response = ProblemResponse),
        (status = 415, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
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
    let agency = auth.agency()?.to_string();
    let actor = auth.actor();
    let row = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                if let Some(p) = &b.parent_id {
                    get(conn, &agency, p).map_err(|_| {
                        AppError::invalid(
                            "parent_id",
                            FieldCode::UnknownParent,
                            "no such unit in this agency",
                        )
                    })?;
                }
                let row = UnitRow {
                    id: new_id(),
                    agency_id: agency.clone(),
                    external_id: ext.as_str().to_string(),
                    name,
                    parent_id: b.parent_id.clone(),
                    active: true,
                    updated_at: now(),
                };
                db_run!(conn, |c| diesel::insert_into(units::table)
                    .values(&row)
                    .execute(c))
                .map_err(|e| match AppError::from(e) {
                    AppError::Conflict(..) => AppError::conflict(
                        ProblemCode::ExternalIdTaken,
                        "A unit with this external id exists.",
                    ),
                    other => other,
                })?;
                audit::record(
                    conn,
                    &agency,
                    &actor,
                    Event::new("unit.create", "unit", Some(&row.id)),
                )?;
                Ok(row)
            })
        })
        .await?;
    let none = Counts {
        direct: HashMap::new(),
        total: HashMap::new(),
    };
    Ok(HttpResponse::Created().json(to_api(row, &none)))
}

/// One unit.
#[utoipa::path(
    tag = "organisation",
    params(("unit_id" = String, Path, description = "Unit id")),
    security(("bearer" = ["controller_admin", "leader", "integration"])),
    responses(
        (status = 200, description = "The unit", body = Unit),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
    )
)]
#[get("/units/{unit_id}")]
async fn get_unit(
    state: web::Data<AppState>,
    auth: Auth<OrgReader>,
    path: web::Path<String>,
) -> Result<web::Json<Unit>, AppError> {
    let agency = auth.agency()?.to_string();
    let id = path.into_inner();
    let unit = state
        .db(move |conn| {
            let row = get(conn, &agency, &id)?;
            let counts = employee_counts(conn, &agency)?;
            Ok(to_api(row, &counts))
        })
        .await?;
    Ok(web::Json(unit))
}

/// Rename or move a unit. Moving it under itself or a descendant is refused.
#[utoipa::path(
    tag = "organisation",
    params(("unit_id" = String, Path, description = "Unit id")),
    request_body = UpdateUnit,
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 200, description = "Updated", body = Unit),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
        (status = 415, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
    )
)]
#[put("/units/{unit_id}")]
async fn update_unit(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
    path: web::Path<String>,
    body: ApiJson<UpdateUnit>,
) -> Result<web::Json<Unit>, AppError> {
    let b = body.0;
    let name = parse_name(&b.name, "name").map_err(|e| AppError::Invalid(vec![e]))?;
    let agency = auth.agency()?.to_string();
    let actor = auth.actor();
    let id = path.into_inner();
    let unit = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let mut row = get(conn, &agency, &id)?;
                if let Some(p) = &b.parent_id {
                    let all = all(conn, &agency)?;
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
                row.parent_id = b.parent_id.clone();
                row.updated_at = now();
                db_run!(conn, |c| diesel::update(units::table.find(&row.id))
                    .set((
                        units::name.eq(&row.name),
                        units::parent_id.eq(&row.parent_id),
                        units::updated_at.eq(row.updated_at)
                    ))
                    .execute(c))?;
                audit::record(
                    conn,
                    &agency,
                    &actor,
                    Event::new("unit.update", "unit", Some(&row.id)),
                )?;
                let counts = employee_counts(conn, &agency)?;
                Ok(to_api(row, &counts))
            })
        })
        .await?;
    Ok(web::Json(unit))
}

/// Deactivate a unit. Refused while it has active sub-units or employees.
#[utoipa::path(
    tag = "organisation",
    params(("unit_id" = String, Path, description = "Unit id")),
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 204, description = "Deactivated"),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
        (status = 409, response = ProblemResponse),
    )
)]
#[delete("/units/{unit_id}")]
async fn deactivate_unit(
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
                let (children, staff): (i64, i64) = db_run!(conn, |c| {
                    let children = units::table
                        .filter(units::parent_id.eq(&id))
                        .filter(units::active.eq(true))
                        .count()
                        .get_result(c)?;
                    let staff = employees::table
                        .filter(employees::unit_id.eq(&id))
                        .filter(employees::active.eq(true))
                        .count()
                        .get_result(c)?;
                    Ok::<_, diesel::result::Error>((children, staff))
                })?;
                if children > 0 || staff > 0 {
                    return Err(AppError::conflict(ProblemCode::UnitInUse, format!(
                        "The unit still has {children} active sub-unit(s) and {staff} active employee(s); move or deactivate them first."
                    ))
                    .with("units", children)
                    .with("employees", staff));
                }
                db_run!(conn, |c| diesel::update(units::table.find(&id))
                    .set((units::active.eq(false), units::updated_at.eq(now())))
                    .execute(c))?;
                audit::record(conn, &agency, &actor, Event::new("unit.deactivate", "unit", Some(&id)))
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The error for a unit id that is not one of the agency's.
pub fn unknown_unit(field: &str) -> FieldError {
    FieldError::new(field, FieldCode::UnknownUnit, "no such unit in this agency")
}
