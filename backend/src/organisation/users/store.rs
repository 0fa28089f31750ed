//! The agency's users in the database, always within the caller's agency
//! (ROLE-1).

use std::collections::HashMap;

use diesel::prelude::*;
use tillit_api::{FieldCode, Language, ProblemCode, Role, UnitId, User, UserId};

use crate::auth::sessions;
use crate::auth::store::UserRow;
use crate::db::schema::{leader_units, users};
use crate::db::{db_run, paged, Paging};
use crate::db::{like_pattern, lower};
use crate::domain::EmailAddress;
use crate::error::AppError;
use crate::mail::account::{self, Kind};
use crate::organisation::units as unit_store;
use crate::util::{new_id, now};
use crate::work::Tx;
use tillit_api::Page;

pub fn to_api(r: UserRow, unit_ids: Vec<UnitId>) -> User {
    User {
        activated: r.password_hash.is_some(),
        language: r.language,
        role: r.role,
        id: r.id,
        email: r.email,
        name: r.name,
        active: r.active,
        unit_ids,
    }
}

/// A new person of the agency, with their invitation mail queued: the link
/// goes to them alone, never back to whoever invited them.
pub fn invite(
    tx: &mut Tx<'_>,
    email: &EmailAddress,
    name: &str,
    role: Role,
    language: Language,
) -> Result<UserRow, AppError> {
    let row = UserRow {
        id: UserId(new_id()),
        agency_id: Some(tx.agency().clone()),
        email: email.as_str().to_string(),
        name: name.to_string(),
        role,
        password_hash: None,
        active: true,
        created_at: now(),
        language,
    };
    db_run!(tx.conn(), |c| diesel::insert_into(users::table)
        .values(&row)
        .execute(c))
    .map_err(|e| match AppError::from(e) {
        AppError::Conflict(..) => AppError::conflict(
            ProblemCode::EmailTaken,
            "A user with this email address already exists.",
        ),
        other => other,
    })?;
    account::queue(tx.conn(), &row.id, Kind::Invitation)?;
    Ok(row)
}

pub fn get(tx: &mut Tx<'_>, id: &UserId) -> Result<UserRow, AppError> {
    let agency = tx.agency().clone();
    Ok(db_run!(tx.conn(), |c| users::table
        .filter(users::agency_id.eq(&agency))
        .filter(users::id.eq(id))
        .select(UserRow::as_select())
        .first(c))?)
}

/// One page of users by name; `pattern` searches email and name.
pub fn page(
    tx: &mut Tx<'_>,
    pattern: Option<&str>,
    inactive: bool,
    paging: Paging,
) -> Result<Page<UserRow>, AppError> {
    let agency = tx.agency().clone();
    let pattern = like_pattern(pattern);
    Ok(paged!(
        tx.conn(),
        paging,
        {
            let mut q = users::table
                .filter(users::agency_id.eq(&agency))
                .into_boxed();
            if !inactive {
                q = q.filter(users::active.eq(true));
            }
            if let Some(p) = &pattern {
                q = q.filter(
                    users::email
                        .like(p.clone())
                        .or(lower(users::name).like(p.clone())),
                );
            }
            q
        },
        order = (users::name.asc(), users::id.asc()),
        select = UserRow::as_select(),
    )?)
}

/// The units each of `user_ids` leads (they are the agency's: the callers
/// got them from `get` or `page`).
pub fn led_units(
    tx: &mut Tx<'_>,
    user_ids: &[UserId],
) -> Result<HashMap<UserId, Vec<UnitId>>, AppError> {
    let rows: Vec<(UserId, UnitId)> = db_run!(tx.conn(), |c| leader_units::table
        .filter(leader_units::user_id.eq_any(user_ids))
        .select((leader_units::user_id, leader_units::unit_id))
        .load(c))?;
    let mut out: HashMap<UserId, Vec<UnitId>> = HashMap::new();
    for (u, unit) in rows {
        out.entry(u).or_default().push(unit);
    }
    Ok(out)
}

/// Sets the units a leader leads; only leaders lead, and only the agency's
/// own units.
pub fn set_led_units(
    tx: &mut Tx<'_>,
    user_id: &UserId,
    role: Role,
    unit_ids: &[UnitId],
) -> Result<(), AppError> {
    if role != Role::Leader && !unit_ids.is_empty() {
        return Err(AppError::invalid(
            "unit_ids",
            FieldCode::NotALeader,
            "only leaders lead units",
        ));
    }
    for (i, u) in unit_ids.iter().enumerate() {
        if unit_store::get(tx, u).is_err() {
            return Err(AppError::Invalid(vec![unit_store::unknown_unit(&format!(
                "unit_ids[{i}]"
            ))]));
        }
    }
    db_run!(tx.conn(), |c| {
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

/// Renames a user and sets their role; a changed role ends every session
/// (tokens name the role: none of the old ones may act on).
pub fn update(tx: &mut Tx<'_>, row: &UserRow) -> Result<(), AppError> {
    let agency = tx.agency().clone();
    db_run!(tx.conn(), |c| diesel::update(
        users::table
            .filter(users::agency_id.eq(&agency))
            .filter(users::id.eq(&row.id))
    )
    .set((users::name.eq(&row.name), users::role.eq(row.role)))
    .execute(c))?;
    Ok(())
}

/// Deactivates a user: every session ends, every link stops working.
pub fn deactivate(tx: &mut Tx<'_>, id: &UserId) -> Result<(), AppError> {
    let row = get(tx, id)?;
    db_run!(tx.conn(), |c| diesel::update(users::table.find(&row.id))
        .set(users::active.eq(false))
        .execute(c))?;
    sessions::end_all(tx.conn(), &row.id, None)?;
    crate::auth::store::void_links(tx.conn(), &row.id)?;
    Ok(())
}

/// Queues a new invitation for a user who can still take it.
pub fn reinvite(tx: &mut Tx<'_>, row: &UserRow) -> Result<(), AppError> {
    if row.agency_id.as_ref() != Some(tx.agency()) {
        return Err(AppError::NotFound);
    }
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
    account::queue(tx.conn(), &row.id, Kind::Invitation)
}
