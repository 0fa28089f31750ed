//! Every figure of a survey's report, computed once from its responses
//! (REP-1..REP-8), without I/O: which groups may show anything, per
//! question, topic and index which may show a mean and which a
//! distribution, the health associations, and the response rates.
//!
//! Each figure family (one question, one topic, ...) is protected on its
//! own: its weights are the valid answers in each unit, and the engine
//! first decides the distributions (threshold 10, REP-4), then the means
//! (threshold 6) with every shown distribution kept shown (a pattern safe
//! at 10 is safe at 6). Families are linked only where one is built from
//! others: a topic's mean is hidden when one of its questions' is, an
//! index's when one of its topics' is.

use std::cmp::Reverse;
use std::collections::HashMap;

use tillit_api::{GroupKind, HiddenReason, TopicFlag};

use super::engine::{suppress, Decision};
use super::groups::Groups;
use super::scores::{Band, Items, Scored};

/// REP-2, REP-3: a mean needs 6, so does a group to show anything.
pub const MIN_MEAN: u64 = 6;
/// REP-4: a distribution needs 10.
pub const MIN_DISTRIBUTION: u64 = 10;

/// Per group, in the order of [`Groups::list`].
#[derive(Debug, Clone, PartialEq)]
pub struct GroupFigures {
    /// Responses in the group; None when the group shows nothing.
    pub responses: Option<i64>,
    pub hidden: Option<HiddenReason>,
    pub invited: Option<i64>,
    pub answered: Option<i64>,
    pub rate_hidden: Option<HiddenReason>,
}

/// One figure of one group. A hidden figure is not stored at all, only why.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub group: usize,
    /// `q:<question>`, `t:<topic>`, `i:<index>` or `h:<topic>:<band>`.
    pub measure: String,
    /// Valid answers (respondents with a score, for topics and indices).
    pub n: Option<i64>,
    /// Sum of the answers (or scores) in thousandths; the mean is sum / n.
    pub sum_milli: Option<i64>,
    /// Count per answer step (questions) or per band (topics, indices).
    pub dist: Option<Vec<i64>>,
    pub mean_hidden: Option<HiddenReason>,
    pub dist_hidden: Option<HiddenReason>,
}

impl Cell {
    /// Everyone who answered gave the same answer: shown, with a note
    /// (docs/anonymity.md says why).
    pub fn unanimous(&self) -> bool {
        self.dist
            .as_ref()
            .is_some_and(|d| d.iter().filter(|&&c| c > 0).count() == 1)
    }
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Stats {
    pub engine_runs: usize,
    pub families: usize,
}

pub struct Report {
    pub groups: Vec<GroupFigures>,
    pub cells: Vec<Cell>,
    pub stats: Stats,
}

/// `responses`: (atom, scored response). `invited` and `answered`: per atom.
pub fn compute(
    items: &Items,
    groups: &Groups,
    responses: &[(usize, Scored)],
    invited: &[u64],
    answered: &[u64],
) -> Report {
    let atoms = groups.atoms.len();
    let mut per_atom = vec![0u64; atoms];
    for (a, _) in responses {
        per_atom[*a] += 1;
    }
    let n_of = |w: &[u64], g: usize| -> u64 { groups.list[g].atoms.iter().map(|&a| w[a]).sum() };
    let mut figures: Vec<GroupFigures> = (0..groups.list.len())
        .map(|g| {
            let n = n_of(&per_atom, g);
            let shown = n >= MIN_MEAN;
            GroupFigures {
                responses: shown.then_some(n as i64),
                hidden: (!shown).then_some(HiddenReason::TooFew),
                invited: None,
                answered: None,
                rate_hidden: None,
            }
        })
        .collect();
    rates(groups, invited, answered, &mut figures);
    // One order for every family, so the same groups tend to stay hidden.
    let candidates = by_priority(
        groups,
        &per_atom,
        (0..groups.list.len()).filter(|&g| figures[g].hidden.is_none()),
    );
    let mut run = Runner {
        groups,
        candidates,
        memo: HashMap::new(),
        stats: Stats::default(),
    };
    let agency_n = n_of(&per_atom, 0);
    let mut cells = Vec::new();
    let mut question_mean_shown: HashMap<(usize, usize), bool> = HashMap::new();
    let mut topic_mean_shown: HashMap<(usize, usize), bool> = HashMap::new();
    for (ti, (topic, qs)) in items.topics.iter().enumerate() {
        if items.is(ti, TopicFlag::Health) {
            continue;
        }
        let sensitive = items.is(ti, TopicFlag::Sensitive);
        if sensitive && (agency_n < MIN_DISTRIBUTION || figures[0].hidden.is_some()) {
            continue; // REP-6: not even the agency shows it
        }
        for &qi in qs {
            let steps = usize::from(items.questions[qi].1);
            let family = Family::collect(atoms, steps, responses, |s| {
                s.answers[qi].map(|v| (i64::from(v) * 1000, usize::from(v) - 1))
            });
            let measure = format!("q:{}", items.questions[qi].0);
            for c in run.cells(&family, &measure, sensitive) {
                question_mean_shown.insert((c.group, qi), c.mean_hidden.is_none());
                cells.push(c);
            }
        }
        let family = Family::collect(atoms, 3, responses, |s| {
            s.topics[ti].map(|m| (m, Band::of(m).index()))
        });
        for mut c in run.cells(&family, &format!("t:{}", topic.key), sensitive) {
            let parts_shown = qs
                .iter()
                .all(|qi| question_mean_shown.get(&(c.group, *qi)) == Some(&true));
            if c.mean_hidden.is_none() && !parts_shown {
                // The count stays: the band distribution may still show.
                c.mean_hidden = Some(HiddenReason::PartHidden);
                c.sum_milli = None;
            }
            topic_mean_shown.insert((c.group, ti), c.mean_hidden.is_none());
            cells.push(c);
        }
    }
    for (ii, (key, ts)) in items.indices.iter().enumerate() {
        let family = Family::collect(atoms, 3, responses, |s| {
            s.indices[ii].map(|m| (m, Band::of(m).index()))
        });
        for mut c in run.cells(&family, &format!("i:{key}"), false) {
            let parts_shown = ts
                .iter()
                .all(|t| topic_mean_shown.get(&(c.group, *t)) == Some(&true));
            if c.mean_hidden.is_none() && !parts_shown {
                // The count stays: the band distribution may still show.
                c.mean_hidden = Some(HiddenReason::PartHidden);
                c.sum_milli = None;
            }
            cells.push(c);
        }
    }
    if agency_n >= MIN_DISTRIBUTION && figures[0].hidden.is_none() {
        cells.extend(super::health::associations(items, responses));
    }
    Report {
        groups: figures,
        cells,
        stats: run.stats,
    }
}

/// The order groups are tried in: the agency, then larger groups before
/// smaller ones (units before leaders' groups, shallower first), so what
/// has to go are the small details.
fn by_priority(groups: &Groups, weights: &[u64], list: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut list: Vec<usize> = list.collect();
    list.sort_by_cached_key(|&g| {
        let x = &groups.list[g];
        (
            x.kind != GroupKind::Agency,
            Reverse(x.atoms.iter().map(|&a| weights[a]).sum::<u64>()),
            x.kind == GroupKind::Leader,
            x.depth,
            x.key.clone(),
        )
    });
    list
}

/// SURV-3 on the engine: the same groups, weighted by invitations.
fn rates(groups: &Groups, invited: &[u64], answered: &[u64], figures: &mut [GroupFigures]) {
    let sum = |w: &[u64], g: usize| -> u64 { groups.list[g].atoms.iter().map(|&a| w[a]).sum() };
    let order = by_priority(
        groups,
        invited,
        (0..groups.list.len()).filter(|&g| sum(invited, g) > 0),
    );
    let cells: Vec<Vec<usize>> = order
        .iter()
        .map(|&g| groups.list[g].atoms.clone())
        .collect();
    let decisions = suppress(invited, MIN_MEAN, &cells, 0);
    for (&g, d) in order.iter().zip(decisions) {
        let f = &mut figures[g];
        match d {
            Decision::Published => {
                f.invited = Some(sum(invited, g) as i64);
                f.answered = Some(sum(answered, g) as i64);
            }
            Decision::TooFew => f.rate_hidden = Some(HiddenReason::TooFew),
            Decision::ProtectsOthers => f.rate_hidden = Some(HiddenReason::ProtectsOthers),
        }
    }
}

/// One figure family summed per atom: valid answers, their sum (milli) and
/// their count per step or band.
struct Family {
    weights: Vec<u64>,
    sums: Vec<i64>,
    dists: Vec<Vec<i64>>,
}

impl Family {
    fn collect(
        atoms: usize,
        steps: usize,
        responses: &[(usize, Scored)],
        value: impl Fn(&Scored) -> Option<(i64, usize)>,
    ) -> Family {
        let mut f = Family {
            weights: vec![0; atoms],
            sums: vec![0; atoms],
            dists: vec![vec![0; steps]; atoms],
        };
        for (a, s) in responses {
            if let Some((v, step)) = value(s) {
                f.weights[*a] += 1;
                f.sums[*a] += v;
                if let Some(slot) = f.dists[*a].get_mut(step) {
                    *slot += 1;
                }
            }
        }
        f
    }
}

struct Runner<'a> {
    groups: &'a Groups,
    candidates: Vec<usize>,
    /// Families with the same weights share one run of each layer.
    memo: HashMap<Vec<u64>, (Vec<Decision>, Vec<Decision>)>,
    stats: Stats,
}

impl Runner<'_> {
    /// The family's figure for every candidate group (only the agency for
    /// a sensitive topic, REP-6).
    fn cells(&mut self, family: &Family, measure: &str, agency_only: bool) -> Vec<Cell> {
        self.stats.families += 1;
        let (dist, mean) = if agency_only {
            let n = self.groups.list[0]
                .atoms
                .iter()
                .map(|&a| family.weights[a])
                .sum::<u64>();
            let at = |t: u64| {
                if n >= t {
                    Decision::Published
                } else {
                    Decision::TooFew
                }
            };
            (vec![at(MIN_DISTRIBUTION)], vec![at(MIN_MEAN)])
        } else {
            self.layers(&family.weights)
        };
        let groups: Vec<usize> = if agency_only {
            vec![0]
        } else {
            self.candidates.clone()
        };
        groups
            .iter()
            .zip(dist.iter().zip(&mean))
            .map(|(&g, (&d, &m))| {
                let atoms = &self.groups.list[g].atoms;
                let n: u64 = atoms.iter().map(|&a| family.weights[a]).sum();
                let mean_hidden = match m {
                    Decision::Published => None,
                    Decision::TooFew => Some(HiddenReason::TooFewAnswers),
                    Decision::ProtectsOthers => Some(HiddenReason::ProtectsOthers),
                };
                let dist_hidden = match (d, mean_hidden) {
                    (Decision::Published, _) => None,
                    (_, Some(r)) => Some(r),
                    (Decision::TooFew, None) => Some(HiddenReason::MeansOnly),
                    (Decision::ProtectsOthers, None) => Some(HiddenReason::ProtectsOthers),
                };
                let shown = mean_hidden.is_none();
                Cell {
                    group: g,
                    measure: measure.to_string(),
                    n: shown.then_some(n as i64),
                    sum_milli: shown.then(|| atoms.iter().map(|&a| family.sums[a]).sum()),
                    dist: dist_hidden.is_none().then(|| {
                        let mut out = vec![0; family.dists.first().map_or(0, Vec::len)];
                        for &a in atoms {
                            for (o, x) in out.iter_mut().zip(&family.dists[a]) {
                                *o += x;
                            }
                        }
                        out
                    }),
                    mean_hidden,
                    dist_hidden,
                }
            })
            .collect()
    }

    /// Distributions at 10, then means at 6 keeping every shown
    /// distribution: decisions per candidate, in candidate order.
    fn layers(&mut self, weights: &[u64]) -> (Vec<Decision>, Vec<Decision>) {
        if let Some(hit) = self.memo.get(weights) {
            return hit.clone();
        }
        self.stats.engine_runs += 2;
        let cells: Vec<Vec<usize>> = self
            .candidates
            .iter()
            .map(|&g| self.groups.list[g].atoms.clone())
            .collect();
        let dist = suppress(weights, MIN_DISTRIBUTION, &cells, 0);
        let (first, rest): (Vec<usize>, Vec<usize>) =
            (0..cells.len()).partition(|&i| dist[i] == Decision::Published);
        let order: Vec<usize> = first.iter().chain(&rest).copied().collect();
        let reordered: Vec<Vec<usize>> = order.iter().map(|&i| cells[i].clone()).collect();
        let decided = suppress(weights, MIN_MEAN, &reordered, first.len());
        let mut mean = vec![Decision::TooFew; cells.len()];
        for (&i, d) in order.iter().zip(decided) {
            mean[i] = d;
        }
        let out = (dist, mean);
        self.memo.insert(weights.to_vec(), out.clone());
        out
    }
}

#[cfg(test)]
#[path = "aggregate_tests.rs"]
mod tests;
