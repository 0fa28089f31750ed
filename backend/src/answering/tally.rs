//! GDPR-1 without a clock on answering (ANON-1).
//!
//! One audit entry per session start or per submission would give every
//! response its time, to the microsecond and in order: a clock to pair
//! responses with invitations (whose reminder rows say who had not answered
//! by when). Instead, session starts leave a row naming only the survey,
//! and each hour the ticker writes one entry per survey with how many
//! sessions started and how many responses arrived since the last one.
//! The entries are the same on every instance: the tally row is locked,
//! so two tickers never count the same hour twice.

use chrono::{Duration, Timelike};
use diesel::prelude::*;

use crate::audit::{self, Action, Actor};
use crate::db::db_run;
use crate::db::schema::{answering_tally, respondent_sessions, responses, surveys};
use crate::db::{write_tx, DbConn};
use crate::error::AppError;
use crate::util::now;

/// Who acts for respondents in the audit trail: nobody in particular.
pub fn respondent_actor() -> Actor {
    Actor {
        id: "respondent".into(),
        role: tillit_api::Role::Respondent,
    }
}

/// The start of the current hour: one count per survey per clock hour.
fn this_hour() -> chrono::NaiveDateTime {
    let t = now();
    t - Duration::minutes(t.minute().into())
        - Duration::seconds(t.second().into())
        - Duration::nanoseconds(t.nanosecond().into())
}

/// Records the counts of every survey whose hour has turned; returns how
/// many surveys got entries. `force` counts now, whatever the hour (tests).
pub fn record_due(conn: &mut DbConn, force: bool) -> Result<usize, AppError> {
    let since = now() - Duration::days(2);
    let candidates: Vec<(String, String)> = db_run!(conn, |c| surveys::table
        .filter(surveys::state.eq("open").or(surveys::closed_at.gt(since)))
        .select((surveys::id, surveys::agency_id))
        .load(c))?;
    let hour = this_hour();
    let mut recorded = 0;
    for (survey, agency) in candidates {
        if record_one(conn, &survey, &agency, hour, force)? {
            recorded += 1;
        }
    }
    Ok(recorded)
}

fn record_one(
    conn: &mut DbConn,
    survey: &str,
    agency: &str,
    hour: chrono::NaiveDateTime,
    force: bool,
) -> Result<bool, AppError> {
    write_tx(conn, |conn| {
        let fresh = (
            answering_tally::survey_id.eq(survey),
            answering_tally::responses.eq(0i64),
            answering_tally::recorded_at.eq(hour - Duration::hours(1)),
        );
        let read = answering_tally::table
            .find(survey)
            .select((answering_tally::responses, answering_tally::recorded_at));
        let (counted, at): (i64, chrono::NaiveDateTime) = match conn {
            DbConn::Postgresql(c) => {
                diesel::insert_into(answering_tally::table)
                    .values(fresh)
                    .on_conflict_do_nothing()
                    .execute(c)?;
                read.for_update().first(c)?
            }
            DbConn::Sqlite(c) => {
                diesel::insert_or_ignore_into(answering_tally::table)
                    .values(fresh)
                    .execute(c)?;
                read.first(c)?
            }
        };
        if at >= hour && !force {
            return Ok(false);
        }
        let sessions = db_run!(conn, |c| diesel::delete(
            respondent_sessions::table.filter(respondent_sessions::survey_id.eq(survey))
        )
        .execute(c))? as i64;
        let total: i64 = db_run!(conn, |c| responses::table
            .filter(responses::survey_id.eq(survey))
            .count()
            .get_result(c))?;
        let arrived = (total - counted).max(0);
        let actor = respondent_actor();
        if sessions > 0 {
            audit::record(
                conn,
                agency,
                &actor,
                Action::RespondentSessions,
                Some(survey),
                Some(sessions),
            )?;
        }
        if arrived > 0 {
            audit::record(
                conn,
                agency,
                &actor,
                Action::ResponsesReceived,
                Some(survey),
                Some(arrived),
            )?;
        }
        db_run!(conn, |c| diesel::update(
            answering_tally::table.find(survey)
        )
        .set((
            answering_tally::responses.eq(total),
            answering_tally::recorded_at.eq(now()),
        ))
        .execute(c))?;
        Ok(sessions > 0 || arrived > 0)
    })
}
