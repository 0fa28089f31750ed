//! Protection against differencing (REP-8) over every figure released
//! together: which groups may show a figure, so that no combination of
//! shown figures (sums and differences, as if every viewer pooled what
//! they see) gives the figure of a set of 1 to `threshold - 1` people.
//!
//! The method is Statistics Norway's GaussSuppression (Langsrud 2024): try
//! to publish each group in priority order, by exact integer elimination
//! over the 0/1 matrix of groups by atoms (the smallest parts every group is
//! made of: units), and keep a group hidden if publishing it would make a
//! protected set derivable. Its own primary test (is one listed small cell
//! derivable?) misses unions: agency = A(2) + B(3) + C(10) with C shown
//! gives A + B, 5 people, though neither A nor B alone. So the test here is
//! exact over every set: is the indicator of any set of atoms weighing 1 to
//! `threshold - 1` in the span of what is shown?
//!
//! Why that test stays small: rows are ordered big atoms (weight at least
//! `threshold`) first. Shown groups are kept reduced, each with its own
//! pivot (first non-zero row). A combination that is zero on every big atom
//! can only use the reduced groups whose pivot is a small atom (the first
//! big pivot used would stay non-zero), so only those need searching, and
//! only sets whose pivots weigh at most `threshold - 1` together. A search
//! that grows past [`BUDGET`] hides the group: failing safe.

use std::cmp::Reverse;
use std::collections::HashMap;

/// Sets the exact test may look at for one group before it gives up and
/// hides the group.
pub const BUDGET: usize = 200_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Shown.
    Published,
    /// Fewer than `threshold` people: hidden for its own sake.
    TooFew,
    /// Hidden so that shown figures can't be subtracted down to a small set.
    ProtectsOthers,
}

type Sparse = Vec<(usize, i128)>;

/// `weights[a]` is the number of people in atom `a`; each cell lists the
/// atoms of one group, in priority order (the first are kept when
/// something has to go). The first `forced` cells are shown whatever the
/// outcome: a pattern already released at a stricter threshold, which is
/// safe at this one.
pub fn suppress(
    weights: &[u64],
    threshold: u64,
    cells: &[Vec<usize>],
    forced: usize,
) -> Vec<Decision> {
    let rows = Rows::new(weights, threshold);
    let mut shown: Vec<Sparse> = Vec::new();
    let mut small: Vec<Sparse> = Vec::new();
    let mut seen: HashMap<Vec<usize>, Decision> = HashMap::new();
    // A forced group that could not be reduced leaves the span unknown:
    // everything after it is hidden.
    let mut unknown_span = false;
    let mut out = Vec::with_capacity(cells.len());
    for (i, atoms) in cells.iter().enumerate() {
        let is_forced = i < forced;
        let key = rows.of(atoms);
        let n: u64 = key.iter().map(|&r| rows.weight[r]).sum();
        if !is_forced && n < threshold {
            out.push(Decision::TooFew);
            continue;
        }
        if let Some(d) = seen.get(&key) {
            out.push(*d);
            continue;
        }
        let decision = match reduce(key.iter().map(|&r| (r, 1)).collect(), &shown) {
            None if is_forced => {
                unknown_span = true;
                Decision::Published
            }
            _ if unknown_span && !is_forced => Decision::ProtectsOthers,
            None => Decision::ProtectsOthers,
            Some(v) if v.is_empty() => Decision::Published,
            Some(v) if v[0].0 < rows.first_small => {
                shown.push(v);
                Decision::Published
            }
            Some(v) => {
                if !is_forced && rows.exposes(&small, &v) {
                    Decision::ProtectsOthers
                } else {
                    shown.push(v.clone());
                    small.push(v);
                    Decision::Published
                }
            }
        };
        seen.insert(key, decision);
        out.push(decision);
    }
    out
}

/// Atoms with anyone in them, as rows: big ones first, then small ones by
/// weight, heaviest first (so pivots tend to be heavy and the search short).
struct Rows {
    row_of: Vec<Option<usize>>,
    weight: Vec<u64>,
    first_small: usize,
    limit: u64,
}

impl Rows {
    fn new(weights: &[u64], threshold: u64) -> Rows {
        let mut atoms: Vec<usize> = (0..weights.len()).filter(|&a| weights[a] > 0).collect();
        atoms.sort_by_key(|&a| (weights[a] < threshold, Reverse(weights[a]), a));
        let mut row_of = vec![None; weights.len()];
        for (r, &a) in atoms.iter().enumerate() {
            row_of[a] = Some(r);
        }
        Rows {
            row_of,
            weight: atoms.iter().map(|&a| weights[a]).collect(),
            first_small: atoms
                .iter()
                .position(|&a| weights[a] < threshold)
                .unwrap_or(atoms.len()),
            limit: threshold.saturating_sub(1),
        }
    }

    /// A group's rows, sorted; atoms nobody is in add nothing to any figure.
    fn of(&self, atoms: &[usize]) -> Vec<usize> {
        let mut rows: Vec<usize> = atoms
            .iter()
            .filter_map(|&a| self.row_of.get(a).copied().flatten())
            .collect();
        rows.sort_unstable();
        rows.dedup();
        rows
    }

    /// Whether the span of `small` and `v` (all zero on big rows) holds the
    /// indicator of a set weighing 1..=limit.
    fn exposes(&self, small: &[Sparse], v: &Sparse) -> bool {
        let width = self.weight.len() - self.first_small;
        let Some(rref) = rref(small.iter().chain([v]), width, self.first_small) else {
            return true;
        };
        let mut search = Search {
            rows: &rref,
            weight: &self.weight[self.first_small..],
            limit: self.limit,
            visited: 0,
        };
        let start = vec![Frac::ZERO; width];
        search.from(0, &start, 0)
    }
}

/// `v` reduced against the shown groups, in the order they were shown
/// (each is zero at the pivots of those before it, so one pass clears
/// every pivot); None on overflow.
fn reduce(mut v: Sparse, shown: &[Sparse]) -> Option<Sparse> {
    for b in shown {
        let (p, bp) = b[0];
        let Some(vp) = v.iter().find(|(r, _)| *r == p).map(|x| x.1) else {
            continue;
        };
        let g = gcd(vp, bp);
        let (x, y) = (bp / g, vp / g);
        let mut next: Sparse = Vec::with_capacity(v.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while i < v.len() || j < b.len() {
            let (r, c) = match (v.get(i), b.get(j)) {
                (Some(&(rv, cv)), Some(&(rb, _))) if rv < rb => {
                    i += 1;
                    (rv, cv.checked_mul(x)?)
                }
                (Some(&(rv, _)), Some(&(rb, cb))) if rb < rv => {
                    j += 1;
                    (rb, cb.checked_mul(y)?.checked_neg()?)
                }
                (Some(&(rv, cv)), Some(&(_, cb))) => {
                    i += 1;
                    j += 1;
                    (rv, cv.checked_mul(x)?.checked_sub(cb.checked_mul(y)?)?)
                }
                (Some(&(rv, cv)), None) => {
                    i += 1;
                    (rv, cv.checked_mul(x)?)
                }
                (None, Some(&(rb, cb))) => {
                    j += 1;
                    (rb, cb.checked_mul(y)?.checked_neg()?)
                }
                (None, None) => break,
            };
            if c != 0 {
                next.push((r, c));
            }
        }
        v = normalise(next);
    }
    Some(v)
}

/// Divided by the gcd of its entries, first entry positive.
fn normalise(v: Sparse) -> Sparse {
    let g = v.iter().fold(0, |g, &(_, c)| gcd(g, c));
    if g == 0 {
        return v;
    }
    let sign = if v[0].1 < 0 { -1 } else { 1 };
    v.into_iter().map(|(r, c)| (r, sign * c / g)).collect()
}

fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a as i128
}

/// An exact fraction; every operation checks for overflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Frac {
    n: i128,
    d: i128,
}

impl Frac {
    const ZERO: Frac = Frac { n: 0, d: 1 };
    const ONE: Frac = Frac { n: 1, d: 1 };

    fn new(n: i128, d: i128) -> Option<Frac> {
        if d == 0 {
            return None;
        }
        let g = gcd(n, d).max(1);
        let s = if d < 0 { -1 } else { 1 };
        Some(Frac {
            n: s * n / g,
            d: s * d / g,
        })
    }
    fn add(self, o: Frac) -> Option<Frac> {
        Frac::new(
            self.n
                .checked_mul(o.d)?
                .checked_add(o.n.checked_mul(self.d)?)?,
            self.d.checked_mul(o.d)?,
        )
    }
    fn sub(self, o: Frac) -> Option<Frac> {
        self.add(Frac { n: -o.n, d: o.d })
    }
    fn mul(self, o: Frac) -> Option<Frac> {
        Frac::new(self.n.checked_mul(o.n)?, self.d.checked_mul(o.d)?)
    }
    fn div(self, o: Frac) -> Option<Frac> {
        Frac::new(self.n.checked_mul(o.d)?, self.d.checked_mul(o.n)?)
    }
}

/// Reduced row echelon form over `width` columns (rows `offset..`);
/// each row's pivot column is 1 and every other row is 0 there. None on
/// overflow.
fn rref<'a>(
    vs: impl Iterator<Item = &'a Sparse>,
    width: usize,
    offset: usize,
) -> Option<Vec<(usize, Vec<Frac>)>> {
    let mut m: Vec<Vec<Frac>> = vs
        .map(|v| {
            let mut row = vec![Frac::ZERO; width];
            for &(r, c) in v {
                row[r - offset] = Frac { n: c, d: 1 };
            }
            row
        })
        .collect();
    let mut out: Vec<(usize, Vec<Frac>)> = Vec::new();
    for col in 0..width {
        let Some(k) = m.iter().position(|row| row[col] != Frac::ZERO) else {
            continue;
        };
        let mut pivot = m.swap_remove(k);
        let p = pivot[col];
        for x in pivot.iter_mut() {
            *x = x.div(p)?;
        }
        for row in m.iter_mut().chain(out.iter_mut().map(|(_, r)| r)) {
            let f = row[col];
            if f != Frac::ZERO {
                for (x, y) in row.iter_mut().zip(&pivot) {
                    *x = x.sub(f.mul(*y)?)?;
                }
            }
        }
        out.push((col, pivot));
    }
    Some(out)
}

/// Sums of RREF rows that are 0/1 vectors, by depth-first search over the
/// rows in order; a set that holds pivot `i` weighs at least `weight[i]`.
struct Search<'a> {
    rows: &'a [(usize, Vec<Frac>)],
    weight: &'a [u64],
    limit: u64,
    visited: usize,
}

impl Search<'_> {
    fn from(&mut self, next: usize, acc: &[Frac], pivots_weight: u64) -> bool {
        for i in next..self.rows.len() {
            let (col, row) = &self.rows[i];
            let w = pivots_weight + self.weight[*col];
            if w > self.limit {
                continue;
            }
            self.visited += 1;
            if self.visited > BUDGET {
                return true;
            }
            let Some(sum) = acc
                .iter()
                .zip(row)
                .map(|(a, b)| a.add(*b))
                .collect::<Option<Vec<Frac>>>()
            else {
                return true;
            };
            if self.is_small_indicator(&sum) || self.from(i + 1, &sum, w) {
                return true;
            }
        }
        false
    }

    fn is_small_indicator(&self, v: &[Frac]) -> bool {
        let mut total = 0;
        for (x, w) in v.iter().zip(self.weight) {
            if *x == Frac::ONE {
                total += w;
            } else if *x != Frac::ZERO {
                return false;
            }
        }
        (1..=self.limit).contains(&total)
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
pub(crate) mod tests;
