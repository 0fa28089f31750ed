//! Follow-ups in the database, always within one agency, and for a leader
//! within the units they lead now (with their sub-units).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;
use tillit_api::{
    FieldCode, FieldError, FollowUp, FollowUpFields, FollowUpId, FollowUpProgress, FollowUpStatus,
    ProblemCode, SurveyId, SurveyState, TopicFlag, UnitId, UserId,
};

use crate::db::db_run;
use crate::db::schema::{follow_ups, leader_units, release_cells, releases, surveys, units};
use crate::error::AppError;
use crate::questionnaire::store::Frozen;
use crate::reports::compare::mean_milli;
use crate::util::utc;
use crate::work::Tx;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = follow_ups)]
pub struct Row {
    pub id: FollowUpId,
    pub agency_id: tillit_api::AgencyId,
    pub survey_id: SurveyId,
    pub unit_id: UnitId,
    pub topic_key: String,
    pub title: String,
    pub description: String,
    pub owner: String,
    pub due_on: NaiveDate,
    pub status: FollowUpStatus,
    pub with_safety_rep: bool,
    pub with_union_reps: bool,
    pub with_employees: bool,
    pub visible_to_employees: bool,
    pub created_by: UserId,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl Row {
    pub fn fields(&self) -> FollowUpFields {
        FollowUpFields {
            topic_key: self.topic_key.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            owner: self.owner.clone(),
            due_on: self.due_on,
            status: self.status,
            with_safety_rep: self.with_safety_rep,
            with_union_reps: self.with_union_reps,
            with_employees: self.with_employees,
            visible_to_employees: self.visible_to_employees,
        }
    }

    pub fn set(&mut self, f: FollowUpFields) {
        self.topic_key = f.topic_key;
        self.title = f.title.trim().to_string();
        self.description = f.description.trim().to_string();
        self.owner = f.owner.trim().to_string();
        self.due_on = f.due_on;
        self.status = f.status;
        self.with_safety_rep = f.with_safety_rep;
        self.with_union_reps = f.with_union_reps;
        self.with_employees = f.with_employees;
        self.visible_to_employees = f.visible_to_employees;
    }

    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.status.is_open() && self.due_on < today
    }
}

/// The units a leader may act for: those they lead and everything below,
/// on the tree as it is now. None for an admin (every unit).
pub fn scope(
    tx: &mut Tx<'_>,
    leader: Option<&UserId>,
) -> Result<Option<HashSet<UnitId>>, AppError> {
    let Some(user) = leader else {
        return Ok(None);
    };
    let led: Vec<UnitId> = db_run!(tx.conn(), |c| leader_units::table
        .filter(leader_units::user_id.eq(user))
        .select(leader_units::unit_id)
        .load(c))?;
    let all = crate::organisation::units::store::all(tx)?;
    let mut children: HashMap<&UnitId, Vec<&UnitId>> = HashMap::new();
    for u in &all {
        if let Some(p) = &u.parent_id {
            children.entry(p).or_default().push(&u.id);
        }
    }
    let mut out: HashSet<UnitId> = HashSet::new();
    let mut stack: Vec<&UnitId> = led.iter().collect();
    while let Some(u) = stack.pop() {
        if out.insert(u.clone()) {
            stack.extend(children.get(u).into_iter().flatten().copied());
        }
    }
    Ok(Some(out))
}

/// Checks that a follow-up names a reported survey of the agency, a unit
/// the person may act for, and a topic that survey asked.
pub fn check(
    tx: &mut Tx<'_>,
    survey: &SurveyId,
    unit: &UnitId,
    topic: &str,
    scope: Option<&HashSet<UnitId>>,
    frozen: &Frozen,
) -> Result<(), AppError> {
    let s = crate::surveys::store::get(tx, survey)
        .map_err(|_| AppError::invalid("survey_id", FieldCode::UnknownSurvey, "no such survey"))?;
    if s.state != SurveyState::Reported {
        return Err(AppError::conflict(
            ProblemCode::ReportNotReady,
            "A follow-up answers a report: the survey's report is not ready.",
        ));
    }
    let in_scope = scope.is_none_or(|s| s.contains(unit));
    if crate::organisation::units::store::get(tx, unit).is_err() || !in_scope {
        return Err(AppError::invalid(
            "unit_id",
            FieldCode::UnknownUnit,
            "no such unit among those you may act for",
        ));
    }
    let q = frozen.content(tx.conn(), &s.questionnaire_version_id)?;
    let asked = crate::answering::check::topics_of(&q, &s.modules.0);
    let ok = asked
        .iter()
        .any(|t| t.key == topic && !t.flags.contains(&TopicFlag::Health));
    if !ok {
        return Err(AppError::Invalid(vec![FieldError::new(
            "topic_key",
            FieldCode::UnknownTopic,
            "not a topic of this survey",
        )]));
    }
    Ok(())
}

pub fn insert(tx: &mut Tx<'_>, row: &Row) -> Result<(), AppError> {
    db_run!(tx.conn(), |c| diesel::insert_into(follow_ups::table)
        .values(row)
        .execute(c))?;
    Ok(())
}

pub fn save(tx: &mut Tx<'_>, row: &Row) -> Result<(), AppError> {
    let agency = tx.agency().clone();
    db_run!(tx.conn(), |c| diesel::update(
        follow_ups::table
            .filter(follow_ups::id.eq(&row.id))
            .filter(follow_ups::agency_id.eq(&agency))
    )
    .set(row)
    .execute(c))?;
    Ok(())
}

/// One follow-up the person may see; another's is simply not found.
pub fn get(
    tx: &mut Tx<'_>,
    id: &FollowUpId,
    scope: Option<&HashSet<UnitId>>,
) -> Result<Row, AppError> {
    let agency = tx.agency().clone();
    let row: Row = db_run!(tx.conn(), |c| follow_ups::table
        .filter(follow_ups::agency_id.eq(&agency))
        .filter(follow_ups::id.eq(id))
        .select(Row::as_select())
        .first(c))?;
    if scope.is_some_and(|s| !s.contains(&row.unit_id)) {
        return Err(AppError::NotFound);
    }
    Ok(row)
}

/// Every follow-up the person may see that matches, overdue first, then by
/// due date.
pub fn list(
    tx: &mut Tx<'_>,
    survey: Option<&SurveyId>,
    unit: Option<&UnitId>,
    status: Option<FollowUpStatus>,
    scope: Option<&HashSet<UnitId>>,
) -> Result<Vec<Row>, AppError> {
    let agency = tx.agency().clone();
    let mut rows: Vec<Row> = db_run!(tx.conn(), |c| {
        let mut q = follow_ups::table
            .filter(follow_ups::agency_id.eq(&agency))
            .select(Row::as_select())
            .into_boxed();
        if let Some(s) = survey {
            q = q.filter(follow_ups::survey_id.eq(s.clone()));
        }
        if let Some(u) = unit {
            q = q.filter(follow_ups::unit_id.eq(u.clone()));
        }
        if let Some(st) = status {
            q = q.filter(follow_ups::status.eq(st));
        }
        q.load(c)
    })?;
    rows.retain(|r| scope.is_none_or(|s| s.contains(&r.unit_id)));
    let today = crate::util::now().date();
    rows.sort_by(|a, b| {
        (!a.overdue(today), a.due_on, &a.title).cmp(&(!b.overdue(today), b.due_on, &b.title))
    });
    Ok(rows)
}

/// The rows as the API gives them: names, and the topic's score in the
/// survey followed up and in the agency's next reported one.
pub fn to_api(tx: &mut Tx<'_>, rows: Vec<Row>, frozen: &Frozen) -> Result<Vec<FollowUp>, AppError> {
    let agency = tx.agency().clone();
    let names = unit_names(tx)?;
    let survey_rows: Vec<(SurveyId, String, tillit_api::QuestionnaireId)> =
        db_run!(tx.conn(), |c| surveys::table
            .filter(surveys::agency_id.eq(&agency))
            .select((
                surveys::id,
                surveys::title,
                surveys::questionnaire_version_id
            ))
            .load(c))?;
    let titles: HashMap<SurveyId, String> = survey_rows
        .iter()
        .map(|(id, t, _)| (id.clone(), t.clone()))
        .collect();
    // Topic titles from each questionnaire the rows' surveys used.
    let mut topic_titles: HashMap<(SurveyId, String), tillit_api::Texts> = HashMap::new();
    let wanted: HashSet<&SurveyId> = rows.iter().map(|r| &r.survey_id).collect();
    for (id, _, version) in survey_rows.iter().filter(|s| wanted.contains(&s.0)) {
        let q = frozen.content(tx.conn(), version)?;
        for t in &q.topics {
            topic_titles.insert((id.clone(), t.key.clone()), t.title.clone());
        }
    }
    // The agency's releases in order: each survey's and the one after it.
    let rel: Vec<(String, SurveyId)> = db_run!(tx.conn(), |c| releases::table
        .filter(releases::agency_id.eq(&agency))
        .order(releases::frozen_at.asc())
        .select((releases::id, releases::survey_id))
        .load(c))?;
    let position: HashMap<SurveyId, usize> = rel
        .iter()
        .enumerate()
        .map(|(i, (_, s))| (s.clone(), i))
        .collect();
    let groups: Vec<String> = rows
        .iter()
        .map(|r| crate::reports::groups::unit_key(r.unit_id.as_str()))
        .collect();
    let measures: Vec<String> = rows.iter().map(|r| format!("t:{}", r.topic_key)).collect();
    let ids: Vec<String> = rel.iter().map(|r| r.0.clone()).collect();
    // (release, group, measure, n, sum)
    type Cell = (String, String, String, Option<i64>, Option<i64>);
    let cells: Vec<Cell> = if rows.is_empty() {
        Vec::new()
    } else {
        db_run!(tx.conn(), |c| release_cells::table
            .filter(release_cells::release_id.eq_any(&ids))
            .filter(release_cells::group_key.eq_any(&groups))
            .filter(release_cells::measure.eq_any(&measures))
            .select((
                release_cells::release_id,
                release_cells::group_key,
                release_cells::measure,
                release_cells::n,
                release_cells::sum_milli,
            ))
            .load(c))?
    };
    let score: HashMap<(&str, &str, &str), f64> = cells
        .iter()
        .filter_map(|(r, g, m, n, s)| {
            let mean = mean_milli((*n)?, (*s)?)?;
            Some(((r.as_str(), g.as_str(), m.as_str()), mean as f64 / 1000.0))
        })
        .collect();
    let today = crate::util::now().date();
    Ok(rows
        .into_iter()
        .map(|r| {
            let g = crate::reports::groups::unit_key(r.unit_id.as_str());
            let m = format!("t:{}", r.topic_key);
            let at = position.get(&r.survey_id).copied();
            let of = |i: Option<usize>| {
                i.and_then(|i| rel.get(i))
                    .and_then(|(id, _)| score.get(&(id.as_str(), g.as_str(), m.as_str())).copied())
            };
            let topic_title = topic_titles
                .get(&(r.survey_id.clone(), r.topic_key.clone()))
                .cloned()
                .unwrap_or_else(|| tillit_api::Texts {
                    nb: r.topic_key.clone(),
                    nn: r.topic_key.clone(),
                    en: r.topic_key.clone(),
                });
            FollowUp {
                topic_title,
                survey_title: titles.get(&r.survey_id).cloned().unwrap_or_default(),
                unit_name: names.get(&r.unit_id).cloned().unwrap_or_default(),
                overdue: r.overdue(today),
                score_then: of(at),
                score_next: of(at.map(|i| i + 1)),
                created_at: utc(r.created_at),
                updated_at: utc(r.updated_at),
                fields: r.fields(),
                id: r.id,
                survey_id: r.survey_id,
                unit_id: r.unit_id,
            }
        })
        .collect())
}

/// The agency's units' names by id.
fn unit_names(tx: &mut Tx<'_>) -> Result<HashMap<UnitId, String>, AppError> {
    let agency = tx.agency().clone();
    Ok(db_run!(tx.conn(), |c| units::table
        .filter(units::agency_id.eq(&agency))
        .select((units::id, units::name))
        .load::<(UnitId, String)>(c))?
    .into_iter()
    .collect())
}

/// Counts per unit, units with overdue follow-ups first.
pub fn progress(tx: &mut Tx<'_>, rows: &[Row]) -> Result<Vec<FollowUpProgress>, AppError> {
    let names = unit_names(tx)?;
    let today = crate::util::now().date();
    let mut by: HashMap<&UnitId, FollowUpProgress> = HashMap::new();
    for r in rows {
        let p = by.entry(&r.unit_id).or_insert_with(|| FollowUpProgress {
            unit_id: r.unit_id.clone(),
            unit_name: names.get(&r.unit_id).cloned().unwrap_or_default(),
            planned: 0,
            in_progress: 0,
            done: 0,
            cancelled: 0,
            overdue: 0,
        });
        match r.status {
            FollowUpStatus::Planned => p.planned += 1,
            FollowUpStatus::InProgress => p.in_progress += 1,
            FollowUpStatus::Done => p.done += 1,
            FollowUpStatus::Cancelled => p.cancelled += 1,
        }
        p.overdue += i64::from(r.overdue(today));
    }
    let mut out: Vec<FollowUpProgress> = by.into_values().collect();
    out.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then(a.unit_name.cmp(&b.unit_name))
    });
    Ok(out)
}
