use std::collections::HashMap;

use proptest::prelude::*;

use super::*;

fn tree(
    edges: &[(&str, Option<&str>, i64)],
) -> (HashMap<String, Option<String>>, HashMap<String, i64>) {
    let parent = edges
        .iter()
        .map(|(u, p, _)| (u.to_string(), p.map(str::to_string)))
        .collect();
    let direct = edges.iter().map(|(u, _, n)| (u.to_string(), *n)).collect();
    (parent, direct)
}

#[test]
fn rep_2_groups_under_six_are_hidden() {
    // Agency 18: A shows; B and C are hidden, and together they make 8.
    let (p, d) = tree(&[("A", None, 10), ("B", None, 5), ("C", None, 3)]);
    let (agency, shown) = shown_groups(&p, &d);
    assert!(agency);
    assert_eq!(shown, HashSet::from(["A".to_string()]));
}

#[test]
fn rep_2_a_small_agency_shows_nothing() {
    let (p, d) = tree(&[("A", None, 3), ("B", None, 2)]);
    assert_eq!(shown_groups(&p, &d), (false, HashSet::new()));
}

#[test]
fn rep_8_subtraction_cannot_isolate_a_small_group() {
    // Agency 20 = A 16 + B 4: B is hidden, but 20 - 16 would reveal it.
    let (p, d) = tree(&[("A", None, 16), ("B", None, 4)]);
    let (_, shown) = shown_groups(&p, &d);
    assert!(shown.is_empty(), "A must be hidden too: {shown:?}");
    // With a third group, hiding the smallest visible one is enough.
    let (p, d) = tree(&[("A", None, 16), ("B", None, 4), ("C", None, 7)]);
    let (_, shown) = shown_groups(&p, &d);
    assert_eq!(shown, HashSet::from(["A".to_string()]));
}

/// Random forests: parents come earlier, sizes 0..15.
fn forest() -> impl Strategy<Value = Vec<(Option<prop::sample::Index>, i64)>> {
    prop::collection::vec(
        (prop::option::of(any::<prop::sample::Index>()), 0i64..15),
        1..25,
    )
}

proptest! {
    #[test]
    fn rep_8_no_shown_figure_minus_its_shown_parts_is_between_1_and_5(f in forest()) {
        let mut parent = HashMap::new();
        let mut direct = HashMap::new();
        for (i, (p, n)) in f.iter().enumerate() {
            let p = match p { Some(ix) if i > 0 => Some(format!("u{}", ix.index(i))), _ => None };
            parent.insert(format!("u{i}"), p);
            direct.insert(format!("u{i}"), *n);
        }
        let (agency, shown) = shown_groups(&parent, &direct);
        let sizes = group_sizes(&parent, &direct);
        let agency_n: i64 = direct.values().sum();
        prop_assert_eq!(agency, agency_n >= MIN_GROUP);
        for u in &shown {
            prop_assert!(sizes[u] >= MIN_GROUP, "{} shown with {}", u, sizes[u]);
        }
        // For the agency and each shown unit: n minus its nearest shown
        // descendants is never a group of 1 to 5.
        let nearest_shown = |u: &str| -> Option<String> {
            let mut cur = parent.get(u).cloned().flatten();
            while let Some(c) = cur {
                if shown.contains(&c) { return Some(c); }
                cur = parent.get(&c).cloned().flatten();
            }
            None
        };
        if agency {
            let mut covered: HashMap<Option<String>, i64> = HashMap::new();
            for u in &shown {
                *covered.entry(nearest_shown(u)).or_default() += sizes[u];
            }
            let rest = agency_n - covered.get(&None).copied().unwrap_or(0);
            prop_assert!(!(1..MIN_GROUP).contains(&rest), "agency remainder {}", rest);
            for u in &shown {
                let rest = sizes[u] - covered.get(&Some(u.clone())).copied().unwrap_or(0);
                prop_assert!(!(1..MIN_GROUP).contains(&rest), "{} remainder {}", u, rest);
            }
        }
    }
}
