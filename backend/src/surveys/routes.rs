use std::collections::HashSet;
use tillit_api::{FieldCode, ProblemCode};

use actix_web::{get, post, put, web, HttpResponse};
use chrono::Utc;
use diesel::prelude::*;
use tillit_api::{CreateSurvey, ListQuery, Page, ResponseRates, Role, Survey, UpdateSurvey};

use super::plan::{self, Settings};
use super::{rates, store};
use crate::agencies::terms;
use crate::audit::{self, Event};
use crate::auth::identity::{AgencyStaff, Auth, ControllerAdmin};
use crate::db::schema::leader_units;
use crate::db::{paging, write_tx};
use crate::db_run;
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::openapi::ProblemResponse;
use crate::organisation::units;
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
    version_id: &str,
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
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
    )
)]
#[get("/surveys")]
async fn list_surveys(
    state: web::Data<AppState>,
    auth: Auth<AgencyStaff>,
    q: web::Query<ListQuery>,
) -> Result<web::Json<Page<Survey>>, AppError> {
    let (page, per_page) = paging(&q, 200)?;
    let agency = auth.agency()?.to_string();
    let out = state
        .db(move |conn| {
            let (rows, total) = store::page(conn, &agency, page, per_page)?;
            let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
            let counts = store::invitation_counts(conn, &ids)?;
            let items = rows
                .into_iter()
                .map(|r| {
                    let n = counts.get(&r.id).copied().unwrap_or(0);
                    store::to_api(r, n)
                })
                .collect();
            Ok(Page {
                items,
                total,
                page,
                per_page,
            })
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
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 415, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
    )
)]
#[post("/surveys")]
async fn create_survey(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
    body: ApiJson<CreateSurvey>,
) -> Result<HttpResponse, AppError> {
    let b = body.0;
    let agency = auth.agency()?.to_string();
    let actor = auth.actor();
    let survey = state
        .db(move |conn| {
            let settings = Settings {
                title: &b.title,
                modules: &b.modules,
                languages: &b.languages,
                opens_at: b.opens_at,
                closes_at: b.closes_at,
                reminder_days: &b.reminder_days,
            };
            let errors = settings_errors(conn, &b.questionnaire_version_id, &settings)?;
            if !errors.is_empty() {
                return Err(AppError::Invalid(errors));
            }
            write_tx(conn, |conn| {
                let row = store::SurveyRow {
                    id: new_id(),
                    agency_id: agency.clone(),
                    questionnaire_version_id: b.questionnaire_version_id.clone(),
                    title: b.title.trim().to_string(),
                    modules: store::join(&b.modules),
                    languages: store::join(
                        &b.languages.iter().map(|l| l.code()).collect::<Vec<_>>(),
                    ),
                    opens_at: db_time(b.opens_at),
                    closes_at: db_time(b.closes_at),
                    reminder_days: store::join(&b.reminder_days),
                    state: "draft".into(),
                    created_at: now(),
                    launched_at: None,
                    closed_at: None,
                };
                store::insert(conn, &row)?;
                // GDPR-2: survey settings are the agency's instructions.
                audit::record(
                    conn,
                    &agency,
                    &actor,
                    Event::new("survey.create", "survey", Some(&row.id)),
                )?;
                Ok(store::to_api(row, 0))
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(survey))
}

/// One survey.
#[utoipa::path(
    tag = "surveys",
    params(("survey_id" = String, Path, description = "Survey id")),
    security(("bearer" = ["controller_admin", "leader"])),
    responses(
        (status = 200, description = "The survey", body = Survey),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
    )
)]
#[get("/surveys/{survey_id}")]
async fn get_survey(
    state: web::Data<AppState>,
    auth: Auth<AgencyStaff>,
    path: web::Path<String>,
) -> Result<web::Json<Survey>, AppError> {
    let agency = auth.agency()?.to_string();
    let id = path.into_inner();
    let s = state
        .db(move |conn| {
            let row = store::get(conn, &agency, &id)?;
            let n = store::invitation_count(conn, &id)?;
            Ok(store::to_api(row, n))
        })
        .await?;
    Ok(web::Json(s))
}

/// Change a survey. A draft can change in full; an open survey only by a
/// later closing time; a closed one not at all.
#[utoipa::path(
    tag = "surveys",
    params(("survey_id" = String, Path, description = "Survey id")),
    request_body = UpdateSurvey,
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 200, description = "Updated", body = Survey),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
        (status = 409, response = ProblemResponse),
        (status = 415, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
    )
)]
#[put("/surveys/{survey_id}")]
async fn update_survey(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
    path: web::Path<String>,
    body: ApiJson<UpdateSurvey>,
) -> Result<web::Json<Survey>, AppError> {
    let b = body.0;
    let agency = auth.agency()?.to_string();
    let actor = auth.actor();
    let id = path.into_inner();
    let s = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let mut row = store::get(conn, &agency, &id)?;
                let settings = Settings {
                    title: &b.title,
                    modules: &b.modules,
                    languages: &b.languages,
                    opens_at: b.opens_at,
                    closes_at: b.closes_at,
                    reminder_days: &b.reminder_days,
                };
                match row.effective_state() {
                    tillit_api::SurveyState::Draft => {
                        let errors = settings_errors(conn, &row.questionnaire_version_id, &settings)?;
                        if !errors.is_empty() {
                            return Err(AppError::Invalid(errors));
                        }
                        row.title = b.title.trim().to_string();
                        row.modules = store::join(&b.modules);
                        row.languages = store::join(&b.languages.iter().map(|l| l.code()).collect::<Vec<_>>());
                        row.opens_at = db_time(b.opens_at);
                        row.reminder_days = store::join(&b.reminder_days);
                    }
                    tillit_api::SurveyState::Open => {
                        let current = store::to_api(row.clone(), 0);
                        let unchanged = current.title == b.title.trim()
                            && current.modules == b.modules
                            && current.languages == b.languages
                            && current.opens_at == utc(db_time(b.opens_at))
                            && current.reminder_days == b.reminder_days;
                        if !unchanged || utc(db_time(b.closes_at)) < current.closes_at {
                            return Err(AppError::conflict(
                                ProblemCode::SurveyOpenExtendOnly, "The survey is open: only its closing time can change, and only to a later time.",
                            ));
                        }
                    }
                    _ => return Err(AppError::conflict(ProblemCode::SurveyClosed, "The survey has closed and can no longer change.")),
                }
                if b.closes_at <= Utc::now() {
                    return Err(AppError::invalid("closes_at", FieldCode::InThePast, "must be in the future"));
                }
                row.closes_at = db_time(b.closes_at);
                store::save(conn, &row)?;
                audit::record(conn, &agency, &actor, Event::new("survey.update", "survey", Some(&id)))?;
                let n = store::invitation_count(conn, &id)?;
                Ok(store::to_api(row, n))
            })
        })
        .await?;
    Ok(web::Json(s))
}

/// Launch a draft survey: requires the current terms to be accepted
/// (TERMS-1, TERMS-2), then takes the snapshot of active employees as its
/// invitations and opens the survey.
#[utoipa::path(
    tag = "surveys",
    params(("survey_id" = String, Path, description = "Survey id")),
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 200, description = "Launched", body = Survey),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
        (status = 409, response = ProblemResponse),
    )
)]
#[post("/surveys/{survey_id}/launch")]
async fn launch_survey(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
    path: web::Path<String>,
) -> Result<web::Json<Survey>, AppError> {
    let agency = auth.agency()?.to_string();
    let actor = auth.actor();
    let id = path.into_inner();
    let s = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let mut row = store::get(conn, &agency, &id)?;
                if row.state != "draft" {
                    return Err(AppError::conflict(
                        ProblemCode::SurveyAlreadyLaunched,
                        "The survey has already been launched.",
                    ));
                }
                terms::require_current_accepted(conn, &agency)?;
                if row.closes_at <= now() {
                    return Err(AppError::conflict(
                        ProblemCode::SurveyClosingPassed,
                        "The closing time has passed: extend it before launching.",
                    ));
                }
                let n = store::snapshot_roster(conn, &row)?;
                if n == 0 {
                    return Err(AppError::conflict(
                        ProblemCode::NoEmployees,
                        "The agency has no active employees to invite: import them first.",
                    ));
                }
                row.state = "open".into();
                row.launched_at = Some(now());
                store::save(conn, &row)?;
                crate::mail::outbox::queue_invitations(conn, &row.id, row.opens_at)?;
                audit::record(
                    conn,
                    &agency,
                    &actor,
                    Event::new("survey.launch", "survey", Some(&id)),
                )?;
                Ok(store::to_api(row, n as i64))
            })
        })
        .await?;
    Ok(web::Json(s))
}

/// Close an open survey now, before its closing time.
#[utoipa::path(
    tag = "surveys",
    params(("survey_id" = String, Path, description = "Survey id")),
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 200, description = "Closed", body = Survey),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
        (status = 409, response = ProblemResponse),
    )
)]
#[post("/surveys/{survey_id}/close")]
async fn close_survey(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
    path: web::Path<String>,
) -> Result<web::Json<Survey>, AppError> {
    let agency = auth.agency()?.to_string();
    let actor = auth.actor();
    let id = path.into_inner();
    let s = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let mut row = store::get(conn, &agency, &id)?;
                if row.effective_state() != tillit_api::SurveyState::Open {
                    return Err(AppError::conflict(
                        ProblemCode::SurveyNotOpen,
                        "Only an open survey can be closed.",
                    ));
                }
                row.state = "closed".into();
                row.closed_at = Some(now());
                store::save(conn, &row)?;
                audit::record(
                    conn,
                    &agency,
                    &actor,
                    Event::new("survey.close", "survey", Some(&id)),
                )?;
                let n = store::invitation_count(conn, &id)?;
                Ok(store::to_api(row, n))
            })
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
    params(("survey_id" = String, Path, description = "Survey id")),
    security(("bearer" = ["controller_admin", "leader"])),
    responses(
        (status = 200, description = "Rates", body = ResponseRates),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
    )
)]
#[get("/surveys/{survey_id}/rates")]
async fn response_rates(
    state: web::Data<AppState>,
    auth: Auth<AgencyStaff>,
    path: web::Path<String>,
) -> Result<web::Json<ResponseRates>, AppError> {
    let agency = auth.agency()?.to_string();
    let leader = (auth.role == Role::Leader).then(|| auth.subject.clone());
    let id = path.into_inner();
    let out = state
        .db(move |conn| {
            let row = store::get(conn, &agency, &id)?;
            let all_units = units::all(conn, &agency)?;
            let counts = store::counts_by_unit(conn, &id)?;
            let scope: Option<HashSet<String>> = match leader {
                Some(user) => Some(
                    db_run!(conn, |c| leader_units::table
                        .filter(leader_units::user_id.eq(&user))
                        .select(leader_units::unit_id)
                        .load::<String>(c))?
                    .into_iter()
                    .collect(),
                ),
                None => None,
            };
            let (agency_row, unit_rows) = rates::compute(&all_units, &counts, scope.as_ref());
            Ok(ResponseRates {
                survey_id: row.id.clone(),
                title: row.title.clone(),
                state: row.effective_state(),
                agency: agency_row,
                units: unit_rows,
            })
        })
        .await?;
    Ok(web::Json(out))
}
