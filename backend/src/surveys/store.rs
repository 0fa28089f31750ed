use std::collections::HashMap;

use diesel::prelude::*;
use tillit_api::{Language, Survey, SurveyState};

use crate::db::schema::{employees, invitations, surveys, units};
use crate::db::{DbConn, INSERT_CHUNK};
use crate::db_run;
use crate::error::AppError;
use crate::util::{new_id, now, utc};

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = surveys)]
pub struct SurveyRow {
    pub id: String,
    pub agency_id: String,
    pub questionnaire_version_id: String,
    pub title: String,
    pub modules: String,
    pub languages: String,
    pub opens_at: chrono::NaiveDateTime,
    pub closes_at: chrono::NaiveDateTime,
    pub reminder_days: String,
    pub state: String,
    pub created_at: chrono::NaiveDateTime,
    pub launched_at: Option<chrono::NaiveDateTime>,
    pub closed_at: Option<chrono::NaiveDateTime>,
}

pub fn join<T: ToString>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn split(s: &str) -> impl Iterator<Item = &str> {
    s.split(',').map(str::trim).filter(|x| !x.is_empty())
}

pub fn languages_of(s: &str) -> Vec<Language> {
    split(s).filter_map(Language::parse).collect()
}

pub fn state_of(s: &str) -> SurveyState {
    match s {
        "open" => SurveyState::Open,
        "closed" => SurveyState::Closed,
        "reported" => SurveyState::Reported,
        _ => SurveyState::Draft,
    }
}

impl SurveyRow {
    /// The state as readers should see it: an open survey past its closing
    /// time is closed, whether or not the ticker has written that yet (reads
    /// never write).
    pub fn effective_state(&self) -> SurveyState {
        match state_of(&self.state) {
            SurveyState::Open if self.closes_at <= now() => SurveyState::Closed,
            s => s,
        }
    }

    /// The optional modules the agency chose.
    pub fn module_list(&self) -> Vec<String> {
        split(&self.modules).map(str::to_string).collect()
    }
}

pub fn to_api(r: SurveyRow, invitations: i64) -> Survey {
    let state = r.effective_state();
    Survey {
        modules: r.module_list(),
        languages: languages_of(&r.languages),
        reminder_days: split(&r.reminder_days)
            .filter_map(|d| d.parse().ok())
            .collect(),
        state,
        opens_at: utc(r.opens_at),
        closes_at: utc(r.closes_at),
        launched_at: r.launched_at.map(utc),
        closed_at: r
            .closed_at
            .or_else(|| (state == SurveyState::Closed && r.state == "open").then_some(r.closes_at))
            .map(utc),
        id: r.id,
        title: r.title,
        questionnaire_version_id: r.questionnaire_version_id,
        invitations,
    }
}

pub fn get(conn: &mut DbConn, agency: &str, id: &str) -> Result<SurveyRow, AppError> {
    Ok(db_run!(conn, |c| surveys::table
        .filter(surveys::agency_id.eq(agency))
        .filter(surveys::id.eq(id))
        .select(SurveyRow::as_select())
        .first(c))?)
}

/// A survey by id alone, for respondents' links (which carry no agency).
pub fn get_any(conn: &mut DbConn, id: &str) -> Result<SurveyRow, AppError> {
    Ok(db_run!(conn, |c| surveys::table
        .find(id)
        .select(SurveyRow::as_select())
        .first(c))?)
}

pub fn invitation_count(conn: &mut DbConn, survey: &str) -> Result<i64, AppError> {
    Ok(db_run!(conn, |c| invitations::table
        .filter(invitations::survey_id.eq(survey))
        .count()
        .get_result(c))?)
}

/// Invitations per survey, for a page of surveys in one query.
pub fn invitation_counts(
    conn: &mut DbConn,
    ids: &[String],
) -> Result<HashMap<String, i64>, AppError> {
    use diesel::dsl::count_star;
    let rows: Vec<(String, i64)> = db_run!(conn, |c| invitations::table
        .filter(invitations::survey_id.eq_any(ids))
        .group_by(invitations::survey_id)
        .select((invitations::survey_id, count_star()))
        .load(c))?;
    Ok(rows.into_iter().collect())
}

pub fn page(
    conn: &mut DbConn,
    agency: &str,
    page: i64,
    per_page: i64,
) -> Result<(Vec<SurveyRow>, i64), AppError> {
    Ok(db_run!(conn, |c| {
        let rows = surveys::table
            .filter(surveys::agency_id.eq(agency))
            .order((surveys::created_at.desc(), surveys::id.asc()))
            .limit(per_page)
            .offset((page - 1) * per_page)
            .select(SurveyRow::as_select())
            .load(c)?;
        let total = surveys::table
            .filter(surveys::agency_id.eq(agency))
            .count()
            .get_result(c)?;
        Ok::<_, diesel::result::Error>((rows, total))
    })?)
}

pub fn insert(conn: &mut DbConn, row: &SurveyRow) -> Result<(), AppError> {
    db_run!(conn, |c| diesel::insert_into(surveys::table)
        .values(row)
        .execute(c))?;
    Ok(())
}

pub fn save(conn: &mut DbConn, row: &SurveyRow) -> Result<(), AppError> {
    db_run!(conn, |c| diesel::update(surveys::table.find(&row.id))
        .set((
            surveys::title.eq(&row.title),
            surveys::modules.eq(&row.modules),
            surveys::languages.eq(&row.languages),
            surveys::opens_at.eq(row.opens_at),
            surveys::closes_at.eq(row.closes_at),
            surveys::reminder_days.eq(&row.reminder_days),
            surveys::state.eq(&row.state),
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
            .filter(surveys::state.eq("open"))
            .filter(surveys::closes_at.le(t))
    )
    .set((surveys::state.eq("closed"), surveys::closed_at.eq(Some(t))))
    .execute(c))?)
}

/// SURV-1: the invitations are a snapshot of the active roster at launch.
/// Returns how many were created.
pub fn snapshot_roster(conn: &mut DbConn, survey: &SurveyRow) -> Result<usize, AppError> {
    let offered = languages_of(&survey.languages);
    let roster: Vec<(String, String, String)> = db_run!(conn, |c| employees::table
        .inner_join(units::table)
        .filter(employees::agency_id.eq(&survey.agency_id))
        .filter(employees::active.eq(true))
        .filter(units::active.eq(true))
        .select((employees::id, employees::unit_id, employees::language))
        .load(c))?;
    #[derive(Insertable)]
    #[diesel(table_name = invitations)]
    struct NewInvitation {
        id: String,
        survey_id: String,
        employee_id: Option<String>,
        unit_id: String,
        language: String,
    }
    let rows: Vec<NewInvitation> = roster
        .into_iter()
        .map(|(employee, unit, lang)| NewInvitation {
            id: new_id(),
            survey_id: survey.id.clone(),
            employee_id: Some(employee),
            unit_id: unit,
            language: super::plan::invitation_language(
                Language::parse(&lang).unwrap_or_default(),
                &offered,
            )
            .code()
            .to_string(),
        })
        .collect();
    db_run!(conn, |c| {
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
    conn: &mut DbConn,
    survey: &str,
) -> Result<HashMap<String, (i64, i64)>, AppError> {
    let rows: Vec<(String, bool)> = db_run!(conn, |c| invitations::table
        .filter(invitations::survey_id.eq(survey))
        .select((invitations::unit_id, invitations::answered))
        .load(c))?;
    let mut out: HashMap<String, (i64, i64)> = HashMap::new();
    for (unit, answered) in rows {
        let e = out.entry(unit).or_default();
        e.0 += 1;
        e.1 += i64::from(answered);
    }
    Ok(out)
}
