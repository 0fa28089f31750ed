//! Sessions, and the check every authenticated request passes.
//!
//! A login (or an accepted invitation, or a completed password reset)
//! starts a session; the person's access tokens and refresh tokens name it.
//! Each request looks the session up by its primary key, with its user and
//! agency: one indexed read, in the shared database, so every instance sees
//! the same answer and nothing has to be told to forget a token. Ending a
//! session (logout, password change or reset, deactivation, role change)
//! refuses its access tokens on their next request, not when they expire.

use diesel::prelude::*;
use tillit_api::{AgencyId, ProblemCode, Role, UserId};

use super::jwt::Claims;
use super::store::UserRow;
use crate::db::db_run;
use crate::db::schema::{agencies, integration_clients, sessions, users};
use crate::db::DbConn;
use crate::error::AppError;
use crate::util::{new_id, now};

/// Starts a session for `user_id`; returns its id.
pub fn start(conn: &mut DbConn, user_id: &UserId) -> Result<String, AppError> {
    let id = new_id();
    db_run!(conn, |c| diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(&id),
            sessions::user_id.eq(user_id),
            sessions::created_at.eq(now()),
        ))
        .execute(c))?;
    Ok(id)
}

pub fn end(conn: &mut DbConn, session: &str) -> Result<(), AppError> {
    db_run!(conn, |c| diesel::update(
        sessions::table
            .filter(sessions::id.eq(session))
            .filter(sessions::ended_at.is_null())
    )
    .set(sessions::ended_at.eq(now()))
    .execute(c))?;
    Ok(())
}

/// Ends every live session of `user_id`, except `keep` (the one that asked,
/// when a person changes their own password).
pub fn end_all(conn: &mut DbConn, user_id: &UserId, keep: Option<&str>) -> Result<usize, AppError> {
    let keep = keep.unwrap_or("");
    Ok(db_run!(conn, |c| diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::ended_at.is_null())
            .filter(sessions::id.ne(keep))
    )
    .set(sessions::ended_at.eq(now()))
    .execute(c))?)
}

/// The user of a session that has not ended, if the user is still active.
pub fn live_user(conn: &mut DbConn, session: &str) -> Result<Option<UserRow>, AppError> {
    Ok(db_run!(conn, |c| sessions::table
        .inner_join(users::table)
        .filter(sessions::id.eq(session))
        .filter(sessions::ended_at.is_null())
        .filter(users::active.eq(true))
        .select(UserRow::as_select())
        .first(c)
        .optional())?)
}

/// Whether the principal a token names may still act: for a person, the
/// session is live, the user active, with the same role and agency, and
/// the agency active; for an HR client, the client is active and in the
/// same agency. Respondents carry no person (ROLE-2): nothing to look up.
pub fn check(conn: &mut DbConn, claims: &Claims) -> Result<(), AppError> {
    let ended = || AppError::Unauthorized(ProblemCode::SessionEnded);
    match claims.role {
        Role::Respondent => Ok(()),
        Role::Integration => {
            let found: Option<(bool, AgencyId)> = db_run!(conn, |c| integration_clients::table
                .find(&claims.sub)
                .select((integration_clients::active, integration_clients::agency_id))
                .first(c)
                .optional())?;
            match found {
                Some((true, agency)) if Some(agency.as_str()) == claims.agency.as_deref() => Ok(()),
                _ => Err(ended()),
            }
        }
        _ => {
            let sid = claims.sid.as_deref().ok_or_else(ended)?;
            type Row = (UserId, Role, Option<AgencyId>, Option<bool>);
            let found: Option<Row> = db_run!(conn, |c| sessions::table
                .inner_join(users::table.left_join(agencies::table))
                .filter(sessions::id.eq(sid))
                .filter(sessions::ended_at.is_null())
                .filter(users::active.eq(true))
                .select((
                    users::id,
                    users::role,
                    users::agency_id,
                    agencies::active.nullable(),
                ))
                .first(c)
                .optional())?;
            let Some((user, role, agency, agency_active)) = found else {
                return Err(ended());
            };
            let same = user.as_str() == claims.sub
                && role == claims.role
                && agency.as_ref().map(AgencyId::as_str) == claims.agency.as_deref()
                && agency_active != Some(false);
            if same {
                Ok(())
            } else {
                Err(ended())
            }
        }
    }
}

/// The user a session belongs to, ended or not (for logout).
pub fn user_of(conn: &mut DbConn, session: &str) -> Result<Option<UserRow>, AppError> {
    Ok(db_run!(conn, |c| sessions::table
        .inner_join(users::table)
        .filter(sessions::id.eq(session))
        .select(UserRow::as_select())
        .first(c)
        .optional())?)
}
