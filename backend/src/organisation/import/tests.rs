use tillit_api::{EmployeeRow as EmployeeIn, ImportMode, UnitRow as UnitIn};

use super::plan::*;
use crate::organisation::units::UnitRow;

fn unit(ext: &str, parent: Option<&str>) -> UnitIn {
    UnitIn {
        external_id: ext.into(),
        name: format!("Unit {ext}"),
        parent_external_id: parent.map(str::to_string),
    }
}

fn emp(ext: &str, email: &str, unit: &str) -> EmployeeIn {
    EmployeeIn {
        external_id: ext.into(),
        email: email.into(),
        unit_external_id: unit.into(),
        language: None,
    }
}

fn plan_u(
    mode: ImportMode,
    rows: &[UnitIn],
    existing: &[UnitRow],
) -> Result<UnitPlan, Vec<tillit_api::FieldError>> {
    let mut n = 0;
    let mut gen = move || {
        n += 1;
        format!("id{n}")
    };
    let agency = tillit_api::AgencyId::from("a");
    let mut ctx = Ctx {
        agency: &agency,
        mode,
        first_row: 1,
        now: chrono::DateTime::from_timestamp(0, 0).unwrap().naive_utc(),
        new_id: &mut gen,
    };
    plan_units(&mut ctx, rows, existing)
}

/// Applies a plan to an in-memory table, as the store does to the database.
fn apply(existing: &mut Vec<UnitRow>, plan: UnitPlan) {
    for u in plan.update {
        let slot = existing.iter_mut().find(|e| e.id == u.id).unwrap();
        *slot = u;
    }
    existing.extend(plan.create);
    for id in plan.deactivate {
        existing.iter_mut().find(|e| e.id == id).unwrap().active = false;
    }
}

#[test]
fn org_2_parents_are_created_before_children() {
    let rows = [unit("C", Some("B")), unit("B", Some("A")), unit("A", None)];
    let plan = plan_u(ImportMode::Upsert, &rows, &[]).unwrap();
    let order: Vec<_> = plan.create.iter().map(|u| u.external_id.as_str()).collect();
    assert_eq!(order, ["A", "B", "C"]);
}

#[test]
fn org_2_unknown_parent_and_cycles_are_rejected_with_rows() {
    let rows = [
        unit("A", Some("B")),
        unit("B", Some("A")),
        unit("C", Some("nope")),
        unit("D", Some("D")),
    ];
    let errs = plan_u(ImportMode::Upsert, &rows, &[]).unwrap_err();
    let codes: Vec<_> = errs
        .iter()
        .map(|e| (e.row.unwrap(), e.code.as_str()))
        .collect();
    assert!(codes.contains(&(1, "cycle")));
    assert!(codes.contains(&(2, "cycle")));
    assert!(codes.contains(&(3, "unknown_parent")));
    assert!(codes.contains(&(4, "cycle")));
}

#[test]
fn org_2_duplicate_external_ids_in_a_batch_are_rejected() {
    let errs = plan_u(ImportMode::Upsert, &[unit("A", None), unit("A", None)], &[]).unwrap_err();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].row, Some(2));
    assert_eq!(errs[0].code.as_str(), "duplicate");
}

#[test]
fn org_2_the_same_payload_twice_changes_nothing_the_second_time() {
    let rows = [unit("A", None), unit("B", Some("A"))];
    let mut table = Vec::new();
    let first = plan_u(ImportMode::FullSync, &rows, &table).unwrap();
    assert_eq!(first.counts().created, 2);
    apply(&mut table, first);
    let second = plan_u(ImportMode::FullSync, &rows, &table).unwrap();
    assert_eq!(
        second.counts(),
        Counts {
            unchanged: 2,
            ..Counts::default()
        }
    );
}

#[test]
fn org_2_full_sync_deactivates_the_absent_and_upsert_keeps_them() {
    let mut table = Vec::new();
    let first = plan_u(
        ImportMode::Upsert,
        &[unit("A", None), unit("B", None)],
        &table,
    )
    .unwrap();
    apply(&mut table, first);
    let upsert = plan_u(ImportMode::Upsert, &[unit("A", None)], &table).unwrap();
    assert_eq!(upsert.counts().deactivated, 0);
    let sync = plan_u(ImportMode::FullSync, &[unit("A", None)], &table).unwrap();
    assert_eq!(sync.counts().deactivated, 1);
}

#[test]
fn org_2_upsert_cannot_close_a_loop_through_existing_units() {
    let mut table = Vec::new();
    let first = plan_u(
        ImportMode::Upsert,
        &[unit("A", None), unit("B", Some("A"))],
        &table,
    )
    .unwrap();
    apply(&mut table, first);
    let errs = plan_u(ImportMode::Upsert, &[unit("A", Some("B"))], &table).unwrap_err();
    assert_eq!(errs[0].code.as_str(), "cycle");
}

#[test]
fn org_2_employee_rows_report_every_bad_field() {
    let units = vec![UnitRow {
        id: "u1".into(),
        agency_id: "a".into(),
        external_id: "U1".into(),
        name: "U1".into(),
        parent_id: None,
        active: true,
        updated_at: chrono::DateTime::from_timestamp(0, 0).unwrap().naive_utc(),
    }];
    let rows = [
        emp("E1", "ok@etat.no", "U1"),
        emp("E2", "not-an-email", "U1"),
        emp("E3", "OK@etat.no", "U1"),
        emp("E1", "x@etat.no", "U9"),
        EmployeeIn {
            language: Some("de".into()),
            ..emp("E5", "y@etat.no", "U1")
        },
    ];
    let mut gen = || "new".to_string();
    let agency = tillit_api::AgencyId::from("a");
    let mut ctx = Ctx {
        agency: &agency,
        mode: ImportMode::Upsert,
        first_row: 2,
        now: units[0].updated_at,
        new_id: &mut gen,
    };
    let errs = plan_employees(&mut ctx, &rows, &[], &units).unwrap_err();
    let got: Vec<_> = errs
        .iter()
        .map(|e| (e.row.unwrap(), e.field.as_str(), e.code.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (3, "email", "invalid_email"),
            (4, "email", "duplicate"),
            (5, "unit_external_id", "unknown_unit"),
            (5, "external_id", "duplicate"),
            (6, "language", "invalid_language"),
        ]
    );
}

mod properties {
    use std::collections::HashSet;

    use proptest::prelude::*;

    use super::*;

    /// A forest: each unit's parent, if any, comes earlier, so no cycles.
    fn forest() -> impl Strategy<Value = Vec<UnitIn>> {
        prop::collection::vec(prop::option::of(any::<prop::sample::Index>()), 1..60).prop_map(
            |parents| {
                parents
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let parent = match p {
                            Some(ix) if i > 0 => Some(format!("U{}", ix.index(i))),
                            _ => None,
                        };
                        unit(&format!("U{i}"), parent.as_deref())
                    })
                    .collect()
            },
        )
    }

    proptest! {
        #[test]
        fn org_2_any_forest_imports_parents_first_and_reruns_unchanged(rows in forest(), seed in any::<u64>()) {
            // The HR system may send rows in any order.
            let mut shuffled = rows.clone();
            let n = shuffled.len();
            for i in 0..n {
                let j = (seed as usize).wrapping_mul(i + 7) % n;
                shuffled.swap(i, j);
            }
            let mut table = Vec::new();
            let plan = plan_u(ImportMode::FullSync, &shuffled, &table).unwrap();
            let mut placed = HashSet::new();
            for u in &plan.create {
                if let Some(p) = &u.parent_id {
                    prop_assert!(placed.contains(p), "a child came before its parent");
                }
                placed.insert(u.id.clone());
            }
            prop_assert_eq!(plan.counts().created, n);
            apply(&mut table, plan);
            let again = plan_u(ImportMode::FullSync, &rows, &table).unwrap();
            prop_assert_eq!(again.counts(), Counts { unchanged: n, ..Counts::default() });
        }

        #[test]
        fn org_2_full_sync_deactivates_exactly_the_absent(rows in forest(), keep in any::<prop::sample::Index>()) {
            let mut table = Vec::new();
            let plan = plan_u(ImportMode::FullSync, &rows, &table).unwrap();
            apply(&mut table, plan);
            // Keep a prefix: parents come first, so the prefix is a valid forest.
            let k = keep.index(rows.len()) + 1;
            let plan = plan_u(ImportMode::FullSync, &rows[..k], &table).unwrap();
            prop_assert_eq!(plan.counts().deactivated, rows.len() - k);
            prop_assert_eq!(plan.counts().unchanged, k);
        }

        #[test]
        fn org_2_a_loop_anywhere_rejects_the_whole_batch(rows in forest(), at in any::<prop::sample::Index>()) {
            let mut rows = rows;
            let n = rows.len();
            let i = at.index(n);
            // Point the first unit at unit i: a loop if i descends from it, and
            // for i == 0 a unit that is its own parent.
            let root_chain_has_loop = {
                let mut cur = Some(format!("U{i}"));
                let mut hit = false;
                let mut steps = 0;
                while let Some(c) = cur {
                    if c == "U0" { hit = true; break; }
                    steps += 1;
                    if steps > n { break; }
                    cur = rows.iter().find(|r| r.external_id == c).and_then(|r| r.parent_external_id.clone());
                }
                hit
            };
            rows[0].parent_external_id = Some(format!("U{i}"));
            let result = plan_u(ImportMode::Upsert, &rows, &[]);
            if root_chain_has_loop {
                let errs = result.unwrap_err();
                prop_assert!(errs.iter().any(|e| e.code.as_str() == "cycle"));
            } else {
                prop_assert!(result.is_ok());
            }
        }
    }
}
