//! The nightly rewrite of recent responses (ANON-1, ANON-2).
//!
//! A submission marks its invitation answered and stores its response in
//! one transaction, so until they are rewritten the two rows share a
//! PostgreSQL `xmin`, and a SQLite response's `rowid` follows the order of
//! answering. Rewriting the recent responses in one transaction, in random
//! order, gives them all one new `xmin` and a shuffled storage order; the
//! old row versions are then vacuumed (PostgreSQL) or were zeroed on delete
//! and checkpointed out of the WAL (SQLite, `secure_delete`).

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::db::db_run;
use crate::db::schema::{responses, surveys};
use crate::db::{write_tx, DbConn, INSERT_CHUNK};
use crate::error::AppError;

/// Responses of surveys that are open, or closed this many days back, are
/// rewritten (responses keep no date of their own), so a night the server
/// was down is made good the next.
pub const DAYS: i64 = 3;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = responses)]
struct Row {
    id: String,
    survey_id: String,
    unit_id: String,
    answers: String,
    research_consent: bool,
    receipt_hash: String,
}

/// Fisher–Yates with the operating system's randomness.
fn shuffle<T>(items: &mut [T]) -> Result<(), AppError> {
    for i in (1..items.len()).rev() {
        let mut b = [0u8; 8];
        getrandom::fill(&mut b).map_err(|e| AppError::internal(format!("randomness: {e}")))?;
        let j = (u64::from_le_bytes(b) % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
    Ok(())
}

/// Rewrites the responses of surveys open or closed in the last [`DAYS`]
/// days; returns how many.
pub fn rewrite_recent(conn: &mut DbConn) -> Result<usize, AppError> {
    let since = crate::util::now() - chrono::Duration::days(DAYS);
    let recent = surveys::table
        .filter(surveys::state.eq("open").or(surveys::closed_at.gt(since)))
        .select(surveys::id);
    let n = write_tx(conn, |conn| {
        if let DbConn::Postgresql(c) = conn {
            // Writers wait, and then see the rewritten rows: a consent
            // withdrawal cannot land on a row that is being replaced.
            c.batch_execute("LOCK TABLE responses IN EXCLUSIVE MODE")?;
        }
        let mut rows: Vec<Row> = db_run!(conn, |c| responses::table
            .filter(responses::survey_id.eq_any(recent))
            .select(Row::as_select())
            .load(c))?;
        shuffle(&mut rows)?;
        for chunk in rows.chunks(INSERT_CHUNK) {
            let ids: Vec<&String> = chunk.iter().map(|r| &r.id).collect();
            db_run!(conn, |c| diesel::delete(
                responses::table.filter(responses::id.eq_any(&ids))
            )
            .execute(c))?;
        }
        for chunk in rows.chunks(INSERT_CHUNK) {
            db_run!(conn, |c| diesel::insert_into(responses::table)
                .values(chunk)
                .execute(c))?;
        }
        Ok(rows.len())
    })?;
    // The old row versions: gone from the table files and the write-ahead log.
    match conn {
        DbConn::Postgresql(c) => c.batch_execute("VACUUM FULL responses")?,
        DbConn::Sqlite(c) => c.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)")?,
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::shuffle;

    #[test]
    fn anon_1_shuffle_keeps_every_row_and_moves_them() -> Result<(), crate::error::AppError> {
        let mut v: Vec<u32> = (0..1000).collect();
        shuffle(&mut v)?;
        let mut sorted = v.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..1000).collect::<Vec<_>>());
        assert_ne!(v, sorted, "1000 rows left in order: not shuffled");
        Ok(())
    }
}
