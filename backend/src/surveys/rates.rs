//! SURV-3: response rates per unit and for the agency. A group (a unit with
//! all its sub-units) with fewer than 6 invitations shows no figures; it
//! counts in its parent's, and no subtraction may single it out (the REP-8
//! rule). Every hidden unit is listed with the reason (REP-9).

use std::collections::{HashMap, HashSet};

use tillit_api::{HiddenReason, RateRow, UnitId};

use crate::organisation::units::UnitRow;
use crate::reports::suppression::{group_sizes, shown_groups, MIN_GROUP};

fn pct(answered: i64, invited: i64) -> Option<f64> {
    (invited > 0).then(|| (answered as f64 * 1000.0 / invited as f64).round() / 10.0)
}

/// `scope`: for a leader, the units they lead (their sub-units included).
/// Units that had no invitations (created after launch, or empty) are left out.
pub fn compute(
    units: &[UnitRow],
    counts: &HashMap<UnitId, (i64, i64)>,
    scope: Option<&HashSet<UnitId>>,
) -> (Option<RateRow>, Vec<RateRow>) {
    // The suppression rules work on plain ids.
    let parent: HashMap<String, Option<String>> = units
        .iter()
        .map(|u| {
            (
                u.id.to_string(),
                u.parent_id.as_ref().map(UnitId::to_string),
            )
        })
        .collect();
    let invited: HashMap<String, i64> = counts
        .iter()
        .map(|(u, (i, _))| (u.to_string(), *i))
        .collect();
    let answered: HashMap<String, i64> = counts
        .iter()
        .map(|(u, (_, a))| (u.to_string(), *a))
        .collect();
    let (agency_ok, shown) = shown_groups(&parent, &invited);
    let group_invited = group_sizes(&parent, &invited);
    let group_answered = group_sizes(&parent, &answered);
    let in_scope = |id: &str| -> bool {
        let Some(led) = scope else { return true };
        let mut cur = Some(id.to_string());
        let mut steps = 0;
        while let Some(c) = cur {
            if led.contains(c.as_str()) {
                return true;
            }
            steps += 1;
            if steps > units.len() {
                return false;
            }
            cur = parent.get(&c).cloned().flatten();
        }
        false
    };
    let row = |unit: Option<&UnitRow>, depth: u32, i: i64, a: i64, show: bool| RateRow {
        unit_id: unit.map(|u| u.id.clone()),
        name: unit.map(|u| u.name.clone()).unwrap_or_default(),
        parent_id: unit.and_then(|u| u.parent_id.clone()),
        depth,
        invited: show.then_some(i),
        answered: show.then_some(a),
        rate: if show { pct(a, i) } else { None },
        hidden: (!show).then_some(if i < MIN_GROUP {
            HiddenReason::TooFew
        } else {
            HiddenReason::ProtectsOthers
        }),
    };
    let agency = scope.is_none().then(|| {
        let i: i64 = invited.values().sum();
        let a: i64 = answered.values().sum();
        row(None, 0, i, a, agency_ok)
    });
    // Depth-first, siblings by name: the table reads like the unit tree.
    let mut children: HashMap<Option<&str>, Vec<&UnitRow>> = HashMap::new();
    let ids: HashSet<&str> = units.iter().map(|u| u.id.as_str()).collect();
    for u in units {
        let p = u
            .parent_id
            .as_ref()
            .map(UnitId::as_str)
            .filter(|p| ids.contains(p));
        children.entry(p).or_default().push(u);
    }
    for list in children.values_mut() {
        list.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    }
    let mut rows = Vec::new();
    let mut stack: Vec<(&UnitRow, u32)> = children
        .get(&None)
        .map(|v| v.iter().rev().map(|u| (*u, 0)).collect())
        .unwrap_or_default();
    let mut visited = HashSet::new();
    while let Some((u, depth)) = stack.pop() {
        if !visited.insert(u.id.as_str()) {
            continue;
        }
        let i = group_invited.get(u.id.as_str()).copied().unwrap_or(0);
        if i > 0 && in_scope(u.id.as_str()) {
            let a = group_answered.get(u.id.as_str()).copied().unwrap_or(0);
            rows.push(row(Some(u), depth, i, a, shown.contains(u.id.as_str())));
        }
        if let Some(kids) = children.get(&Some(u.id.as_str())) {
            stack.extend(kids.iter().rev().map(|k| (*k, depth + 1)));
        }
    }
    (agency, rows)
}
