use std::collections::HashSet;

use actix_web::{get, post, put, web, HttpResponse};
use chrono::Utc;
use diesel::prelude::*;
use tillit_api::{
    CreateSurvey, FieldCode, ListQuery, Page, ProblemCode, QuestionnaireId, ResponseRates, Role,
    Survey, SurveyId, SurveyState, UnitId, UpdateSurvey,
};

use super::plan::{self, Settings};
use super::{rates, store};
use crate::agencies::terms;
use crate::audit::Action;
use crate::auth::identity::{AgencyStaff, Auth, ControllerAdmin};
use crate::db::db_run;
use crate::db::paging;
use crate::db::schema::leader_units;
use crate::db::types::TextList;
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::openapi::{Authed, Body, Conflict, NotFound, Query};
use crate::organisation::units;
use crate::params::SurveyPath;
use crate::questionnaire::store as questionnaires;
use crate::state::AppState;
use crate::util::{db_time, new_id, now, utc};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_surveys)
        .service(create_survey)
        .service(get_survey)
        .service(update_survey)
        .service(launch_survey)
        .service(close_survey)
        .service(response_rates);
}

fn settings_errors(
    conn: &mut crate::db::DbConn,
    version_id: &QuestionnaireId,
    s: &Settings<'_>,
) -> Result<Vec<tillit_api::FieldError>, AppError> {
    let version = questionnaires::get(conn, version_id)
        .ok()
        .filter(|v| v.is_published())
        .ok_or_else(|| {
            AppError::invalid(
                "questionnaire_version_id",
                FieldCode::UnknownVersion,
                "no published questionnaire version with this id",
            )
        })?;
    Ok(plan::check(&version.content()?, s, Utc::now()))
}

/// The agency's surveys, newest first.
#[utoipa::path(
    tag = "surveys",
    params(ListQuery),
    security(("bearer" = ["controller_admin", "leader"])),
    responses(
        (status = 200, description = "A page of surveys", body = Page<Survey>),
        Authed, Query,
    )
)]
#[get("/surveys")]
async fn list_surveys(
    state: web::Data<AppState>,
    auth: Auth<AgencyStaff>,
    q: web::Query<ListQuery>,
) -> Result<web::Json<Page<Survey>>, AppError> {
    let paging = paging(&q, 200)?;
    let out = state
        .reading(&auth, move |tx| {
            let page = store::page(tx, paging)?;
            let ids: Vec<SurveyId> = page.items.iter().map(|r| r.id.clone()).collect();
            let counts = store::invitation_counts(tx, &ids)?;
            Ok(page.map(|r| {
                let n = counts.get(&r.id).copied().unwrap_or(0);
                store::to_api(r, n)
            }))
        })
        .await?;
    Ok(web::Json(out))
}

/// Create a survey as a draft (SURV-1).
#[utoipa::path(
    tag = "surveys",
    request_body = CreateSurvey,
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 201, description = "Created", body = Survey),
        Authed, Body,
    )
)]
#[post("/surveys")]
async fn create_survey(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
    body: ApiJson<CreateSurvey>,
) -> Result<HttpResponse, AppError> {
    let b = body.0;
    let survey = state
        .in_agency(&auth, move |tx| {
            let settings = Settings {
                title: &b.title,
                modules: &b.modules,
                languages: &b.languages,
                opens_at: b.opens_at,
                closes_at: b.closes_at,
                reminder_days: &b.reminder_days,
            };
            let errors = settings_errors(tx.conn(), &b.questionnaire_version_id, &settings)?;
            if !errors.is_empty() {
                return Err(AppError::Invalid(errors));
            }
            let row = store::SurveyRow {
                id: SurveyId(new_id()),
                agency_id: tx.agency().clone(),
                questionnaire_version_id: b.questionnaire_version_id,
                title: b.title.trim().to_string(),
                modules: TextList(b.modules),
                languages: TextList(b.languages),
                opens_at: db_time(b.opens_at),
                closes_at: db_time(b.closes_at),
                reminder_days: TextList(b.reminder_days),
                state: SurveyState::Draft,
                created_at: now(),
                launched_at: None,
                closed_at: None,
            };
            store::insert(tx, &row)?;
            // GDPR-2: survey settings are the agency's instructions.
            tx.audit(Action::SurveyCreate, Some(row.id.as_str()))?;
            Ok(store::to_api(row, 0))
        })
        .await?;
    Ok(HttpResponse::Created().json(survey))
}

/// One survey.
#[utoipa::path(
    tag = "surveys",
    params(SurveyPath),
    security(("bearer" = ["controller_admin", "leader"])),
    responses(
        (status = 200, description = "The survey", body = Survey),
        Authed, NotFound,
    )
)]
#[get("/surveys/{survey_id}")]
async fn get_survey(
    state: web::Data<AppState>,
    auth: Auth<AgencyStaff>,
    path: web::Path<SurveyPath>,
) -> Result<web::Json<Survey>, AppError> {
    let id = path.into_inner().survey_id;
    let s = state
        .reading(&auth, move |tx| {
            let row = store::get(tx, &id)?;
            let n = store::invitation_count(tx, &id)?;
            Ok(store::to_api(row, n))
        })
        .await?;
    Ok(web::Json(s))
}

/// Change a survey. A draft can change in full; an open survey only by a
/// later closing time; a closed one not at all.
#[utoipa::path(
    tag = "surveys",
    params(SurveyPath),
    request_body = UpdateSurvey,
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 200, description = "Updated", body = Survey),
        Authed, Body, NotFound, Conflict,
    )
)]
#[put("/surveys/{survey_id}")]
async fn update_survey(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
    path: web::Path<SurveyPath>,
    body: ApiJson<UpdateSurvey>,
) -> Result<web::Json<Survey>, AppError> {
    let b = body.0;
    let id = path.into_inner().survey_id;
    let s = state
        .in_agency(&auth, move |tx| {
            let mut row = store::get(tx, &id)?;
            let settings = Settings {
                title: &b.title,
                modules: &b.modules,
                languages: &b.languages,
                opens_at: b.opens_at,
                closes_at: b.closes_at,
                reminder_days: &b.reminder_days,
            };
            match row.effective_state() {
                SurveyState::Draft => {
                    let errors =
                        settings_errors(tx.conn(), &row.questionnaire_version_id, &settings)?;
                    if !errors.is_empty() {
                        return Err(AppError::Invalid(errors));
                    }
                    row.title = b.title.trim().to_string();
                    row.modules = TextList(b.modules.clone());
                    row.languages = TextList(b.languages.clone());
                    row.opens_at = db_time(b.opens_at);
                    row.reminder_days = TextList(b.reminder_days.clone());
                }
                SurveyState::Open => {
                    let unchanged = row.title == b.title.trim()
                        && row.modules.0 == b.modules
                        && row.languages.0 == b.languages
                        && utc(row.opens_at) == utc(db_time(b.opens_at))
                        && row.reminder_days.0 == b.reminder_days;
                    if !unchanged || db_time(b.closes_at) < row.closes_at {
                        return Err(AppError::conflict(
                            ProblemCode::SurveyOpenExtendOnly,
                            "The survey is open: only its closing time can change, and only to a later time.",
                        ));
                    }
                }
                _ => {
                    return Err(AppError::conflict(
                        ProblemCode::SurveyClosed,
                        "The survey has closed and can no longer change.",
                    ))
                }
            }
            if b.closes_at <= Utc::now() {
                return Err(AppError::invalid(
                    "closes_at",
                    FieldCode::InThePast,
                    "must be in the future",
                ));
            }
            row.closes_at = db_time(b.closes_at);
            store::save(tx, &row)?;
            tx.audit(Action::SurveyUpdate, Some(id.as_str()))?;
            let n = store::invitation_count(tx, &id)?;
            Ok(store::to_api(row, n))
        })
        .await?;
    Ok(web::Json(s))
}

/// Launch a draft survey: requires the current terms to be accepted
/// (TERMS-1, TERMS-2), then takes the snapshot of active employees as its
/// invitations and opens the survey.
#[utoipa::path(
    tag = "surveys",
    params(SurveyPath),
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 200, description = "Launched", body = Survey),
        Authed, NotFound, Conflict,
    )
)]
#[post("/surveys/{survey_id}/launch")]
async fn launch_survey(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
    path: web::Path<SurveyPath>,
) -> Result<web::Json<Survey>, AppError> {
    let id = path.into_inner().survey_id;
    let s = state
        .in_agency(&auth, move |tx| {
            let mut row = store::get(tx, &id)?;
            if row.state != SurveyState::Draft {
                return Err(AppError::conflict(
                    ProblemCode::SurveyAlreadyLaunched,
                    "The survey has already been launched.",
                ));
            }
            let agency = tx.agency().clone();
            terms::require_current_accepted(tx.conn(), &agency)?;
            if row.closes_at <= now() {
                return Err(AppError::conflict(
                    ProblemCode::SurveyClosingPassed,
                    "The closing time has passed: extend it before launching.",
                ));
            }
            let n = store::snapshot_roster(tx, &row)?;
            if n == 0 {
                return Err(AppError::conflict(
                    ProblemCode::NoEmployees,
                    "The agency has no active employees to invite: import them first.",
                ));
            }
            row.state = SurveyState::Open;
            row.launched_at = Some(now());
            store::save(tx, &row)?;
            crate::mail::outbox::queue_invitations(tx.conn(), &row.id, row.opens_at)?;
            tx.audit(Action::SurveyLaunch, Some(id.as_str()))?;
            Ok(store::to_api(row, n as i64))
        })
        .await?;
    Ok(web::Json(s))
}

/// Close an open survey now, before its closing time.
#[utoipa::path(
    tag = "surveys",
    params(SurveyPath),
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 200, description = "Closed", body = Survey),
        Authed, NotFound, Conflict,
    )
)]
#[post("/surveys/{survey_id}/close")]
async fn close_survey(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
    path: web::Path<SurveyPath>,
) -> Result<web::Json<Survey>, AppError> {
    let id = path.into_inner().survey_id;
    let s = state
        .in_agency(&auth, move |tx| {
            let mut row = store::get(tx, &id)?;
            if row.effective_state() != SurveyState::Open {
                return Err(AppError::conflict(
                    ProblemCode::SurveyNotOpen,
                    "Only an open survey can be closed.",
                ));
            }
            row.state = SurveyState::Closed;
            row.closed_at = Some(now());
            store::save(tx, &row)?;
            tx.audit(Action::SurveyClose, Some(id.as_str()))?;
            let n = store::invitation_count(tx, &id)?;
            Ok(store::to_api(row, n))
        })
        .await?;
    Ok(web::Json(s))
}

/// Response rates per unit and for the agency (SURV-3), live while open.
///
/// Leaders see the units they lead. A unit with fewer than 6 invitations
/// shows no rate of its own; it counts in its parent's.
#[utoipa::path(
    tag = "surveys",
    params(SurveyPath),
    security(("bearer" = ["controller_admin", "leader"])),
    responses(
        (status = 200, description = "Rates", body = ResponseRates),
        Authed, NotFound,
    )
)]
#[get("/surveys/{survey_id}/rates")]
async fn response_rates(
    state: web::Data<AppState>,
    auth: Auth<AgencyStaff>,
    path: web::Path<SurveyPath>,
) -> Result<web::Json<ResponseRates>, AppError> {
    let leader = (auth.role == Role::Leader).then(|| auth.user_id());
    let id = path.into_inner().survey_id;
    let out = state
        .reading(&auth, move |tx| {
            let row = store::get(tx, &id)?;
            let all_units = units::all(tx)?;
            let counts = store::counts_by_unit(tx, &id)?;
            let scope: Option<HashSet<UnitId>> = match leader {
                Some(user) => Some(
                    db_run!(tx.conn(), |c| leader_units::table
                        .filter(leader_units::user_id.eq(&user))
                        .select(leader_units::unit_id)
                        .load::<UnitId>(c))?
                    .into_iter()
                    .collect(),
                ),
                None => None,
            };
            let (agency_row, unit_rows) = rates::compute(&all_units, &counts, scope.as_ref());
            Ok(ResponseRates {
                state: row.effective_state(),
                survey_id: row.id,
                title: row.title,
                agency: agency_row,
                units: unit_rows,
            })
        })
        .await?;
    Ok(web::Json(out))
}
