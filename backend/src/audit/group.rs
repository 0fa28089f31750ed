//! Audited reads append their entries together. Each read records its entry
//! after its read transaction and before it answers (GDPR-1); with many
//! reads at once, each append taking the write turn on its own made reads
//! queue behind each other's commits. Here whoever gets the turn appends
//! every entry waiting by then in one transaction, and each read still
//! answers only once its own entry is stored: group commit, as databases
//! do for their logs.

use std::sync::Arc;

use diesel::prelude::*;
use parking_lot::{const_mutex, Mutex};

use super::{Action, Actor};
use crate::db::schema::{audit_entries, audit_unsealed};
use crate::db::{db_run, write_tx, DbConn};
use crate::error::AppError;
use crate::util::now;

#[derive(Insertable)]
#[diesel(table_name = audit_entries)]
struct NewEntry {
    chain: String,
    at: chrono::NaiveDateTime,
    actor_id: String,
    actor_role: &'static str,
    action: &'static str,
    object_type: &'static str,
    object_id: Option<String>,
}

/// Where an entry learns that it was stored, or why not.
type Outcome = Arc<Mutex<Option<Result<(), String>>>>;

/// Entries waiting to be appended, each with its outcome.
static WAITING: Mutex<Vec<(NewEntry, Outcome)>> = const_mutex(Vec::new());
/// One group at a time per process.
static TURN: Mutex<()> = const_mutex(());

/// Appends one read's entry to `chain`, grouped with the other reads'
/// entries waiting at the same time; returns once it is stored.
pub fn record_read(
    conn: &mut DbConn,
    chain: &str,
    actor: &Actor,
    action: Action,
    object_id: Option<&str>,
) -> Result<(), AppError> {
    let outcome: Outcome = Arc::default();
    let entry = NewEntry {
        chain: chain.to_string(),
        at: now(),
        actor_id: actor.id.clone(),
        actor_role: actor.role.as_str(),
        action: action.name(),
        object_type: action.object(),
        object_id: object_id.map(str::to_string),
    };
    WAITING.lock().push((entry, outcome.clone()));
    let _turn = TURN.lock();
    // Appended by the group before ours?
    if let Some(done) = outcome.lock().take() {
        return done.map_err(AppError::internal);
    }
    let group = std::mem::take(&mut *WAITING.lock());
    let result = append(conn, &group).map_err(|e| e.to_string());
    for (_, waiting) in &group {
        *waiting.lock() = Some(result.clone());
    }
    let mine = outcome.lock().take();
    match mine {
        Some(done) => done.map_err(AppError::internal),
        None => Err(AppError::internal("an audit entry left out of its group")),
    }
}

/// The group in one transaction: on PostgreSQL with its rows on the
/// sealer's work list, on SQLite as the entries alone (see `seal_in_order`).
fn append(conn: &mut DbConn, group: &[(NewEntry, Outcome)]) -> Result<(), AppError> {
    let rows: Vec<&NewEntry> = group.iter().map(|(e, _)| e).collect();
    match conn {
        DbConn::Postgresql(c) => c.transaction(|c| {
            let ids: Vec<(i64, String)> = diesel::insert_into(audit_entries::table)
                .values(rows)
                .returning((audit_entries::id, audit_entries::chain))
                .get_results(c)?;
            let work: Vec<_> = ids
                .into_iter()
                .map(|(id, chain)| {
                    (
                        audit_unsealed::entry_id.eq(id),
                        audit_unsealed::chain.eq(chain),
                    )
                })
                .collect();
            diesel::insert_into(audit_unsealed::table)
                .values(work)
                .execute(c)?;
            Ok::<(), AppError>(())
        }),
        DbConn::Sqlite(_) => write_tx(conn, |conn| {
            db_run!(conn, |c| {
                diesel::insert_into(audit_entries::table)
                    .values(rows)
                    .execute(c)?;
                Ok::<(), AppError>(())
            })
        }),
    }
}
