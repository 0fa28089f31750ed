use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use diesel::prelude::*;
use tillit_api::{
    Questionnaire, QuestionnaireId, QuestionnaireSummary, QuestionnaireVersion, VersionStatus,
};

use crate::db::db_run;
use crate::db::schema::{questionnaire_versions, surveys};
use crate::db::DbConn;
use crate::error::AppError;
use crate::util::{new_id, now, utc};

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = questionnaire_versions)]
pub struct VersionRow {
    pub id: QuestionnaireId,
    pub version: i32,
    pub title: String,
    pub status: VersionStatus,
    pub content: String,
    pub created_at: chrono::NaiveDateTime,
    pub published_at: Option<chrono::NaiveDateTime>,
}

impl VersionRow {
    pub fn content(&self) -> Result<Questionnaire, AppError> {
        serde_json::from_str(&self.content)
            .map_err(|e| AppError::internal(format!("stored questionnaire unreadable: {e}")))
    }
    pub fn is_published(&self) -> bool {
        self.status == VersionStatus::Published
    }
}

pub fn is_used(conn: &mut DbConn, id: &QuestionnaireId) -> Result<bool, AppError> {
    let n: i64 = db_run!(conn, |c| surveys::table
        .filter(surveys::questionnaire_version_id.eq(id))
        .count()
        .get_result(c))?;
    Ok(n > 0)
}

pub fn summary(conn: &mut DbConn, row: &VersionRow) -> Result<QuestionnaireSummary, AppError> {
    Ok(QuestionnaireSummary {
        id: row.id.clone(),
        version: row.version,
        title: row.title.clone(),
        status: row.status,
        items: row.content()?.item_count(),
        used: is_used(conn, &row.id)?,
        published_at: row.published_at.map(utc),
    })
}

pub fn full(conn: &mut DbConn, row: &VersionRow) -> Result<QuestionnaireVersion, AppError> {
    Ok(QuestionnaireVersion {
        summary: summary(conn, row)?,
        content: row.content()?,
    })
}

pub fn all(conn: &mut DbConn) -> Result<Vec<VersionRow>, AppError> {
    Ok(db_run!(conn, |c| questionnaire_versions::table
        .order(questionnaire_versions::version.desc())
        .select(VersionRow::as_select())
        .load(c))?)
}

/// Parsed content of published versions. They never change and their
/// ids are random, so what is kept stays true; answering reads a version on
/// every session and submission, and parsing 60 items each time showed in
/// the submission benchmark.
#[derive(Default)]
pub struct Frozen(Mutex<HashMap<QuestionnaireId, Arc<Questionnaire>>>);

impl Frozen {
    pub fn content(
        &self,
        conn: &mut DbConn,
        id: &QuestionnaireId,
    ) -> Result<Arc<Questionnaire>, AppError> {
        if let Some(q) = self.0.lock().ok().and_then(|m| m.get(id).cloned()) {
            return Ok(q);
        }
        let row = get(conn, id)?;
        let q = Arc::new(row.content()?);
        if row.is_published() {
            if let Ok(mut m) = self.0.lock() {
                m.insert(row.id, q.clone());
            }
        }
        Ok(q)
    }
}

pub fn get(conn: &mut DbConn, id: &QuestionnaireId) -> Result<VersionRow, AppError> {
    Ok(db_run!(conn, |c| questionnaire_versions::table
        .find(id)
        .select(VersionRow::as_select())
        .first(c))?)
}

pub fn insert(
    conn: &mut DbConn,
    title: &str,
    content: &Questionnaire,
    published: bool,
) -> Result<VersionRow, AppError> {
    let last: Option<i32> = db_run!(conn, |c| questionnaire_versions::table
        .select(diesel::dsl::max(questionnaire_versions::version))
        .first(c))?;
    let row = VersionRow {
        id: QuestionnaireId(new_id()),
        version: last.unwrap_or(0) + 1,
        title: title.trim().to_string(),
        status: if published {
            VersionStatus::Published
        } else {
            VersionStatus::Draft
        },
        content: serde_json::to_string(content).map_err(AppError::internal)?,
        created_at: now(),
        published_at: published.then(now),
    };
    db_run!(conn, |c| diesel::insert_into(questionnaire_versions::table)
        .values(&row)
        .execute(c))?;
    Ok(row)
}

pub fn update_draft(
    conn: &mut DbConn,
    id: &QuestionnaireId,
    title: &str,
    content: &Questionnaire,
) -> Result<(), AppError> {
    let text = serde_json::to_string(content).map_err(AppError::internal)?;
    db_run!(conn, |c| diesel::update(
        questionnaire_versions::table.find(id)
    )
    .set((
        questionnaire_versions::title.eq(title.trim()),
        questionnaire_versions::content.eq(text)
    ))
    .execute(c))?;
    Ok(())
}

pub fn publish(conn: &mut DbConn, id: &QuestionnaireId) -> Result<(), AppError> {
    db_run!(conn, |c| diesel::update(
        questionnaire_versions::table.find(id)
    )
    .set((
        questionnaire_versions::status.eq(VersionStatus::Published),
        questionnaire_versions::published_at.eq(Some(now()))
    ))
    .execute(c))?;
    Ok(())
}

/// The product ships a published default questionnaire; loaded once.
pub fn ensure_default(conn: &mut DbConn) -> Result<(), AppError> {
    let n: i64 = db_run!(conn, |c| questionnaire_versions::table
        .count()
        .get_result(c))?;
    if n > 0 {
        return Ok(());
    }
    let doc: serde_json::Value =
        serde_json::from_str(super::DEFAULT).map_err(AppError::internal)?;
    let title = doc["version_title"]
        .as_str()
        .unwrap_or("Standard")
        .to_string();
    let content: Questionnaire = serde_json::from_value(doc).map_err(AppError::internal)?;
    let problems = super::validate::check(&content);
    if !problems.is_empty() {
        return Err(AppError::internal(format!(
            "the default questionnaire is invalid: {problems:?}"
        )));
    }
    crate::db::write_tx(conn, |conn| {
        insert(conn, &title, &content, true).map(|_| ())
    })
}
