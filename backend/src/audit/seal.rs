//! The sealer: links each chain's appended entries into its hash chain,
//! in batches, about once a second on every instance (see the module above).

use diesel::prelude::*;

use super::{entry_hash, Entry, Inbox, GENESIS, SEAL_BATCH};
use crate::db::schema::{audit_entries, audit_heads, audit_seals, audit_unsealed};
use crate::db::{db_run, write_tx, DbConn};
use crate::error::AppError;

/// The sealer's round, each second on every instance: seal what was
/// appended, then checkpoint SQLite's log (those appends are most of its
/// writes), so no request's commit has to.
pub fn seal_round(conn: &mut DbConn, inbox: Option<&Inbox>) -> Result<usize, AppError> {
    let sealed = seal(conn, inbox)?;
    crate::db::checkpoint(conn)?;
    Ok(sealed)
}

/// Seals what every chain has appended, the read inbox's entries
/// included; returns how many entries.
pub fn seal(conn: &mut DbConn, inbox: Option<&Inbox>) -> Result<usize, AppError> {
    // The work list: every entry on PostgreSQL; on SQLite only entries
    // appended before it sealed by id, which go first.
    let chains: Vec<String> = db_run!(conn, |c| audit_unsealed::table
        .select(audit_unsealed::chain)
        .distinct()
        .load(c))?;
    let mut sealed = 0;
    for chain in &chains {
        sealed += seal_chain(conn, chain)?;
    }
    if chains.is_empty() && matches!(conn, DbConn::Sqlite(_)) {
        let (n, moved) = seal_in_order(conn, inbox)?;
        sealed += n;
        // Only once the trail holds them for sure (see `inbox`).
        if let (Some(inbox), Some(last)) = (inbox, moved) {
            inbox.forget(last)?;
        }
    }
    Ok(sealed)
}

/// Seals one chain's entries on the work list, in the order they were
/// appended. The chain's head row is the sealer's lock: on PostgreSQL a
/// second sealer skips a chain that is being sealed (SKIP LOCKED), so
/// instances never wait on each other; SQLite has one writer anyway.
fn seal_chain(conn: &mut DbConn, chain: &str) -> Result<usize, AppError> {
    write_tx(conn, |conn| {
        let Some(head) = lock_head(conn, chain)? else {
            return Ok(0);
        };
        let waiting: Vec<Entry> = db_run!(conn, |c| audit_unsealed::table
            .inner_join(audit_entries::table)
            .filter(audit_unsealed::chain.eq(chain))
            .order(audit_unsealed::entry_id.asc())
            .limit(SEAL_BATCH)
            .select(Entry::as_select())
            .load(c))?;
        link(conn, chain, head, &waiting)?;
        let ids: Vec<i64> = waiting.iter().map(|e| e.id).collect();
        db_run!(conn, |c| diesel::delete(
            audit_unsealed::table.filter(audit_unsealed::entry_id.eq_any(&ids))
        )
        .execute(c))?;
        Ok(waiting.len())
    })
}

/// SQLite: moves the read inbox's entries into the trail, then seals every
/// entry above the last sealed one, in id order (its single writer commits
/// them in that order, and ids are never reused). Returns how many it
/// sealed and the last inbox id it moved.
fn seal_in_order(
    conn: &mut DbConn,
    inbox: Option<&Inbox>,
) -> Result<(usize, Option<i64>), AppError> {
    write_tx(conn, |conn| {
        let moved = match (inbox, &mut *conn) {
            (Some(inbox), DbConn::Sqlite(c)) => inbox.move_into(c)?,
            _ => None,
        };
        let after = last_sealed(conn)?;
        let waiting: Vec<Entry> = db_run!(conn, |c| audit_entries::table
            .filter(audit_entries::id.gt(after))
            .order(audit_entries::id.asc())
            .limit(SEAL_BATCH)
            .select(Entry::as_select())
            .load(c))?;
        let mut chains: Vec<(String, Vec<Entry>)> = Vec::new();
        for e in &waiting {
            match chains.iter_mut().find(|(c, _)| *c == e.chain) {
                Some((_, list)) => list.push(e.clone()),
                None => chains.push((e.chain.clone(), vec![e.clone()])),
            }
        }
        for (chain, entries) in &chains {
            if let Some(head) = lock_head(conn, chain)? {
                link(conn, chain, head, entries)?;
            }
        }
        Ok((waiting.len(), moved))
    })
}

/// The highest entry id with a seal (0 before the first).
pub(super) fn last_sealed(conn: &mut DbConn) -> Result<i64, AppError> {
    let max: Option<i64> = db_run!(conn, |c| audit_seals::table
        .select(diesel::dsl::max(audit_seals::entry_id))
        .first(c))?;
    Ok(max.unwrap_or(0))
}

/// The chain's head (position and hash of its last seal), made on its first
/// entry; None when another sealer holds it (PostgreSQL).
fn lock_head(conn: &mut DbConn, chain: &str) -> Result<Option<(i64, String)>, AppError> {
    let head = (
        audit_heads::chain.eq(chain),
        audit_heads::seq.eq(0i64),
        audit_heads::hash.eq(GENESIS),
    );
    let read = audit_heads::table
        .find(chain)
        .select((audit_heads::seq, audit_heads::hash));
    Ok(match conn {
        DbConn::Postgresql(c) => {
            diesel::insert_into(audit_heads::table)
                .values(head)
                .on_conflict_do_nothing()
                .execute(c)?;
            read.for_update().skip_locked().first(c).optional()?
        }
        DbConn::Sqlite(c) => {
            diesel::insert_or_ignore_into(audit_heads::table)
                .values(head)
                .execute(c)?;
            read.first(c).optional()?
        }
    })
}

/// Links `waiting` (one chain's entries, in append order) after `head`.
fn link(
    conn: &mut DbConn,
    chain: &str,
    (mut seq, mut prev): (i64, String),
    waiting: &[Entry],
) -> Result<(), AppError> {
    if waiting.is_empty() {
        return Ok(());
    }
    let mut seals = Vec::with_capacity(waiting.len());
    for e in waiting {
        seq += 1;
        let hash = entry_hash(&prev, seq, e);
        seals.push((
            audit_seals::chain.eq(chain.to_string()),
            audit_seals::seq.eq(seq),
            audit_seals::entry_id.eq(e.id),
            audit_seals::prev_hash.eq(prev.clone()),
            audit_seals::hash.eq(hash.clone()),
        ));
        prev = hash;
    }
    db_run!(conn, |c| {
        for chunk in seals.chunks(crate::db::INSERT_CHUNK / 5) {
            diesel::insert_into(audit_seals::table)
                .values(chunk)
                .execute(c)?;
        }
        diesel::update(audit_heads::table.find(chain))
            .set((audit_heads::seq.eq(seq), audit_heads::hash.eq(&prev)))
            .execute(c)?;
        Ok::<(), AppError>(())
    })
}
