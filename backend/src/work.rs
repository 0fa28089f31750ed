//! One unit of work for an agency: the connection inside one write
//! transaction, the agency whose data it may reach, and who is acting.
//!
//! Handlers get it from [`AppState::in_agency`] (or [`AppState::as_processor`]
//! for the institute's own work). Store functions take the `Tx` and scope
//! every query by [`Tx::agency`], so ROLE-1 holds by construction: no
//! handler passes an agency id it could get wrong. Recording goes through
//! [`Tx::audit`] with an [`Action`], so GDPR-1 holds the same way, and a
//! read that touches personal data says so by recording one.

use tillit_api::AgencyId;

use crate::audit::{self, Action, Actor};
use crate::auth::Identity;
use crate::db::{write_tx, DbConn};
use crate::error::AppError;
use crate::state::AppState;

pub struct Tx<'c> {
    conn: &'c mut DbConn,
    agency: AgencyId,
    chain: String,
    actor: Actor,
    writes: bool,
}

impl<'c> Tx<'c> {
    /// Work for `agency` by `actor` on a connection already in a transaction
    /// (background jobs and the demo seed; handlers use `in_agency`).
    pub fn new(conn: &'c mut DbConn, agency: AgencyId, actor: Actor) -> Tx<'c> {
        Tx {
            conn,
            chain: agency.to_string(),
            agency,
            actor,
            writes: true,
        }
    }

    /// Reads for `agency` on a connection the caller manages: the
    /// respondent's routes, whose token names the agency and which keep
    /// their checks outside the write lock.
    pub fn reading(conn: &'c mut DbConn, agency: AgencyId) -> Tx<'c> {
        Tx::read_only(conn, agency, Actor::system())
    }

    /// Reads for `agency` by `actor`: recording through it is refused.
    fn read_only(conn: &'c mut DbConn, agency: AgencyId, actor: Actor) -> Tx<'c> {
        let mut tx = Tx::new(conn, agency, actor);
        tx.writes = false;
        tx
    }

    pub fn conn(&mut self) -> &mut DbConn {
        self.conn
    }

    /// The only agency this work can reach.
    pub fn agency(&self) -> &AgencyId {
        &self.agency
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// Records `action` on `object` in this work's chain (GDPR-1).
    pub fn audit(&mut self, action: Action, object: Option<&str>) -> Result<(), AppError> {
        self.audit_times(action, object, None)
    }

    /// Records `n` like actions as one entry (answering is recorded as
    /// counts, never one entry per respondent).
    pub fn audit_times(
        &mut self,
        action: Action,
        object: Option<&str>,
        n: Option<i64>,
    ) -> Result<(), AppError> {
        if !self.writes {
            return Err(AppError::internal(format!(
                "{} recorded in a read-only unit of work",
                action.name()
            )));
        }
        audit::record(self.conn, &self.chain, &self.actor, action, object, n)
    }

    /// Records in another chain: the institute acting on an agency
    /// (onboarding it, resending its admin's invitation).
    pub fn audit_in(
        &mut self,
        chain: &str,
        action: Action,
        object: Option<&str>,
    ) -> Result<(), AppError> {
        if !self.writes {
            return Err(AppError::internal("audit in a read-only unit of work"));
        }
        audit::record(self.conn, chain, &self.actor, action, object, None)
    }
}

/// Runs `f` on `agency`'s data in a read transaction, then records
/// `action` in a short write of its own, before the caller answers: a read
/// of personal data is recorded (GDPR-1) without holding the write lock
/// (SQLite's single writer) while it reads. On SQLite the entry goes to the
/// read `inbox` (see `audit::inbox`). A read that fails records nothing,
/// as nothing was shown.
pub fn audited_read_on<T>(
    conn: &mut DbConn,
    inbox: Option<&audit::Inbox>,
    agency: AgencyId,
    actor: Actor,
    action: Action,
    object: Option<&str>,
    f: impl FnOnce(&mut Tx<'_>) -> Result<T, AppError>,
) -> Result<T, AppError> {
    use diesel::Connection;
    let chain = agency.to_string();
    let out = conn.transaction(|conn| f(&mut Tx::reading(conn, agency)))?;
    // Atomic by itself: one statement on PostgreSQL, one insert into the
    // inbox on SQLite.
    audit::record_read(conn, inbox, &chain, &actor, action, object)?;
    Ok(out)
}

impl AppState {
    /// Runs `f` as `who`, in one write transaction, on `who`'s agency.
    pub async fn in_agency<T, F>(&self, who: &Identity, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut Tx<'_>) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let agency = who.agency()?.clone();
        let actor = who.actor();
        self.db(move |conn| {
            write_tx(conn, |conn| {
                let mut tx = Tx::new(conn, agency, actor);
                f(&mut tx)
            })
        })
        .await
    }

    /// Runs `f` as `who` on `who`'s agency in a read transaction: for reads
    /// that touch no personal data and so record nothing. Unlike
    /// `in_agency` it does not queue behind SQLite's single writer.
    pub async fn reading<T, F>(&self, who: &Identity, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut Tx<'_>) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        use diesel::Connection;
        let agency = who.agency()?.clone();
        let actor = who.actor();
        self.db(move |conn| conn.transaction(|conn| f(&mut Tx::read_only(conn, agency, actor))))
            .await
    }

    /// Runs `f` as `who` on `who`'s agency in a read transaction and
    /// records `action` on `object` (see [`audited_read_on`]).
    pub async fn audited_read<T, F>(
        &self,
        who: &Identity,
        action: Action,
        object: Option<String>,
        f: F,
    ) -> Result<T, AppError>
    where
        F: FnOnce(&mut Tx<'_>) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let agency = who.agency()?.clone();
        let actor = who.actor();
        let inbox = self.read_inbox.clone();
        self.db(move |conn| {
            let object = object.as_deref();
            audited_read_on(conn, inbox.as_deref(), agency, actor, action, object, f)
        })
        .await
    }

    /// Runs `f` as the institute's `who`, in one write transaction; it
    /// records in the processor's chain unless it names an agency's.
    pub async fn as_processor<T, F>(&self, who: &Identity, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut Tx<'_>) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let actor = who.actor();
        self.db(move |conn| {
            write_tx(conn, |conn| {
                let mut tx = Tx {
                    conn,
                    agency: AgencyId::default(),
                    chain: audit::PROCESSOR_CHAIN.into(),
                    actor,
                    writes: true,
                };
                f(&mut tx)
            })
        })
        .await
    }
}
