//! HR system clients in the database, within the caller's agency.

use diesel::prelude::*;
use tillit_api::ClientId;

use crate::auth::store::ClientRow;
use crate::db::db_run;
use crate::db::schema::integration_clients;
use crate::error::AppError;
use crate::work::Tx;

pub fn all(tx: &mut Tx<'_>) -> Result<Vec<ClientRow>, AppError> {
    let agency = tx.agency().clone();
    Ok(db_run!(tx.conn(), |c| integration_clients::table
        .filter(integration_clients::agency_id.eq(&agency))
        .order(integration_clients::created_at.desc())
        .select(ClientRow::as_select())
        .load(c))?)
}

pub fn deactivate(tx: &mut Tx<'_>, id: &ClientId) -> Result<(), AppError> {
    let agency = tx.agency().clone();
    let n = db_run!(tx.conn(), |c| diesel::update(
        integration_clients::table
            .filter(integration_clients::agency_id.eq(&agency))
            .filter(integration_clients::id.eq(id))
    )
    .set(integration_clients::active.eq(false))
    .execute(c))?;
    if n == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

pub fn insert(tx: &mut Tx<'_>, row: &ClientRow) -> Result<(), AppError> {
    if &row.agency_id != tx.agency() {
        return Err(AppError::forbidden());
    }
    db_run!(tx.conn(), |c| diesel::insert_into(
        integration_clients::table
    )
    .values(row)
    .execute(c))?;
    Ok(())
}
