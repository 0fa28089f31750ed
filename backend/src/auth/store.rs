//! Data access for logins: users, sessions, refresh tokens, password links
//! and machine clients. Secrets are stored only as SHA-256 hashes.

use chrono::Duration;
use diesel::prelude::*;

use tillit_api::{AgencyId, ClientId, Language, Role, UserId};

use crate::db::db_run;
use crate::db::schema::{agencies, integration_clients, password_links, refresh_tokens, users};
use crate::db::DbConn;
use crate::error::AppError;
use crate::util::{now, random_token, sha256_hex};

pub use super::sessions::{end_all, start as start_session};

pub const REFRESH_TTL_DAYS: i64 = 14;
pub const INVITATION_TTL_DAYS: i64 = 7;
pub const RESET_TTL_MINUTES: i64 = 60;
/// A refresh token presented again this soon after it was swapped is a
/// second tab or a retried request, not a thief: it gets a token of its own.
pub const ROTATION_GRACE_SECS: i64 = 30;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: UserId,
    pub agency_id: Option<AgencyId>,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password_hash: Option<String>,
    pub active: bool,
    pub created_at: chrono::NaiveDateTime,
    pub language: Language,
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = integration_clients)]
pub struct ClientRow {
    pub id: ClientId,
    pub agency_id: AgencyId,
    pub name: String,
    pub client_id: String,
    pub secret_hash: String,
    pub active: bool,
    pub created_at: chrono::NaiveDateTime,
}

/// An active user by email (logins, password resets).
pub fn user_by_email(conn: &mut DbConn, email: &str) -> Result<Option<UserRow>, AppError> {
    Ok(db_run!(conn, |c| users::table
        .filter(users::email.eq(email))
        .filter(users::active.eq(true))
        .select(UserRow::as_select())
        .first(c)
        .optional())?)
}

pub fn user_by_id(conn: &mut DbConn, id: &UserId) -> Result<Option<UserRow>, AppError> {
    Ok(db_run!(conn, |c| users::table
        .find(id)
        .select(UserRow::as_select())
        .first(c)
        .optional())?)
}

pub fn set_password(conn: &mut DbConn, user_id: &UserId, hash: &str) -> Result<(), AppError> {
    db_run!(conn, |c| diesel::update(users::table.find(user_id))
        .set(users::password_hash.eq(hash))
        .execute(c))?;
    Ok(())
}

pub fn agency_name(conn: &mut DbConn, id: &AgencyId) -> Result<Option<String>, AppError> {
    Ok(db_run!(conn, |c| agencies::table
        .find(id)
        .select(agencies::name)
        .first(c)
        .optional())?)
}

/// The name of the user's agency, for people who belong to one.
pub fn agency_name_of(conn: &mut DbConn, user: &UserRow) -> Result<Option<String>, AppError> {
    match &user.agency_id {
        Some(a) => agency_name(conn, a),
        None => Ok(None),
    }
}

/// A new refresh token in `session`; returns the plaintext token.
pub fn issue_refresh(conn: &mut DbConn, session: &str) -> Result<String, AppError> {
    let token = random_token(32)?;
    let row = (
        refresh_tokens::token_hash.eq(sha256_hex(token.as_bytes())),
        refresh_tokens::session_id.eq(session),
        refresh_tokens::expires_at.eq(now() + Duration::days(REFRESH_TTL_DAYS)),
        refresh_tokens::created_at.eq(now()),
    );
    db_run!(conn, |c| diesel::insert_into(refresh_tokens::table)
        .values(row)
        .execute(c))?;
    Ok(token)
}

/// A refresh that worked: the person, their session, the new token.
pub struct Rotated {
    pub user: UserRow,
    pub session: String,
    pub token: String,
}

/// Swaps a refresh token for a new one in the same session. A token swapped
/// longer than [`ROTATION_GRACE_SECS`] ago and presented again was stolen or
/// replayed: its whole session ends.
pub fn rotate_refresh(conn: &mut DbConn, token: &str) -> Result<Option<Rotated>, AppError> {
    let hash = sha256_hex(token.as_bytes());
    let found: Option<(String, chrono::NaiveDateTime, Option<chrono::NaiveDateTime>)> =
        db_run!(conn, |c| refresh_tokens::table
            .find(&hash)
            .select((
                refresh_tokens::session_id,
                refresh_tokens::expires_at,
                refresh_tokens::rotated_at,
            ))
            .first(c)
            .optional())?;
    let Some((session, expires_at, rotated_at)) = found else {
        return Ok(None);
    };
    let t = now();
    if let Some(at) = rotated_at {
        if t - at > Duration::seconds(ROTATION_GRACE_SECS) {
            super::sessions::end(conn, &session)?;
            tracing::warn!("refresh token reused; its session was ended");
            return Ok(None);
        }
    }
    if expires_at < t {
        return Ok(None);
    }
    let Some(user) = super::sessions::live_user(conn, &session)? else {
        return Ok(None);
    };
    if rotated_at.is_none() {
        db_run!(conn, |c| diesel::update(refresh_tokens::table.find(&hash))
            .set(refresh_tokens::rotated_at.eq(t))
            .execute(c))?;
    }
    let token = issue_refresh(conn, &session)?;
    Ok(Some(Rotated {
        user,
        session,
        token,
    }))
}

/// The session a refresh token belongs to, whatever its state.
pub fn session_of_refresh(conn: &mut DbConn, token: &str) -> Result<Option<String>, AppError> {
    let hash = sha256_hex(token.as_bytes());
    Ok(db_run!(conn, |c| refresh_tokens::table
        .find(&hash)
        .select(refresh_tokens::session_id)
        .first(c)
        .optional())?)
}

/// What a password link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    Invitation,
    Reset,
}

impl LinkPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::Invitation => "invitation",
            LinkPurpose::Reset => "reset",
        }
    }
    fn ttl(self) -> Duration {
        match self {
            LinkPurpose::Invitation => Duration::days(INVITATION_TTL_DAYS),
            LinkPurpose::Reset => Duration::minutes(RESET_TTL_MINUTES),
        }
    }
}

/// Makes a link token for `user` (when its mail is sent); only its hash is kept.
pub fn create_link(
    conn: &mut DbConn,
    user_id: &UserId,
    purpose: LinkPurpose,
) -> Result<String, AppError> {
    let token = random_token(32)?;
    let row = (
        password_links::token_hash.eq(sha256_hex(token.as_bytes())),
        password_links::user_id.eq(user_id),
        password_links::purpose.eq(purpose.as_str()),
        password_links::expires_at.eq(now() + purpose.ttl()),
    );
    db_run!(conn, |c| diesel::insert_into(password_links::table)
        .values(row)
        .execute(c))?;
    Ok(token)
}

/// Voids every unused link of `user`: a resent invitation replaces the old
/// link, and a changed password voids pending resets.
pub fn void_links(conn: &mut DbConn, user_id: &UserId) -> Result<usize, AppError> {
    Ok(db_run!(conn, |c| diesel::update(
        password_links::table
            .filter(password_links::user_id.eq(user_id))
            .filter(password_links::used_at.is_null())
    )
    .set(password_links::used_at.eq(now()))
    .execute(c))?)
}

/// The user a link is for, if it is usable, without using it.
pub fn peek_link(
    conn: &mut DbConn,
    token: &str,
    purpose: LinkPurpose,
) -> Result<Option<UserRow>, AppError> {
    let hash = sha256_hex(token.trim().as_bytes());
    Ok(db_run!(conn, |c| password_links::table
        .inner_join(users::table)
        .filter(password_links::token_hash.eq(&hash))
        .filter(password_links::purpose.eq(purpose.as_str()))
        .filter(password_links::used_at.is_null())
        .filter(password_links::expires_at.gt(now()))
        .filter(users::active.eq(true))
        .select(UserRow::as_select())
        .first(c)
        .optional())?)
}

/// Uses a link once: the user it was for, if it is unused, unexpired, of
/// this purpose, and the user is still active.
pub fn use_link(
    conn: &mut DbConn,
    token: &str,
    purpose: LinkPurpose,
) -> Result<Option<UserRow>, AppError> {
    let hash = sha256_hex(token.trim().as_bytes());
    let t = now();
    let used = db_run!(conn, |c| diesel::update(
        password_links::table
            .filter(password_links::token_hash.eq(&hash))
            .filter(password_links::purpose.eq(purpose.as_str()))
            .filter(password_links::used_at.is_null())
            .filter(password_links::expires_at.gt(t))
    )
    .set(password_links::used_at.eq(t))
    .execute(c))?;
    if used == 0 {
        return Ok(None);
    }
    let user_id: UserId = db_run!(conn, |c| password_links::table
        .find(&hash)
        .select(password_links::user_id)
        .first(c))?;
    Ok(user_by_id(conn, &user_id)?.filter(|u| u.active))
}

pub fn client_by_client_id(
    conn: &mut DbConn,
    client_id: &str,
) -> Result<Option<ClientRow>, AppError> {
    Ok(db_run!(conn, |c| integration_clients::table
        .filter(integration_clients::client_id.eq(client_id))
        .filter(integration_clients::active.eq(true))
        .select(ClientRow::as_select())
        .first(c)
        .optional())?)
}
