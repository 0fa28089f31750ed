//! Group commit for audited reads on SQLite.
//!
//! Each audited read appends one entry before it answers. On SQLite every
//! append is a commit by the one writer, and under load most of an audited
//! read's extra cost was that commit. Readers therefore queue their entries
//! here; whichever of them gets the writer's turn first writes every entry
//! waiting at that moment in one transaction and tells the others theirs is
//! stored. A reader still answers only after its own entry is committed.
//! PostgreSQL appends each entry in one statement and needs none of this.

use std::sync::{Arc, Mutex};

use crate::db::{immediate_in_turn, sqlite_writer_turn, DbConn};
use crate::error::AppError;

use super::{insert_rows, record, Action, Actor};

/// The entries of one database's audited reads waiting to be written (one
/// per [`crate::state::AppState`], so a batch never mixes databases).
#[derive(Default)]
pub struct Appender {
    waiting: Mutex<Vec<Waiting>>,
}

struct Waiting {
    chain: String,
    actor: Actor,
    action: Action,
    object: Option<String>,
    outcome: Arc<Outcome>,
}

/// Set once by whoever wrote the entry: `Ok`, or why the batch failed.
#[derive(Default)]
struct Outcome {
    result: Mutex<Option<Result<(), String>>>,
}

impl Outcome {
    fn take(&self) -> Option<Result<(), String>> {
        self.result.lock().ok()?.clone()
    }
    fn set(&self, r: Result<(), String>) {
        if let Ok(mut slot) = self.result.lock() {
            *slot = Some(r);
        }
    }
}

impl Appender {
    /// Appends `action` on `object` to `chain`, committed when this returns.
    pub fn append(
        &self,
        conn: &mut DbConn,
        chain: &str,
        actor: &Actor,
        action: Action,
        object: Option<&str>,
    ) -> Result<(), AppError> {
        if !matches!(conn, DbConn::Sqlite(_)) {
            return record(conn, chain, actor, action, object, None);
        }
        let outcome = Arc::new(Outcome::default());
        self.waiting
            .lock()
            .map_err(|_| AppError::internal("audit queue poisoned"))?
            .push(Waiting {
                chain: chain.to_string(),
                actor: actor.clone(),
                action,
                object: object.map(str::to_string),
                outcome: outcome.clone(),
            });
        let turn = sqlite_writer_turn()?;
        // The writer before us may have written ours with its batch.
        if let Some(done) = outcome.take() {
            drop(turn);
            return done.map_err(AppError::internal);
        }
        let batch = std::mem::take(
            &mut *self
                .waiting
                .lock()
                .map_err(|_| AppError::internal("audit queue poisoned"))?,
        );
        let written = immediate_in_turn(conn, |conn| {
            for w in &batch {
                insert_rows(
                    conn,
                    &w.chain,
                    &w.actor,
                    w.action,
                    w.object.as_deref(),
                    None,
                )?;
            }
            Ok(())
        });
        // Told before the turn passes on, so the next in turn finds its
        // entry done if it was in this batch.
        let shared = written.as_ref().map(|_| ()).map_err(|e| format!("{e:?}"));
        for w in &batch {
            w.outcome.set(shared.clone());
        }
        drop(turn);
        written?;
        outcome
            .take()
            .unwrap_or_else(|| Err("audit entry left unwritten".into()))
            .map_err(AppError::internal)
    }
}
