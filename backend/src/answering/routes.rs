use actix_web::{get, post, web, HttpResponse};
use tillit_api::{
    Language, OptOutQuery, Receipt, RespondentSession, RespondentSurvey, StartSession, Submission,
    WithdrawConsent,
};

use super::store::{self, NewResponse, Submitted};
use super::{check, notice};
use crate::audit::{self, Actor, Event};
use crate::auth::identity::{self, Auth};
use crate::auth::jwt::RESPONDENT_TTL_SECS;
use crate::db::{write_tx, DbConn};
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::openapi::ProblemResponse;
use crate::questionnaire::store::Frozen;
use crate::state::AppState;
use crate::surveys::store::{self as surveys, SurveyRow};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(start_session)
        .service(respondent_survey)
        .service(submit)
        .service(opt_out)
        .service(withdraw_consent);
}

/// Who acts for a respondent in the audit trail: nobody in particular.
fn respondent_actor() -> Actor {
    Actor {
        id: "respondent".into(),
        role: tillit_api::Role::Respondent,
    }
}

const CLOSED: &str = "The survey has closed. Thank you for your interest.";

fn require_open(s: &SurveyRow) -> Result<(), AppError> {
    match s.state.as_str() {
        "open" if s.closes_at > crate::util::now() => Ok(()),
        "draft" => Err(AppError::NotFound),
        _ => Err(AppError::Gone(CLOSED.into())),
    }
}

fn survey_for(
    conn: &mut DbConn,
    frozen: &Frozen,
    s: &SurveyRow,
    processor: &str,
) -> Result<RespondentSurvey, AppError> {
    let q = frozen.content(conn, &s.questionnaire_version_id)?;
    let modules = s.module_list();
    let agency = crate::agencies::store::get(conn, &s.agency_id)?;
    Ok(RespondentSurvey {
        title: s.title.clone(),
        languages: surveys::languages_of(&s.languages),
        closes_at: crate::util::utc(s.closes_at),
        notice: notice::notice(&agency.name, processor),
        topics: check::topics_of(&q, &modules),
        scales: q.scales.clone(),
    })
}

/// Open the survey from the link in the invitation (ROLE-2, RESP-1).
///
/// The answer holds a respondent token naming the survey and unit, not the
/// person, and everything the respondent is told before the first question.
/// Unknown links: 404; answered: 409; closed: 410.
#[utoipa::path(
    tag = "answering",
    request_body = StartSession,
    responses(
        (status = 200, description = "A respondent session", body = RespondentSession),
        (status = 404, response = ProblemResponse),
        (status = 409, response = ProblemResponse),
        (status = 410, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
    )
)]
#[post("/respond/session")]
async fn start_session(
    state: web::Data<AppState>,
    body: ApiJson<StartSession>,
) -> Result<web::Json<RespondentSession>, AppError> {
    let token = body.0.token;
    let processor = state.config.processor_name.clone();
    let frozen = state.questionnaires.clone();
    let (inv, survey, content) = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let inv = store::invitation_by_token(conn, &token)?.ok_or(AppError::NotFound)?;
                let s = crate::surveys::store::get_any(conn, &inv.survey_id)?;
                require_open(&s)?;
                if inv.answered {
                    return Err(AppError::conflict(
                        "This survey has already been answered with this link.",
                    ));
                }
                // Recorded per survey: an entry naming the invitation could be matched to an answer.
                audit::record(
                    conn,
                    &s.agency_id,
                    &respondent_actor(),
                    Event::new("respondent.session", "survey", Some(&s.id)),
                )?;
                let content = survey_for(conn, &frozen, &s, &processor)?;
                Ok((inv, s, content))
            })
        })
        .await?;
    let access_token = state
        .keys
        .issue_respondent(&survey.agency_id, &survey.id, &inv.unit_id)?;
    Ok(web::Json(RespondentSession {
        access_token,
        expires_in: RESPONDENT_TTL_SECS,
        language: Language::parse(&inv.language).unwrap_or_default(),
        survey: content,
    }))
}

fn respondent_scope(who: &identity::Identity) -> Result<(String, String, String), AppError> {
    match (&who.agency_id, &who.survey_id, &who.unit_id) {
        (Some(a), Some(s), Some(u)) => Ok((a.clone(), s.clone(), u.clone())),
        _ => Err(AppError::Unauthorized("The token names no survey.")),
    }
}

/// The survey the respondent token names, for a reload mid-way.
#[utoipa::path(
    tag = "answering",
    security(("bearer" = ["respondent"])),
    responses(
        (status = 200, description = "The survey to answer", body = RespondentSurvey),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 410, response = ProblemResponse),
    )
)]
#[get("/respond/survey")]
async fn respondent_survey(
    state: web::Data<AppState>,
    auth: Auth<identity::Respondent>,
) -> Result<web::Json<RespondentSurvey>, AppError> {
    let (agency, survey, _) = respondent_scope(&auth)?;
    let processor = state.config.processor_name.clone();
    let frozen = state.questionnaires.clone();
    let s = state
        .db(move |conn| {
            let s = surveys::get(conn, &agency, &survey)?;
            require_open(&s)?;
            survey_for(conn, &frozen, &s, &processor)
        })
        .await?;
    Ok(web::Json(s))
}

/// Submit the answers (RESP-2, ANON-1).
///
/// Sending the same receipt again (a retry after a lost answer) returns the
/// same receipt and counts once. The stored response holds survey, unit,
/// answers and the day: nothing that links it to the invitation.
#[utoipa::path(
    tag = "answering",
    request_body = Submission,
    security(("bearer" = ["respondent"])),
    responses(
        (status = 200, description = "Counted; keep the receipt code", body = Receipt),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
        (status = 409, response = ProblemResponse),
        (status = 410, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
    )
)]
#[post("/respond/submit")]
async fn submit(
    state: web::Data<AppState>,
    auth: Auth<identity::Respondent>,
    body: ApiJson<Submission>,
) -> Result<web::Json<Receipt>, AppError> {
    let (agency, survey_id, unit) = respondent_scope(&auth)?;
    let sub = body.0;
    if !sub
        .receipt
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(AppError::invalid(
            "receipt",
            "invalid_receipt",
            "letters, digits and dashes only",
        ));
    }
    let answers_json = serde_json::to_string(&sub.answers).map_err(AppError::internal)?;
    let receipt = sub.receipt.clone();
    let frozen = state.questionnaires.clone();
    state
        .db(move |conn| {
            // Reading and checking need no write lock; only what follows does.
            let inv = store::invitation_by_token(conn, &sub.token)?.ok_or(AppError::NotFound)?;
            if inv.survey_id != survey_id || inv.unit_id != unit {
                return Err(AppError::NotFound);
            }
            let s = surveys::get(conn, &agency, &survey_id)?;
            require_open(&s)?;
            let q = frozen.content(conn, &s.questionnaire_version_id)?;
            let errors = check::answers(&q, &check::topics_of(&q, &s.module_list()), &sub.answers);
            if !errors.is_empty() {
                return Err(AppError::Invalid(errors));
            }
            write_tx(conn, |conn| {
                let outcome = store::submit(
                    conn,
                    &inv.id,
                    &NewResponse {
                        survey_id: &s.id,
                        unit_id: &inv.unit_id,
                        answers_json: &answers_json,
                        research_consent: sub.research_consent,
                        receipt: &sub.receipt,
                    },
                )?;
                match outcome {
                    Submitted::New => {
                        audit::record(
                            conn,
                            &agency,
                            &respondent_actor(),
                            Event::new("response.submit", "survey", Some(&s.id)),
                        )?;
                        Ok(())
                    }
                    Submitted::Repeat => Ok(()),
                    Submitted::AlreadyAnswered => Err(AppError::conflict(
                        "This survey has already been answered with this link.",
                    )),
                    Submitted::Closed => Err(AppError::Gone(CLOSED.into())),
                }
            })
        })
        .await?;
    Ok(web::Json(Receipt { receipt }))
}

/// One-click opt-out from reminders (DSR-4; the List-Unsubscribe link).
#[utoipa::path(
    tag = "answering",
    params(OptOutQuery),
    responses(
        (status = 204, description = "No more reminders for this invitation"),
        (status = 404, response = ProblemResponse),
    )
)]
#[post("/respond/opt-out")]
async fn opt_out(
    state: web::Data<AppState>,
    q: web::Query<OptOutQuery>,
) -> Result<HttpResponse, AppError> {
    let token = q.into_inner().t;
    state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let inv = store::invitation_by_token(conn, &token)?.ok_or(AppError::NotFound)?;
                let s = crate::surveys::store::get_any(conn, &inv.survey_id)?;
                store::opt_out(conn, &inv.id)?;
                audit::record(
                    conn,
                    &s.agency_id,
                    &respondent_actor(),
                    Event::new("invitation.opt_out", "invitation", Some(&inv.id)),
                )
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Withdraw research consent with the receipt code alone (RES-3).
#[utoipa::path(
    tag = "answering",
    request_body = WithdrawConsent,
    responses(
        (status = 204, description = "Consent withdrawn"),
        (status = 404, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
    )
)]
#[post("/research/withdraw")]
async fn withdraw_consent(
    state: web::Data<AppState>,
    body: ApiJson<WithdrawConsent>,
) -> Result<HttpResponse, AppError> {
    let receipt = body.0.receipt;
    let found = state
        .db(move |conn| store::withdraw_consent(conn, &receipt))
        .await?;
    if found {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(AppError::NotFound)
    }
}
