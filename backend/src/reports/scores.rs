//! What one response contributes to the report: each valid
//! answer, each topic's score and each index's, with no I/O.
//!
//! Scores run from 0 to 100 with higher always better: a question where
//! a high answer is bad is turned round first, and each answer is placed on
//! 0–100 by its step on its own scale (1 → 0, the top step → 100). A topic's
//! score is the mean over its answered questions, counted only when at
//! least half of them were answered; an index's is the mean of its topics'
//! scores, counted when at least half of them have one. Figures are kept
//! in thousandths (milli), rounded once, so SQLite and PostgreSQL agree.

use std::collections::BTreeMap;

use tillit_api::{Direction, Questionnaire, Topic, TopicFlag};

/// Where a topic score falls: the bands health complaints are set against
/// (REP-7) and a topic's distribution is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Band {
    Low,
    Middle,
    High,
}

impl Band {
    pub const ALL: [Band; 3] = [Band::Low, Band::Middle, Band::High];

    /// Below 40 low, above 60 high: the middle holds the neutral step of
    /// every odd scale (50).
    pub fn of(score_milli: i64) -> Band {
        if score_milli < 40_000 {
            Band::Low
        } else if score_milli > 60_000 {
            Band::High
        } else {
            Band::Middle
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Band::Low => "low",
            Band::Middle => "middle",
            Band::High => "high",
        }
    }
}

/// The questions, topics and indices of one survey, with their scales
/// looked up once.
pub struct Items {
    /// (question key, number of steps, direction)
    pub questions: Vec<(String, u8, Option<Direction>)>,
    /// (topic, indices into `questions`)
    pub topics: Vec<(Topic, Vec<usize>)>,
    /// (index key, indices into `topics`)
    pub indices: Vec<(String, Vec<usize>)>,
}

impl Items {
    pub fn new(q: &Questionnaire, asked: &[Topic]) -> Items {
        let mut questions = Vec::new();
        let mut topics = Vec::new();
        for t in asked {
            let mut own = Vec::new();
            for qu in &t.questions {
                let steps = q
                    .scales
                    .get(&qu.scale)
                    .map_or(0, |s| s.labels.nb.len().min(usize::from(u8::MAX)) as u8);
                own.push(questions.len());
                questions.push((qu.key.clone(), steps, qu.direction));
            }
            topics.push((t.clone(), own));
        }
        let indices = q
            .indices
            .iter()
            .filter_map(|ix| {
                let members: Vec<usize> = ix
                    .topics
                    .iter()
                    .filter_map(|k| topics.iter().position(|(t, _)| &t.key == k))
                    .collect();
                // An index over a module this survey left out is not scored.
                (members.len() == ix.topics.len()).then(|| (ix.key.clone(), members))
            })
            .collect();
        Items {
            questions,
            topics,
            indices,
        }
    }

    pub fn is(&self, topic: usize, flag: TopicFlag) -> bool {
        self.topics[topic].0.flags.contains(&flag)
    }
}

/// One response, scored.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// Per question: the step answered (1..=k), None when skipped or "not
    /// relevant".
    pub answers: Vec<Option<u8>>,
    /// Per topic, 0–100 in milli.
    pub topics: Vec<Option<i64>>,
    /// Per index, 0–100 in milli.
    pub indices: Vec<Option<i64>>,
}

pub fn score(items: &Items, answers: &BTreeMap<String, u8>) -> Scored {
    let values: Vec<Option<u8>> = items
        .questions
        .iter()
        .map(|(key, steps, _)| {
            answers
                .get(key)
                .copied()
                .filter(|v| (1..=*steps).contains(v))
        })
        .collect();
    let topics: Vec<Option<i64>> = items
        .topics
        .iter()
        .map(|(_, qs)| {
            let points: Vec<f64> = qs
                .iter()
                .filter_map(|&i| {
                    let (_, steps, dir) = &items.questions[i];
                    let v = values[i]?;
                    oriented_points(v, *steps, *dir)
                })
                .collect();
            mean_if_half(&points, qs.len())
        })
        .collect();
    let indices = items
        .indices
        .iter()
        .map(|(_, ts)| {
            let points: Vec<f64> = ts
                .iter()
                .filter_map(|&t| topics[t].map(|m| m as f64 / 1000.0))
                .collect();
            mean_if_half(&points, ts.len())
        })
        .collect();
    Scored {
        answers: values,
        topics,
        indices,
    }
}

/// A step on 0–100, higher better; a scale of one step says nothing.
fn oriented_points(v: u8, steps: u8, dir: Option<Direction>) -> Option<f64> {
    if steps < 2 {
        return None;
    }
    let v = match dir {
        Some(Direction::HigherIsWorse) => steps + 1 - v,
        _ => v,
    };
    Some(f64::from(v - 1) * 100.0 / f64::from(steps - 1))
}

fn mean_if_half(points: &[f64], of: usize) -> Option<i64> {
    if points.is_empty() || points.len() * 2 < of {
        return None;
    }
    let mean = points.iter().sum::<f64>() / points.len() as f64;
    Some((mean * 1000.0).round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items() -> (Questionnaire, Items) {
        let q: Questionnaire = serde_json::from_str(crate::questionnaire::DEFAULT).unwrap();
        let asked = crate::answering::check::topics_of(&q, &[]);
        let items = Items::new(&q, &asked);
        (q, items)
    }

    #[test]
    fn q_5_questions_where_higher_is_worse_are_turned_round() {
        let (q, items) = items();
        let demands = items
            .topics
            .iter()
            .position(|(t, _)| t.key == "demands")
            .unwrap();
        let (topic, qs) = &items.topics[demands];
        assert!(topic
            .questions
            .iter()
            .any(|qu| qu.direction == Some(Direction::HigherIsWorse)));
        // The bad end of every question ("always" busy, "strongly
        // disagree" that it is manageable): the worst score, 0.
        let end = |bad: bool| -> BTreeMap<String, u8> {
            qs.iter()
                .map(|&i| {
                    let (key, steps, dir) = &items.questions[i];
                    let worse_high = *dir == Some(Direction::HigherIsWorse);
                    (key.clone(), if worse_high == bad { *steps } else { 1 })
                })
                .collect()
        };
        assert_eq!(score(&items, &end(true)).topics[demands], Some(0));
        assert_eq!(score(&items, &end(false)).topics[demands], Some(100_000));
        assert!(q.scales.contains_key("freq5"));
    }

    #[test]
    fn q_1_not_relevant_and_skipped_count_for_nothing_and_half_is_needed() {
        let (_, items) = items();
        let (ti, (_, qs)) = items
            .topics
            .iter()
            .enumerate()
            .find(|(_, (t, qs))| t.key == "control" && qs.len() >= 2)
            .unwrap();
        let keys: Vec<String> = qs.iter().map(|&i| items.questions[i].0.clone()).collect();
        // One answered at the top step, one "not relevant", the rest skipped.
        let mut a = BTreeMap::new();
        a.insert(keys[0].clone(), items.questions[qs[0]].1);
        a.insert(keys[1].clone(), 0);
        let s = score(&items, &a);
        assert_eq!(s.answers[qs[1]], None);
        let half = qs.len().div_ceil(2);
        assert_eq!(s.topics[ti].is_some(), half <= 1);
        for (k, &i) in keys.iter().zip(qs) {
            a.insert(k.clone(), items.questions[i].1);
        }
        assert_eq!(score(&items, &a).topics[ti], Some(100_000));
    }

    #[test]
    fn bands_split_at_40_and_60() {
        assert_eq!(Band::of(39_999), Band::Low);
        assert_eq!(Band::of(40_000), Band::Middle);
        assert_eq!(Band::of(60_000), Band::Middle);
        assert_eq!(Band::of(60_001), Band::High);
    }
}
