use diesel::prelude::*;
use tillit_api::{EmployeeId, InvitationId, Language, SurveyId, SurveyState, UnitId};

use crate::db::db_run;
use crate::db::schema::{
    invitation_tokens, invitations, opt_out_tokens, respondent_sessions, responses, surveys,
};
use crate::db::DbConn;
use crate::error::AppError;
use crate::util::{new_id, now, random_token, sha256_hex};

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = invitations)]
pub struct InvitationRow {
    pub id: InvitationId,
    pub survey_id: SurveyId,
    pub employee_id: Option<EmployeeId>,
    pub unit_id: UnitId,
    pub language: Language,
    pub answered: bool,
    pub opted_out: bool,
}

/// A fresh link token for one mail (SURV-2): 256 random bits, kept only as a hash.
pub fn issue_token(conn: &mut DbConn, invitation_id: &InvitationId) -> Result<String, AppError> {
    let token = random_token(32)?;
    let row = (
        invitation_tokens::token_hash.eq(sha256_hex(token.as_bytes())),
        invitation_tokens::invitation_id.eq(invitation_id),
    );
    db_run!(conn, |c| diesel::insert_into(invitation_tokens::table)
        .values(row)
        .execute(c))?;
    Ok(token)
}

/// The opt-out link's own token (DSR-4): it opts out, and nothing else.
pub fn issue_opt_out_token(
    conn: &mut DbConn,
    invitation_id: &InvitationId,
) -> Result<String, AppError> {
    let token = random_token(32)?;
    db_run!(conn, |c| diesel::insert_into(opt_out_tokens::table)
        .values((
            opt_out_tokens::token_hash.eq(sha256_hex(token.as_bytes())),
            opt_out_tokens::invitation_id.eq(invitation_id),
        ))
        .execute(c))?;
    Ok(token)
}

pub fn invitation_by_opt_out_token(
    conn: &mut DbConn,
    token: &str,
) -> Result<Option<InvitationRow>, AppError> {
    let hash = sha256_hex(token.trim().as_bytes());
    Ok(db_run!(conn, |c| opt_out_tokens::table
        .inner_join(invitations::table)
        .filter(opt_out_tokens::token_hash.eq(&hash))
        .select(InvitationRow::as_select())
        .first(c)
        .optional())?)
}

/// Notes that a respondent session started, for the audit trail's count
/// (see `tally`): a row naming the survey only, counted and removed within
/// the hour.
pub fn note_session(conn: &mut DbConn, survey_id: &SurveyId) -> Result<(), AppError> {
    db_run!(conn, |c| diesel::insert_into(respondent_sessions::table)
        .values((
            respondent_sessions::id.eq(new_id()),
            respondent_sessions::survey_id.eq(survey_id),
        ))
        .execute(c))?;
    Ok(())
}

pub fn invitation_by_token(
    conn: &mut DbConn,
    token: &str,
) -> Result<Option<InvitationRow>, AppError> {
    let hash = sha256_hex(token.trim().as_bytes());
    Ok(db_run!(conn, |c| invitation_tokens::table
        .inner_join(invitations::table)
        .filter(invitation_tokens::token_hash.eq(&hash))
        .select(InvitationRow::as_select())
        .first(c)
        .optional())?)
}

pub enum Submitted {
    /// Counted now.
    New,
    /// This receipt was counted before: a retry after a lost answer.
    Repeat,
    /// Answered before, from somewhere else.
    AlreadyAnswered,
    /// The survey closed after the answers were checked.
    Closed,
}

pub struct NewResponse<'a> {
    pub survey_id: &'a SurveyId,
    pub unit_id: &'a UnitId,
    pub answers_json: &'a str,
    pub research_consent: bool,
    pub receipt: &'a str,
}

/// Marks the invitation answered and stores the response, in the caller's
/// transaction. The conditional update makes two racing submits count once,
/// and counts nothing once the survey has closed.
pub fn submit(
    conn: &mut DbConn,
    invitation_id: &InvitationId,
    r: &NewResponse<'_>,
) -> Result<Submitted, AppError> {
    let receipt_hash = sha256_hex(r.receipt.as_bytes());
    let t = now();
    let open = surveys::table
        .filter(surveys::id.eq(r.survey_id))
        .filter(surveys::state.eq(SurveyState::Open))
        .filter(surveys::closes_at.gt(t))
        .select(surveys::id);
    let marked = db_run!(conn, |c| diesel::update(
        invitations::table
            .filter(invitations::id.eq(invitation_id))
            .filter(invitations::answered.eq(false))
            .filter(invitations::survey_id.eq_any(open))
    )
    .set(invitations::answered.eq(true))
    .execute(c))?;
    if marked == 0 {
        let seen: i64 = db_run!(conn, |c| responses::table
            .filter(responses::receipt_hash.eq(&receipt_hash))
            .filter(responses::survey_id.eq(r.survey_id))
            .count()
            .get_result(c))?;
        if seen > 0 {
            return Ok(Submitted::Repeat);
        }
        let still_open: i64 = db_run!(conn, |c| open.count().get_result(c))?;
        return Ok(if still_open > 0 {
            Submitted::AlreadyAnswered
        } else {
            Submitted::Closed
        });
    }
    // ANON-1: no invitation, employee, token or time, not even the day.
    let row = (
        responses::id.eq(new_id()),
        responses::survey_id.eq(r.survey_id),
        responses::unit_id.eq(r.unit_id),
        responses::answers.eq(r.answers_json),
        responses::research_consent.eq(r.research_consent),
        responses::receipt_hash.eq(&receipt_hash),
    );
    db_run!(conn, |c| diesel::insert_into(responses::table)
        .values(row)
        .execute(c))?;
    Ok(Submitted::New)
}

/// RES-3: withdraws research consent for the response with this receipt.
pub fn withdraw_consent(conn: &mut DbConn, receipt: &str) -> Result<bool, AppError> {
    let hash = sha256_hex(receipt.trim().as_bytes());
    let n = db_run!(conn, |c| diesel::update(
        responses::table.filter(responses::receipt_hash.eq(&hash))
    )
    .set(responses::research_consent.eq(false))
    .execute(c))?;
    Ok(n > 0)
}

/// DSR-4: no reminders or further processing for this invitation.
pub fn opt_out(conn: &mut DbConn, invitation_id: &InvitationId) -> Result<(), AppError> {
    db_run!(conn, |c| diesel::update(
        invitations::table.find(invitation_id)
    )
    .set(invitations::opted_out.eq(true))
    .execute(c))?;
    Ok(())
}
