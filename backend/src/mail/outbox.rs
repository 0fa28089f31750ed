use std::collections::HashMap;

use chrono::Duration;
use diesel::prelude::*;

use crate::db::db_run;
use crate::db::schema::{agencies, employees, invitations, mail_outbox, surveys};
use crate::db::types::TextList;
use crate::db::{DbConn, INSERT_CHUNK};
use crate::error::AppError;
use crate::util::{new_id, now};
use tillit_api::{InvitationId, Language, SurveyId, SurveyState};

/// How long a sender holds its batch, and a row may stay `sending`.
pub const LEASE_SECS: i64 = 60;
pub const MAX_ATTEMPTS: i32 = 6;

#[derive(Insertable)]
#[diesel(table_name = mail_outbox)]
struct NewRow {
    id: String,
    invitation_id: InvitationId,
    round: i32,
    status: String,
    attempts: i32,
    next_attempt_at: chrono::NaiveDateTime,
}

fn queue(
    conn: &mut DbConn,
    invitation_ids: &[InvitationId],
    round: i32,
    at: chrono::NaiveDateTime,
) -> Result<usize, AppError> {
    let rows: Vec<NewRow> = invitation_ids
        .iter()
        .map(|id| NewRow {
            id: new_id(),
            invitation_id: id.clone(),
            round,
            status: "pending".into(),
            attempts: 0,
            next_attempt_at: at,
        })
        .collect();
    let mut n = 0;
    // The (invitation, round) key makes queueing idempotent.
    for chunk in rows.chunks(INSERT_CHUNK) {
        n += match conn {
            DbConn::Sqlite(c) => diesel::insert_or_ignore_into(mail_outbox::table)
                .values(chunk)
                .execute(c)?,
            DbConn::Postgresql(c) => diesel::insert_into(mail_outbox::table)
                .values(chunk)
                .on_conflict_do_nothing()
                .execute(c)?,
        };
    }
    Ok(n)
}

/// Round 0: every invitation of a survey just launched.
pub fn queue_invitations(
    conn: &mut DbConn,
    survey_id: &SurveyId,
    opens_at: chrono::NaiveDateTime,
) -> Result<usize, AppError> {
    let ids: Vec<InvitationId> = db_run!(conn, |c| invitations::table
        .filter(invitations::survey_id.eq(survey_id))
        .select(invitations::id)
        .load(c))?;
    queue(conn, &ids, 0, opens_at)
}

/// Reminder rounds that have fallen due, for those who have not answered
/// and have not opted out (DSR-4).
pub fn queue_reminders(conn: &mut DbConn) -> Result<usize, AppError> {
    let t = now();
    let open: Vec<(SurveyId, chrono::NaiveDateTime, TextList<u32>)> =
        db_run!(conn, |c| surveys::table
            .filter(surveys::state.eq(SurveyState::Open))
            .filter(surveys::closes_at.gt(t))
            .filter(surveys::reminder_days.ne(""))
            .select((surveys::id, surveys::opens_at, surveys::reminder_days))
            .load(c))?;
    let mut n = 0;
    for (survey, opens_at, days) in open {
        for (i, d) in days.0.into_iter().enumerate() {
            let due = opens_at + Duration::days(i64::from(d));
            if due > t {
                continue;
            }
            let round = i as i32 + 1;
            let queued: i64 = db_run!(conn, |c| mail_outbox::table
                .inner_join(invitations::table)
                .filter(invitations::survey_id.eq(&survey))
                .filter(mail_outbox::round.eq(round))
                .count()
                .get_result(c))?;
            if queued > 0 {
                continue;
            }
            let ids: Vec<InvitationId> = db_run!(conn, |c| invitations::table
                .filter(invitations::survey_id.eq(&survey))
                .filter(invitations::answered.eq(false))
                .filter(invitations::opted_out.eq(false))
                .select(invitations::id)
                .load(c))?;
            n += queue(conn, &ids, round, due)?;
        }
    }
    Ok(n)
}

/// One mail to send, with what its text needs.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: String,
    pub invitation_id: InvitationId,
    pub round: i32,
    pub attempts: i32,
}

/// Leases up to `limit` due rows to this sender. A lease only reserves: a
/// row is marked `sending` just before its own attempt ([`start`]), so a
/// sender that dies loses at most the one mail it was sending; the rest of
/// its batch is leased again once the lease runs out. A row still `sending`
/// after its lease may or may not have gone out: it becomes `uncertain`.
pub fn claim(conn: &mut DbConn, limit: i64, lease_secs: i64) -> Result<Vec<Job>, AppError> {
    crate::db::write_tx(conn, |conn| {
        let t = now();
        db_run!(conn, |c| diesel::update(
            mail_outbox::table
                .filter(mail_outbox::status.eq("sending"))
                .filter(mail_outbox::claimed_until.lt(t))
        )
        .set(mail_outbox::status.eq("uncertain"))
        .execute(c))?;
        let due = mail_outbox::table
            .filter(mail_outbox::status.eq("pending"))
            .filter(mail_outbox::next_attempt_at.le(t))
            .filter(
                mail_outbox::claimed_until
                    .is_null()
                    .or(mail_outbox::claimed_until.lt(t)),
            )
            .order(mail_outbox::next_attempt_at.asc())
            .limit(limit)
            .select((
                mail_outbox::id,
                mail_outbox::invitation_id,
                mail_outbox::round,
                mail_outbox::attempts,
            ));
        let rows: Vec<(String, InvitationId, i32, i32)> = match conn {
            DbConn::Postgresql(c) => due.for_update().skip_locked().load(c)?,
            // SQLite's single writer already holds the lock for this transaction.
            DbConn::Sqlite(c) => due.load(c)?,
        };
        let ids: Vec<&String> = rows.iter().map(|r| &r.0).collect();
        db_run!(conn, |c| diesel::update(
            mail_outbox::table.filter(mail_outbox::id.eq_any(&ids))
        )
        .set(mail_outbox::claimed_until.eq(Some(t + Duration::seconds(lease_secs))))
        .execute(c))?;
        Ok(rows
            .into_iter()
            .map(|(id, invitation_id, round, attempts)| Job {
                id,
                invitation_id,
                round,
                attempts,
            })
            .collect())
    })
}

/// The two secrets of one mail: the answer link's and the opt-out link's.
/// Apart, so that a gateway or proxy that sees the opt-out URL (it is in a
/// header, and may be fetched) cannot answer as the employee.
pub struct Tokens {
    pub answer: String,
    pub opt_out: String,
}

/// Marks one leased row `sending` and makes its link tokens, in one commit
/// before the SMTP conversation. None when the lease was lost (another
/// sender took the row over).
pub fn start(conn: &mut DbConn, job: &Job, lease_secs: i64) -> Result<Option<Tokens>, AppError> {
    crate::db::write_tx(conn, |conn| {
        let t = now();
        let n = db_run!(conn, |c| diesel::update(
            mail_outbox::table
                .filter(mail_outbox::id.eq(&job.id))
                .filter(mail_outbox::status.eq("pending"))
        )
        .set((
            mail_outbox::status.eq("sending"),
            mail_outbox::claimed_until.eq(Some(t + Duration::seconds(lease_secs)))
        ))
        .execute(c))?;
        if n != 1 {
            return Ok(None);
        }
        Ok(Some(Tokens {
            answer: crate::answering::store::issue_token(conn, &job.invitation_id)?,
            opt_out: crate::answering::store::issue_opt_out_token(conn, &job.invitation_id)?,
        }))
    })
}

/// How one attempt ended.
pub enum Outcome {
    Sent,
    Skipped,
    Failed(String),
    Retry(String),
}

impl Outcome {
    /// The final status of outcomes that carry no error of their own.
    fn plain_status(&self) -> Option<&'static str> {
        match self {
            Outcome::Sent => Some("sent"),
            Outcome::Skipped => Some("skipped"),
            Outcome::Failed(_) | Outcome::Retry(_) => None,
        }
    }
}

/// Records what came of several attempts in one commit. A sender that dies
/// before this leaves its rows `sending`, later `uncertain`: never resent.
pub fn record(conn: &mut DbConn, done: &[(Job, Outcome)]) -> Result<(), AppError> {
    if done.is_empty() {
        return Ok(());
    }
    crate::db::write_tx(conn, |conn| {
        for status in ["sent", "skipped"] {
            let ids: Vec<&String> = done
                .iter()
                .filter(|(_, o)| o.plain_status() == Some(status))
                .map(|(j, _)| &j.id)
                .collect();
            if !ids.is_empty() {
                db_run!(conn, |c| diesel::update(
                    mail_outbox::table.filter(mail_outbox::id.eq_any(&ids))
                )
                .set((
                    mail_outbox::status.eq(status),
                    mail_outbox::claimed_until.eq(None::<chrono::NaiveDateTime>),
                ))
                .execute(c))?;
            }
        }
        for (job, outcome) in done {
            match outcome {
                Outcome::Failed(e) => finish(conn, &job.id, "failed", Some(e))?,
                Outcome::Retry(e) => retry(conn, job, e)?,
                Outcome::Sent | Outcome::Skipped => {}
            }
        }
        Ok(())
    })
}

fn finish(conn: &mut DbConn, id: &str, status: &str, error: Option<&str>) -> Result<(), AppError> {
    db_run!(conn, |c| diesel::update(mail_outbox::table.find(id))
        .set((
            mail_outbox::status.eq(status),
            mail_outbox::claimed_until.eq(None::<chrono::NaiveDateTime>),
            mail_outbox::last_error.eq(error)
        ))
        .execute(c))?;
    Ok(())
}

/// A failure the SMTP server may get over: try again later, backing off.
fn retry(conn: &mut DbConn, job: &Job, error: &str) -> Result<(), AppError> {
    let attempts = job.attempts + 1;
    if attempts >= MAX_ATTEMPTS {
        return finish(conn, &job.id, "failed", Some(error));
    }
    let wait = Duration::seconds(30 * 4i64.pow(attempts as u32 - 1));
    db_run!(conn, |c| diesel::update(mail_outbox::table.find(&job.id))
        .set((
            mail_outbox::status.eq("pending"),
            mail_outbox::attempts.eq(attempts),
            mail_outbox::next_attempt_at.eq(now() + wait),
            mail_outbox::claimed_until.eq(None::<chrono::NaiveDateTime>),
            mail_outbox::last_error.eq(Some(error)),
        ))
        .execute(c))?;
    Ok(())
}

/// What a mail needs to say, or None when it should not go out any more.
pub struct Context {
    pub email: String,
    pub language: Language,
    pub survey_title: String,
    pub agency_name: String,
    pub closes_at: chrono::NaiveDateTime,
    /// Answered or opted out: invitations still go, reminders not (DSR-4).
    pub no_reminders: bool,
}

impl Context {
    pub fn wants(&self, job: &Job) -> bool {
        job.round == 0 || !self.no_reminders
    }
}

/// What the jobs' mails need to say, by invitation id. An invitation missing
/// from the map gets no more mail (survey closed, employee gone or no address).
pub fn contexts(
    conn: &mut DbConn,
    jobs: &[Job],
) -> Result<HashMap<InvitationId, Context>, AppError> {
    type Row = (
        InvitationId,
        bool,
        bool,
        Language,
        Option<String>,
        Option<bool>,
        SurveyState,
        String,
        chrono::NaiveDateTime,
        String,
    );
    let ids: Vec<&InvitationId> = jobs.iter().map(|j| &j.invitation_id).collect();
    let mut rows: Vec<Row> = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(INSERT_CHUNK) {
        rows.extend(db_run!(conn, |c| invitations::table
            .inner_join(surveys::table.inner_join(agencies::table))
            .left_join(employees::table)
            .filter(invitations::id.eq_any(chunk))
            .select((
                invitations::id,
                invitations::answered,
                invitations::opted_out,
                invitations::language,
                employees::email.nullable(),
                employees::active.nullable(),
                surveys::state,
                surveys::title,
                surveys::closes_at,
                agencies::name,
            ))
            .load::<Row>(c))?);
    }
    let t = now();
    let mut out = HashMap::new();
    for (id, answered, opted_out, language, email, active, state, title, closes_at, agency) in rows
    {
        if state != SurveyState::Open || closes_at <= t || !active.unwrap_or(false) {
            continue;
        }
        if let Some(email) = email {
            out.insert(
                id,
                Context {
                    email,
                    language,
                    survey_title: title,
                    agency_name: agency,
                    closes_at,
                    no_reminders: answered || opted_out,
                },
            );
        }
    }
    Ok(out)
}
