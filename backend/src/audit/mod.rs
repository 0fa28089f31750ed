//! GDPR-1: the audit trail. Every action on an agency's personal data, reads
//! included, goes through [`record`] inside the same transaction as the
//! action itself. Entries name who, role, action, object and time — never
//! the personal data — and each carries the hash of the one before it, so
//! any edit or deletion breaks the chain that [`verify`] recomputes.

pub mod routes;

use diesel::prelude::*;
use tillit_api::{AuditVerification, Role};

use crate::db::schema::{audit_heads, audit_log};
use crate::db::DbConn;
use crate::db_run;
use crate::error::AppError;
use crate::util::{now, sha256_hex};

/// The chain of the processor's own actions that belong to no agency.
pub const PROCESSOR_CHAIN: &str = "processor";
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone)]
pub struct Actor {
    pub id: String,
    pub role: Role,
}

impl Actor {
    pub fn system() -> Actor {
        Actor {
            id: "system".into(),
            role: Role::ProcessorAdmin,
        }
    }
}

/// What was done: `<object>.<verb>`, e.g. `employee.list`, `employee.update`.
pub struct Event<'a> {
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: Option<&'a str>,
    /// How many like actions the entry stands for (answering is recorded as
    /// counts per period, never one entry per respondent).
    pub quantity: Option<i64>,
}

impl<'a> Event<'a> {
    pub fn new(action: &'a str, object_type: &'a str, object_id: Option<&'a str>) -> Self {
        Event {
            action,
            object_type,
            object_id,
            quantity: None,
        }
    }
    pub fn times(mut self, n: i64) -> Self {
        self.quantity = Some(n);
        self
    }
}

#[derive(Queryable, Insertable, Debug, Clone)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub chain: String,
    pub seq: i64,
    pub at: chrono::NaiveDateTime,
    pub actor_id: String,
    pub actor_role: String,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub prev_hash: String,
    pub hash: String,
    pub quantity: Option<i64>,
}

fn entry_hash(e: &AuditRow) -> String {
    // Unit separators keep field boundaries unambiguous. A quantity is
    // hashed only when there is one, so entries from before it existed
    // keep their hashes.
    let quantity = e.quantity.map(|q| format!("\u{1f}{q}")).unwrap_or_default();
    let text = format!(
        "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}{quantity}",
        e.prev_hash,
        e.chain,
        e.seq,
        e.at.format("%Y-%m-%dT%H:%M:%S%.6f"),
        e.actor_id,
        e.actor_role,
        e.action,
        e.object_type,
        e.object_id.as_deref().unwrap_or("")
    );
    sha256_hex(text.as_bytes())
}

/// Appends one entry to `chain` (an agency id, or [`PROCESSOR_CHAIN`]).
/// Call inside the transaction of the action it records.
pub fn record(
    conn: &mut DbConn,
    chain: &str,
    actor: &Actor,
    ev: Event<'_>,
) -> Result<(), AppError> {
    db_run!(conn, |c| append(c, chain, actor, &ev))
}

/// The chain's head, read with `$read`; its row is made on the chain's first
/// entry (racing first entries on PostgreSQL both insert, one does nothing).
macro_rules! head_or_start {
    ($c:ident, $chain:ident, $read:expr) => {{
        let read = $read;
        match read(&mut *$c)? {
            Some(head) => head,
            None => {
                diesel::insert_into(audit_heads::table)
                    .values((
                        audit_heads::chain.eq($chain),
                        audit_heads::seq.eq(0i64),
                        audit_heads::hash.eq(GENESIS),
                    ))
                    .on_conflict_do_nothing()
                    .execute(&mut *$c)?;
                read(&mut *$c)?.ok_or(diesel::result::Error::NotFound)?
            }
        }
    }};
}

macro_rules! append_body {
    ($c:ident, $head:expr, $chain:ident, $actor:ident, $ev:ident) => {{
        let (seq, prev): (i64, String) = $head;
        let mut row = AuditRow {
            chain: $chain.to_string(),
            seq: seq + 1,
            at: now(),
            actor_id: $actor.id.clone(),
            actor_role: $actor.role.as_str().to_string(),
            action: $ev.action.to_string(),
            object_type: $ev.object_type.to_string(),
            object_id: $ev.object_id.map(str::to_string),
            prev_hash: prev,
            hash: String::new(),
            quantity: $ev.quantity,
        };
        row.hash = entry_hash(&row);
        diesel::insert_into(audit_log::table)
            .values(&row)
            .execute($c)?;
        diesel::update(audit_heads::table.find($chain))
            .set((
                audit_heads::seq.eq(row.seq),
                audit_heads::hash.eq(&row.hash),
            ))
            .execute($c)?;
        Ok(())
    }};
}

trait Append {
    fn append_entry(&mut self, chain: &str, actor: &Actor, ev: &Event<'_>) -> Result<(), AppError>;
}

fn append<C: Append>(
    c: &mut C,
    chain: &str,
    actor: &Actor,
    ev: &Event<'_>,
) -> Result<(), AppError> {
    c.append_entry(chain, actor, ev)
}

impl Append for diesel::SqliteConnection {
    fn append_entry(&mut self, chain: &str, actor: &Actor, ev: &Event<'_>) -> Result<(), AppError> {
        let c = self;
        // SQLite has one writer at a time, so the head cannot move under us.
        let head = head_or_start!(c, chain, |c: &mut Self| audit_heads::table
            .find(chain)
            .select((audit_heads::seq, audit_heads::hash))
            .first::<(i64, String)>(c)
            .optional());
        append_body!(c, head, chain, actor, ev)
    }
}

impl Append for diesel::PgConnection {
    fn append_entry(&mut self, chain: &str, actor: &Actor, ev: &Event<'_>) -> Result<(), AppError> {
        let c = self;
        // The row lock serialises writers of one chain across server instances.
        let head = head_or_start!(c, chain, |c: &mut Self| audit_heads::table
            .find(chain)
            .select((audit_heads::seq, audit_heads::hash))
            .for_update()
            .first::<(i64, String)>(c)
            .optional());
        append_body!(c, head, chain, actor, ev)
    }
}

/// Recomputes every hash of `chain` and checks each link.
pub fn verify(conn: &mut DbConn, chain: &str) -> Result<AuditVerification, AppError> {
    let rows: Vec<AuditRow> = db_run!(conn, |c| audit_log::table
        .filter(audit_log::chain.eq(chain))
        .order(audit_log::seq.asc())
        .load(c))?;
    Ok(verify_rows(&rows))
}

pub fn verify_rows(rows: &[AuditRow]) -> AuditVerification {
    let mut prev = GENESIS.to_string();
    for (i, row) in rows.iter().enumerate() {
        let expected_seq = i as i64 + 1;
        if row.seq != expected_seq || row.prev_hash != prev || entry_hash(row) != row.hash {
            return AuditVerification {
                entries: rows.len() as i64,
                valid: false,
                broken_at: Some(expected_seq),
            };
        }
        prev = row.hash.clone();
    }
    AuditVerification {
        entries: rows.len() as i64,
        valid: true,
        broken_at: None,
    }
}

#[cfg(test)]
mod tests;
