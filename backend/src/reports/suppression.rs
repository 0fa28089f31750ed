//! Which groups of a unit tree may show their figures (REP-2, REP-8, SURV-3).
//!
//! A group is a unit with all its sub-units; the agency is the root. A group
//! shows only with n ≥ 6, and no group of 1 to 5 may be isolated by
//! subtracting shown figures: for every shown group, its n minus the n of its
//! nearest shown descendants must be 0 or at least 6, else more of those
//! descendants are hidden (secondary suppression), smallest first.

use std::collections::{HashMap, HashSet};

pub const MIN_GROUP: i64 = 6;

/// `parent` maps every unit to its parent (None for top-level units);
/// `direct` holds the count of each unit's own members. Returns the units
/// whose group figures may be shown, and whether the agency as a whole may.
pub fn shown_groups(
    parent: &HashMap<String, Option<String>>,
    direct: &HashMap<String, i64>,
) -> (bool, HashSet<String>) {
    let mut children: HashMap<Option<&str>, Vec<&str>> = HashMap::new();
    for (u, p) in parent {
        let p = p.as_deref().filter(|p| parent.contains_key(*p));
        children.entry(p).or_default().push(u.as_str());
    }
    for list in children.values_mut() {
        list.sort();
    }
    // Group sizes, bottom-up.
    let mut total: HashMap<&str, i64> = HashMap::new();
    fn size<'a>(
        u: &'a str,
        children: &HashMap<Option<&'a str>, Vec<&'a str>>,
        direct: &HashMap<String, i64>,
        total: &mut HashMap<&'a str, i64>,
        depth: usize,
    ) -> i64 {
        if let Some(n) = total.get(u) {
            return *n;
        }
        let mut n = direct.get(u).copied().unwrap_or(0);
        if depth < 10_000 {
            for c in children.get(&Some(u)).into_iter().flatten() {
                n += size(c, children, direct, total, depth + 1);
            }
        }
        total.insert(u, n);
        n
    }
    let roots: Vec<&str> = children.get(&None).cloned().unwrap_or_default();
    let agency_n: i64 = roots
        .iter()
        .map(|r| size(r, &children, direct, &mut total, 0))
        .sum::<i64>();
    if agency_n < MIN_GROUP {
        return (false, HashSet::new());
    }
    let mut shown: HashSet<&str> = total
        .iter()
        .filter(|(_, n)| **n >= MIN_GROUP)
        .map(|(u, _)| *u)
        .collect();

    // The shown descendants of a node that have no shown node between.
    fn frontier<'a>(
        kids: &[&'a str],
        children: &HashMap<Option<&'a str>, Vec<&'a str>>,
        shown: &HashSet<&'a str>,
        out: &mut Vec<&'a str>,
    ) {
        for k in kids {
            if shown.contains(k) {
                out.push(k);
            } else {
                frontier(
                    children.get(&Some(*k)).map(Vec::as_slice).unwrap_or(&[]),
                    children,
                    shown,
                    out,
                );
            }
        }
    }
    loop {
        let mut changed = false;
        // The agency (None) and every shown unit are released figures.
        let mut released: Vec<(Option<&str>, i64)> = vec![(None, agency_n)];
        let mut ordered: Vec<&str> = shown.iter().copied().collect();
        ordered.sort();
        released.extend(ordered.iter().map(|u| (Some(*u), total[u])));
        for (node, n) in released {
            if node.is_some_and(|u| !shown.contains(u)) {
                continue;
            }
            let kids = children.get(&node).map(Vec::as_slice).unwrap_or(&[]);
            let mut front = Vec::new();
            frontier(kids, &children, &shown, &mut front);
            let mut rest = n - front.iter().map(|u| total[u]).sum::<i64>();
            while (1..MIN_GROUP).contains(&rest) && !front.is_empty() {
                front.sort_by_key(|u| (total[u], *u));
                let smallest = front.remove(0);
                shown.remove(smallest);
                changed = true;
                // Its own frontier is now compared against this node instead.
                let mut sub = Vec::new();
                frontier(
                    children
                        .get(&Some(smallest))
                        .map(Vec::as_slice)
                        .unwrap_or(&[]),
                    &children,
                    &shown,
                    &mut sub,
                );
                rest += total[smallest] - sub.iter().map(|u| total[u]).sum::<i64>();
                front.extend(sub);
            }
        }
        if !changed {
            break;
        }
    }
    (true, shown.into_iter().map(str::to_string).collect())
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
