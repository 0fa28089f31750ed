//! Employees in the database, always within the caller's agency (ROLE-1).

use diesel::prelude::*;
use tillit_api::{AgencyId, Employee, EmployeeId, Language, ProblemCode, UnitId};

use crate::db::schema::{employees, units};
use crate::db::{db_run, paged, Paging};
use crate::db::{like_pattern, lower};
use crate::error::AppError;
use crate::organisation::units as unit_store;
use crate::util::now;
use crate::work::Tx;
use tillit_api::Page;

/// ORG-3: only what the survey needs. No national identity number, no name.
#[derive(Queryable, Selectable, Insertable, Debug, Clone, PartialEq)]
#[diesel(table_name = employees)]
pub struct EmployeeRow {
    pub id: EmployeeId,
    pub agency_id: AgencyId,
    pub external_id: String,
    pub email: String,
    pub unit_id: UnitId,
    pub language: Language,
    pub active: bool,
    pub updated_at: chrono::NaiveDateTime,
}

pub fn to_api(r: EmployeeRow, unit_name: String) -> Employee {
    Employee {
        id: r.id,
        external_id: r.external_id,
        email: r.email,
        unit_id: r.unit_id,
        unit_name,
        language: r.language,
        active: r.active,
    }
}

/// All employees of the agency, active or not.
pub fn all(tx: &mut Tx<'_>) -> Result<Vec<EmployeeRow>, AppError> {
    let agency = tx.agency().clone();
    Ok(db_run!(tx.conn(), |c| employees::table
        .filter(employees::agency_id.eq(&agency))
        .select(EmployeeRow::as_select())
        .load(c))?)
}

/// One of the agency's employees with their unit's name.
pub fn get(tx: &mut Tx<'_>, id: &EmployeeId) -> Result<(EmployeeRow, String), AppError> {
    let agency = tx.agency().clone();
    Ok(db_run!(tx.conn(), |c| employees::table
        .inner_join(units::table)
        .filter(employees::agency_id.eq(&agency))
        .filter(employees::id.eq(id))
        .select((EmployeeRow::as_select(), units::name))
        .first(c))?)
}

/// One page of employees by email; `pattern` searches email and external id.
pub fn page(
    tx: &mut Tx<'_>,
    pattern: Option<&str>,
    inactive: bool,
    paging: Paging,
) -> Result<Page<(EmployeeRow, String)>, AppError> {
    let agency = tx.agency().clone();
    let pattern = like_pattern(pattern);
    Ok(paged!(
        tx.conn(),
        paging,
        {
            let mut q = employees::table
                .inner_join(units::table)
                .filter(employees::agency_id.eq(&agency))
                .into_boxed();
            if !inactive {
                q = q.filter(employees::active.eq(true));
            }
            if let Some(p) = &pattern {
                q = q.filter(
                    employees::email
                        .like(p.clone())
                        .or(lower(employees::external_id).like(p.clone())),
                );
            }
            q
        },
        order = (employees::email.asc(), employees::id.asc()),
        select = (EmployeeRow::as_select(), units::name),
    )?)
}

/// Another active employee of the agency already using this email?
fn email_taken(
    tx: &mut Tx<'_>,
    email: &str,
    except: Option<&EmployeeId>,
) -> Result<bool, AppError> {
    let agency = tx.agency().clone();
    let ids: Vec<EmployeeId> = db_run!(tx.conn(), |c| employees::table
        .filter(employees::agency_id.eq(&agency))
        .filter(employees::email.eq(email))
        .filter(employees::active.eq(true))
        .select(employees::id)
        .load(c))?;
    Ok(ids.iter().any(|id| Some(id) != except))
}

fn check_unit(tx: &mut Tx<'_>, unit_id: &UnitId) -> Result<(), AppError> {
    match unit_store::get(tx, unit_id) {
        Ok(u) if u.active => Ok(()),
        _ => Err(AppError::Invalid(vec![unit_store::unknown_unit("unit_id")])),
    }
}

fn email_conflict() -> AppError {
    AppError::conflict(
        ProblemCode::EmailTaken,
        "An active employee already has this email address.",
    )
}

pub fn insert(tx: &mut Tx<'_>, row: &EmployeeRow) -> Result<(), AppError> {
    if &row.agency_id != tx.agency() {
        return Err(AppError::forbidden());
    }
    check_unit(tx, &row.unit_id)?;
    if email_taken(tx, &row.email, None)? {
        return Err(email_conflict());
    }
    db_run!(tx.conn(), |c| diesel::insert_into(employees::table)
        .values(row)
        .execute(c))
    .map_err(|e| match AppError::from(e) {
        AppError::Conflict(..) => AppError::conflict(
            ProblemCode::ExternalIdTaken,
            "An employee with this external id exists.",
        ),
        other => other,
    })?;
    Ok(())
}

/// Corrects an employee's email, unit or language.
pub fn update(
    tx: &mut Tx<'_>,
    id: &EmployeeId,
    email: &str,
    unit_id: &UnitId,
    language: Language,
) -> Result<(), AppError> {
    get(tx, id)?;
    check_unit(tx, unit_id)?;
    if email_taken(tx, email, Some(id))? {
        return Err(email_conflict());
    }
    db_run!(tx.conn(), |c| diesel::update(employees::table.find(id))
        .set((
            employees::email.eq(email),
            employees::unit_id.eq(unit_id),
            employees::language.eq(language),
            employees::updated_at.eq(now()),
        ))
        .execute(c))?;
    Ok(())
}

pub fn deactivate(tx: &mut Tx<'_>, id: &EmployeeId) -> Result<(), AppError> {
    get(tx, id)?;
    db_run!(tx.conn(), |c| diesel::update(employees::table.find(id))
        .set((employees::active.eq(false), employees::updated_at.eq(now())))
        .execute(c))?;
    Ok(())
}
