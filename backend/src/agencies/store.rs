use std::collections::HashSet;

use diesel::prelude::*;
use tillit_api::{Agency, AgencyId, Page, Role};

use crate::auth::store::UserRow;
use crate::db::schema::{agencies, terms_acceptances, users};
use crate::db::{db_run, paged, Paging};
use crate::db::{like_pattern, lower, DbConn};
use crate::error::AppError;
use crate::util::utc;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = agencies)]
pub struct AgencyRow {
    pub id: AgencyId,
    pub name: String,
    pub org_number: Option<String>,
    pub active: bool,
    pub created_at: chrono::NaiveDateTime,
}

pub fn to_api(row: AgencyRow, terms_accepted: bool, awaiting_admin: bool) -> Agency {
    Agency {
        id: row.id,
        name: row.name,
        org_number: row.org_number,
        active: row.active,
        created_at: utc(row.created_at),
        terms_accepted,
        awaiting_admin,
    }
}

/// The agency's active controller admins who have not chosen a password.
pub fn admins_awaiting_activation(
    conn: &mut DbConn,
    agency: &AgencyId,
) -> Result<Vec<UserRow>, AppError> {
    Ok(db_run!(conn, |c| users::table
        .filter(users::agency_id.eq(agency))
        .filter(users::role.eq(Role::ControllerAdmin))
        .filter(users::active.eq(true))
        .filter(users::password_hash.is_null())
        .select(UserRow::as_select())
        .load(c))?)
}

pub fn insert(conn: &mut DbConn, row: &AgencyRow) -> Result<(), AppError> {
    db_run!(conn, |c| diesel::insert_into(agencies::table)
        .values(row)
        .execute(c))?;
    Ok(())
}

pub fn get(conn: &mut DbConn, id: &AgencyId) -> Result<AgencyRow, AppError> {
    Ok(db_run!(conn, |c| agencies::table
        .find(id)
        .select(AgencyRow::as_select())
        .first(c))?)
}

pub fn list(conn: &mut DbConn, q: Option<&str>, paging: Paging) -> Result<Page<Agency>, AppError> {
    let pattern = like_pattern(q);
    let page: Page<AgencyRow> = paged!(
        conn,
        paging,
        {
            let mut q = agencies::table.into_boxed();
            if let Some(p) = &pattern {
                q = q.filter(lower(agencies::name).like(p.clone()));
            }
            q
        },
        order = (agencies::name.asc(), agencies::id.asc()),
        select = AgencyRow::as_select(),
    )?;
    // Two queries for the page, not two per row.
    let ids: Vec<&AgencyId> = page.items.iter().map(|r| &r.id).collect();
    let accepted: HashSet<AgencyId> = match super::terms::current(conn)? {
        Some(cur) => db_run!(conn, |c| terms_acceptances::table
            .filter(terms_acceptances::terms_version_id.eq(&cur.id))
            .filter(terms_acceptances::agency_id.eq_any(&ids))
            .select(terms_acceptances::agency_id)
            .load::<AgencyId>(c))?
        .into_iter()
        .collect(),
        None => HashSet::new(),
    };
    let awaiting: HashSet<AgencyId> = db_run!(conn, |c| users::table
        .filter(users::agency_id.eq_any(&ids))
        .filter(users::role.eq(Role::ControllerAdmin))
        .filter(users::active.eq(true))
        .filter(users::password_hash.is_null())
        .select(users::agency_id.assume_not_null())
        .load::<AgencyId>(c))?
    .into_iter()
    .collect();
    Ok(page.map(|row| {
        let (a, w) = (accepted.contains(&row.id), awaiting.contains(&row.id));
        to_api(row, a, w)
    }))
}
