//! REP-7: health complaints only as associations, only in the agency
//! report: for each work-environment topic, the mean complaint level of
//! those who scored it low, middle and high. Complaint level is 0–100,
//! higher meaning more complaints.
//!
//! Everyone counted has a complaint level and a score on every topic, so
//! each topic's three bands split the same people. A topic's row is shown
//! only whole, with every band from at least 6 people (a row with one band
//! hidden would give it back: the total is any other row's sum). Bands are
//! made by people's own answers, so no reader knows who is in one; still,
//! a row is hidden when one of its bands, or two of them together, would
//! differ from such a set of an earlier row by 1 to 5 people with one
//! inside the other (closely related topics), so no difference of two
//! shown figures is the complaints of a few.

use tillit_api::{HiddenReason, TopicFlag};

use super::aggregate::{Cell, MIN_MEAN};
use super::scores::{Band, Items, Scored};

#[derive(Clone, PartialEq)]
struct Set {
    bits: Vec<u64>,
    len: u64,
}

impl Set {
    fn new(size: usize) -> Set {
        Set {
            bits: vec![0; size.div_ceil(64)],
            len: 0,
        }
    }
    fn insert(&mut self, i: usize) {
        self.bits[i / 64] |= 1 << (i % 64);
        self.len += 1;
    }
    fn union(&self, o: &Set) -> Set {
        Set {
            bits: self.bits.iter().zip(&o.bits).map(|(a, b)| a | b).collect(),
            len: self.len + o.len, // bands of one row are disjoint
        }
    }
    fn within(&self, o: &Set) -> bool {
        self.bits.iter().zip(&o.bits).all(|(a, b)| a & !b == 0)
    }
    /// One inside the other, 1 to 5 apart.
    fn isolates_few(&self, o: &Set) -> bool {
        let apart = self.len.abs_diff(o.len);
        (1..MIN_MEAN).contains(&apart) && (self.within(o) || o.within(self))
    }
}

pub fn associations(items: &Items, responses: &[(usize, Scored)]) -> Vec<Cell> {
    let Some(health) = (0..items.topics.len()).find(|&t| items.is(t, TopicFlag::Health)) else {
        return Vec::new();
    };
    let factors: Vec<usize> = (0..items.topics.len())
        .filter(|&t| !items.is(t, TopicFlag::Health) && !items.is(t, TopicFlag::Sensitive))
        .collect();
    let counted: Vec<&Scored> = responses
        .iter()
        .map(|(_, s)| s)
        .filter(|s| s.topics[health].is_some() && factors.iter().all(|&f| s.topics[f].is_some()))
        .collect();
    let mut shown_sets: Vec<Set> = Vec::new();
    let mut out = Vec::new();
    for &f in &factors {
        let mut sets = vec![Set::new(counted.len()); 3];
        let mut sums = [0i64; 3];
        for (i, s) in counted.iter().enumerate() {
            let (Some(score), Some(h)) = (s.topics[f], s.topics[health]) else {
                continue;
            };
            let b = Band::of(score).index();
            sets[b].insert(i);
            sums[b] += 100_000 - h;
        }
        let small = sets.iter().any(|s| s.len < MIN_MEAN);
        // The row's derivable sets: each band, and each two together.
        let mut derivable = sets.clone();
        for (a, b) in [(0, 1), (0, 2), (1, 2)] {
            derivable.push(sets[a].union(&sets[b]));
        }
        let clashes = !small
            && derivable
                .iter()
                .any(|d| shown_sets.iter().any(|s| d.isolates_few(s)));
        let shown = !small && !clashes;
        if shown {
            shown_sets.extend(derivable);
        }
        for band in Band::ALL {
            let set = &sets[band.index()];
            let why = if shown {
                None
            } else if set.len < MIN_MEAN {
                Some(HiddenReason::TooFewAnswers)
            } else {
                Some(HiddenReason::ProtectsOthers)
            };
            out.push(Cell {
                group: 0,
                measure: format!("h:{}:{}", items.topics[f].0.key, band.as_str()),
                n: shown.then_some(set.len as i64),
                sum_milli: shown.then_some(sums[band.index()]),
                dist: None,
                mean_hidden: why,
                dist_hidden: None,
            });
        }
    }
    out
}
