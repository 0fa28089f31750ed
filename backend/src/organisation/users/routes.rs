//! The user routes: thin handlers over [`super::store`].

use actix_web::{delete, get, post, put, web, HttpResponse};
use tillit_api::{
    CreateUser, FieldCode, ListQuery, Page, ProblemCode, Role, UpdateUser, User, UserId,
};

use super::store::{self, to_api};
use crate::audit::Action;
use crate::auth::identity::{Auth, ControllerAdmin};
use crate::auth::sessions;
use crate::auth::store::UserRow;
use crate::db::paging;
use crate::domain::{parse_name, EmailAddress};
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::openapi::{Authed, Body, Conflict, NotFound, Query};
use crate::params::UserPath;
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_users)
        .service(invite_user)
        .service(get_user)
        .service(update_user)
        .service(deactivate_user)
        .service(resend_invitation);
}

/// Only the agency's own kinds of people are invited here.
fn check_role(role: Role) -> Result<(), AppError> {
    if matches!(role, Role::ControllerAdmin | Role::Leader) {
        Ok(())
    } else {
        Err(AppError::invalid(
            "role",
            FieldCode::InvalidRole,
            "must be controller_admin or leader",
        ))
    }
}

/// List the agency's controller admins and leaders.
#[utoipa::path(
    tag = "organisation",
    params(ListQuery),
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 200, description = "A page of users", body = Page<User>),
        Authed, Query,
    )
)]
#[get("/users")]
async fn list_users(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
    q: web::Query<ListQuery>,
) -> Result<web::Json<Page<User>>, AppError> {
    let paging = paging(&q, 200)?;
    let q = q.into_inner();
    let out = state
        .audited_read(&auth, Action::UserList, None, move |tx| {
            let inactive = q.include_inactive.unwrap_or(false);
            let page = store::page(tx, q.q.as_deref(), inactive, paging)?;
            let ids: Vec<UserId> = page.items.iter().map(|r| r.id.clone()).collect();
            let mut led = store::led_units(tx, &ids)?;
            Ok(page.map(|r| {
                let units = led.remove(&r.id).unwrap_or_default();
                to_api(r, units)
            }))
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
        Authed, Body, Conflict,
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
    check_role(b.role)?;
    let user = state
        .in_agency(&auth, move |tx| {
            let row = store::invite(tx, &email, &name, b.role, b.language)?;
            store::set_led_units(tx, &row.id, b.role, &b.unit_ids)?;
            tx.audit(Action::UserCreate, Some(row.id.as_str()))?;
            Ok(to_api(row, b.unit_ids))
        })
        .await?;
    Ok(HttpResponse::Created().json(user))
}

/// One user.
#[utoipa::path(
    tag = "organisation",
    params(UserPath),
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 200, description = "The user", body = User),
        Authed, NotFound,
    )
)]
#[get("/users/{user_id}")]
async fn get_user(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
    path: web::Path<UserPath>,
) -> Result<web::Json<User>, AppError> {
    let id = path.into_inner().user_id;
    let user = state
        .audited_read(&auth, Action::UserRead, Some(id.to_string()), move |tx| {
            let row = store::get(tx, &id)?;
            let units = store::led_units(tx, std::slice::from_ref(&id))?
                .remove(&id)
                .unwrap_or_default();
            Ok(to_api(row, units))
        })
        .await?;
    Ok(web::Json(user))
}

/// Rename a user, change the units a leader leads, or change the role.
///
/// A changed role ends every session of the user at once.
#[utoipa::path(
    tag = "organisation",
    params(UserPath),
    request_body = UpdateUser,
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 200, description = "Updated", body = User),
        Authed, Body, NotFound,
    )
)]
#[put("/users/{user_id}")]
async fn update_user(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
    path: web::Path<UserPath>,
    body: ApiJson<UpdateUser>,
) -> Result<web::Json<User>, AppError> {
    let b = body.0;
    let name = parse_name(&b.name, "name").map_err(|e| AppError::Invalid(vec![e]))?;
    if let Some(r) = b.role {
        check_role(r)?;
    }
    let me = auth.user_id();
    let id = path.into_inner().user_id;
    let user = state
        .in_agency(&auth, move |tx| {
            let row = store::get(tx, &id)?;
            let old_role = row.role;
            let role = b.role.unwrap_or(old_role);
            if role != old_role && id == me {
                return Err(AppError::conflict(
                    ProblemCode::SelfRoleChange,
                    "You cannot change your own role.",
                ));
            }
            store::set_led_units(tx, &id, role, &b.unit_ids)?;
            let row = UserRow { name, role, ..row };
            store::update(tx, &row)?;
            tx.audit(Action::UserUpdate, Some(id.as_str()))?;
            if role != old_role {
                // Tokens name the role: none of the old ones may act on.
                sessions::end_all(tx.conn(), &id, None)?;
                tx.audit(Action::UserRoleChange, Some(id.as_str()))?;
            }
            Ok(to_api(row, b.unit_ids))
        })
        .await?;
    Ok(web::Json(user))
}

/// Deactivate a user: every session of theirs ends at once, their
/// invitation link stops working, and they can no longer log in. You cannot
/// deactivate yourself.
#[utoipa::path(
    tag = "organisation",
    params(UserPath),
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 204, description = "Deactivated"),
        Authed, NotFound, Conflict,
    )
)]
#[delete("/users/{user_id}")]
async fn deactivate_user(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
    path: web::Path<UserPath>,
) -> Result<HttpResponse, AppError> {
    let me = auth.user_id();
    let id = path.into_inner().user_id;
    state
        .in_agency(&auth, move |tx| {
            store::get(tx, &id)?;
            if id == me {
                return Err(AppError::conflict(
                    ProblemCode::SelfDeactivation,
                    "You cannot deactivate yourself.",
                ));
            }
            store::deactivate(tx, &id)?;
            tx.audit(Action::UserDeactivate, Some(id.as_str()))
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Send a user's invitation again: a new link by email, and the old link
/// stops working at once. Only for active users who have not yet chosen a
/// password.
#[utoipa::path(
    tag = "organisation",
    params(UserPath),
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 202, description = "A new invitation mail is on its way"),
        Authed, NotFound, Conflict,
    )
)]
#[post("/users/{user_id}/invitation")]
async fn resend_invitation(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
    path: web::Path<UserPath>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().user_id;
    state
        .in_agency(&auth, move |tx| {
            let row = store::get(tx, &id)?;
            store::reinvite(tx, &row)?;
            tx.audit(Action::UserReinvite, Some(id.as_str()))
        })
        .await?;
    Ok(HttpResponse::Accepted().finish())
}
