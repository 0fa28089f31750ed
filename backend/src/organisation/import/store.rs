//! Applies an import plan: plain batched writes inside the caller's transaction.

use std::collections::HashMap;

use diesel::prelude::*;
use tillit_api::{AgencyId, ImportId, ImportKind, ImportMode, ImportRecord, Role};

use super::plan::{Counts, EmployeePlan, UnitPlan};
use crate::db::schema::{employees, imports, integration_clients, units, users};
use crate::db::INSERT_CHUNK;
use crate::db::{db_run, paged, Paging};
use crate::error::AppError;
use crate::work::Tx;
use tillit_api::Page;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = imports)]
pub struct ImportRow {
    pub id: ImportId,
    pub agency_id: AgencyId,
    pub kind: ImportKind,
    pub mode: ImportMode,
    pub source: String,
    /// A user's or an HR client's id.
    pub actor_id: String,
    pub actor_role: Role,
    pub created_at: chrono::NaiveDateTime,
    pub rows_total: i64,
    pub created: i64,
    pub updated: i64,
    pub deactivated: i64,
    pub unchanged: i64,
    pub idempotency_key: Option<String>,
    pub request_hash: String,
}

impl ImportRow {
    pub fn counts(&self) -> Counts {
        Counts {
            created: self.created as usize,
            updated: self.updated as usize,
            deactivated: self.deactivated as usize,
            unchanged: self.unchanged as usize,
        }
    }
}

// The plans were made from the agency's own rows (`plan_request`), so the
// ids below are all the agency's.
pub fn apply_units(tx: &mut Tx<'_>, plan: &UnitPlan) -> Result<(), AppError> {
    db_run!(tx.conn(), |c| {
        for chunk in plan.create.chunks(INSERT_CHUNK) {
            diesel::insert_into(units::table).values(chunk).execute(c)?;
        }
        for u in &plan.update {
            diesel::update(units::table.find(&u.id))
                .set((
                    units::name.eq(&u.name),
                    units::parent_id.eq(&u.parent_id),
                    units::active.eq(u.active),
                    units::updated_at.eq(u.updated_at),
                ))
                .execute(c)?;
        }
        let now = crate::util::now();
        for chunk in plan.deactivate.chunks(INSERT_CHUNK) {
            diesel::update(units::table.filter(units::id.eq_any(chunk)))
                .set((units::active.eq(false), units::updated_at.eq(now)))
                .execute(c)?;
        }
        Ok::<(), diesel::result::Error>(())
    })?;
    Ok(())
}

pub fn apply_employees(tx: &mut Tx<'_>, plan: &EmployeePlan) -> Result<(), AppError> {
    db_run!(tx.conn(), |c| {
        for chunk in plan.create.chunks(INSERT_CHUNK) {
            diesel::insert_into(employees::table)
                .values(chunk)
                .execute(c)?;
        }
        for e in &plan.update {
            diesel::update(employees::table.find(&e.id))
                .set((
                    employees::email.eq(&e.email),
                    employees::unit_id.eq(&e.unit_id),
                    employees::language.eq(&e.language),
                    employees::active.eq(e.active),
                    employees::updated_at.eq(e.updated_at),
                ))
                .execute(c)?;
        }
        let now = crate::util::now();
        for chunk in plan.deactivate.chunks(INSERT_CHUNK) {
            diesel::update(employees::table.filter(employees::id.eq_any(chunk)))
                .set((employees::active.eq(false), employees::updated_at.eq(now)))
                .execute(c)?;
        }
        Ok::<(), diesel::result::Error>(())
    })?;
    Ok(())
}

pub fn insert_record(tx: &mut Tx<'_>, row: &ImportRow) -> Result<(), AppError> {
    if &row.agency_id != tx.agency() {
        return Err(AppError::forbidden());
    }
    db_run!(tx.conn(), |c| diesel::insert_into(imports::table)
        .values(row)
        .execute(c))?;
    Ok(())
}

pub fn by_idempotency_key(tx: &mut Tx<'_>, key: &str) -> Result<Option<ImportRow>, AppError> {
    let agency = tx.agency().clone();
    Ok(db_run!(tx.conn(), |c| imports::table
        .filter(imports::agency_id.eq(&agency))
        .filter(imports::idempotency_key.eq(key))
        .select(ImportRow::as_select())
        .first(c)
        .optional())?)
}

pub fn get(tx: &mut Tx<'_>, id: &ImportId) -> Result<ImportRow, AppError> {
    let agency = tx.agency().clone();
    Ok(db_run!(tx.conn(), |c| imports::table
        .filter(imports::agency_id.eq(&agency))
        .filter(imports::id.eq(id))
        .select(ImportRow::as_select())
        .first(c))?)
}

/// What a replayed request (same Idempotency-Key) answers: the first
/// import's counts, summed over its kinds.
pub fn replayed(prev: ImportRow) -> super::Outcome {
    let c = prev.counts();
    let counts = tillit_api::ImportCounts {
        rows: prev.rows_total as usize,
        created: c.created,
        updated: c.updated,
        deactivated: c.deactivated,
        unchanged: c.unchanged,
    };
    let kind = prev.kind;
    super::Outcome {
        kind,
        mode: prev.mode,
        dry_run: false,
        units: if kind == ImportKind::Employees {
            Default::default()
        } else {
            counts.clone()
        },
        employees: if kind == ImportKind::Units {
            Default::default()
        } else {
            counts
        },
        needs_confirmation: None,
        errors: vec![],
        import_id: Some(prev.id),
    }
}

/// A page of the agency's imports, newest first; `actor` narrows it to
/// one actor's (an HR client's own).
pub fn page(
    tx: &mut Tx<'_>,
    actor: Option<&str>,
    paging: Paging,
) -> Result<Page<ImportRow>, AppError> {
    let agency = tx.agency().clone();
    Ok(paged!(
        tx.conn(),
        paging,
        {
            let mut q = imports::table
                .filter(imports::agency_id.eq(&agency))
                .into_boxed();
            if let Some(a) = actor {
                q = q.filter(imports::actor_id.eq(a));
            }
            q
        },
        order = (imports::created_at.desc(), imports::id.asc()),
        select = ImportRow::as_select(),
    )?)
}

/// Who did them, by name (people and HR system clients), in two queries
/// for the whole page.
fn actor_names(tx: &mut Tx<'_>, ids: &[&String]) -> Result<HashMap<String, String>, AppError> {
    let mut names: HashMap<String, String> = db_run!(tx.conn(), |c| users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::name))
        .load::<(String, String)>(c))?
    .into_iter()
    .collect();
    names.extend(db_run!(tx.conn(), |c| integration_clients::table
        .filter(integration_clients::id.eq_any(ids))
        .select((integration_clients::id, integration_clients::name))
        .load::<(String, String)>(c))?);
    Ok(names)
}

pub fn to_api(tx: &mut Tx<'_>, rows: Vec<ImportRow>) -> Result<Vec<ImportRecord>, AppError> {
    let ids: Vec<&String> = rows.iter().map(|r| &r.actor_id).collect();
    let names = actor_names(tx, &ids)?;
    Ok(rows.into_iter().map(|r| record(r, &names)).collect())
}

fn record(r: ImportRow, names: &HashMap<String, String>) -> ImportRecord {
    ImportRecord {
        actor_name: names
            .get(&r.actor_id)
            .cloned()
            .unwrap_or_else(|| "unknown".into()),
        kind: r.kind,
        mode: r.mode,
        actor_role: r.actor_role,
        created_at: crate::util::utc(r.created_at),
        id: r.id,
        source: r.source,
        rows: r.rows_total,
        created: r.created,
        updated: r.updated,
        deactivated: r.deactivated,
        unchanged: r.unchanged,
    }
}
