//! TERMS-1, TERMS-2: versioned terms, their acceptance, and the launch guard.

use diesel::prelude::*;
use tillit_api::{
    AgencyId, ProblemCode, PublishTerms, TermsAcceptance, TermsAcceptanceId, TermsVersion,
    TermsVersionId, UserId,
};

use crate::db::db_run;
use crate::db::schema::{terms_acceptances, terms_versions, users};
use crate::db::DbConn;
use crate::error::AppError;
use crate::util::{new_id, now, utc};

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = terms_versions)]
pub struct TermsRow {
    pub id: TermsVersionId,
    pub version: i32,
    pub title: String,
    pub body_nb: String,
    pub body_en: String,
    pub published_at: chrono::NaiveDateTime,
    pub published_by: String,
    pub body_nn: String,
}

impl From<TermsRow> for TermsVersion {
    fn from(r: TermsRow) -> Self {
        TermsVersion {
            id: r.id,
            version: r.version,
            title: r.title,
            body_nb: r.body_nb,
            body_nn: r.body_nn,
            body_en: r.body_en,
            published_at: utc(r.published_at),
        }
    }
}

pub fn current(conn: &mut DbConn) -> Result<Option<TermsRow>, AppError> {
    Ok(db_run!(conn, |c| terms_versions::table
        .order(terms_versions::version.desc())
        .select(TermsRow::as_select())
        .first(c)
        .optional())?)
}

pub fn all(conn: &mut DbConn) -> Result<Vec<TermsRow>, AppError> {
    Ok(db_run!(conn, |c| terms_versions::table
        .order(terms_versions::version.desc())
        .select(TermsRow::as_select())
        .load(c))?)
}

pub fn publish(conn: &mut DbConn, t: &PublishTerms, by: &str) -> Result<TermsRow, AppError> {
    let next = current(conn)?.map_or(1, |t| t.version + 1);
    let row = TermsRow {
        id: TermsVersionId(new_id()),
        version: next,
        title: t.title.trim().to_string(),
        body_nb: t.body_nb.clone(),
        body_en: t.body_en.clone(),
        published_at: now(),
        published_by: by.to_string(),
        body_nn: t.body_nn.clone(),
    };
    db_run!(conn, |c| diesel::insert_into(terms_versions::table)
        .values(&row)
        .execute(c))?;
    Ok(row)
}

pub fn has_accepted_current(conn: &mut DbConn, agency_id: &AgencyId) -> Result<bool, AppError> {
    let Some(cur) = current(conn)? else {
        return Ok(false);
    };
    let n: i64 = db_run!(conn, |c| terms_acceptances::table
        .filter(terms_acceptances::agency_id.eq(agency_id))
        .filter(terms_acceptances::terms_version_id.eq(&cur.id))
        .count()
        .get_result(c))?;
    Ok(n > 0)
}

/// The guard every launch calls first (TERMS-1, TERMS-2): refuses with a
/// clear conflict unless the agency has accepted the current terms version.
pub fn require_current_accepted(conn: &mut DbConn, agency_id: &AgencyId) -> Result<(), AppError> {
    if has_accepted_current(conn, agency_id)? {
        Ok(())
    } else {
        Err(AppError::conflict(
            ProblemCode::TermsNotAccepted, "The agency has not accepted the current terms version. A controller admin must accept it before a survey can be launched.",
        ))
    }
}

pub fn accept(
    conn: &mut DbConn,
    agency_id: &AgencyId,
    user_id: &UserId,
    version_id: &TermsVersionId,
    confirm_responsible: bool,
    confirm_authority: bool,
) -> Result<TermsAcceptanceId, AppError> {
    let id = TermsAcceptanceId(new_id());
    let row = (
        terms_acceptances::id.eq(&id),
        terms_acceptances::agency_id.eq(agency_id),
        terms_acceptances::terms_version_id.eq(version_id),
        terms_acceptances::user_id.eq(user_id),
        terms_acceptances::accepted_at.eq(now()),
        terms_acceptances::confirm_responsible.eq(confirm_responsible),
        terms_acceptances::confirm_authority.eq(confirm_authority),
    );
    db_run!(conn, |c| diesel::insert_into(terms_acceptances::table)
        .values(row)
        .execute(c))?;
    Ok(id)
}

pub fn history(conn: &mut DbConn, agency_id: &AgencyId) -> Result<Vec<TermsAcceptance>, AppError> {
    type Row = (
        TermsAcceptanceId,
        TermsVersionId,
        i32,
        String,
        String,
        chrono::NaiveDateTime,
        bool,
        bool,
    );
    let rows: Vec<Row> = db_run!(conn, |c| terms_acceptances::table
        .inner_join(terms_versions::table)
        .inner_join(users::table)
        .filter(terms_acceptances::agency_id.eq(agency_id))
        .order(terms_acceptances::accepted_at.desc())
        .select((
            terms_acceptances::id,
            terms_acceptances::terms_version_id,
            terms_versions::version,
            users::name,
            users::email,
            terms_acceptances::accepted_at,
            terms_acceptances::confirm_responsible,
            terms_acceptances::confirm_authority,
        ))
        .load(c))?;
    Ok(rows
        .into_iter()
        .map(
            |(id, terms_version_id, version, name, email, at, r, a)| TermsAcceptance {
                id,
                terms_version_id,
                version,
                accepted_by_name: name,
                accepted_by_email: email,
                accepted_at: utc(at),
                confirm_responsible: r,
                confirm_authority: a,
            },
        )
        .collect())
}
