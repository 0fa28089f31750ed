//! Data access for logins: users by email, refresh tokens, invitations and
//! machine clients. Secrets are stored only as SHA-256 hashes.

use chrono::Duration;
use diesel::prelude::*;

use crate::db::schema::{agencies, integration_clients, refresh_tokens, user_invitations, users};
use crate::db::DbConn;
use crate::db_run;
use crate::error::AppError;
use crate::util::{new_id, now, random_token, sha256_hex};

pub const REFRESH_TTL_DAYS: i64 = 14;
pub const INVITATION_TTL_DAYS: i64 = 7;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub agency_id: Option<String>,
    pub email: String,
    pub name: String,
    pub role: String,
    pub password_hash: Option<String>,
    pub active: bool,
    pub created_at: chrono::NaiveDateTime,
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = integration_clients)]
pub struct ClientRow {
    pub id: String,
    pub agency_id: String,
    pub name: String,
    pub client_id: String,
    pub secret_hash: String,
    pub active: bool,
    pub created_at: chrono::NaiveDateTime,
}

pub fn user_by_email(conn: &mut DbConn, email: &str) -> Result<Option<UserRow>, AppError> {
    Ok(db_run!(conn, |c| users::table
        .filter(users::email.eq(email))
        .filter(users::active.eq(true))
        .select(UserRow::as_select())
        .first(c)
        .optional())?)
}

pub fn user_by_id(conn: &mut DbConn, id: &str) -> Result<Option<UserRow>, AppError> {
    Ok(db_run!(conn, |c| users::table
        .find(id)
        .select(UserRow::as_select())
        .first(c)
        .optional())?)
}

pub fn agency_name(conn: &mut DbConn, id: &str) -> Result<Option<String>, AppError> {
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

/// Starts or continues a refresh-token family; returns the plaintext token.
pub fn issue_refresh(
    conn: &mut DbConn,
    user_id: &str,
    family: Option<&str>,
) -> Result<String, AppError> {
    let token = random_token(32)?;
    let family = family.map(str::to_string).unwrap_or_else(new_id);
    let row = (
        refresh_tokens::token_hash.eq(sha256_hex(token.as_bytes())),
        refresh_tokens::user_id.eq(user_id),
        refresh_tokens::family.eq(family),
        refresh_tokens::expires_at.eq(now() + Duration::days(REFRESH_TTL_DAYS)),
        refresh_tokens::created_at.eq(now()),
    );
    db_run!(conn, |c| diesel::insert_into(refresh_tokens::table)
        .values(row)
        .execute(c))?;
    Ok(token)
}

pub enum Rotated {
    Ok { user: UserRow, token: String },
    Invalid,
}

/// Swaps a refresh token for a new one. A token presented twice means it was
/// stolen or replayed: the whole family is revoked.
pub fn rotate_refresh(conn: &mut DbConn, token: &str) -> Result<Rotated, AppError> {
    let hash = sha256_hex(token.as_bytes());
    let found: Option<(
        String,
        String,
        chrono::NaiveDateTime,
        Option<chrono::NaiveDateTime>,
    )> = db_run!(conn, |c| refresh_tokens::table
        .find(&hash)
        .select((
            refresh_tokens::user_id,
            refresh_tokens::family,
            refresh_tokens::expires_at,
            refresh_tokens::revoked_at,
        ))
        .first(c)
        .optional())?;
    let Some((user_id, family, expires_at, revoked_at)) = found else {
        return Ok(Rotated::Invalid);
    };
    if revoked_at.is_some() {
        revoke_family(conn, &family)?;
        tracing::warn!("refresh token reused; its family was revoked");
        return Ok(Rotated::Invalid);
    }
    if expires_at < now() {
        return Ok(Rotated::Invalid);
    }
    let user = match user_by_id(conn, &user_id)? {
        Some(u) if u.active => u,
        _ => return Ok(Rotated::Invalid),
    };
    db_run!(conn, |c| diesel::update(refresh_tokens::table.find(&hash))
        .set(refresh_tokens::revoked_at.eq(now()))
        .execute(c))?;
    let token = issue_refresh(conn, &user.id, Some(&family))?;
    Ok(Rotated::Ok { user, token })
}

pub fn revoke_by_token(conn: &mut DbConn, token: &str) -> Result<(), AppError> {
    let hash = sha256_hex(token.as_bytes());
    let family: Option<String> = db_run!(conn, |c| refresh_tokens::table
        .find(&hash)
        .select(refresh_tokens::family)
        .first(c)
        .optional())?;
    if let Some(f) = family {
        revoke_family(conn, &f)?;
    }
    Ok(())
}

fn revoke_family(conn: &mut DbConn, family: &str) -> Result<(), AppError> {
    db_run!(conn, |c| diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family.eq(family))
            .filter(refresh_tokens::revoked_at.is_null())
    )
    .set(refresh_tokens::revoked_at.eq(now()))
    .execute(c))?;
    Ok(())
}

pub fn create_invitation(conn: &mut DbConn, user_id: &str) -> Result<String, AppError> {
    let token = random_token(32)?;
    let row = (
        user_invitations::token_hash.eq(sha256_hex(token.as_bytes())),
        user_invitations::user_id.eq(user_id),
        user_invitations::expires_at.eq(now() + Duration::days(INVITATION_TTL_DAYS)),
    );
    db_run!(conn, |c| diesel::insert_into(user_invitations::table)
        .values(row)
        .execute(c))?;
    Ok(token)
}

/// Uses an invitation once: sets the password and returns the user.
pub fn accept_invitation(
    conn: &mut DbConn,
    token: &str,
    password_hash: &str,
) -> Result<Option<UserRow>, AppError> {
    let hash = sha256_hex(token.as_bytes());
    let found: Option<(String, chrono::NaiveDateTime, Option<chrono::NaiveDateTime>)> =
        db_run!(conn, |c| user_invitations::table
            .find(&hash)
            .select((
                user_invitations::user_id,
                user_invitations::expires_at,
                user_invitations::used_at,
            ))
            .first(c)
            .optional())?;
    let Some((user_id, expires_at, None)) = found else {
        return Ok(None);
    };
    if expires_at < now() {
        return Ok(None);
    }
    db_run!(conn, |c| {
        diesel::update(user_invitations::table.find(&hash))
            .set(user_invitations::used_at.eq(now()))
            .execute(c)?;
        diesel::update(users::table.find(&user_id))
            .set(users::password_hash.eq(password_hash))
            .execute(c)
    })?;
    user_by_id(conn, &user_id)
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
