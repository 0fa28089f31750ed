use actix_web::{get, post, web, HttpRequest, HttpResponse};
use tillit_api::{
    AgencyId, AskedTopic, FieldCode, OptOut, OptOutQuery, ProblemCode, Receipt, RespondentSession,
    RespondentSurvey, StartSession, Submission, SurveyId, SurveyState, UnitId, WithdrawConsent,
};

use super::store::{self, NewResponse, Submitted};
use super::tally::respondent_actor;
use super::{check, notice};
use crate::audit::{self, Action};
use crate::auth::identity::{self, Auth};
use crate::auth::jwt::RESPONDENT_TTL_SECS;
use crate::auth::throttle::{self, Budget};
use crate::db::{write_tx, DbConn};
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::openapi::{Authed, Body, Conflict, Gone, NotFound, Public, Throttled};
use crate::questionnaire::store::Frozen;
use crate::state::AppState;
use crate::surveys::store::{self as surveys, SurveyRow};
use crate::work::Tx;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(start_session)
        .service(respondent_survey)
        .service(submit)
        .service(opt_out)
        .service(opt_out_confirm)
        .service(withdraw_consent);
}

/// The failure budget for unknown links and codes presented to `route`.
fn link_budget(req: &HttpRequest, state: &AppState, route: &str) -> [Budget; 1] {
    [Budget::link(
        route,
        &crate::net::client_key(req, &state.config.trusted_proxies),
    )]
}

/// Looks a secret up under its budget: refused while the budget is spent,
/// and an unknown secret counts against it.
fn guarded<T>(
    conn: &mut DbConn,
    budget: &[Budget],
    find: impl FnOnce(&mut DbConn) -> Result<Option<T>, AppError>,
) -> Result<T, AppError> {
    throttle::check(conn, budget)?;
    match find(conn)? {
        Some(found) => Ok(found),
        None => {
            throttle::fail(conn, budget)?;
            Err(AppError::NotFound)
        }
    }
}

const CLOSED: &str = "The survey has closed. Thank you for your interest.";

fn require_open(s: &SurveyRow) -> Result<(), AppError> {
    match s.state {
        SurveyState::Open if s.closes_at > crate::util::now() => Ok(()),
        SurveyState::Draft => Err(AppError::NotFound),
        _ => Err(AppError::Gone(ProblemCode::SurveyClosed, CLOSED.into())),
    }
}

fn survey_for(
    conn: &mut DbConn,
    frozen: &Frozen,
    s: &SurveyRow,
    processor: &str,
) -> Result<RespondentSurvey, AppError> {
    let q = frozen.content(conn, &s.questionnaire_version_id)?;
    let modules = &s.modules.0;
    let agency = crate::agencies::store::get(conn, &s.agency_id)?;
    Ok(RespondentSurvey {
        title: s.title.clone(),
        languages: s.languages.0.clone(),
        closes_at: crate::util::utc(s.closes_at),
        notice: notice::notice(&agency.name, processor),
        topics: check::topics_of(&q, modules)
            .iter()
            .map(AskedTopic::from)
            .collect(),
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
        Public, Body, NotFound, Conflict, Gone, Throttled,
    )
)]
#[post("/respond/session")]
async fn start_session(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<StartSession>,
) -> Result<web::Json<RespondentSession>, AppError> {
    let token = body.0.token;
    let processor = state.config.processor_name.clone();
    let frozen = state.questionnaires.clone();
    let budget = link_budget(&req, &state, "respond");
    let (inv, survey, content) = state
        .db(move |conn| {
            let inv = guarded(conn, &budget, |c| store::invitation_by_token(c, &token))?;
            let s = crate::surveys::store::get_any(conn, &inv.survey_id)?;
            require_open(&s)?;
            if inv.answered {
                return Err(AppError::conflict(
                    ProblemCode::AlreadyAnswered,
                    "This survey has already been answered with this link.",
                ));
            }
            // Counted per survey and hour by the ticker (see `tally`): an
            // entry per session would give each respondent a time.
            store::note_session(conn, &s.id)?;
            let content = survey_for(conn, &frozen, &s, &processor)?;
            Ok((inv, s, content))
        })
        .await?;
    let access_token = state.keys.issue_respondent(
        survey.agency_id.as_str(),
        survey.id.as_str(),
        inv.unit_id.as_str(),
    )?;
    Ok(web::Json(RespondentSession {
        access_token,
        expires_in: RESPONDENT_TTL_SECS,
        language: inv.language,
        survey: content,
    }))
}

fn respondent_scope(who: &identity::Identity) -> Result<(AgencyId, SurveyId, UnitId), AppError> {
    match (&who.agency_id, &who.survey_id, &who.unit_id) {
        (Some(a), Some(s), Some(u)) => Ok((a.clone(), s.clone(), u.clone())),
        _ => Err(AppError::Unauthorized(ProblemCode::TokenInvalid)),
    }
}

/// The survey the respondent token names, for a reload mid-way.
#[utoipa::path(
    tag = "answering",
    security(("bearer" = ["respondent"])),
    responses(
        (status = 200, description = "The survey to answer", body = RespondentSurvey),
        Authed, Gone,
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
            let s = surveys::get(&mut Tx::reading(conn, agency), &survey)?;
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
/// and answers: nothing that links it to the invitation, and no time.
#[utoipa::path(
    tag = "answering",
    request_body = Submission,
    security(("bearer" = ["respondent"])),
    responses(
        (status = 200, description = "Counted; keep the receipt code", body = Receipt),
        Authed, Body, NotFound, Conflict, Gone,
    )
)]
#[post("/respond/submit")]
async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
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
            FieldCode::InvalidReceipt,
            "letters, digits and dashes only",
        ));
    }
    let answers_json = serde_json::to_string(&sub.answers).map_err(AppError::internal)?;
    let receipt = sub.receipt.clone();
    let frozen = state.questionnaires.clone();
    let budget = link_budget(&req, &state, "respond");
    state
        .db(move |conn| {
            // Reading and checking need no write lock; only what follows does.
            let inv = guarded(conn, &budget, |c| store::invitation_by_token(c, &sub.token))?;
            if inv.survey_id != survey_id || inv.unit_id != unit {
                return Err(AppError::NotFound);
            }
            let s = surveys::get(&mut Tx::reading(conn, agency), &survey_id)?;
            require_open(&s)?;
            let q = frozen.content(conn, &s.questionnaire_version_id)?;
            let errors = check::answers(&q, &check::topics_of(&q, &s.modules.0), &sub.answers);
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
                // No audit entry here: the ticker records submissions as a
                // count per survey and hour (see `tally`).
                match outcome {
                    Submitted::New | Submitted::Repeat => Ok(()),
                    Submitted::AlreadyAnswered => Err(AppError::conflict(
                        ProblemCode::AlreadyAnswered,
                        "This survey has already been answered with this link.",
                    )),
                    Submitted::Closed => {
                        Err(AppError::Gone(ProblemCode::SurveyClosed, CLOSED.into()))
                    }
                }
            })
        })
        .await?;
    Ok(web::Json(Receipt { receipt }))
}

fn opt_out_by(conn: &mut DbConn, budget: &[Budget], token: &str) -> Result<(), AppError> {
    let inv = guarded(conn, budget, |c| {
        store::invitation_by_opt_out_token(c, token)
    })?;
    write_tx(conn, |conn| {
        let s = crate::surveys::store::get_any(conn, &inv.survey_id)?;
        store::opt_out(conn, &inv.id)?;
        audit::record(
            conn,
            s.agency_id.as_str(),
            &respondent_actor(),
            Action::InvitationOptOut,
            Some(inv.id.as_str()),
            None,
        )
    })
}

/// One-click opt-out from reminders (DSR-4): the mail's `List-Unsubscribe`
/// URL, which mail clients POST to (RFC 8058).
///
/// `t` is the opt-out link's own token: it can opt out and do nothing
/// else, so a mail gateway or proxy that sees the URL cannot answer as
/// the employee.
#[utoipa::path(
    tag = "answering",
    params(OptOutQuery),
    responses(
        (status = 204, description = "No more reminders for this invitation"),
        Public, NotFound, Throttled,
    )
)]
#[post("/respond/opt-out")]
async fn opt_out(
    state: web::Data<AppState>,
    req: HttpRequest,
    q: web::Query<OptOutQuery>,
) -> Result<HttpResponse, AppError> {
    let token = q.into_inner().t;
    let budget = link_budget(&req, &state, "opt-out");
    state
        .db(move |conn| opt_out_by(conn, &budget, &token))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Opt out from reminders from the web app's page, which the link in the
/// mail's text opens and which asks first (DSR-4).
#[utoipa::path(
    tag = "answering",
    request_body = OptOut,
    responses(
        (status = 204, description = "No more reminders for this invitation"),
        Public, Body, NotFound, Throttled,
    )
)]
#[post("/respond/opt-out/confirm")]
async fn opt_out_confirm(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<OptOut>,
) -> Result<HttpResponse, AppError> {
    let token = body.0.token;
    let budget = link_budget(&req, &state, "opt-out");
    state
        .db(move |conn| opt_out_by(conn, &budget, &token))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Withdraw research consent with the receipt code alone (RES-3).
#[utoipa::path(
    tag = "answering",
    request_body = WithdrawConsent,
    responses(
        (status = 204, description = "Consent withdrawn"),
        Public, Body, NotFound, Throttled,
    )
)]
#[post("/research/withdraw")]
async fn withdraw_consent(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<WithdrawConsent>,
) -> Result<HttpResponse, AppError> {
    let receipt = body.0.receipt;
    let budget = link_budget(&req, &state, "withdraw");
    state
        .db(move |conn| {
            guarded(conn, &budget, |c| {
                Ok(store::withdraw_consent(c, &receipt)?.then_some(()))
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
