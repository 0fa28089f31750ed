//! Which groups of a unit tree may show their figures (REP-2, REP-8, SURV-3).
//!
//! A group is a unit with all its sub-units; the agency is the root. A group
//! shows only with n ≥ 6, and no group of 1 to 5 may be isolated by
//! subtracting shown figures. The decision is the engine's
//! ([`super::engine`]), the agency first and then larger groups before
//! smaller ones, so what has to be hidden are the small details; on a tree
//! that comes to: every shown group's n minus its nearest shown
//! descendants' is 0 or at least 6.

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

use super::engine::{suppress, Decision};

pub const MIN_GROUP: i64 = 6;

/// `parent` maps every unit to its parent (None for top-level units);
/// `direct` holds the count of each unit's own members. Returns the units
/// whose group figures may be shown, and whether the agency as a whole may.
pub fn shown_groups(
    parent: &HashMap<String, Option<String>>,
    direct: &HashMap<String, i64>,
) -> (bool, HashSet<String>) {
    let mut units: Vec<&str> = parent.keys().map(String::as_str).collect();
    units.sort_unstable();
    let index: HashMap<&str, usize> = units.iter().enumerate().map(|(i, u)| (*u, i)).collect();
    let weights: Vec<u64> = units
        .iter()
        .map(|u| direct.get(*u).copied().unwrap_or(0).max(0).unsigned_abs())
        .collect();
    // Each unit's atoms: itself and everything below; depth for the order.
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); units.len()];
    let mut depth = vec![0usize; units.len()];
    for (a, u) in units.iter().enumerate() {
        let mut cur = Some(*u);
        let mut steps = 0;
        while let Some(c) = cur.and_then(|c| index.get(c)) {
            if steps > units.len() {
                break; // a cycle in bad data: stop, as group_sizes does
            }
            groups[*c].push(a);
            steps += 1;
            cur = parent.get(units[*c]).and_then(|p| p.as_deref());
        }
        depth[a] = steps;
    }
    let n_of = |g: &[usize]| g.iter().map(|&a| weights[a]).sum::<u64>();
    let mut order: Vec<usize> = (0..units.len()).collect();
    order.sort_by_key(|&u| (Reverse(n_of(&groups[u])), depth[u], u));
    let mut cells = vec![(0..units.len()).collect::<Vec<_>>()];
    cells.extend(order.iter().map(|&u| groups[u].clone()));
    let decisions = suppress(&weights, MIN_GROUP.unsigned_abs(), &cells, 0);
    if decisions[0] != Decision::Published {
        return (false, HashSet::new());
    }
    let shown = order
        .iter()
        .zip(&decisions[1..])
        .filter(|(_, d)| **d == Decision::Published)
        .map(|(&u, _)| units[u].to_string())
        .collect();
    (true, shown)
}

/// Size of each unit's group (the unit and all its sub-units).
pub fn group_sizes<K: Clone + Eq + std::hash::Hash>(
    parent: &HashMap<K, Option<K>>,
    direct: &HashMap<K, i64>,
) -> HashMap<K, i64> {
    let mut out: HashMap<K, i64> = HashMap::new();
    for (u, n) in direct {
        let mut cur = Some(u.clone());
        let mut steps = 0;
        while let Some(c) = cur {
            if !parent.contains_key(&c) || steps > parent.len() {
                break;
            }
            *out.entry(c.clone()).or_default() += n;
            cur = parent.get(&c).cloned().flatten();
            steps += 1;
        }
    }
    for u in parent.keys() {
        out.entry(u.clone()).or_default();
    }
    out
}

#[cfg(test)]
#[path = "suppression_tests.rs"]
mod tests;
