//! The follow-up routes: leaders for the units they lead, admins for all.
//! Owners are named people: every read is recorded (GDPR-1).

use actix_web::{get, post, put, web, HttpResponse};
use tillit_api::{
    FollowUp, FollowUpFields, FollowUpId, FollowUpProgress, FollowUpQuery, ListQuery, NewFollowUp,
    Page, Role, SurveyId,
};

use super::store::{self, Row};
use crate::audit::Action;
use crate::auth::identity::{AgencyStaff, Auth, ControllerAdmin};
use crate::db::paging;
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::openapi::{Authed, Body, Conflict, NotFound, Query};
use crate::params::FollowUpPath;
use crate::state::AppState;
use crate::util::{new_id, now};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(progress)
        .service(csv)
        .service(get_one)
        .service(update);
}

fn leader_of(auth: &Auth<AgencyStaff>) -> Option<tillit_api::UserId> {
    (auth.role == Role::Leader).then(|| auth.user_id())
}

/// Follow-ups the reader may see, overdue first, then by due date.
#[utoipa::path(
    tag = "follow-up",
    params(FollowUpQuery),
    security(("bearer" = ["controller_admin", "leader"])),
    responses(
        (status = 200, description = "A page of follow-ups", body = Page<FollowUp>),
        Authed, Query,
    )
)]
#[get("/follow-ups")]
async fn list(
    state: web::Data<AppState>,
    auth: Auth<AgencyStaff>,
    q: web::Query<FollowUpQuery>,
) -> Result<web::Json<Page<FollowUp>>, AppError> {
    let q = q.into_inner();
    let paging = paging(
        &ListQuery {
            page: q.page,
            per_page: q.per_page,
            ..Default::default()
        },
        200,
    )?;
    let leader = leader_of(&auth);
    let frozen = state.questionnaires.clone();
    let out = state
        .audited_read(&auth, Action::FollowUpList, None, move |tx| {
            let scope = store::scope(tx, leader.as_ref())?;
            let rows = store::list(
                tx,
                q.survey_id.as_ref(),
                q.unit_id.as_ref(),
                q.status,
                scope.as_ref(),
            )?;
            let total = rows.len() as i64;
            let page: Vec<Row> = rows
                .into_iter()
                .skip(paging.offset() as usize)
                .take(paging.per_page as usize)
                .collect();
            Ok(paging.of(store::to_api(tx, page, &frozen)?, total))
        })
        .await?;
    Ok(web::Json(out))
}

/// Record a follow-up for a unit, linked to a topic of a reported survey.
#[utoipa::path(
    tag = "follow-up",
    request_body = NewFollowUp,
    security(("bearer" = ["controller_admin", "leader"])),
    responses(
        (status = 201, description = "Recorded", body = FollowUp),
        Authed, Body, Conflict,
    )
)]
#[post("/follow-ups")]
async fn create(
    state: web::Data<AppState>,
    auth: Auth<AgencyStaff>,
    body: ApiJson<NewFollowUp>,
) -> Result<HttpResponse, AppError> {
    let b = body.0;
    let leader = leader_of(&auth);
    let frozen = state.questionnaires.clone();
    let by = auth.user_id();
    let out = state
        .in_agency(&auth, move |tx| {
            let scope = store::scope(tx, leader.as_ref())?;
            store::check(
                tx,
                &b.survey_id,
                &b.unit_id,
                &b.fields.topic_key,
                scope.as_ref(),
                &frozen,
            )?;
            let t = now();
            let mut row = Row {
                id: FollowUpId(new_id()),
                agency_id: tx.agency().clone(),
                survey_id: b.survey_id,
                unit_id: b.unit_id,
                topic_key: String::new(),
                title: String::new(),
                description: String::new(),
                owner: String::new(),
                due_on: b.fields.due_on,
                status: b.fields.status,
                with_safety_rep: false,
                with_union_reps: false,
                with_employees: false,
                visible_to_employees: false,
                created_by: by,
                created_at: t,
                updated_at: t,
            };
            row.set(b.fields);
            store::insert(tx, &row)?;
            tx.audit(Action::FollowUpCreate, Some(row.id.as_str()))?;
            Ok(store::to_api(tx, vec![row], &frozen)?.remove(0))
        })
        .await?;
    Ok(HttpResponse::Created().json(out))
}

/// One follow-up.
#[utoipa::path(
    tag = "follow-up",
    params(FollowUpPath),
    security(("bearer" = ["controller_admin", "leader"])),
    responses(
        (status = 200, description = "The follow-up", body = FollowUp),
        Authed, NotFound,
    )
)]
#[get("/follow-ups/{follow_up_id}")]
async fn get_one(
    state: web::Data<AppState>,
    auth: Auth<AgencyStaff>,
    path: web::Path<FollowUpPath>,
) -> Result<web::Json<FollowUp>, AppError> {
    let id = path.into_inner().follow_up_id;
    let leader = leader_of(&auth);
    let frozen = state.questionnaires.clone();
    let object = Some(id.to_string());
    let out = state
        .audited_read(&auth, Action::FollowUpRead, object, move |tx| {
            let scope = store::scope(tx, leader.as_ref())?;
            let row = store::get(tx, &id, scope.as_ref())?;
            Ok(store::to_api(tx, vec![row], &frozen)?.remove(0))
        })
        .await?;
    Ok(web::Json(out))
}

/// Change a follow-up: its status, owner, due date, who took part, ...
#[utoipa::path(
    tag = "follow-up",
    params(FollowUpPath),
    request_body = FollowUpFields,
    security(("bearer" = ["controller_admin", "leader"])),
    responses(
        (status = 200, description = "Changed", body = FollowUp),
        Authed, NotFound, Body,
    )
)]
#[put("/follow-ups/{follow_up_id}")]
async fn update(
    state: web::Data<AppState>,
    auth: Auth<AgencyStaff>,
    path: web::Path<FollowUpPath>,
    body: ApiJson<FollowUpFields>,
) -> Result<web::Json<FollowUp>, AppError> {
    let id = path.into_inner().follow_up_id;
    let fields = body.0;
    let leader = leader_of(&auth);
    let frozen = state.questionnaires.clone();
    let out = state
        .in_agency(&auth, move |tx| {
            let scope = store::scope(tx, leader.as_ref())?;
            let mut row = store::get(tx, &id, scope.as_ref())?;
            store::check(
                tx,
                &row.survey_id,
                &row.unit_id,
                &fields.topic_key,
                scope.as_ref(),
                &frozen,
            )?;
            row.set(fields);
            row.updated_at = now();
            store::save(tx, &row)?;
            tx.audit(Action::FollowUpUpdate, Some(row.id.as_str()))?;
            Ok(store::to_api(tx, vec![row], &frozen)?.remove(0))
        })
        .await?;
    Ok(web::Json(out))
}

/// The agency's progress: follow-ups per unit by status, units with
/// overdue ones first.
#[utoipa::path(
    tag = "follow-up",
    params(ProgressQuery),
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 200, description = "Per unit", body = Vec<FollowUpProgress>),
        Authed, Query,
    )
)]
#[get("/follow-ups/progress")]
async fn progress(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
    q: web::Query<ProgressQuery>,
) -> Result<web::Json<Vec<FollowUpProgress>>, AppError> {
    let survey = q.into_inner().survey_id;
    let out = state
        .reading(&auth, move |tx| {
            let rows = store::list(tx, survey.as_ref(), None, None, None)?;
            store::progress(tx, &rows)
        })
        .await?;
    Ok(web::Json(out))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgressQuery {
    /// Only this survey's follow-ups.
    pub survey_id: Option<SurveyId>,
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CsvQuery {
    /// Only this survey's follow-ups.
    pub survey_id: Option<SurveyId>,
    /// `rfc4180` (default) or `excel`.
    pub variant: Option<tillit_api::CsvVariant>,
    /// The language of headings and words (default `nb`).
    pub lang: Option<tillit_api::Language>,
}

/// The follow-ups the reader may see, as CSV (RFC 4180, or
/// `variant=excel` for Excel set to Norwegian).
#[utoipa::path(
    tag = "follow-up",
    params(CsvQuery),
    security(("bearer" = ["controller_admin", "leader"])),
    responses(
        (status = 200, description = "The follow-ups", content_type = "text/csv", body = String),
        Authed, Query,
    )
)]
#[get("/follow-ups/csv")]
async fn csv(
    state: web::Data<AppState>,
    auth: Auth<AgencyStaff>,
    q: web::Query<CsvQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let leader = leader_of(&auth);
    let frozen = state.questionnaires.clone();
    let bytes = state
        .audited_read(&auth, Action::FollowUpExport, None, move |tx| {
            let scope = store::scope(tx, leader.as_ref())?;
            let rows = store::list(tx, q.survey_id.as_ref(), None, None, scope.as_ref())?;
            let items = store::to_api(tx, rows, &frozen)?;
            super::export::csv(
                &items,
                q.variant.unwrap_or_default(),
                q.lang.unwrap_or(tillit_api::Language::Nb),
            )
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            "attachment; filename=\"follow-ups.csv\"",
        ))
        .body(bytes))
}
