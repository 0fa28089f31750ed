//! REP-1: a closed survey's report is computed once and stored. The ticker
//! freezes each survey a minute after it closed (answers already on their
//! way when it closed are in by then) and marks it reported. Computing
//! reads a snapshot outside the write lock; writing is one transaction,
//! and only the first instance to write one wins (`releases.survey_id` is
//! unique), so two instances never make two versions.

use std::collections::{BTreeMap, HashMap, HashSet};

use diesel::prelude::*;
use sha2::{Digest, Sha256};
use tillit_api::{AgencyId, Questionnaire, QuestionnaireId, SurveyId, SurveyState};

use super::aggregate::{compute, Report};
use super::compare::{self, Comparable, Figures};
use super::groups::{build, Groups, UnitNode};
use super::scores::{score, Items};
use crate::audit::{Action, Actor};
use crate::db::schema::{
    invitations, leader_units, release_cells, release_group_units, release_groups, releases,
    responses, surveys, units, users,
};
use crate::db::{db_run, write_tx, DbConn};
use crate::error::AppError;
use crate::util::{new_id, now};
use crate::work::Tx;

/// Bumped when the method changes; a release keeps the version it was made by.
pub const ENGINE_VERSION: i32 = 1;
/// Seconds after closing before a survey is frozen.
pub const GRACE_SECS: i64 = 60;
const CHUNK: usize = 1000;

/// Freezes every survey closed long enough ago. Returns how many this
/// call froze (another instance may have done the rest).
pub fn freeze_due(conn: &mut DbConn) -> Result<usize, AppError> {
    let before = now() - chrono::Duration::seconds(GRACE_SECS);
    let due: Vec<SurveyId> = db_run!(conn, |c| surveys::table
        .left_join(releases::table)
        .filter(surveys::state.eq(SurveyState::Closed))
        .filter(surveys::closed_at.le(before))
        .filter(releases::id.is_null())
        .select(surveys::id)
        .load(c))?;
    let mut frozen = 0;
    for id in due {
        match freeze(conn, &id) {
            Ok(true) => frozen += 1,
            Ok(false) => {}
            // One survey's trouble must not hold back the others.
            Err(e) => tracing::warn!(survey = %id, error = %e, "freezing a report failed"),
        }
    }
    Ok(frozen)
}

struct Snapshot {
    agency: AgencyId,
    version: QuestionnaireId,
    questionnaire: Questionnaire,
    modules: Vec<String>,
    units: Vec<UnitNode>,
    counts: HashMap<String, (u64, u64)>,
    responses: Vec<(String, String)>,
    leaders: Vec<Vec<String>>,
    /// The leaders, in the order of `leaders`.
    leader_ids: Vec<tillit_api::UserId>,
    previous: Option<(SurveyId, Figures, Questionnaire)>,
    others: Vec<Figures>,
}

/// Computes and stores one survey's release. False when it already had one.
pub fn freeze(conn: &mut DbConn, survey: &SurveyId) -> Result<bool, AppError> {
    let started = std::time::Instant::now();
    let snap = conn.transaction(|c| read(c, survey))?;
    let asked = crate::answering::check::topics_of(&snap.questionnaire, &snap.modules);
    let items = Items::new(&snap.questionnaire, &asked);
    let used: HashSet<String> = snap.counts.keys().cloned().collect();
    let groups = build(&snap.units, &used, &snap.leaders);
    let atom_of: HashMap<&str, usize> = groups
        .atoms
        .iter()
        .enumerate()
        .map(|(i, u)| (u.as_str(), i))
        .collect();
    let mut scored = Vec::with_capacity(snap.responses.len());
    for (unit, answers) in &snap.responses {
        let Some(&a) = atom_of.get(unit.as_str()) else {
            continue; // a response's unit always had invitations; bad data is left out
        };
        let answers: BTreeMap<String, u8> = serde_json::from_str(answers)
            .map_err(|e| AppError::internal(format!("stored answers unreadable: {e}")))?;
        scored.push((a, score(&items, &answers)));
    }
    let per_atom = |pick: fn(&(u64, u64)) -> u64| -> Vec<u64> {
        groups
            .atoms
            .iter()
            .map(|u| snap.counts.get(u).map_or(0, pick))
            .collect()
    };
    let report = compute(
        &items,
        &groups,
        &scored,
        &per_atom(|c| c.0),
        &per_atom(|c| c.1),
    );
    let comparable = Comparable::new(&snap.questionnaire, snap.previous.as_ref().map(|p| &p.2));
    let mut rows = cell_rows(&groups, &report);
    let own = compare::agency_figures(&rows);
    let mut all = snap.others.clone();
    all.push(own);
    let benchmark = compare::benchmark(&all);
    compare::deltas(
        &mut rows,
        &comparable,
        snap.previous.as_ref().map(|p| &p.1),
        benchmark.as_ref().map(|b| &b.1),
    );
    let release_id = new_id();
    let mut group_rows = group_rows(&release_id, &groups, &report);
    if let Some((_, figures)) = &benchmark {
        group_rows.push(compare::benchmark_group(&release_id));
        rows.extend(compare::benchmark_cells(figures));
    }
    let pattern = pattern(&group_rows, &rows);
    let stats = serde_json::json!({
        "responses": scored.len(),
        "groups": group_rows.len(),
        "cells": rows.len(),
        "families": report.stats.families,
        "engine_runs": report.stats.engine_runs,
        "ms": started.elapsed().as_millis() as u64,
    });
    let release = NewRelease {
        id: release_id.clone(),
        survey_id: survey.to_string(),
        agency_id: snap.agency.to_string(),
        questionnaire_version_id: snap.version.to_string(),
        frozen_at: now(),
        engine_version: ENGINE_VERSION,
        previous_survey_id: snap.previous.as_ref().map(|p| p.0.to_string()),
        benchmark_agencies: benchmark.as_ref().map(|b| b.0 as i32),
        pattern_sha256: pattern,
        stats: stats.to_string(),
    };
    let members = member_rows(&release_id, &groups);
    let cells: Vec<NewCell> = rows
        .into_iter()
        .map(|r| NewCell::of(&release_id, r))
        .collect();
    let agency = snap.agency.clone();
    // Leaders of a unit in the report; one whose units had no one invited
    // has nothing to read.
    let leaders: Vec<tillit_api::UserId> = snap
        .leader_ids
        .iter()
        .zip(&snap.leaders)
        .filter(|(_, led)| led.iter().any(|u| atom_of.contains_key(u.as_str())))
        .map(|(id, _)| id.clone())
        .collect();
    write_tx(conn, |conn| {
        let inserted = db_run!(conn, |c| diesel::insert_into(releases::table)
            .values(&release)
            .on_conflict_do_nothing()
            .execute(c))?;
        if inserted == 0 {
            return Ok(false);
        }
        db_run!(conn, |c| {
            for chunk in group_rows.chunks(CHUNK) {
                diesel::insert_into(release_groups::table)
                    .values(chunk)
                    .execute(c)?;
            }
            for chunk in members.chunks(CHUNK) {
                diesel::insert_into(release_group_units::table)
                    .values(chunk)
                    .execute(c)?;
            }
            for chunk in cells.chunks(CHUNK) {
                diesel::insert_into(release_cells::table)
                    .values(chunk)
                    .execute(c)?;
            }
            diesel::update(surveys::table.find(survey))
                .set(surveys::state.eq(SurveyState::Reported))
                .execute(c)?;
        });
        Tx::new(conn, agency, Actor::system())
            .audit(Action::ReportFreeze, Some(survey.as_str()))?;
        // Every leader with a group in the report hears that it is ready.
        crate::mail::account::queue_report_ready(conn, &leaders, survey)?;
        Ok(true)
    })
}

fn read(conn: &mut DbConn, survey: &SurveyId) -> Result<Snapshot, AppError> {
    let (agency, version, modules): (
        AgencyId,
        QuestionnaireId,
        crate::db::types::TextList<String>,
    ) = db_run!(conn, |c| surveys::table
        .find(survey)
        .select((
            surveys::agency_id,
            surveys::questionnaire_version_id,
            surveys::modules
        ))
        .first(c))?;
    let questionnaire = crate::questionnaire::store::get(conn, &version)?.content()?;
    let units: Vec<(String, Option<String>, String)> = db_run!(conn, |c| units::table
        .filter(units::agency_id.eq(&agency))
        .select((units::id, units::parent_id, units::name))
        .load(c))?;
    let invited: Vec<(String, bool)> = db_run!(conn, |c| invitations::table
        .filter(invitations::survey_id.eq(survey))
        .select((invitations::unit_id, invitations::answered))
        .load(c))?;
    let mut counts: HashMap<String, (u64, u64)> = HashMap::new();
    for (u, answered) in invited {
        let e = counts.entry(u).or_default();
        e.0 += 1;
        e.1 += u64::from(answered);
    }
    let responses: Vec<(String, String)> = db_run!(conn, |c| responses::table
        .filter(responses::survey_id.eq(survey))
        .select((responses::unit_id, responses::answers))
        .load(c))?;
    let led: Vec<(String, String)> = db_run!(conn, |c| leader_units::table
        .inner_join(users::table)
        .filter(users::agency_id.eq(&agency))
        .filter(users::active.eq(true))
        .select((leader_units::user_id, leader_units::unit_id))
        .order((leader_units::user_id, leader_units::unit_id))
        .load(c))?;
    let mut by_leader: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (user, unit) in led {
        by_leader.entry(user).or_default().push(unit);
    }
    let previous = compare::previous(conn, &agency, survey)?;
    let others = compare::other_agencies(conn, &agency, &version)?;
    Ok(Snapshot {
        agency,
        version,
        questionnaire,
        modules: modules.0,
        units: units
            .into_iter()
            .map(|(id, parent, name)| UnitNode { id, parent, name })
            .collect(),
        counts,
        responses,
        leader_ids: by_leader
            .keys()
            .map(|u| tillit_api::UserId(u.clone()))
            .collect(),
        leaders: by_leader.into_values().collect(),
        previous,
        others,
    })
}

/// A cell on its way to the catalogue, comparisons filled in later.
#[derive(Debug, Clone)]
pub struct CellRow {
    pub group_key: String,
    pub measure: String,
    pub n: Option<i64>,
    pub sum_milli: Option<i64>,
    pub dist: Option<Vec<i64>>,
    pub mean_hidden: Option<tillit_api::HiddenReason>,
    pub dist_hidden: Option<tillit_api::HiddenReason>,
    pub vs_agency: Option<i64>,
    pub vs_benchmark: Option<i64>,
    pub vs_previous: Option<i64>,
}

fn cell_rows(groups: &Groups, report: &Report) -> Vec<CellRow> {
    report
        .cells
        .iter()
        .map(|c| CellRow {
            group_key: groups.list[c.group].key.clone(),
            measure: c.measure.clone(),
            n: c.n,
            sum_milli: c.sum_milli,
            dist: c.dist.clone(),
            mean_hidden: c.mean_hidden,
            dist_hidden: c.dist_hidden,
            vs_agency: None,
            vs_benchmark: None,
            vs_previous: None,
        })
        .collect()
}

#[derive(Insertable)]
#[diesel(table_name = releases)]
struct NewRelease {
    id: String,
    survey_id: String,
    agency_id: String,
    questionnaire_version_id: String,
    frozen_at: chrono::NaiveDateTime,
    engine_version: i32,
    previous_survey_id: Option<String>,
    benchmark_agencies: Option<i32>,
    pattern_sha256: String,
    stats: String,
}

#[derive(Insertable, Debug, Clone)]
#[diesel(table_name = release_groups)]
pub struct NewGroup {
    pub release_id: String,
    pub group_key: String,
    pub kind: String,
    pub unit_id: Option<String>,
    pub parent_key: Option<String>,
    pub name: String,
    pub depth: i32,
    pub position: i32,
    pub responses: Option<i64>,
    pub hidden: Option<tillit_api::HiddenReason>,
    pub invited: Option<i64>,
    pub answered: Option<i64>,
    pub rate_hidden: Option<tillit_api::HiddenReason>,
}

fn group_rows(release: &str, groups: &Groups, report: &Report) -> Vec<NewGroup> {
    groups
        .list
        .iter()
        .zip(&report.groups)
        .enumerate()
        .map(|(i, (g, f))| NewGroup {
            release_id: release.to_string(),
            group_key: g.key.clone(),
            kind: g.kind.as_str().to_string(),
            unit_id: g.unit_id.clone(),
            parent_key: g.parent_key.clone(),
            name: g.name.clone(),
            depth: g.depth as i32,
            position: i as i32,
            responses: f.responses,
            hidden: f.hidden,
            invited: f.invited,
            answered: f.answered,
            rate_hidden: f.rate_hidden,
        })
        .collect()
}

#[derive(Insertable)]
#[diesel(table_name = release_group_units)]
struct NewMember {
    release_id: String,
    group_key: String,
    unit_id: String,
}

fn member_rows(release: &str, groups: &Groups) -> Vec<NewMember> {
    groups
        .list
        .iter()
        .flat_map(|g| {
            g.atoms.iter().map(|&a| NewMember {
                release_id: release.to_string(),
                group_key: g.key.clone(),
                unit_id: groups.atoms[a].clone(),
            })
        })
        .collect()
}

#[derive(Insertable)]
#[diesel(table_name = release_cells)]
struct NewCell {
    release_id: String,
    group_key: String,
    measure: String,
    n: Option<i64>,
    sum_milli: Option<i64>,
    dist: Option<String>,
    mean_hidden: Option<tillit_api::HiddenReason>,
    dist_hidden: Option<tillit_api::HiddenReason>,
    vs_agency: Option<i64>,
    vs_benchmark: Option<i64>,
    vs_previous: Option<i64>,
}

impl NewCell {
    fn of(release: &str, r: CellRow) -> NewCell {
        NewCell {
            release_id: release.to_string(),
            group_key: r.group_key,
            measure: r.measure,
            n: r.n,
            sum_milli: r.sum_milli,
            dist: r
                .dist
                .map(|d| d.iter().map(i64::to_string).collect::<Vec<_>>().join(",")),
            mean_hidden: r.mean_hidden,
            dist_hidden: r.dist_hidden,
            vs_agency: r.vs_agency,
            vs_benchmark: r.vs_benchmark,
            vs_previous: r.vs_previous,
        }
    }
}

/// SHA-256 over every decision, in a fixed order: the same responses
/// always give the same pattern, and any change shows.
fn pattern(groups: &[NewGroup], cells: &[CellRow]) -> String {
    let mut lines: Vec<String> = groups
        .iter()
        .map(|g| {
            format!(
                "{}\tgroup\t{:?}\t{:?}\n",
                g.group_key,
                g.hidden.map(|h| h.as_str()),
                g.rate_hidden.map(|h| h.as_str())
            )
        })
        .chain(cells.iter().map(|c| {
            format!(
                "{}\t{}\t{:?}\t{:?}\n",
                c.group_key,
                c.measure,
                c.mean_hidden.map(|h| h.as_str()),
                c.dist_hidden.map(|h| h.as_str())
            )
        }))
        .collect();
    lines.sort_unstable();
    hex::encode(Sha256::digest(lines.concat().as_bytes()))
}
