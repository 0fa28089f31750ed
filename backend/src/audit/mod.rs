//! GDPR-1: the audit trail. Every action on an agency's personal data,
//! reads included, is appended inside the transaction of the action itself.
//! Entries name who, role, action, object and time — never the personal
//! data.
//!
//! Appending takes no shared lock: an entry is one insert (on PostgreSQL
//! also a row on the sealer's work list, in the same statement), so an
//! agency's writers never queue on each other. SQLite's single writer
//! commits entries in the order of their ids, so there the sealer takes
//! every entry above the last one sealed, and each append writes one row.
//! The sealer ([`seal`]) then links each chain's new entries into its hash
//! chain in batches, as transparency logs integrate queued entries: each
//! seal holds the entry's position, the previous hash and a hash over both
//! and the entry. [`verify`] recomputes every hash, so an edited, removed
//! or reordered sealed entry is found; an entry waits for its seal at most
//! a few seconds (the sealer runs every [`SEAL_EVERY_SECS`] on every
//! instance), and verification reports entries that waited longer.
//!
//! On SQLite an audited read appends its entry to the read [`inbox`], a
//! file of its own, which the sealer empties into the trail: a commit to
//! the database itself would make every other connection reload its pages.

pub mod action;
pub mod inbox;
pub mod routes;
mod seal;

use diesel::prelude::*;
use tillit_api::{AuditVerification, Role};

pub use self::action::Action;
pub use self::inbox::Inbox;
use self::seal::last_sealed;
pub use self::seal::{seal, seal_round};
use crate::db::schema::{audit_entries, audit_seals, audit_unsealed};
use crate::db::{db_run, write_tx, DbConn};
use crate::error::AppError;
use crate::util::{now, sha256_hex};

/// The chain of the processor's own actions that belong to no agency.
pub const PROCESSOR_CHAIN: &str = "processor";
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// How often each instance seals what has been appended.
pub const SEAL_EVERY_SECS: u64 = 1;
/// An entry still unsealed after this long means no sealer is running.
pub const SEAL_OVERDUE_SECS: i64 = 60;
/// Entries one sealing pass links, per chain.
const SEAL_BATCH: i64 = 5000;

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

/// One entry as appended, before its seal.
#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = audit_entries)]
pub struct Entry {
    pub id: i64,
    pub chain: String,
    pub at: chrono::NaiveDateTime,
    pub actor_id: String,
    pub actor_role: String,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub quantity: Option<i64>,
}

/// An entry in its place in the chain.
#[derive(Debug, Clone)]
pub struct Sealed {
    pub seq: i64,
    pub prev_hash: String,
    pub hash: String,
    pub entry: Entry,
}

/// The hash of an entry at `seq` after `prev`. Unit separators keep field
/// boundaries unambiguous; a quantity is hashed only when there is one, so
/// entries from before it existed keep their hashes.
pub fn entry_hash(prev: &str, seq: i64, e: &Entry) -> String {
    let quantity = e.quantity.map(|q| format!("\u{1f}{q}")).unwrap_or_default();
    let text = format!(
        "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}{quantity}",
        prev,
        e.chain,
        seq,
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
/// Called inside the transaction of the action it records, or alone after
/// a read: it is atomic by itself.
pub fn record(
    conn: &mut DbConn,
    chain: &str,
    actor: &Actor,
    action: Action,
    object_id: Option<&str>,
    quantity: Option<i64>,
) -> Result<(), AppError> {
    match conn {
        // One statement, so atomic on its own: an audited read appends it
        // without a transaction around it. Prepared once per connection.
        DbConn::Postgresql(c) => {
            AppendPg {
                chain,
                at: now(),
                actor_id: &actor.id,
                actor_role: actor.role.as_str(),
                action: action.name(),
                object_type: action.object(),
                object_id,
                quantity,
            }
            .execute(c)?;
            Ok(())
        }
        // One row: the sealer finds it by its id (see `seal_in_order`).
        DbConn::Sqlite(_) => write_tx(conn, |conn| {
            let row = (
                audit_entries::chain.eq(chain),
                audit_entries::at.eq(now()),
                audit_entries::actor_id.eq(&actor.id),
                audit_entries::actor_role.eq(actor.role.as_str()),
                audit_entries::action.eq(action.name()),
                audit_entries::object_type.eq(action.object()),
                audit_entries::object_id.eq(object_id),
                audit_entries::quantity.eq(quantity),
            );
            db_run!(conn, |c| {
                diesel::insert_into(audit_entries::table)
                    .values(row)
                    .execute(c)?;
                Ok::<(), AppError>(())
            })
        }),
    }
}

/// PostgreSQL's append: the entry and its row on the sealer's work list in
/// one statement. Written as a query type rather than `sql_query` because
/// diesel caches only statements whose shape is known from their type: as
/// `sql_query` it was parsed and planned on every append, which made the
/// append cost twice as much as the insert itself (docs/benchmarks.md).
struct AppendPg<'a> {
    chain: &'a str,
    at: chrono::NaiveDateTime,
    actor_id: &'a str,
    actor_role: &'a str,
    action: &'a str,
    object_type: &'a str,
    object_id: Option<&'a str>,
    quantity: Option<i64>,
}

impl diesel::query_builder::QueryId for AppendPg<'_> {
    type QueryId = AppendPg<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for AppendPg<'_> {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()> {
        use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};
        out.push_sql(
            "WITH e AS (INSERT INTO audit_entries \
               (chain, at, actor_id, actor_role, action, object_type, object_id, quantity) \
               VALUES (",
        );
        out.push_bind_param::<Text, _>(&self.chain)?;
        out.push_sql(", ");
        out.push_bind_param::<Timestamp, _>(&self.at)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&self.actor_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&self.actor_role)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&self.action)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&self.object_type)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Text>, _>(&self.object_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<BigInt>, _>(&self.quantity)?;
        out.push_sql(
            ") RETURNING id, chain) \
             INSERT INTO audit_unsealed (entry_id, chain) SELECT id, chain FROM e",
        );
        Ok(())
    }
}

impl RunQueryDsl<diesel::PgConnection> for AppendPg<'_> {}

/// Records that `actor` read `object` (after the read, before it is
/// answered): into the read inbox where there is one, else the trail.
pub fn record_read(
    conn: &mut DbConn,
    inbox: Option<&Inbox>,
    chain: &str,
    actor: &Actor,
    action: Action,
    object_id: Option<&str>,
) -> Result<(), AppError> {
    match inbox {
        Some(inbox) => inbox.append(chain, actor, action, object_id),
        None => record(conn, chain, actor, action, object_id, None),
    }
}

/// Entries appended but not sealed yet, the read inbox's included: on
/// `chain`, or on all chains, and how many of them are older than
/// `SEAL_OVERDUE_SECS`.
pub fn unsealed(
    conn: &mut DbConn,
    inbox: Option<&Inbox>,
    chain: Option<&str>,
) -> Result<(i64, i64), AppError> {
    let (waiting, overdue) = unsealed_in_trail(conn, chain)?;
    let (inboxed, inboxed_overdue) = unsealed_in_inbox(conn, inbox, chain)?;
    Ok((waiting + inboxed, overdue + inboxed_overdue))
}

fn unsealed_in_inbox(
    conn: &mut DbConn,
    inbox: Option<&Inbox>,
    chain: Option<&str>,
) -> Result<(i64, i64), AppError> {
    match (inbox, conn) {
        (Some(inbox), DbConn::Sqlite(c)) => inbox.waiting(c, chain, overdue_before()),
        _ => Ok((0, 0)),
    }
}

/// Entries recorded on `chain`: in the trail, sealed or not, and waiting
/// in the read inbox.
pub fn recorded(conn: &mut DbConn, inbox: Option<&Inbox>, chain: &str) -> Result<i64, AppError> {
    let in_trail: i64 = db_run!(conn, |c| audit_entries::table
        .filter(audit_entries::chain.eq(chain))
        .count()
        .get_result(c))?;
    Ok(in_trail + unsealed_in_inbox(conn, inbox, Some(chain))?.0)
}

fn overdue_before() -> chrono::NaiveDateTime {
    now() - chrono::Duration::seconds(SEAL_OVERDUE_SECS)
}

/// As [`unsealed`], counting only entries already in the trail's table.
fn unsealed_in_trail(conn: &mut DbConn, chain: Option<&str>) -> Result<(i64, i64), AppError> {
    let overdue_before = overdue_before();
    let after = match conn {
        DbConn::Sqlite(_) => Some(last_sealed(conn)?),
        DbConn::Postgresql(_) => None,
    };
    db_run!(conn, |c| {
        let mut listed = audit_unsealed::table
            .inner_join(audit_entries::table)
            .into_boxed();
        let mut listed_old = audit_unsealed::table
            .inner_join(audit_entries::table)
            .filter(audit_entries::at.lt(overdue_before))
            .into_boxed();
        if let Some(chain) = chain {
            listed = listed.filter(audit_unsealed::chain.eq(chain));
            listed_old = listed_old.filter(audit_unsealed::chain.eq(chain));
        }
        let mut waiting: i64 = listed.count().get_result(c)?;
        let mut overdue: i64 = listed_old.count().get_result(c)?;
        if let Some(after) = after {
            let mut above = audit_entries::table
                .filter(audit_entries::id.gt(after))
                .into_boxed();
            let mut above_old = audit_entries::table
                .filter(audit_entries::id.gt(after))
                .filter(audit_entries::at.lt(overdue_before))
                .into_boxed();
            if let Some(chain) = chain {
                above = above.filter(audit_entries::chain.eq(chain));
                above_old = above_old.filter(audit_entries::chain.eq(chain));
            }
            waiting += above.count().get_result::<i64>(c)?;
            overdue += above_old.count().get_result::<i64>(c)?;
        }
        Ok::<_, diesel::result::Error>((waiting, overdue))
    })
    .map_err(AppError::from)
}

/// Recomputes every hash of `chain` and checks each link, and that every
/// entry of the chain has its seal or is still waiting for it (briefly).
pub fn verify(
    conn: &mut DbConn,
    inbox: Option<&Inbox>,
    chain: &str,
) -> Result<AuditVerification, AppError> {
    let rows: Vec<(i64, String, String, Entry)> = db_run!(conn, |c| audit_seals::table
        .inner_join(audit_entries::table)
        .filter(audit_seals::chain.eq(chain))
        .order(audit_seals::seq.asc())
        .select((
            audit_seals::seq,
            audit_seals::prev_hash,
            audit_seals::hash,
            Entry::as_select(),
        ))
        .load(c))?;
    let sealed: Vec<Sealed> = rows
        .into_iter()
        .map(|(seq, prev_hash, hash, entry)| Sealed {
            seq,
            prev_hash,
            hash,
            entry,
        })
        .collect();
    let entries: i64 = db_run!(conn, |c| audit_entries::table
        .filter(audit_entries::chain.eq(chain))
        .count()
        .get_result(c))?;
    let (waiting, overdue) = unsealed_in_trail(conn, Some(chain))?;
    let (inboxed, inboxed_overdue) = unsealed_in_inbox(conn, inbox, Some(chain))?;
    let mut v = verify_sealed(&sealed);
    v.unsealed = waiting + inboxed;
    // An entry that is neither sealed nor waiting was taken off the list
    // without a seal; one waiting too long means no sealer runs.
    let late = overdue + inboxed_overdue > 0;
    if v.valid && (entries != sealed.len() as i64 + waiting || late) {
        v.valid = false;
        v.broken_at = Some(sealed.len() as i64 + 1);
    }
    Ok(v)
}

/// Checks a chain's seals, in order: positions from 1 without a gap, each
/// previous hash the one before, each hash recomputed from its entry.
pub fn verify_sealed(rows: &[Sealed]) -> AuditVerification {
    let mut prev = GENESIS.to_string();
    for (i, row) in rows.iter().enumerate() {
        let expected_seq = i as i64 + 1;
        if row.seq != expected_seq
            || row.prev_hash != prev
            || entry_hash(&row.prev_hash, row.seq, &row.entry) != row.hash
        {
            return AuditVerification {
                entries: rows.len() as i64,
                valid: false,
                broken_at: Some(expected_seq),
                unsealed: 0,
            };
        }
        prev = row.hash.clone();
    }
    AuditVerification {
        entries: rows.len() as i64,
        valid: true,
        broken_at: None,
        unsealed: 0,
    }
}

#[cfg(test)]
mod tests;
