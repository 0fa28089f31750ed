//! Comparisons, made only of figures already released, so that they add
//! nothing a pooled reader could not work out (REP-8): a group against its
//! agency, against the agency's previous survey (the same group and
//! question in that survey's own frozen release, never recomputed on
//! today's tree), and against a benchmark summed from other agencies'
//! released agency figures on the same questionnaire version, shown only
//! when at least 3 agencies are in it. Any difference of two benchmarks is
//! then whole agencies, each already shown.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use tillit_api::{AgencyId, Questionnaire, QuestionnaireId, SurveyId};

use super::freeze::{CellRow, NewGroup};
use super::groups::AGENCY;
use crate::db::schema::{release_cells, releases};
use crate::db::{db_run, DbConn};
use crate::error::AppError;

pub const BENCHMARK: &str = "benchmark";
/// The fewest agencies a benchmark is shown from.
pub const MIN_AGENCIES: usize = 3;

/// Shown means by (group, measure): (n, sum in milli).
pub type Figures = HashMap<(String, String), (i64, i64)>;
/// (n, sum in milli) by measure.
pub type Sums = HashMap<String, (i64, i64)>;

/// A mean in milli from n and a sum in milli, rounded half up.
pub fn mean_milli(n: i64, sum: i64) -> Option<i64> {
    (n > 0).then(|| (sum * 2 + n).div_euclid(2 * n))
}

/// The agency's latest release before this survey's, with its figures and
/// questionnaire.
pub fn previous(
    conn: &mut DbConn,
    agency: &AgencyId,
    survey: &SurveyId,
) -> Result<Option<(SurveyId, Figures, Questionnaire)>, AppError> {
    let row: Option<(String, SurveyId, QuestionnaireId)> = db_run!(conn, |c| releases::table
        .filter(releases::agency_id.eq(agency))
        .filter(releases::survey_id.ne(survey))
        .order(releases::frozen_at.desc())
        .select((
            releases::id,
            releases::survey_id,
            releases::questionnaire_version_id
        ))
        .first(c)
        .optional())?;
    let Some((release, survey, version)) = row else {
        return Ok(None);
    };
    let q = crate::questionnaire::store::get(conn, &version)?.content()?;
    Ok(Some((survey, figures(conn, &release, None)?, q)))
}

/// Each other agency's latest release on `version`: its agency figures.
pub fn other_agencies(
    conn: &mut DbConn,
    agency: &AgencyId,
    version: &QuestionnaireId,
) -> Result<Vec<Figures>, AppError> {
    let rows: Vec<(String, String)> = db_run!(conn, |c| releases::table
        .filter(releases::questionnaire_version_id.eq(version))
        .filter(releases::agency_id.ne(agency))
        .order((releases::agency_id, releases::frozen_at.desc()))
        .select((releases::agency_id, releases::id))
        .load(c))?;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (a, release) in rows {
        if seen.insert(a) {
            out.push(figures(conn, &release, Some(AGENCY))?);
        }
    }
    Ok(out)
}

fn figures(conn: &mut DbConn, release: &str, group: Option<&str>) -> Result<Figures, AppError> {
    let rows: Vec<(String, String, Option<i64>, Option<i64>)> = db_run!(conn, |c| {
        let mut q = release_cells::table
            .filter(release_cells::release_id.eq(release))
            .filter(release_cells::mean_hidden.is_null())
            .select((
                release_cells::group_key,
                release_cells::measure,
                release_cells::n,
                release_cells::sum_milli,
            ))
            .into_boxed();
        if let Some(g) = group {
            q = q.filter(release_cells::group_key.eq(g.to_string()));
        }
        q.load(c)
    })?;
    Ok(rows
        .into_iter()
        .filter_map(|(g, m, n, s)| Some(((g, m), (n?, s?))))
        .collect())
}

pub fn agency_figures(rows: &[CellRow]) -> Figures {
    rows.iter()
        .filter(|r| r.group_key == AGENCY && r.mean_hidden.is_none())
        .filter_map(|r| {
            Some((
                (r.group_key.clone(), r.measure.clone()),
                (r.n?, r.sum_milli?),
            ))
        })
        .collect()
}

/// (agencies in it, (n, sum) per measure) when at least 3 agencies show
/// their agency figures; each measure needs 3 of them too. Health
/// associations stay in their own agency's report.
pub fn benchmark(agencies: &[Figures]) -> Option<(usize, Sums)> {
    let counted: Vec<&Figures> = agencies.iter().filter(|f| !f.is_empty()).collect();
    if counted.len() < MIN_AGENCIES {
        return None;
    }
    let mut sums: HashMap<String, (i64, i64, usize)> = HashMap::new();
    for f in &counted {
        for ((_, measure), (n, s)) in f.iter() {
            if measure.starts_with("h:") {
                continue;
            }
            let e = sums.entry(measure.clone()).or_default();
            e.0 += n;
            e.1 += s;
            e.2 += 1;
        }
    }
    let out: Sums = sums
        .into_iter()
        .filter(|(_, (_, _, k))| *k >= MIN_AGENCIES)
        .map(|(m, (n, s, _))| (m, (n, s)))
        .collect();
    (!out.is_empty()).then_some((counted.len(), out))
}

/// Which measures mean the same in the previous survey: a question on the
/// same scale turned the same way; a topic or index of the same key.
pub struct Comparable {
    questions: HashSet<String>,
    others: HashSet<String>,
}

impl Comparable {
    pub fn new(now: &Questionnaire, before: Option<&Questionnaire>) -> Comparable {
        let Some(before) = before else {
            return Comparable {
                questions: HashSet::new(),
                others: HashSet::new(),
            };
        };
        let old: HashMap<&str, (&str, usize, _)> = before
            .topics
            .iter()
            .flat_map(|t| &t.questions)
            .map(|q| {
                let steps = before.scales.get(&q.scale).map_or(0, |s| s.labels.nb.len());
                (q.key.as_str(), (q.scale.as_str(), steps, q.direction))
            })
            .collect();
        let questions = now
            .topics
            .iter()
            .flat_map(|t| &t.questions)
            .filter(|q| {
                let steps = now.scales.get(&q.scale).map_or(0, |s| s.labels.nb.len());
                old.get(q.key.as_str()) == Some(&(q.scale.as_str(), steps, q.direction))
            })
            .map(|q| format!("q:{}", q.key))
            .collect();
        let others = before
            .topics
            .iter()
            .map(|t| format!("t:{}", t.key))
            .chain(before.indices.iter().map(|i| format!("i:{}", i.key)))
            .collect();
        Comparable { questions, others }
    }

    fn allows(&self, measure: &str) -> bool {
        self.questions.contains(measure) || self.others.contains(measure)
    }
}

/// Fills in each shown mean's difference to the agency, the previous
/// survey and the benchmark, where the other side is shown too.
pub fn deltas(
    rows: &mut [CellRow],
    comparable: &Comparable,
    previous: Option<&Figures>,
    benchmark: Option<&Sums>,
) {
    let agency: HashMap<String, i64> = rows
        .iter()
        .filter(|r| r.group_key == AGENCY)
        .filter_map(|r| Some((r.measure.clone(), mean_milli(r.n?, r.sum_milli?)?)))
        .collect();
    for r in rows.iter_mut() {
        let (Some(n), Some(sum)) = (r.n, r.sum_milli) else {
            continue;
        };
        if r.mean_hidden.is_some() || r.measure.starts_with("h:") {
            continue;
        }
        let Some(mean) = mean_milli(n, sum) else {
            continue;
        };
        if r.group_key != AGENCY {
            r.vs_agency = agency.get(&r.measure).map(|a| mean - a);
        }
        if comparable.allows(&r.measure) {
            r.vs_previous = previous
                .and_then(|p| p.get(&(r.group_key.clone(), r.measure.clone())))
                .and_then(|(n, s)| mean_milli(*n, *s))
                .map(|p| mean - p);
        }
        r.vs_benchmark = benchmark
            .and_then(|b| b.get(&r.measure))
            .and_then(|(n, s)| mean_milli(*n, *s))
            .map(|b| mean - b);
    }
}

pub fn benchmark_group(release: &str) -> NewGroup {
    NewGroup {
        release_id: release.to_string(),
        group_key: BENCHMARK.into(),
        kind: tillit_api::GroupKind::Benchmark.as_str().into(),
        unit_id: None,
        parent_key: None,
        name: String::new(),
        depth: 0,
        position: i32::MAX,
        responses: None,
        hidden: None,
        invited: None,
        answered: None,
        rate_hidden: None,
    }
}

pub fn benchmark_cells(figures: &Sums) -> Vec<CellRow> {
    let mut out: Vec<CellRow> = figures
        .iter()
        .map(|(m, (n, s))| CellRow {
            group_key: BENCHMARK.into(),
            measure: m.clone(),
            n: Some(*n),
            sum_milli: Some(*s),
            dist: None,
            mean_hidden: None,
            dist_hidden: None,
            vs_agency: None,
            vs_benchmark: None,
            vs_previous: None,
        })
        .collect();
    out.sort_by(|a, b| a.measure.cmp(&b.measure));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agency(measures: &[(&str, i64, i64)]) -> Figures {
        measures
            .iter()
            .map(|(m, n, s)| ((AGENCY.to_string(), m.to_string()), (*n, *s)))
            .collect()
    }

    #[test]
    fn rep_8_a_benchmark_needs_three_agencies_per_figure() {
        let a = agency(&[("q:x", 10, 40_000), ("q:y", 10, 30_000)]);
        let b = agency(&[("q:x", 20, 60_000), ("q:y", 20, 60_000)]);
        let c = agency(&[("q:x", 30, 120_000)]);
        assert_eq!(benchmark(&[a.clone(), b.clone()]), None);
        let (k, f) = benchmark(&[a, b, c, Figures::new()]).unwrap();
        assert_eq!(k, 3, "an agency that showed nothing is not counted");
        assert_eq!(f.get("q:x"), Some(&(60, 220_000)));
        assert_eq!(f.get("q:y"), None, "only two agencies show q:y");
    }

    #[test]
    fn means_round_half_up() {
        assert_eq!(mean_milli(3, 10_000), Some(3_333));
        assert_eq!(mean_milli(2, 7_001), Some(3_501));
        assert_eq!(mean_milli(0, 0), None);
    }
}
