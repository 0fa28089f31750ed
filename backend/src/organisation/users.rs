use std::collections::HashMap;

use actix_web::{delete, get, post, put, web, HttpResponse};
use diesel::prelude::*;
use tillit_api::{
    CreateUser, FieldCode, Language, ListQuery, Page, ProblemCode, Role, UpdateUser, User,
};

use super::units;
use crate::audit::{self, Event};
use crate::auth::identity::{Auth, ControllerAdmin};
use crate::auth::sessions;
use crate::auth::store::UserRow;
use crate::db::schema::{leader_units, users};
use crate::db::{like_pattern, lower, paging, write_tx, DbConn};
use crate::db_run;
use crate::domain::{parse_name, EmailAddress};
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::mail::account::{self, Kind};
use crate::openapi::ProblemResponse;
use crate::state::AppState;
use crate::util::{new_id, now};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_users)
        .service(invite_user)
        .service(get_user)
        .service(update_user)
        .service(deactivate_user)
        .service(resend_invitation);
}

pub fn to_api(r: UserRow, unit_ids: Vec<String>) -> User {
    User {
        activated: r.password_hash.is_some(),
        language: Language::parse(&r.language).unwrap_or_default(),
        role: Role::parse(&r.role).unwrap_or(Role::Leader),
        id: r.id,
        email: r.email,
        name: r.name,
        active: r.active,
        unit_ids,
    }
}

/// A new person of `agency`, with their invitation mail queued: the link
/// goes to them alone, never back to whoever invited them.
pub fn invite(
    conn: &mut DbConn,
    agency: &str,
    email: &EmailAddress,
    name: &str,
    role: Role,
    language: Language,
) -> Result<UserRow, AppError> {
    let row = UserRow {
        id: new_id(),
        agency_id: Some(agency.to_string()),
        email: email.as_str().to_string(),
        name: name.to_string(),
        role: role.as_str().to_string(),
        password_hash: None,
        active: true,
        created_at: now(),
        language: language.code().to_string(),
    };
    db_run!(conn, |c| diesel::insert_into(users::table)
        .values(&row)
        .execute(c))
    .map_err(|e| match AppError::from(e) {
        AppError::Conflict(..) => AppError::conflict(
            ProblemCode::EmailTaken,
            "A user with this email address already exists.",
        ),
        other => other,
    })?;
    account::queue(conn, &row.id, Kind::Invitation)?;
    Ok(row)
}

pub fn get(conn: &mut DbConn, agency: &str, id: &str) -> Result<UserRow, AppError> {
    Ok(db_run!(conn, |c| users::table
        .filter(users::agency_id.eq(agency))
        .filter(users::id.eq(id))
        .select(UserRow::as_select())
        .first(c))?)
}

fn led_units(
    conn: &mut DbConn,
    user_ids: &[String],
) -> Result<HashMap<String, Vec<String>>, AppError> {
    let rows: Vec<(String, String)> = db_run!(conn, |c| leader_units::table
        .filter(leader_units::user_id.eq_any(user_ids))
        .select((leader_units::user_id, leader_units::unit_id))
        .load(c))?;
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for (u, unit) in rows {
        out.entry(u).or_default().push(unit);
    }
    Ok(out)
}

fn set_led_units(
    conn: &mut DbConn,
    agency: &str,
    user_id: &str,
    role: Role,
    unit_ids: &[String],
) -> Result<(), AppError> {
    if role != Role::Leader && !unit_ids.is_empty() {
        return Err(AppError::invalid(
            "unit_ids",
            FieldCode::NotALeader,
            "only leaders lead units",
        ));
    }
    for (i, u) in unit_ids.iter().enumerate() {
        if units::get(conn, agency, u).is_err() {
            return Err(AppError::Invalid(vec![units::unknown_unit(&format!(
                "unit_ids[{i}]"
            ))]));
        }
    }
    db_run!(conn, |c| {
        diesel::delete(leader_units::table.filter(leader_units::user_id.eq(user_id))).execute(c)?;
        for u in unit_ids {
            diesel::insert_into(leader_units::table)
                .values((
                    leader_units::user_id.eq(user_id),
                    leader_units::unit_id.eq(u),
                ))
                .on_conflict_do_nothing()
                .execute(c)?;
        }
        Ok::<_, diesel::result::Error>(())
    })?;
    Ok(())
}

/// List the agency's controller admins and leaders.
#[utoipa::path(
    tag = "organisation",
    params(ListQuery),
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 200, description = "A page of users", body = Page<User>),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
    )
)]
#[get("/users")]
async fn list_users(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
    q: web::Query<ListQuery>,
) -> Result<web::Json<Page<User>>, AppError> {
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
                    let mut query = users::table
                        .filter(users::agency_id.eq(&agency))
                        .into_boxed();
                    let mut count = users::table
                        .filter(users::agency_id.eq(&agency))
                        .into_boxed();
                    if !inactive {
                        query = query.filter(users::active.eq(true));
                        count = count.filter(users::active.eq(true));
                    }
                    if let Some(p) = &pattern {
                        query = query.filter(
                            users::email
                                .like(p.clone())
                                .or(lower(users::name).like(p.clone())),
                        );
                        count = count.filter(
                            users::email
                                .like(p.clone())
                                .or(lower(users::name).like(p.clone())),
                        );
                    }
                    let rows: Vec<UserRow> = query
                        .order((users::name.asc(), users::id.asc()))
                        .limit(per_page)
                        .offset((page - 1) * per_page)
                        .select(UserRow::as_select())
                        .load(c)?;
                    let total: i64 = count.count().get_result(c)?;
                    Ok::<_, diesel::result::Error>((rows, total))
                })?;
                let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
                let mut led = led_units(conn, &ids)?;
                audit::record(conn, &agency, &actor, Event::new("user.list", "user", None))?;
                Ok(Page {
                    items: rows
                        .into_iter()
                        .map(|r| {
                            let units = led.remove(&r.id).unwrap_or_default();
                            to_api(r, units)
                        })
                        .collect(),
                    total,
                    page,
                    per_page,
                })
            })
        })
        .await?;
    Ok(web::Json(out))
}

/// Invite a controller admin or a leader: they get a one-time link by email.
///
/// The link goes to the invitee alone; no answer of the API holds it.
#[utoipa::path(
    tag = "organisation",
    request_body = CreateUser,
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 201, description = "Invited; the mail is on its way", body = User),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 409, response = ProblemResponse),
        (status = 415, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
    )
)]
#[post("/users")]
async fn invite_user(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
    body: ApiJson<CreateUser>,
) -> Result<HttpResponse, AppError> {
    let b = body.0;
    let email = EmailAddress::parse(&b.email, "email").map_err(|e| AppError::Invalid(vec![e]))?;
    let name = parse_name(&b.name, "name").map_err(|e| AppError::Invalid(vec![e]))?;
    if !matches!(b.role, Role::ControllerAdmin | Role::Leader) {
        return Err(AppError::invalid(
            "role",
            FieldCode::InvalidRole,
            "must be controller_admin or leader",
        ));
    }
    let agency = auth.agency()?.to_string();
    let actor = auth.actor();
    let user = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let row = invite(conn, &agency, &email, &name, b.role, b.language)?;
                set_led_units(conn, &agency, &row.id, b.role, &b.unit_ids)?;
                audit::record(
                    conn,
                    &agency,
                    &actor,
                    Event::new("user.create", "user", Some(&row.id)),
                )?;
                Ok(to_api(row, b.unit_ids.clone()))
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(user))
}

/// One user.
#[utoipa::path(
    tag = "organisation",
    params(("user_id" = String, Path, description = "User id")),
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 200, description = "The user", body = User),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
    )
)]
#[get("/users/{user_id}")]
async fn get_user(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
    path: web::Path<String>,
) -> Result<web::Json<User>, AppError> {
    let agency = auth.agency()?.to_string();
    let actor = auth.actor();
    let id = path.into_inner();
    let user = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let row = get(conn, &agency, &id)?;
                let units = led_units(conn, std::slice::from_ref(&id))?
                    .remove(&id)
                    .unwrap_or_default();
                audit::record(
                    conn,
                    &agency,
                    &actor,
                    Event::new("user.read", "user", Some(&id)),
                )?;
                Ok(to_api(row, units))
            })
        })
        .await?;
    Ok(web::Json(user))
}

/// Rename a user, change the units a leader leads, or change the role.
///
/// A changed role ends every session of the user at once.
#[utoipa::path(
    tag = "organisation",
    params(("user_id" = String, Path, description = "User id")),
    request_body = UpdateUser,
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 200, description = "Updated", body = User),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
        (status = 415, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
    )
)]
#[put("/users/{user_id}")]
async fn update_user(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
    path: web::Path<String>,
    body: ApiJson<UpdateUser>,
) -> Result<web::Json<User>, AppError> {
    let b = body.0;
    let name = parse_name(&b.name, "name").map_err(|e| AppError::Invalid(vec![e]))?;
    if let Some(r) = b.role {
        if !matches!(r, Role::ControllerAdmin | Role::Leader) {
            return Err(AppError::invalid(
                "role",
                FieldCode::InvalidRole,
                "must be controller_admin or leader",
            ));
        }
    }
    let agency = auth.agency()?.to_string();
    let actor = auth.actor();
    let id = path.into_inner();
    let user = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let row = get(conn, &agency, &id)?;
                let old_role = Role::parse(&row.role).unwrap_or(Role::Leader);
                let role = b.role.unwrap_or(old_role);
                if role != old_role && id == actor.id {
                    return Err(AppError::conflict(
                        ProblemCode::SelfRoleChange,
                        "You cannot change your own role.",
                    ));
                }
                set_led_units(conn, &agency, &id, role, &b.unit_ids)?;
                db_run!(conn, |c| diesel::update(users::table.find(&id))
                    .set((users::name.eq(&name), users::role.eq(role.as_str())))
                    .execute(c))?;
                audit::record(
                    conn,
                    &agency,
                    &actor,
                    Event::new("user.update", "user", Some(&id)),
                )?;
                if role != old_role {
                    // Tokens name the role: none of the old ones may act on.
                    sessions::end_all(conn, &id, None)?;
                    audit::record(
                        conn,
                        &agency,
                        &actor,
                        Event::new("user.role_change", "user", Some(&id)),
                    )?;
                }
                let row = UserRow {
                    name: name.clone(),
                    role: role.as_str().to_string(),
                    ..row
                };
                Ok(to_api(row, b.unit_ids.clone()))
            })
        })
        .await?;
    Ok(web::Json(user))
}

/// Deactivate a user: every session of theirs ends at once, their
/// invitation link stops working, and they can no longer log in. You cannot
/// deactivate yourself.
#[utoipa::path(
    tag = "organisation",
    params(("user_id" = String, Path, description = "User id")),
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 204, description = "Deactivated"),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
        (status = 409, response = ProblemResponse),
    )
)]
#[delete("/users/{user_id}")]
async fn deactivate_user(
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
                if id == actor.id {
                    return Err(AppError::conflict(
                        ProblemCode::SelfDeactivation,
                        "You cannot deactivate yourself.",
                    ));
                }
                db_run!(conn, |c| diesel::update(users::table.find(&id))
                    .set(users::active.eq(false))
                    .execute(c))?;
                sessions::end_all(conn, &id, None)?;
                crate::auth::store::void_links(conn, &id)?;
                audit::record(
                    conn,
                    &agency,
                    &actor,
                    Event::new("user.deactivate", "user", Some(&id)),
                )
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Send a user's invitation again: a new link by email, and the old link
/// stops working at once. Only for active users who have not yet chosen a
/// password.
#[utoipa::path(
    tag = "organisation",
    params(("user_id" = String, Path, description = "User id")),
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 202, description = "A new invitation mail is on its way"),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
        (status = 409, response = ProblemResponse),
    )
)]
#[post("/users/{user_id}/invitation")]
async fn resend_invitation(
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
                let row = get(conn, &agency, &id)?;
                reinvite(conn, &row)?;
                audit::record(
                    conn,
                    &agency,
                    &actor,
                    Event::new("user.reinvite", "user", Some(&id)),
                )
            })
        })
        .await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Queues a new invitation for a user who can still take it.
pub fn reinvite(conn: &mut DbConn, row: &UserRow) -> Result<(), AppError> {
    if !row.active {
        return Err(AppError::conflict(
            ProblemCode::UserInactive,
            "The user is deactivated.",
        ));
    }
    if row.password_hash.is_some() {
        return Err(AppError::conflict(
            ProblemCode::AlreadyActivated,
            "The user has already chosen a password; they can reset it from the login page.",
        ));
    }
    account::queue(conn, &row.id, Kind::Invitation)
}
