use diesel::prelude::*;
use tillit_api::{Agency, Page};

use crate::db::schema::agencies;
use crate::db::{like_pattern, lower, DbConn};
use crate::db_run;
use crate::error::AppError;
use crate::util::utc;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = agencies)]
pub struct AgencyRow {
    pub id: String,
    pub name: String,
    pub org_number: Option<String>,
    pub active: bool,
    pub created_at: chrono::NaiveDateTime,
}

pub fn to_api(row: AgencyRow, terms_accepted: bool) -> Agency {
    Agency {
        id: row.id,
        name: row.name,
        org_number: row.org_number,
        active: row.active,
        created_at: utc(row.created_at),
        terms_accepted,
    }
}

pub fn insert(conn: &mut DbConn, row: &AgencyRow) -> Result<(), AppError> {
    db_run!(conn, |c| diesel::insert_into(agencies::table)
        .values(row)
        .execute(c))?;
    Ok(())
}

pub fn get(conn: &mut DbConn, id: &str) -> Result<AgencyRow, AppError> {
    Ok(db_run!(conn, |c| agencies::table
        .find(id)
        .select(AgencyRow::as_select())
        .first(c))?)
}

pub fn list(
    conn: &mut DbConn,
    q: Option<&str>,
    page: i64,
    per_page: i64,
) -> Result<Page<Agency>, AppError> {
    let pattern = like_pattern(q);
    let (rows, total): (Vec<AgencyRow>, i64) = db_run!(conn, |c| {
        let mut query = agencies::table.into_boxed();
        let mut count = agencies::table.into_boxed();
        if let Some(p) = &pattern {
            query = query.filter(lower(agencies::name).like(p.clone()));
            count = count.filter(lower(agencies::name).like(p.clone()));
        }
        let rows = query
            .order(agencies::name.asc())
            .limit(per_page)
            .offset((page - 1) * per_page)
            .select(AgencyRow::as_select())
            .load(c)?;
        let total = count.count().get_result(c)?;
        Ok::<_, diesel::result::Error>((rows, total))
    })?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let accepted = super::terms::has_accepted_current(conn, &row.id)?;
        items.push(to_api(row, accepted));
    }
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}
