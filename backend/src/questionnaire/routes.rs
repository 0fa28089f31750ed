use actix_web::{get, post, put, web, HttpResponse};
use tillit_api::ProblemCode;
use tillit_api::{QuestionnaireDraft, QuestionnaireSummary, QuestionnaireVersion};

use super::{store, validate};
use crate::audit::Action;
use crate::auth::identity::{Admins, Auth, ProcessorAdmin};
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::openapi::{Authed, Body, Conflict, NotFound};
use crate::params::VersionPath;
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_versions)
        .service(get_version)
        .service(create_draft)
        .service(update_draft)
        .service(publish_version);
}

fn checked(draft: &QuestionnaireDraft) -> Result<(), AppError> {
    let errors = validate::check(&draft.content);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(errors))
    }
}

/// Every questionnaire version, newest first.
#[utoipa::path(
    tag = "questionnaire",
    security(("bearer" = ["processor_admin", "controller_admin"])),
    responses(
        (status = 200, description = "Versions", body = Vec<QuestionnaireSummary>),
        Authed,
    )
)]
#[get("/questionnaires")]
async fn list_versions(
    state: web::Data<AppState>,
    auth: Auth<Admins>,
) -> Result<web::Json<Vec<QuestionnaireSummary>>, AppError> {
    let agency_view = auth.agency_id.is_some();
    let list = state
        .db(move |conn| {
            let rows = store::all(conn)?;
            rows.iter()
                // Agencies choose among published versions only.
                .filter(|r| !agency_view || r.is_published())
                .map(|r| store::summary(conn, r))
                .collect()
        })
        .await?;
    Ok(web::Json(list))
}

/// One version with all its topics and questions.
#[utoipa::path(
    tag = "questionnaire",
    params(VersionPath),
    security(("bearer" = ["processor_admin", "controller_admin"])),
    responses(
        (status = 200, description = "The version", body = QuestionnaireVersion),
        Authed, NotFound,
    )
)]
#[get("/questionnaires/{version_id}")]
async fn get_version(
    state: web::Data<AppState>,
    auth: Auth<Admins>,
    path: web::Path<VersionPath>,
) -> Result<web::Json<QuestionnaireVersion>, AppError> {
    let agency_view = auth.agency_id.is_some();
    let id = path.into_inner().version_id;
    let v = state
        .db(move |conn| {
            let row = store::get(conn, &id)?;
            if agency_view && !row.is_published() {
                return Err(AppError::NotFound);
            }
            store::full(conn, &row)
        })
        .await?;
    Ok(web::Json(v))
}

/// Draft a new questionnaire version.
///
/// Questions are always answered on a labelled scale: there are no free-text
/// questions, since free text in small units identifies people.
#[utoipa::path(
    tag = "questionnaire",
    request_body = QuestionnaireDraft,
    security(("bearer" = ["processor_admin"])),
    responses(
        (status = 201, description = "Drafted", body = QuestionnaireVersion),
        Authed, Body,
    )
)]
#[post("/questionnaires")]
async fn create_draft(
    state: web::Data<AppState>,
    auth: Auth<ProcessorAdmin>,
    body: ApiJson<QuestionnaireDraft>,
) -> Result<HttpResponse, AppError> {
    let draft = body.0;
    checked(&draft)?;
    let v = state
        .as_processor(&auth, move |tx| {
            let row = store::insert(tx.conn(), &draft.title, &draft.content, false)?;
            tx.audit(Action::QuestionnaireDraft, Some(row.id.as_str()))?;
            store::full(tx.conn(), &row)
        })
        .await?;
    Ok(HttpResponse::Created().json(v))
}

/// Replace a draft's title and content. Published versions are frozen (409).
#[utoipa::path(
    tag = "questionnaire",
    params(VersionPath),
    request_body = QuestionnaireDraft,
    security(("bearer" = ["processor_admin"])),
    responses(
        (status = 200, description = "Updated", body = QuestionnaireVersion),
        Authed, Body, NotFound, Conflict,
    )
)]
#[put("/questionnaires/{version_id}")]
async fn update_draft(
    state: web::Data<AppState>,
    auth: Auth<ProcessorAdmin>,
    path: web::Path<VersionPath>,
    body: ApiJson<QuestionnaireDraft>,
) -> Result<web::Json<QuestionnaireVersion>, AppError> {
    let draft = body.0;
    checked(&draft)?;
    let id = path.into_inner().version_id;
    let v = state
        .as_processor(&auth, move |tx| {
            let row = store::get(tx.conn(), &id)?;
            if row.is_published() {
                // what a survey has used, or may use, never changes.
                return Err(AppError::conflict(
                    ProblemCode::QuestionnaireFrozen,
                    "This version is published and frozen. Draft a new version instead.",
                ));
            }
            store::update_draft(tx.conn(), &id, &draft.title, &draft.content)?;
            tx.audit(Action::QuestionnaireUpdate, Some(id.as_str()))?;
            let row = store::get(tx.conn(), &id)?;
            store::full(tx.conn(), &row)
        })
        .await?;
    Ok(web::Json(v))
}

/// Publish a draft: agencies can then choose it, and it is frozen.
#[utoipa::path(
    tag = "questionnaire",
    params(VersionPath),
    security(("bearer" = ["processor_admin"])),
    responses(
        (status = 200, description = "Published", body = QuestionnaireSummary),
        Authed, NotFound, Conflict,
    )
)]
#[post("/questionnaires/{version_id}/publish")]
async fn publish_version(
    state: web::Data<AppState>,
    auth: Auth<ProcessorAdmin>,
    path: web::Path<VersionPath>,
) -> Result<web::Json<QuestionnaireSummary>, AppError> {
    let id = path.into_inner().version_id;
    let s = state
        .as_processor(&auth, move |tx| {
            let row = store::get(tx.conn(), &id)?;
            if row.is_published() {
                return Err(AppError::conflict(
                    ProblemCode::QuestionnaireAlreadyPublished,
                    "This version is already published.",
                ));
            }
            store::publish(tx.conn(), &id)?;
            tx.audit(Action::QuestionnairePublish, Some(id.as_str()))?;
            let row = store::get(tx.conn(), &id)?;
            store::summary(tx.conn(), &row)
        })
        .await?;
    Ok(web::Json(s))
}
