//! The report rules on whole surveys: small agencies and units built by
//! hand, then random ones checked figure by figure against the
//! brute-force checker.

use std::collections::{BTreeMap, HashSet};

use proptest::prelude::*;
use tillit_api::{HiddenReason, Questionnaire};

use super::*;
use crate::reports::engine::tests::violation;
use crate::reports::groups::{build, UnitNode};
use crate::reports::scores::{score, Items};

fn questionnaire() -> (Questionnaire, Items) {
    let q: Questionnaire = serde_json::from_str(crate::questionnaire::DEFAULT).unwrap();
    let asked = crate::answering::check::topics_of(&q, &[]);
    let items = Items::new(&q, &asked);
    (q, items)
}

/// Every question answered `v` (clamped to its scale).
fn all(items: &Items, v: u8) -> BTreeMap<String, u8> {
    items
        .questions
        .iter()
        .map(|(k, steps, _)| (k.clone(), v.min(*steps)))
        .collect()
}

/// (id, parent, answers of each person in the unit)
type UnitSpec<'a> = (&'a str, Option<&'a str>, Vec<BTreeMap<String, u8>>);

struct Case {
    items: Items,
    groups: Groups,
    report: Report,
}

impl Case {
    fn new(units: &[UnitSpec], leaders: &[&[&str]]) -> Case {
        let (_, items) = questionnaire();
        let nodes: Vec<UnitNode> = units
            .iter()
            .map(|(id, p, _)| UnitNode {
                id: id.to_string(),
                parent: p.map(str::to_string),
                name: id.to_string(),
            })
            .collect();
        let used: HashSet<String> = units.iter().map(|u| u.0.to_string()).collect();
        let leaders: Vec<Vec<String>> = leaders
            .iter()
            .map(|l| l.iter().map(|s| s.to_string()).collect())
            .collect();
        let groups = build(&nodes, &used, &leaders);
        let mut responses = Vec::new();
        let mut invited = vec![0; groups.atoms.len()];
        let mut answered = vec![0; groups.atoms.len()];
        for (id, _, people) in units {
            let a = groups.atoms.iter().position(|x| x == id).unwrap();
            for p in people {
                responses.push((a, score(&items, p)));
            }
            invited[a] = people.len() as u64 + 2;
            answered[a] = people.len() as u64;
        }
        let report = compute(&items, &groups, &responses, &invited, &answered);
        Case {
            items,
            groups,
            report,
        }
    }

    fn group(&self, key: &str) -> usize {
        self.groups.list.iter().position(|g| g.key == key).unwrap()
    }

    fn cell(&self, key: &str, measure: &str) -> Option<&Cell> {
        let g = self.group(key);
        self.report
            .cells
            .iter()
            .find(|c| c.group == g && c.measure == measure)
    }
}

fn people(items: &Items, n: usize, v: u8) -> Vec<BTreeMap<String, u8>> {
    vec![all(items, v); n]
}

#[test]
fn rep_2_a_group_under_6_shows_nothing() {
    let (_, items) = questionnaire();
    let c = Case::new(
        &[
            ("big", None, people(&items, 12, 4)),
            ("small", None, people(&items, 5, 2)),
        ],
        &[],
    );
    let small = c.group("u-small");
    assert_eq!(c.report.groups[small].hidden, Some(HiddenReason::TooFew));
    assert_eq!(c.report.groups[small].responses, None);
    assert!(c.report.cells.iter().all(|x| x.group != small));
    // And the agency minus "big" would be "small": big hides to protect it.
    let big = c.group("u-big");
    assert!(c
        .report
        .cells
        .iter()
        .filter(|x| x.group == big)
        .all(|x| x.mean_hidden == Some(HiddenReason::ProtectsOthers)));
}

#[test]
fn rep_3_six_to_nine_show_means_only() {
    let (_, items) = questionnaire();
    let c = Case::new(
        &[
            ("a", None, people(&items, 7, 4)),
            ("b", None, people(&items, 10, 3)),
        ],
        &[],
    );
    let a = c.cell("u-a", "q:control_pace").unwrap();
    assert_eq!(a.n, Some(7));
    assert_eq!(a.sum_milli, Some(28_000));
    assert_eq!(a.dist, None);
    assert_eq!(a.dist_hidden, Some(HiddenReason::MeansOnly));
    let agency = c.cell("agency", "q:control_pace").unwrap();
    assert_eq!(agency.dist, Some(vec![0, 0, 10, 7, 0]));
    assert!(!agency.unanimous());
    // Agency − b = a: b's distribution would give a's, 7 people's.
    let b = c.cell("u-b", "q:control_pace").unwrap();
    assert_eq!(b.dist_hidden, Some(HiddenReason::ProtectsOthers));
    assert_eq!(b.n, Some(10));
}

#[test]
fn rep_4_ten_or_more_show_the_distribution() {
    let (_, items) = questionnaire();
    let c = Case::new(
        &[
            ("a", None, people(&items, 10, 4)),
            ("b", None, people(&items, 12, 3)),
        ],
        &[],
    );
    let b = c.cell("u-b", "q:control_pace").unwrap();
    assert_eq!(b.dist, Some(vec![0, 0, 12, 0, 0]));
    assert!(b.unanimous());
    assert!(c.cell("u-a", "q:control_pace").unwrap().dist.is_some());
}

#[test]
fn rep_3_subtraction_never_gives_a_distribution_of_fewer_than_10() {
    let (_, items) = questionnaire();
    let c = Case::new(
        &[
            ("a", None, people(&items, 7, 4)),
            ("b", None, people(&items, 12, 3)),
        ],
        &[],
    );
    let agency = c.cell("agency", "q:control_pace").unwrap();
    let b = c.cell("u-b", "q:control_pace").unwrap();
    assert!(agency.dist.is_some());
    assert_eq!(b.dist_hidden, Some(HiddenReason::ProtectsOthers));
    assert!(
        b.mean_hidden.is_none(),
        "agency − b = 7 people: a mean is fine"
    );
}

#[test]
fn rep_5_each_question_counts_its_own_valid_answers() {
    let (_, items) = questionnaire();
    // 8 people; 3 of them found "control_pace" not relevant.
    let mut p = people(&items, 8, 4);
    for x in p.iter_mut().take(3) {
        x.insert("control_pace".into(), 0);
    }
    let c = Case::new(&[("a", None, p)], &[]);
    let pace = c.cell("agency", "q:control_pace").unwrap();
    assert_eq!(pace.mean_hidden, Some(HiddenReason::TooFewAnswers));
    assert_eq!((pace.n, pace.sum_milli), (None, None));
    let how = c.cell("agency", "q:control_decide_how").unwrap();
    assert_eq!(how.n, Some(8));
    // The topic score would carry the hidden question back in.
    let control = c.cell("agency", "t:control").unwrap();
    assert_eq!(control.mean_hidden, Some(HiddenReason::PartHidden));
    let index = c.cell("agency", "i:work_environment").unwrap();
    assert_eq!(index.mean_hidden, Some(HiddenReason::PartHidden));
}

#[test]
fn rep_6_sensitive_topics_only_in_the_agency_report_from_10() {
    let (_, items) = questionnaire();
    let c = Case::new(
        &[
            ("a", None, people(&items, 30, 1)),
            ("b", None, people(&items, 30, 2)),
        ],
        &[],
    );
    assert!(c.cell("agency", "q:bully_self").unwrap().dist.is_some());
    assert!(c
        .cell("agency", "t:bullying")
        .unwrap()
        .mean_hidden
        .is_none());
    assert!(c.cell("u-a", "q:bully_self").is_none());
    assert!(c.cell("u-a", "t:sexual_attention").is_none());
    assert!(c.cell("u-a", "q:control_pace").is_some());
    // 9 in the whole agency: not even the agency shows them.
    let c = Case::new(&[("a", None, people(&items, 9, 1))], &[]);
    assert!(c.cell("agency", "q:bully_self").is_none());
    assert!(c.cell("agency", "q:control_pace").is_some());
}

#[test]
fn rep_7_health_only_as_associations_in_the_agency_report() {
    let (_, items) = questionnaire();
    // 40 people: 20 positive about everything, 20 negative.
    let mut p = people(&items, 20, 4);
    p.extend(people(&items, 14, 2));
    p.extend(people(&items, 6, 3));
    let c = Case::new(&[("a", None, p.clone()), ("b", None, p)], &[]);
    assert!(c
        .report
        .cells
        .iter()
        .all(|x| !x.measure.starts_with("q:health") && !x.measure.starts_with("t:health")));
    let health: Vec<&Cell> = c
        .report
        .cells
        .iter()
        .filter(|x| x.measure.starts_with("h:"))
        .collect();
    assert!(!health.is_empty());
    assert!(health
        .iter()
        .all(|x| c.groups.list[x.group].key == "agency"));
    for x in &health {
        assert!(x.n.is_none() || x.n >= Some(6), "{x:?}");
        assert!(x.dist.is_none());
    }
    let high = c.cell("agency", "h:control:high").unwrap();
    assert_eq!(high.n, Some(40));
    // Bands on "control": 14·2 = 28 people low (score 25), 12 middle.
    let low = c.cell("agency", "h:control:low").unwrap();
    assert_eq!(low.n, Some(28));
    // 9 people in the agency: nothing at all about health.
    let c = Case::new(&[("a", None, people(&items, 9, 2))], &[]);
    assert!(c.report.cells.iter().all(|x| !x.measure.starts_with("h:")));
}

#[test]
fn rep_7_a_row_with_a_band_under_6_is_hidden_whole() {
    let (_, items) = questionnaire();
    let mut p = people(&items, 20, 4);
    p.extend(people(&items, 3, 2));
    p.extend(people(&items, 8, 3));
    let c = Case::new(&[("a", None, p)], &[]);
    let low = c.cell("agency", "h:control:low").unwrap();
    assert_eq!(low.mean_hidden, Some(HiddenReason::TooFewAnswers));
    let high = c.cell("agency", "h:control:high").unwrap();
    assert_eq!(high.mean_hidden, Some(HiddenReason::ProtectsOthers));
    assert_eq!(high.n, None);
}

#[test]
fn rep_8_leader_groups_are_protected_with_the_units() {
    let (_, items) = questionnaire();
    // Leader of x and y (8 + 8); the agency adds z (3): agency − leader
    // group = z, 3 people.
    let c = Case::new(
        &[
            ("x", None, people(&items, 8, 4)),
            ("y", None, people(&items, 8, 3)),
            ("z", None, people(&items, 3, 2)),
        ],
        &[&["x", "y"]],
    );
    let lead = c
        .groups
        .list
        .iter()
        .position(|g| g.key.starts_with("l-"))
        .unwrap();
    assert_eq!(c.report.groups[lead].responses, Some(16));
    let m = |g: usize| {
        c.report
            .cells
            .iter()
            .find(|x| x.group == g && x.measure == "q:control_pace")
            .unwrap()
            .mean_hidden
    };
    assert_eq!(m(0), None);
    assert_eq!(m(lead), Some(HiddenReason::ProtectsOthers));
    // x and y are each fine on their own? agency − x − y = z: one must go.
    let (x, y) = (c.group("u-x"), c.group("u-y"));
    assert!(m(x).is_some() || m(y).is_some());
}

fn random_case() -> impl Strategy<Value = Vec<(Option<usize>, Vec<u8>)>> {
    // Up to 8 units (parents first), each with 0..13 people, each answering
    // "control_pace" 0..=5 (0: not relevant) and the rest 4.
    prop::collection::vec(
        (
            any::<prop::sample::Index>(),
            any::<bool>(),
            prop::collection::vec(0u8..6, 0..13),
        ),
        1..9,
    )
    .prop_map(|units| {
        units
            .into_iter()
            .enumerate()
            .map(|(i, (p, top, answers))| ((i > 0 && !top).then(|| p.index(i)), answers))
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the tree and whoever leads what, no released mean of a
    /// question is one of 1..5 people's by subtraction, and no released
    /// distribution one of 1..9 people's.
    #[test]
    fn rep_8_every_released_question_figure_survives_the_checker(
        units in random_case(),
        leaders in prop::collection::vec(prop::collection::vec(any::<prop::sample::Index>(), 1..3), 0..3),
    ) {
        let (_, items) = questionnaire();
        let ids: Vec<String> = (0..units.len()).map(|i| format!("n{i}")).collect();
        let mut spec = Vec::new();
        for (i, (parent, answers)) in units.iter().enumerate() {
            let ppl: Vec<BTreeMap<String, u8>> = answers
                .iter()
                .map(|&v| {
                    let mut a = all(&items, 4);
                    a.insert("control_pace".into(), v);
                    a
                })
                .collect();
            spec.push((ids[i].as_str(), parent.map(|p| ids[p].as_str()), ppl));
        }
        let led: Vec<Vec<&str>> = leaders
            .iter()
            .map(|l| l.iter().map(|ix| ids[ix.index(ids.len())].as_str()).collect())
            .collect();
        let led_refs: Vec<&[&str]> = led.iter().map(Vec::as_slice).collect();
        let c = Case::new(&spec, &led_refs);
        let weights: Vec<u64> = c
            .groups
            .atoms
            .iter()
            .map(|id| {
                let i = ids.iter().position(|x| x == id).unwrap();
                units[i].1.iter().filter(|&&v| v > 0).count() as u64
            })
            .collect();
        let released = |f: &dyn Fn(&Cell) -> bool| -> Vec<&Vec<usize>> {
            c.report
                .cells
                .iter()
                .filter(|x| x.measure == "q:control_pace" && f(x))
                .map(|x| &c.groups.list[x.group].atoms)
                .collect()
        };
        let means = released(&|x| x.mean_hidden.is_none());
        let dists = released(&|x| x.dist.is_some());
        prop_assert_eq!(violation(&weights, 6, &means), None);
        prop_assert_eq!(violation(&weights, 10, &dists), None);
        for x in c.report.cells.iter().filter(|x| x.mean_hidden.is_none()) {
            prop_assert!(x.n >= Some(6));
        }
        for x in c.report.cells.iter().filter(|x| x.dist.is_some()) {
            prop_assert!(x.n >= Some(10));
        }
        let _ = &c.items;
    }
}
