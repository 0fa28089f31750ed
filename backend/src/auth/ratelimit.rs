//! Failed-login limits, kept in the database so every server instance sees
//! the same counts (the backend stays stateless).

use chrono::Duration;
use diesel::prelude::*;

use crate::db::schema::login_failures;
use crate::db::DbConn;
use crate::db_run;
use crate::error::AppError;
use crate::util::{new_id, now, sha256_hex};

pub const WINDOW_SECS: i64 = 15 * 60;
pub const MAX_PER_ACCOUNT: i64 = 5;
pub const MAX_PER_ADDRESS: i64 = 30;

/// The keys a login attempt counts against. Account keys are hashed so the
/// table holds no email addresses.
pub fn keys(account: &str, address: &str) -> [(String, i64); 2] {
    [
        (
            format!("acct:{}", sha256_hex(account.as_bytes())),
            MAX_PER_ACCOUNT,
        ),
        (format!("addr:{address}"), MAX_PER_ADDRESS),
    ]
}

/// Refuses with 429 and Retry-After while any key is over its limit.
pub fn check(conn: &mut DbConn, keys: &[(String, i64)]) -> Result<(), AppError> {
    let since = now() - Duration::seconds(WINDOW_SECS);
    for (key, max) in keys {
        let times: Vec<chrono::NaiveDateTime> = db_run!(conn, |c| login_failures::table
            .filter(login_failures::key.eq(key))
            .filter(login_failures::at.gt(since))
            .select(login_failures::at)
            .order(login_failures::at.desc())
            .limit(*max)
            .load(c))?;
        if times.len() as i64 >= *max {
            // The oldest counted failure leaves the window first.
            let oldest = times.last().copied().unwrap_or_else(now);
            let free_at = oldest + Duration::seconds(WINDOW_SECS);
            let wait = (free_at - now()).num_seconds().max(1);
            return Err(AppError::TooManyRequests {
                retry_after_secs: wait as u64,
            });
        }
    }
    Ok(())
}

pub fn record_failure(conn: &mut DbConn, keys: &[(String, i64)]) -> Result<(), AppError> {
    let at = now();
    let rows: Vec<_> = keys
        .iter()
        .map(|(k, _)| {
            (
                login_failures::id.eq(new_id()),
                login_failures::key.eq(k.clone()),
                login_failures::at.eq(at),
            )
        })
        .collect();
    db_run!(conn, |c| {
        for row in &rows {
            diesel::insert_into(login_failures::table)
                .values(row.clone())
                .execute(c)?;
        }
        // Old failures tell nothing; keep the table small.
        diesel::delete(login_failures::table.filter(login_failures::at.lt(at - Duration::days(1))))
            .execute(c)?;
        Ok::<(), AppError>(())
    })
}

pub fn clear(conn: &mut DbConn, key: &str) -> Result<(), AppError> {
    db_run!(conn, |c| diesel::delete(
        login_failures::table.filter(login_failures::key.eq(key))
    )
    .execute(c))?;
    Ok(())
}
