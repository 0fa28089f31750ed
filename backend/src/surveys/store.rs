use std::collections::HashMap;

use diesel::prelude::*;
use tillit_api::{
    AgencyId, EmployeeId, InvitationId, Language, QuestionnaireId, Survey, SurveyId, SurveyState,
    UnitId,
};

use crate::db::schema::{employees, invitations, surveys, units};
use crate::db::types::TextList;
use crate::db::{db_run, paged, Paging};
use crate::db::{DbConn, INSERT_CHUNK};
use crate::error::AppError;
use crate::util::{new_id, now, utc};
use crate::work::Tx;
use tillit_api::Page;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = surveys)]
pub struct SurveyRow {
    pub id: SurveyId,
    pub agency_id: AgencyId,
    pub questionnaire_version_id: QuestionnaireId,
    pub title: String,
    pub modules: TextList<String>,
    pub languages: TextList<Language>,
    pub opens_at: chrono::NaiveDateTime,
    pub closes_at: chrono::NaiveDateTime,
    pub reminder_days: TextList<u32>,
    pub state: SurveyState,
    pub created_at: chrono::NaiveDateTime,
    pub launched_at: Option<chrono::NaiveDateTime>,
    pub closed_at: Option<chrono::NaiveDateTime>,
}

impl SurveyRow {
    /// The state as readers should see it: an open survey past its closing
    /// time is closed, whether or not the ticker has written that yet (reads
    /// never write).
    pub fn effective_state(&self) -> SurveyState {
        match self.state {
            SurveyState::Open if self.closes_at <= now() => SurveyState::Closed,
            s => s,
        }
    }
}

pub fn to_api(r: SurveyRow, invitations: i64) -> Survey {
    let state = r.effective_state();
    Survey {
        modules: r.modules.0,
        languages: r.languages.0,
        reminder_days: r.reminder_days.0,
        state,
        opens_at: utc(r.opens_at),
        closes_at: utc(r.closes_at),
        launched_at: r.launched_at.map(utc),
        closed_at: r
            .closed_at
            .or_else(|| {
                (state == SurveyState::Closed && r.state == SurveyState::Open)
                    .then_some(r.closes_at)
            })
            .map(utc),
        id: r.id,
        title: r.title,
        questionnaire_version_id: r.questionnaire_version_id,
        invitations,
    }
}

/// One of the agency's surveys.
pub fn get(tx: &mut Tx<'_>, id: &SurveyId) -> Result<SurveyRow, AppError> {
    let agency = tx.agency().clone();
    Ok(db_run!(tx.conn(), |c| surveys::table
        .filter(surveys::agency_id.eq(&agency))
        .filter(surveys::id.eq(id))
        .select(SurveyRow::as_select())
        .first(c))?)
}

/// A survey by id alone, for respondents' links (which carry no agency).
pub fn get_any(conn: &mut DbConn, id: &SurveyId) -> Result<SurveyRow, AppError> {
    Ok(db_run!(conn, |c| surveys::table
        .find(id)
        .select(SurveyRow::as_select())
        .first(c))?)
}

/// Invitations of a survey the caller got from `get`.
pub fn invitation_count(tx: &mut Tx<'_>, survey: &SurveyId) -> Result<i64, AppError> {
    Ok(db_run!(tx.conn(), |c| invitations::table
        .filter(invitations::survey_id.eq(survey))
        .count()
        .get_result(c))?)
}

/// Invitations per survey, for a page of surveys in one query.
pub fn invitation_counts(
    tx: &mut Tx<'_>,
    ids: &[SurveyId],
) -> Result<HashMap<SurveyId, i64>, AppError> {
    use diesel::dsl::count_star;
    let rows: Vec<(SurveyId, i64)> = db_run!(tx.conn(), |c| invitations::table
        .filter(invitations::survey_id.eq_any(ids))
        .group_by(invitations::survey_id)
        .select((invitations::survey_id, count_star()))
        .load(c))?;
    Ok(rows.into_iter().collect())
}

pub fn page(tx: &mut Tx<'_>, paging: Paging) -> Result<Page<SurveyRow>, AppError> {
    let agency = tx.agency().clone();
    Ok(paged!(
        tx.conn(),
        paging,
        {
            surveys::table
                .filter(surveys::agency_id.eq(&agency))
                .into_boxed()
        },
        order = (surveys::created_at.desc(), surveys::id.asc()),
        select = SurveyRow::as_select(),
    )?)
}

pub fn insert(tx: &mut Tx<'_>, row: &SurveyRow) -> Result<(), AppError> {
    if &row.agency_id != tx.agency() {
        return Err(AppError::forbidden());
    }
    db_run!(tx.conn(), |c| diesel::insert_into(surveys::table)
        .values(row)
        .execute(c))?;
    Ok(())
}

pub fn save(tx: &mut Tx<'_>, row: &SurveyRow) -> Result<(), AppError> {
    let agency = tx.agency().clone();
    db_run!(tx.conn(), |c| diesel::update(
        surveys::table
            .filter(surveys::agency_id.eq(&agency))
            .filter(surveys::id.eq(&row.id))
    )
    .set((
        surveys::title.eq(&row.title),
        surveys::modules.eq(&row.modules),
        surveys::languages.eq(&row.languages),
        surveys::opens_at.eq(row.opens_at),
        surveys::closes_at.eq(row.closes_at),
        surveys::reminder_days.eq(&row.reminder_days),
        surveys::state.eq(row.state),
        surveys::launched_at.eq(row.launched_at),
        surveys::closed_at.eq(row.closed_at),
    ))
    .execute(c))?;
    Ok(())
}

/// SURV-1: surveys past their closing time close by themselves. Safe to run
/// from every server instance at once.
pub fn close_due(conn: &mut DbConn) -> Result<usize, AppError> {
    let t = now();
    Ok(db_run!(conn, |c| diesel::update(
        surveys::table
            .filter(surveys::state.eq(SurveyState::Open))
            .filter(surveys::closes_at.le(t))
    )
    .set((
        surveys::state.eq(SurveyState::Closed),
        surveys::closed_at.eq(Some(t)),
    ))
    .execute(c))?)
}

/// SURV-1: the invitations are a snapshot of the active roster at launch.
/// Returns how many were created.
pub fn snapshot_roster(tx: &mut Tx<'_>, survey: &SurveyRow) -> Result<usize, AppError> {
    if &survey.agency_id != tx.agency() {
        return Err(AppError::forbidden());
    }
    let offered = &survey.languages.0;
    let roster: Vec<(EmployeeId, UnitId, Language)> = db_run!(tx.conn(), |c| employees::table
        .inner_join(units::table)
        .filter(employees::agency_id.eq(&survey.agency_id))
        .filter(employees::active.eq(true))
        .filter(units::active.eq(true))
        .select((employees::id, employees::unit_id, employees::language))
        .load(c))?;
    #[derive(Insertable)]
    #[diesel(table_name = invitations)]
    struct NewInvitation {
        id: InvitationId,
        survey_id: SurveyId,
        employee_id: Option<EmployeeId>,
        unit_id: UnitId,
        language: Language,
    }
    let rows: Vec<NewInvitation> = roster
        .into_iter()
        .map(|(employee, unit, lang)| NewInvitation {
            id: InvitationId(new_id()),
            survey_id: survey.id.clone(),
            employee_id: Some(employee),
            unit_id: unit,
            language: super::plan::invitation_language(lang, offered),
        })
        .collect();
    db_run!(tx.conn(), |c| {
        for chunk in rows.chunks(INSERT_CHUNK) {
            diesel::insert_into(invitations::table)
                .values(chunk)
                .execute(c)?;
        }
        Ok::<(), diesel::result::Error>(())
    })?;
    Ok(rows.len())
}

/// Invited and answered, per unit (the unit the employee had at launch).
pub fn counts_by_unit(
    tx: &mut Tx<'_>,
    survey: &SurveyId,
) -> Result<HashMap<UnitId, (i64, i64)>, AppError> {
    let rows: Vec<(UnitId, bool)> = db_run!(tx.conn(), |c| invitations::table
        .filter(invitations::survey_id.eq(survey))
        .select((invitations::unit_id, invitations::answered))
        .load(c))?;
    let mut out: HashMap<UnitId, (i64, i64)> = HashMap::new();
    for (unit, answered) in rows {
        let e = out.entry(unit).or_default();
        e.0 += 1;
        e.1 += i64::from(answered);
    }
    Ok(out)
}
