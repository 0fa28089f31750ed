//! SURV-3: response rates per unit and for the agency. A unit whose group
//! has fewer than 6 invitations shows no rate of its own; it counts in its
//! parent's, and no subtraction may single it out (the REP-8 rule).

use std::collections::{HashMap, HashSet};

use tillit_api::RateRow;

use crate::organisation::units::UnitRow;
use crate::reports::suppression::{group_sizes, shown_groups};

fn pct(answered: i64, invited: i64) -> Option<f64> {
    (invited > 0).then(|| (answered as f64 * 1000.0 / invited as f64).round() / 10.0)
}

/// `scope`: for a leader, the units they lead (their sub-units included).
pub fn compute(
    units: &[UnitRow],
    counts: &HashMap<String, (i64, i64)>,
    scope: Option<&HashSet<String>>,
) -> (Option<RateRow>, Vec<RateRow>) {
    let parent: HashMap<String, Option<String>> = units
        .iter()
        .map(|u| (u.id.clone(), u.parent_id.clone()))
        .collect();
    let invited: HashMap<String, i64> = counts.iter().map(|(u, (i, _))| (u.clone(), *i)).collect();
    let answered: HashMap<String, i64> = counts.iter().map(|(u, (_, a))| (u.clone(), *a)).collect();
    let (agency_ok, shown) = shown_groups(&parent, &invited);
    let group_invited = group_sizes(&parent, &invited);
    let group_answered = group_sizes(&parent, &answered);
    let in_scope = |id: &str| -> bool {
        let Some(led) = scope else { return true };
        let mut cur = Some(id.to_string());
        let mut steps = 0;
        while let Some(c) = cur {
            if led.contains(&c) {
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
    let agency = (scope.is_none() && agency_ok).then(|| {
        let i: i64 = invited.values().sum();
        let a: i64 = answered.values().sum();
        RateRow {
            unit_id: None,
            name: String::new(),
            parent_id: None,
            invited: i,
            answered: a,
            rate: pct(a, i),
        }
    });
    let mut rows: Vec<RateRow> = units
        .iter()
        .filter(|u| shown.contains(&u.id) && in_scope(&u.id))
        .map(|u| {
            let i = group_invited.get(&u.id).copied().unwrap_or(0);
            let a = group_answered.get(&u.id).copied().unwrap_or(0);
            RateRow {
                unit_id: Some(u.id.clone()),
                name: u.name.clone(),
                parent_id: u.parent_id.clone(),
                invited: i,
                answered: a,
                rate: pct(a, i),
            }
        })
        .collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    (agency, rows)
}
