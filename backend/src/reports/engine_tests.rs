//! The engine against an independent brute-force checker: every set of
//! small atoms, tested by rank (fraction-free Bareiss elimination, no code
//! shared with the engine).

use proptest::prelude::*;

use super::*;

/// Exact rank of integer rows (Bareiss); panics on overflow, which these
/// small cases never reach.
fn rank(mut m: Vec<Vec<i128>>) -> usize {
    let cols = m.first().map_or(0, Vec::len);
    let mut rank = 0;
    let mut prev = 1i128;
    for c in 0..cols {
        let Some(p) = (rank..m.len()).find(|&r| m[r][c] != 0) else {
            continue;
        };
        m.swap(rank, p);
        for r in rank + 1..m.len() {
            for k in c + 1..cols {
                let v = m[rank][c] * m[r][k] - m[r][c] * m[rank][k];
                assert_eq!(v % prev, 0, "Bareiss division is exact");
                m[r][k] = v / prev;
            }
            m[r][c] = 0;
        }
        prev = m[rank][c];
        rank += 1;
    }
    rank
}

/// A set of atoms weighing 1..threshold-1 whose figure the shown groups
/// give away, if there is one.
pub(crate) fn violation(
    weights: &[u64],
    threshold: u64,
    shown: &[&Vec<usize>],
) -> Option<Vec<usize>> {
    let atoms: Vec<usize> = (0..weights.len()).filter(|&a| weights[a] > 0).collect();
    let row = |set: &[usize]| -> Vec<i128> {
        atoms.iter().map(|a| i128::from(set.contains(a))).collect()
    };
    let base: Vec<Vec<i128>> = shown.iter().map(|s| row(s)).collect();
    let r0 = rank(base.clone());
    let small: Vec<usize> = atoms
        .iter()
        .copied()
        .filter(|&a| weights[a] < threshold)
        .collect();
    assert!(small.len() <= 14, "keep the brute force small");
    for mask in 1u32..(1 << small.len()) {
        let set: Vec<usize> = (0..small.len())
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| small[i])
            .collect();
        let w: u64 = set.iter().map(|&a| weights[a]).sum();
        if w == 0 || w >= threshold {
            continue;
        }
        let mut with = base.clone();
        with.push(row(&set));
        if rank(with) == r0 {
            return Some(set);
        }
    }
    None
}

fn shown<'a>(cells: &'a [Vec<usize>], d: &[Decision]) -> Vec<&'a Vec<usize>> {
    cells
        .iter()
        .zip(d)
        .filter(|(_, d)| **d == Decision::Published)
        .map(|(c, _)| c)
        .collect()
}

#[test]
fn rep_8_subtraction_cannot_isolate_a_small_group() {
    // Atoms A16, B4; the agency (A+B) first, then A, then B.
    let w = [16, 4];
    let cells = vec![vec![0, 1], vec![0], vec![1]];
    let d = suppress(&w, 6, &cells, 0);
    assert_eq!(
        d,
        [
            Decision::Published,
            Decision::ProtectsOthers,
            Decision::TooFew
        ]
    );
    // With C7, A can show: agency - A = B + C, 11 people.
    let w = [16, 4, 7];
    let cells = vec![vec![0, 1, 2], vec![0], vec![2], vec![1]];
    let d = suppress(&w, 6, &cells, 0);
    assert_eq!(d[..2], [Decision::Published, Decision::Published]);
    assert_eq!(d[2], Decision::ProtectsOthers, "C would leave B");
}

#[test]
fn rep_8_a_union_of_small_groups_is_protected_too() {
    // Agency = A2 + B3 + C10: showing C gives A+B = 5 people.
    let w = [2, 3, 10];
    let cells = vec![vec![0, 1, 2], vec![2], vec![0], vec![1]];
    let d = suppress(&w, 6, &cells, 0);
    assert_eq!(d[0], Decision::Published);
    assert_eq!(d[1], Decision::ProtectsOthers);
    assert!(violation(&w, 6, &shown(&cells, &d)).is_none());
}

#[test]
fn rep_8_a_department_of_small_teams_still_shows() {
    // Four teams of 4 (each hidden) make a department of 16: shown, since
    // no combination of shown figures gives fewer than 6 people.
    let w = [4, 4, 4, 4, 20];
    let cells = vec![vec![0, 1, 2, 3, 4], vec![0, 1, 2, 3], vec![4]];
    let d = suppress(&w, 6, &cells, 0);
    assert_eq!(d, [Decision::Published; 3]);
}

#[test]
fn rep_8_forced_cells_are_shown_and_the_rest_still_protects() {
    let w = [16, 4, 7];
    let cells = vec![vec![0, 1, 2], vec![0], vec![2]];
    let d = suppress(&w, 6, &cells, 2);
    assert_eq!(d[..2], [Decision::Published, Decision::Published]);
    assert_eq!(d[2], Decision::ProtectsOthers);
}

/// A random agency: a forest of units (parents come first) with 0..14
/// people each, plus up to 3 leader groups of 1..3 units' subtrees.
fn agency() -> impl Strategy<Value = (Vec<u64>, Vec<Vec<usize>>)> {
    (
        prop::collection::vec(
            (any::<prop::sample::Index>(), any::<bool>(), 0u64..14),
            1..11,
        ),
        prop::collection::vec(
            prop::collection::vec(any::<prop::sample::Index>(), 1..4),
            0..4,
        ),
        any::<u64>(),
    )
        .prop_map(|(units, leaders, shuffle)| {
            let n = units.len();
            let parent: Vec<Option<usize>> = units
                .iter()
                .enumerate()
                .map(|(i, (p, top, _))| (i > 0 && !top).then(|| p.index(i)))
                .collect();
            let weights: Vec<u64> = units.iter().map(|u| u.2).collect();
            let subtree = |u: usize| -> Vec<usize> {
                (0..n)
                    .filter(|&v| {
                        let mut cur = Some(v);
                        while let Some(c) = cur {
                            if c == u {
                                return true;
                            }
                            cur = parent[c];
                        }
                        false
                    })
                    .collect()
            };
            let mut cells = vec![(0..n).collect::<Vec<_>>()];
            cells.extend((0..n).map(subtree));
            for l in leaders {
                let mut g: Vec<usize> = l.iter().flat_map(|ix| subtree(ix.index(n))).collect();
                g.sort_unstable();
                g.dedup();
                cells.push(g);
            }
            // Larger groups first, as reports order them; ties by a seed.
            let n_of = |c: &Vec<usize>| c.iter().map(|&a| weights[a]).sum::<u64>();
            cells.sort_by_key(|c| (Reverse(n_of(c)), (c.len() as u64).wrapping_mul(shuffle) % 7));
            (weights, cells)
        })
}

proptest! {
    #[test]
    fn rep_8_no_released_combination_isolates_1_to_5((w, cells) in agency()) {
        let d = suppress(&w, 6, &cells, 0);
        let shown = shown(&cells, &d);
        prop_assert_eq!(violation(&w, 6, &shown), None);
        for (c, d) in cells.iter().zip(&d) {
            let n: u64 = c.iter().map(|&a| w[a]).sum();
            prop_assert!(*d != Decision::Published || n >= 6);
        }
    }

    #[test]
    fn rep_3_no_subtraction_gives_a_distribution_for_fewer_than_10((w, cells) in agency()) {
        let d = suppress(&w, 10, &cells, 0);
        prop_assert_eq!(violation(&w, 10, &shown(&cells, &d)), None);
    }

    /// Nothing is hidden that could have been shown: showing any one hidden
    /// group as well would give a small set away.
    #[test]
    fn rep_8_every_secondary_suppression_is_needed((w, cells) in agency()) {
        let d = suppress(&w, 6, &cells, 0);
        let base = shown(&cells, &d);
        for (c, d) in cells.iter().zip(&d) {
            if *d == Decision::ProtectsOthers {
                let mut more = base.clone();
                more.push(c);
                prop_assert!(violation(&w, 6, &more).is_some(), "{:?} was hidden for nothing", c);
            }
        }
    }

    /// The means (threshold 6) keep the distributions' pattern (10): every
    /// group shown at 10 is shown at 6.
    #[test]
    fn rep_8_the_mean_layer_keeps_the_distribution_pattern((w, cells) in agency()) {
        let d10 = suppress(&w, 10, &cells, 0);
        let (first, rest): (Vec<_>, Vec<_>) = cells
            .iter()
            .cloned()
            .zip(&d10)
            .partition(|(_, d)| **d == Decision::Published);
        let forced = first.len();
        let ordered: Vec<Vec<usize>> = first.into_iter().chain(rest).map(|(c, _)| c).collect();
        let d6 = suppress(&w, 6, &ordered, forced);
        prop_assert!(d6[..forced].iter().all(|d| *d == Decision::Published));
        prop_assert_eq!(violation(&w, 6, &shown(&ordered, &d6)), None);
    }

    /// On a pure tree the checker agrees with the simple rule: every shown
    /// group minus its nearest shown sub-groups is 0 or at least 6.
    #[test]
    fn rep_8_on_pure_trees_the_checker_agrees_with_the_remainder_rule(
        (w, cells) in agency(),
        pattern in prop::collection::vec(any::<bool>(), 0..16),
    ) {
        // Only the agency and unit subtrees (a tree), shown at random.
        let tree: Vec<&Vec<usize>> = cells
            .iter()
            .filter(|c| c.len() == w.len() || is_subtree(&cells, c, w.len()))
            .collect();
        let shown: Vec<&Vec<usize>> = tree
            .iter()
            .enumerate()
            .filter(|(i, _)| pattern.get(*i).copied().unwrap_or(false))
            .map(|(_, c)| *c)
            .filter(|c| c.iter().map(|&a| w[a]).sum::<u64>() >= 6)
            .collect();
        let remainder_ok = shown.iter().all(|g| {
            let inner: Vec<&&Vec<usize>> = shown
                .iter()
                .filter(|h| h.len() < g.len() && h.iter().all(|a| g.contains(a)))
                .collect();
            let nearest: Vec<&&Vec<usize>> = inner
                .iter()
                .copied()
                .filter(|h| !inner.iter().any(|k| k.len() > h.len() && h.iter().all(|a| k.contains(a))))
                .collect();
            let rest: u64 = g
                .iter()
                .filter(|a| !nearest.iter().any(|h| h.contains(a)))
                .map(|&a| w[a])
                .sum();
            rest == 0 || rest >= 6
        });
        prop_assert_eq!(violation(&w, 6, &shown).is_none(), remainder_ok);
    }
}

/// Whether `c` is nested with every other unit cell (a subtree, not a
/// leader's union of unrelated subtrees).
fn is_subtree(cells: &[Vec<usize>], c: &[usize], n: usize) -> bool {
    cells.iter().filter(|o| o.len() < n).all(|o| {
        let inter = o.iter().filter(|a| c.contains(a)).count();
        inter == 0 || inter == o.len() || inter == c.len()
    })
}
