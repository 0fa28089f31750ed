//! Units in the database, always within the caller's agency (ROLE-1).

use std::collections::HashMap;

use diesel::prelude::*;
use tillit_api::{AgencyId, FieldCode, FieldError, ProblemCode, Unit, UnitId};

use crate::db::schema::{employees, units};
use crate::db::{db_run, paged, Paging};
use crate::db::{like_pattern, lower};
use crate::error::AppError;
use crate::util::now;
use crate::work::Tx;
use tillit_api::Page;

#[derive(Queryable, Selectable, Insertable, Debug, Clone, PartialEq)]
#[diesel(table_name = units)]
pub struct UnitRow {
    pub id: UnitId,
    pub agency_id: AgencyId,
    pub external_id: String,
    pub name: String,
    pub parent_id: Option<UnitId>,
    pub active: bool,
    pub updated_at: chrono::NaiveDateTime,
}

/// All units of the agency, active or not.
pub fn all(tx: &mut Tx<'_>) -> Result<Vec<UnitRow>, AppError> {
    let agency = tx.agency().clone();
    Ok(db_run!(tx.conn(), |c| units::table
        .filter(units::agency_id.eq(&agency))
        .select(UnitRow::as_select())
        .load(c))?)
}

/// One of the agency's units; another agency's id is simply not found.
pub fn get(tx: &mut Tx<'_>, id: &UnitId) -> Result<UnitRow, AppError> {
    let agency = tx.agency().clone();
    Ok(db_run!(tx.conn(), |c| units::table
        .filter(units::agency_id.eq(&agency))
        .filter(units::id.eq(id))
        .select(UnitRow::as_select())
        .first(c))?)
}

/// One page of units, by name; `pattern` searches name and external id.
pub fn page(
    tx: &mut Tx<'_>,
    pattern: Option<&str>,
    inactive: bool,
    paging: Paging,
) -> Result<Page<UnitRow>, AppError> {
    let agency = tx.agency().clone();
    let pattern = like_pattern(pattern);
    Ok(paged!(
        tx.conn(),
        paging,
        {
            let mut q = units::table
                .filter(units::agency_id.eq(&agency))
                .into_boxed();
            if !inactive {
                q = q.filter(units::active.eq(true));
            }
            if let Some(p) = &pattern {
                q = q.filter(
                    lower(units::name)
                        .like(p.clone())
                        .or(lower(units::external_id).like(p.clone())),
                );
            }
            q
        },
        order = (units::name.asc(), units::id.asc()),
        select = UnitRow::as_select(),
    )?)
}

pub fn insert(tx: &mut Tx<'_>, row: &UnitRow) -> Result<(), AppError> {
    if &row.agency_id != tx.agency() {
        return Err(AppError::forbidden());
    }
    db_run!(tx.conn(), |c| diesel::insert_into(units::table)
        .values(row)
        .execute(c))
    .map_err(|e| match AppError::from(e) {
        AppError::Conflict(..) => AppError::conflict(
            ProblemCode::ExternalIdTaken,
            "A unit with this external id exists.",
        ),
        other => other,
    })?;
    Ok(())
}

/// Renames or moves one of the agency's units.
pub fn update(tx: &mut Tx<'_>, row: &UnitRow) -> Result<(), AppError> {
    let agency = tx.agency().clone();
    db_run!(tx.conn(), |c| diesel::update(
        units::table
            .filter(units::agency_id.eq(&agency))
            .filter(units::id.eq(&row.id))
    )
    .set((
        units::name.eq(&row.name),
        units::parent_id.eq(&row.parent_id),
        units::updated_at.eq(row.updated_at)
    ))
    .execute(c))?;
    Ok(())
}

/// Deactivates a unit that no active sub-unit or employee is left in.
pub fn deactivate(tx: &mut Tx<'_>, id: &UnitId) -> Result<(), AppError> {
    let row = get(tx, id)?;
    let (children, staff): (i64, i64) = db_run!(tx.conn(), |c| {
        let children = units::table
            .filter(units::parent_id.eq(&row.id))
            .filter(units::active.eq(true))
            .count()
            .get_result(c)?;
        let staff = employees::table
            .filter(employees::unit_id.eq(&row.id))
            .filter(employees::active.eq(true))
            .count()
            .get_result(c)?;
        Ok::<_, diesel::result::Error>((children, staff))
    })?;
    if children > 0 || staff > 0 {
        return Err(AppError::conflict(ProblemCode::UnitInUse, format!(
            "The unit still has {children} active sub-unit(s) and {staff} active employee(s); move or deactivate them first."
        ))
        .with("units", children)
        .with("employees", staff));
    }
    db_run!(tx.conn(), |c| diesel::update(units::table.find(&row.id))
        .set((units::active.eq(false), units::updated_at.eq(now())))
        .execute(c))?;
    Ok(())
}

/// Active employees per unit: directly in it, and in it with all its
/// active sub-units.
#[derive(Default)]
pub struct Counts {
    direct: HashMap<UnitId, i64>,
    total: HashMap<UnitId, i64>,
}

pub fn employee_counts(tx: &mut Tx<'_>) -> Result<Counts, AppError> {
    let agency = tx.agency().clone();
    let rows: Vec<(UnitId, i64)> = db_run!(tx.conn(), |c| employees::table
        .filter(employees::agency_id.eq(&agency))
        .filter(employees::active.eq(true))
        .group_by(employees::unit_id)
        .select((employees::unit_id, diesel::dsl::count_star()))
        .load(c))?;
    let tree: Vec<(UnitId, Option<UnitId>)> = db_run!(tx.conn(), |c| units::table
        .filter(units::agency_id.eq(&agency))
        .filter(units::active.eq(true))
        .select((units::id, units::parent_id))
        .load(c))?;
    let direct: HashMap<UnitId, i64> = rows.into_iter().collect();
    let parent: HashMap<UnitId, Option<UnitId>> = tree.into_iter().collect();
    let total = crate::reports::suppression::group_sizes(&parent, &direct);
    Ok(Counts { direct, total })
}

pub fn to_api(r: UnitRow, counts: &Counts) -> Unit {
    Unit {
        employee_count: counts.direct.get(&r.id).copied().unwrap_or(0),
        total_employee_count: counts.total.get(&r.id).copied().unwrap_or(0),
        id: r.id,
        external_id: r.external_id,
        name: r.name,
        parent_id: r.parent_id,
        active: r.active,
    }
}

/// Would making `parent` the parent of `unit` close a loop?
pub fn creates_cycle(all: &[UnitRow], unit: &UnitId, parent: &UnitId) -> bool {
    let parents: HashMap<&UnitId, Option<&UnitId>> =
        all.iter().map(|u| (&u.id, u.parent_id.as_ref())).collect();
    let mut cur = Some(parent);
    let mut steps = 0;
    while let Some(p) = cur {
        if p == unit || steps > all.len() {
            return true;
        }
        cur = parents.get(p).copied().flatten();
        steps += 1;
    }
    false
}

/// The error for a unit id that is not one of the agency's.
pub fn unknown_unit(field: &str) -> FieldError {
    FieldError::new(field, FieldCode::UnknownUnit, "no such unit in this agency")
}
