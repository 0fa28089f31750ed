//! Applies an import plan: plain batched writes inside the caller's transaction.

use diesel::prelude::*;
use tillit_api::{ImportKind, ImportMode, ImportRecord, Role};

use super::plan::{Counts, EmployeePlan, UnitPlan};
use crate::db::schema::{employees, imports, integration_clients, units, users};
use crate::db::{DbConn, INSERT_CHUNK};
use crate::db_run;
use crate::error::AppError;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = imports)]
pub struct ImportRow {
    pub id: String,
    pub agency_id: String,
    pub kind: String,
    pub mode: String,
    pub source: String,
    pub actor_id: String,
    pub actor_role: String,
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
    pub fn kind(&self) -> ImportKind {
        if self.kind == "units" {
            ImportKind::Units
        } else {
            ImportKind::Employees
        }
    }
    pub fn mode(&self) -> ImportMode {
        if self.mode == "full_sync" {
            ImportMode::FullSync
        } else {
            ImportMode::Upsert
        }
    }
}

pub fn apply_units(conn: &mut DbConn, plan: &UnitPlan) -> Result<(), AppError> {
    db_run!(conn, |c| {
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

pub fn apply_employees(conn: &mut DbConn, plan: &EmployeePlan) -> Result<(), AppError> {
    db_run!(conn, |c| {
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

pub fn insert_record(conn: &mut DbConn, row: &ImportRow) -> Result<(), AppError> {
    db_run!(conn, |c| diesel::insert_into(imports::table)
        .values(row)
        .execute(c))?;
    Ok(())
}

pub fn by_idempotency_key(
    conn: &mut DbConn,
    agency: &str,
    key: &str,
) -> Result<Option<ImportRow>, AppError> {
    Ok(db_run!(conn, |c| imports::table
        .filter(imports::agency_id.eq(agency))
        .filter(imports::idempotency_key.eq(key))
        .select(ImportRow::as_select())
        .first(c)
        .optional())?)
}

pub fn get(conn: &mut DbConn, agency: &str, id: &str) -> Result<ImportRow, AppError> {
    Ok(db_run!(conn, |c| imports::table
        .filter(imports::agency_id.eq(agency))
        .filter(imports::id.eq(id))
        .select(ImportRow::as_select())
        .first(c))?)
}

pub fn page(
    conn: &mut DbConn,
    agency: &str,
    page: i64,
    per_page: i64,
) -> Result<(Vec<ImportRow>, i64), AppError> {
    Ok(db_run!(conn, |c| {
        let rows = imports::table
            .filter(imports::agency_id.eq(agency))
            .order((imports::created_at.desc(), imports::id.asc()))
            .limit(per_page)
            .offset((page - 1) * per_page)
            .select(ImportRow::as_select())
            .load(c)?;
        let total = imports::table
            .filter(imports::agency_id.eq(agency))
            .count()
            .get_result(c)?;
        Ok::<_, diesel::result::Error>((rows, total))
    })?)
}

/// Who did it, by name: a person or an HR system client.
fn actor_name(conn: &mut DbConn, id: &str) -> Result<String, AppError> {
    let person: Option<String> = db_run!(conn, |c| users::table
        .find(id)
        .select(users::name)
        .first(c)
        .optional())?;
    if let Some(n) = person {
        return Ok(n);
    }
    let client: Option<String> = db_run!(conn, |c| integration_clients::table
        .find(id)
        .select(integration_clients::name)
        .first(c)
        .optional())?;
    Ok(client.unwrap_or_else(|| "unknown".into()))
}

pub fn to_api(conn: &mut DbConn, r: ImportRow) -> Result<ImportRecord, AppError> {
    Ok(ImportRecord {
        actor_name: actor_name(conn, &r.actor_id)?,
        kind: r.kind(),
        mode: r.mode(),
        actor_role: Role::parse(&r.actor_role).unwrap_or(Role::Integration),
        created_at: crate::util::utc(r.created_at),
        id: r.id,
        source: r.source,
        rows: r.rows_total,
        created: r.created,
        updated: r.updated,
        deactivated: r.deactivated,
        unchanged: r.unchanged,
    })
}
