//! Reading a frozen release (REP-1): reads touch only the release tables
//! and the questionnaire version it was made from. Which groups a reader
//! may open is decided here, on every request, from what they lead now.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use tillit_api::{
    Delta, Figure, GroupKind, HiddenReason, ProblemCode, Questionnaire, ReportGroup, SurveyId,
    TopicFlag, UnitId, UserId,
};

use super::compare::mean_milli;
use super::groups::AGENCY;
use crate::db::db_run;
use crate::db::schema::{
    leader_units, release_cells, release_group_units, release_groups, releases,
};
use crate::error::AppError;
use crate::surveys::store as surveys;
use crate::work::Tx;

pub struct Release {
    pub id: String,
    pub survey_id: SurveyId,
    pub title: String,
    pub frozen_at: chrono::NaiveDateTime,
    pub questionnaire: Questionnaire,
    pub benchmark_agencies: Option<i32>,
    pub previous_survey_id: Option<SurveyId>,
}

/// The agency's release of `survey` (404 for another agency's survey).
/// `frozen` holds the parsed questionnaires (a used version never changes).
pub fn release(
    tx: &mut Tx<'_>,
    survey: &SurveyId,
    frozen: &crate::questionnaire::store::Frozen,
) -> Result<Release, AppError> {
    let row = surveys::get(tx, survey)?;
    type Row = (
        String,
        chrono::NaiveDateTime,
        String,
        Option<i32>,
        Option<SurveyId>,
    );
    let found: Option<Row> = db_run!(tx.conn(), |c| releases::table
        .filter(releases::survey_id.eq(survey))
        .filter(releases::agency_id.eq(&row.agency_id))
        .select((
            releases::id,
            releases::frozen_at,
            releases::questionnaire_version_id,
            releases::benchmark_agencies,
            releases::previous_survey_id,
        ))
        .first(c)
        .optional())?;
    let Some((id, frozen_at, version, benchmark_agencies, previous_survey_id)) = found else {
        return Err(AppError::conflict(
            ProblemCode::ReportNotReady,
            "The report is made about a minute after the survey closes.",
        ));
    };
    let full = frozen.content(tx.conn(), &tillit_api::QuestionnaireId(version))?;
    let asked = crate::answering::check::topics_of(&full, &row.modules.0);
    let questionnaire = Questionnaire {
        topics: asked,
        modules: full.modules.clone(),
        scales: full.scales.clone(),
        indices: full.indices.clone(),
    };
    Ok(Release {
        id,
        survey_id: row.id,
        title: row.title,
        frozen_at,
        questionnaire,
        benchmark_agencies,
        previous_survey_id,
    })
}

/// Who may see which groups: an admin every one, a leader those made only
/// of units they lead now (with the sub-units they had at close).
pub enum Scope {
    All,
    Led(HashSet<String>),
}

impl Scope {
    pub fn of(tx: &mut Tx<'_>, release: &str, leader: Option<UserId>) -> Result<Scope, AppError> {
        let Some(user) = leader else {
            return Ok(Scope::All);
        };
        let led: Vec<UnitId> = db_run!(tx.conn(), |c| leader_units::table
            .filter(leader_units::user_id.eq(&user))
            .select(leader_units::unit_id)
            .load(c))?;
        let members: Vec<(String, String)> = db_run!(tx.conn(), |c| release_group_units::table
            .filter(release_group_units::release_id.eq(release))
            .select((release_group_units::group_key, release_group_units::unit_id))
            .load(c))?;
        let mut units_of: HashMap<String, Vec<String>> = HashMap::new();
        for (g, u) in members {
            units_of.entry(g).or_default().push(u);
        }
        let mut reach: HashSet<&str> = HashSet::new();
        for u in &led {
            if let Some(sub) = units_of.get(&super::groups::unit_key(u.as_str())) {
                reach.extend(sub.iter().map(String::as_str));
            }
        }
        let visible = units_of
            .iter()
            .filter(|(g, units)| {
                g.as_str() != AGENCY && units.iter().all(|u| reach.contains(u.as_str()))
            })
            .map(|(g, _)| g.clone())
            .collect();
        Ok(Scope::Led(visible))
    }

    pub fn sees(&self, group: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Led(keys) => keys.contains(group),
        }
    }
}

type GroupRow = (
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    i32,
    Option<i64>,
    Option<HiddenReason>,
    Option<i64>,
    Option<i64>,
    Option<HiddenReason>,
);

/// The release's groups in tree order (the benchmark left out).
pub fn groups(tx: &mut Tx<'_>, release: &str) -> Result<Vec<ReportGroup>, AppError> {
    groups_where(tx, release, None)
}

/// One group of the release.
pub fn group(tx: &mut Tx<'_>, release: &str, key: &str) -> Result<ReportGroup, AppError> {
    groups_where(tx, release, Some(key))?
        .pop()
        .ok_or(AppError::NotFound)
}

fn groups_where(
    tx: &mut Tx<'_>,
    release: &str,
    key: Option<&str>,
) -> Result<Vec<ReportGroup>, AppError> {
    let rows: Vec<GroupRow> = db_run!(tx.conn(), |c| {
        let mut q = release_groups::table
            .filter(release_groups::release_id.eq(release))
            .filter(release_groups::kind.ne(GroupKind::Benchmark.as_str()))
            .order(release_groups::position)
            .into_boxed();
        if let Some(k) = key {
            q = q.filter(release_groups::group_key.eq(k.to_string()));
        }
        q.select((
            release_groups::group_key,
            release_groups::kind,
            release_groups::unit_id,
            release_groups::parent_key,
            release_groups::name,
            release_groups::depth,
            release_groups::responses,
            release_groups::hidden,
            release_groups::invited,
            release_groups::answered,
            release_groups::rate_hidden,
        ))
        .load(c)
    })?;
    Ok(rows
        .into_iter()
        .map(
            |(key, kind, unit, parent, name, depth, responses, hidden, invited, answered, rh)| {
                ReportGroup {
                    key,
                    kind: GroupKind::parse(&kind).unwrap_or(GroupKind::Unit),
                    unit_id: unit.map(UnitId),
                    parent,
                    name,
                    depth: depth.max(0).unsigned_abs(),
                    responses,
                    hidden,
                    invited,
                    answered,
                    rate: match (invited, answered) {
                        (Some(i), Some(a)) if i > 0 => {
                            Some((a as f64 * 1000.0 / i as f64).round() / 10.0)
                        }
                        _ => None,
                    },
                    rate_hidden: rh,
                }
            },
        )
        .collect())
}

type CellRow = (
    String,
    String,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<HiddenReason>,
    Option<HiddenReason>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

/// The figures of `groups` (all of them when None), by group key, in
/// measure order.
pub fn figures(
    tx: &mut Tx<'_>,
    release: &Release,
    groups: Option<&[String]>,
    measures: Option<&[String]>,
) -> Result<HashMap<String, Vec<Figure>>, AppError> {
    let rows: Vec<CellRow> = db_run!(tx.conn(), |c| {
        let mut q = release_cells::table
            .filter(release_cells::release_id.eq(&release.id))
            .select((
                release_cells::group_key,
                release_cells::measure,
                release_cells::n,
                release_cells::sum_milli,
                release_cells::dist,
                release_cells::mean_hidden,
                release_cells::dist_hidden,
                release_cells::vs_agency,
                release_cells::vs_benchmark,
                release_cells::vs_previous,
            ))
            .order((release_cells::group_key, release_cells::measure))
            .into_boxed();
        if let Some(g) = groups {
            q = q.filter(release_cells::group_key.eq_any(g.to_vec()));
        }
        if let Some(m) = measures {
            q = q.filter(release_cells::measure.eq_any(m.to_vec()));
        }
        q.load(c)
    })?;
    let ranges = Ranges::new(&release.questionnaire);
    let mut out: HashMap<String, Vec<Figure>> = HashMap::new();
    for (group, measure, n, sum, dist, mh, dh, va, vb, vp) in rows {
        // Meaningful: 7.5 % of the range, which in thousandths is range · 75.
        let range = ranges.width(&measure);
        let delta = |d: Option<i64>| {
            d.map(|milli| Delta {
                value: milli as f64 / 1000.0,
                meaningful: n.is_some_and(|n| n >= 10)
                    && (milli.unsigned_abs() as f64) >= range * 75.0,
            })
        };
        let distribution: Option<Vec<i64>> =
            dist.map(|d| d.split(',').filter_map(|x| x.parse().ok()).collect());
        let unanimous = distribution
            .as_ref()
            .is_some_and(|d| d.iter().filter(|&&c| c > 0).count() == 1);
        out.entry(group).or_default().push(Figure {
            mean: match (n, sum) {
                (Some(n), Some(s)) => mean_milli(n, s).map(|m| m as f64 / 1000.0),
                _ => None,
            },
            n,
            distribution,
            mean_hidden: mh,
            distribution_hidden: dh,
            vs_agency: delta(va),
            vs_benchmark: delta(vb),
            vs_previous: delta(vp),
            unanimous,
            measure,
        });
    }
    let order = measure_order(&release.questionnaire);
    for figs in out.values_mut() {
        figs.sort_by_key(|f| order.get(f.measure.as_str()).copied().unwrap_or(usize::MAX));
    }
    Ok(out)
}

/// Questionnaire order: each topic's score, then its questions; indices
/// first; health associations last.
pub fn measure_order(q: &Questionnaire) -> HashMap<String, usize> {
    let mut keys: Vec<String> = q.indices.iter().map(|i| format!("i:{}", i.key)).collect();
    for t in &q.topics {
        keys.push(format!("t:{}", t.key));
        keys.extend(t.questions.iter().map(|x| format!("q:{}", x.key)));
    }
    for t in &q.topics {
        for band in ["low", "middle", "high"] {
            keys.push(format!("h:{}:{band}", t.key));
        }
    }
    keys.into_iter().enumerate().map(|(i, k)| (k, i)).collect()
}

/// The width of each measure's scale, in its own units: a question's
/// steps minus one, 100 for scores.
struct Ranges(HashMap<String, f64>);

impl Ranges {
    fn new(q: &Questionnaire) -> Ranges {
        Ranges(
            q.topics
                .iter()
                .flat_map(|t| &t.questions)
                .map(|x| {
                    let steps = q.scales.get(&x.scale).map_or(5, |s| s.labels.nb.len());
                    (format!("q:{}", x.key), steps.saturating_sub(1) as f64)
                })
                .collect(),
        )
    }

    fn width(&self, measure: &str) -> f64 {
        self.0.get(measure).copied().unwrap_or(100.0)
    }
}

/// Notes a group's report carries (REP-9).
pub fn notes(q: &Questionnaire, group: &ReportGroup) -> Vec<tillit_api::ReportNote> {
    let mut out = Vec::new();
    if q.topics
        .iter()
        .any(|t| t.flags.contains(&TopicFlag::Leadership))
    {
        out.push(tillit_api::ReportNote::Leadership);
    }
    if group.kind != GroupKind::Agency
        && q.topics.iter().any(|t| {
            t.flags.contains(&TopicFlag::Sensitive) || t.flags.contains(&TopicFlag::Health)
        })
    {
        out.push(tillit_api::ReportNote::AgencyOnlyTopics);
    }
    out
}
