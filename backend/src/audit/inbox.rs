//! SQLite: where audited reads append their entries before the sealer
//! takes them into the trail. A file of its own beside the database
//! (`<database>-reads`), because any commit to a SQLite file makes every
//! other connection to it drop its whole page cache before its next read:
//! appending each read's entry to the database itself made the next reads
//! on every connection load their pages again, a quarter of what a read
//! costs (docs/benchmarks.md). Commits to this file leave the database's
//! caches alone. An entry here is committed before the read is answered,
//! as in the trail; the sealer moves it into the trail (with the time it
//! was made) within about a second.
//!
//! Moving is safe across a crash: the database remembers the last inbox id
//! it took (`audit_inbox_done`, in the same transaction as the entries it
//! took), the inbox forgets entries only up to that id, and its ids only
//! grow (AUTOINCREMENT, raised to that id when the file is new). The inbox
//! holds its database's key, so one left from a deleted database is
//! emptied rather than moved into a new one.
//! PostgreSQL has no such cache and appends reads to the trail directly.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;

use super::{Action, Actor};
use crate::db::schema::{audit_entries, audit_inbox_done};
use crate::error::AppError;
use crate::util::now;

diesel::table! {
    audit_inbox (id) {
        id -> BigInt,
        chain -> Text,
        at -> Timestamp,
        actor_id -> Text,
        actor_role -> Text,
        action -> Text,
        object_type -> Text,
        object_id -> Nullable<Text>,
    }
}

type Row = (
    i64,
    String,
    chrono::NaiveDateTime,
    String,
    String,
    String,
    String,
    Option<String>,
);

/// Entries one round moves, as the sealer seals at most that many.
const MOVE_BATCH: i64 = super::SEAL_BATCH;

/// The inbox of one SQLite database. Its appends take turns on one
/// connection: SQLite has one writer per file anyway, and waiting on this
/// lock wakes the next at once where SQLite's busy handler would sleep.
pub struct Inbox {
    conn: parking_lot::Mutex<SqliteConnection>,
}

impl Inbox {
    /// The inbox of the SQLite database at `url`, made if missing; None on
    /// PostgreSQL and for databases without a file of their own.
    pub fn open(url: &str, main: &mut crate::db::DbConn) -> Result<Option<Inbox>, AppError> {
        let crate::db::DbConn::Sqlite(main) = main else {
            return Ok(None);
        };
        let path = url.strip_prefix("sqlite://").unwrap_or(url);
        if path.is_empty() || path.starts_with(':') || path.starts_with("file:") {
            return Ok(None);
        }
        let mut conn = SqliteConnection::establish(&format!("{path}-reads"))
            .map_err(|e| AppError::internal(format!("cannot open the read inbox: {e}")))?;
        conn.batch_execute(
            "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
             PRAGMA synchronous = NORMAL; PRAGMA secure_delete = ON; \
             CREATE TABLE IF NOT EXISTS audit_inbox_owner (key TEXT NOT NULL); \
             CREATE TABLE IF NOT EXISTS audit_inbox ( \
                 id INTEGER PRIMARY KEY AUTOINCREMENT, chain TEXT NOT NULL, \
                 at TIMESTAMP NOT NULL, actor_id TEXT NOT NULL, \
                 actor_role TEXT NOT NULL, action TEXT NOT NULL, \
                 object_type TEXT NOT NULL, object_id TEXT);",
        )?;
        claim(&mut conn, main)?;
        Ok(Some(Inbox {
            conn: parking_lot::Mutex::new(conn),
        }))
    }

    /// Appends one read's entry, committed when this returns.
    pub fn append(
        &self,
        chain: &str,
        actor: &Actor,
        action: Action,
        object_id: Option<&str>,
    ) -> Result<(), AppError> {
        let mut conn = self.conn.lock();
        diesel::insert_into(audit_inbox::table)
            .values((
                audit_inbox::chain.eq(chain),
                audit_inbox::at.eq(now()),
                audit_inbox::actor_id.eq(&actor.id),
                audit_inbox::actor_role.eq(actor.role.as_str()),
                audit_inbox::action.eq(action.name()),
                audit_inbox::object_type.eq(action.object()),
                audit_inbox::object_id.eq(object_id),
            ))
            .execute(&mut *conn)?;
        Ok(())
    }

    /// Moves the waiting entries into the trail, in the order they were
    /// appended; `main` is in the sealer's write transaction. Returns the
    /// last inbox id moved, for [`Inbox::forget`] once that commits.
    pub fn move_into(&self, main: &mut SqliteConnection) -> Result<Option<i64>, AppError> {
        let after = moved_up_to(main)?;
        let rows: Vec<Row> = {
            let mut conn = self.conn.lock();
            audit_inbox::table
                .filter(audit_inbox::id.gt(after))
                .order(audit_inbox::id.asc())
                .limit(MOVE_BATCH)
                .load(&mut *conn)?
        };
        let Some(last) = rows.last().map(|r| r.0) else {
            return Ok(None);
        };
        let entries: Vec<_> = rows
            .into_iter()
            .map(
                |(_, chain, at, actor_id, actor_role, action, object_type, object_id)| {
                    (
                        audit_entries::chain.eq(chain),
                        audit_entries::at.eq(at),
                        audit_entries::actor_id.eq(actor_id),
                        audit_entries::actor_role.eq(actor_role),
                        audit_entries::action.eq(action),
                        audit_entries::object_type.eq(object_type),
                        audit_entries::object_id.eq(object_id),
                    )
                },
            )
            .collect();
        for chunk in entries.chunks(crate::db::INSERT_CHUNK / 7) {
            diesel::insert_into(audit_entries::table)
                .values(chunk)
                .execute(main)?;
        }
        diesel::update(audit_inbox_done::table.find(1))
            .set(audit_inbox_done::last_id.eq(last))
            .execute(main)?;
        Ok(Some(last))
    }

    /// Drops the entries up to `last`, which the trail now holds.
    pub fn forget(&self, last: i64) -> Result<(), AppError> {
        let mut conn = self.conn.lock();
        diesel::delete(audit_inbox::table.filter(audit_inbox::id.le(last))).execute(&mut *conn)?;
        Ok(())
    }

    /// Entries waiting here, on `chain` or all chains, and how many of them
    /// were made before `overdue_before`.
    pub fn waiting(
        &self,
        main: &mut SqliteConnection,
        chain: Option<&str>,
        overdue_before: chrono::NaiveDateTime,
    ) -> Result<(i64, i64), AppError> {
        let after = moved_up_to(main)?;
        let mut conn = self.conn.lock();
        let mut all = audit_inbox::table
            .filter(audit_inbox::id.gt(after))
            .into_boxed();
        let mut old = audit_inbox::table
            .filter(audit_inbox::id.gt(after))
            .filter(audit_inbox::at.lt(overdue_before))
            .into_boxed();
        if let Some(chain) = chain {
            all = all.filter(audit_inbox::chain.eq(chain));
            old = old.filter(audit_inbox::chain.eq(chain));
        }
        Ok((
            all.count().get_result(&mut *conn)?,
            old.count().get_result(&mut *conn)?,
        ))
    }
}

/// Makes the inbox `main`'s. A new inbox file, or one left from another
/// database (its file deleted and made anew), starts empty and above every
/// id `main` has taken, so nothing is skipped as moved and nothing of the
/// other database's is moved in.
fn claim(inbox: &mut SqliteConnection, main: &mut SqliteConnection) -> Result<(), AppError> {
    use diesel::sql_types::{BigInt, Text};
    let key = uuid::Uuid::new_v4().to_string();
    diesel::insert_or_ignore_into(audit_inbox_done::table)
        .values((
            audit_inbox_done::id.eq(1),
            audit_inbox_done::last_id.eq(0i64),
            audit_inbox_done::inbox_key.eq(&key),
        ))
        .execute(main)?;
    let (taken, key): (i64, String) = audit_inbox_done::table
        .find(1)
        .select((audit_inbox_done::last_id, audit_inbox_done::inbox_key))
        .first(main)?;
    inbox.immediate_transaction(|c| {
        let owner: Option<String> = diesel::sql_query("SELECT key FROM audit_inbox_owner")
            .get_result::<Owner>(c)
            .optional()?
            .map(|o| o.key);
        if owner.as_deref() == Some(key.as_str()) {
            return Ok::<(), diesel::result::Error>(());
        }
        c.batch_execute(
            "DELETE FROM audit_inbox; DELETE FROM audit_inbox_owner; \
             DELETE FROM sqlite_sequence WHERE name = 'audit_inbox';",
        )?;
        diesel::sql_query("INSERT INTO sqlite_sequence (name, seq) VALUES ('audit_inbox', ?)")
            .bind::<BigInt, _>(taken)
            .execute(c)?;
        diesel::sql_query("INSERT INTO audit_inbox_owner (key) VALUES (?)")
            .bind::<Text, _>(&key)
            .execute(c)?;
        Ok(())
    })?;
    Ok(())
}

#[derive(QueryableByName)]
struct Owner {
    #[diesel(sql_type = diesel::sql_types::Text)]
    key: String,
}

/// The last inbox id the trail took (0 before the first).
fn moved_up_to(main: &mut SqliteConnection) -> Result<i64, AppError> {
    Ok(audit_inbox_done::table
        .find(1)
        .select(audit_inbox_done::last_id)
        .first::<i64>(main)
        .optional()?
        .unwrap_or(0))
}
