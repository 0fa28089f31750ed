use actix_web::{get, post, web, HttpResponse};
use tillit_api::{
    AcceptTerms, AgencyCreated, AgencyId, CreateAgency, FieldCode, FieldError, ListQuery, Page,
    ProblemCode, PublishTerms, Role, TermsAcceptance, TermsStatus, TermsVersion,
};

use super::store::{self, AgencyRow};
use super::terms;
use crate::audit::Action;
use crate::auth::identity::{Admins, Auth, ControllerAdmin, ProcessorAdmin};
use crate::db::paging;
use crate::domain::{parse_name, EmailAddress};
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::openapi::{Authed, Body, Conflict, NotFound, Query};
use crate::organisation::users;
use crate::params::AgencyPath;
use crate::state::AppState;
use crate::util::{new_id, now};
use crate::work::Tx;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_agencies)
        .service(create_agency)
        .service(get_agency)
        .service(resend_admin_invitation)
        .service(list_terms)
        .service(publish_terms)
        .service(terms_status)
        .service(accept_terms);
}

/// List agencies (processor).
#[utoipa::path(
    tag = "agencies",
    params(ListQuery),
    security(("bearer" = ["processor_admin"])),
    responses(
        (status = 200, description = "A page of agencies", body = Page<tillit_api::Agency>),
        Authed, Query,
    )
)]
#[get("/agencies")]
async fn list_agencies(
    state: web::Data<AppState>,
    _auth: Auth<ProcessorAdmin>,
    q: web::Query<ListQuery>,
) -> Result<web::Json<Page<tillit_api::Agency>>, AppError> {
    let paging = paging(&q, 200)?;
    let q = q.into_inner().q;
    let out = state
        .db(move |conn| store::list(conn, q.as_deref(), paging))
        .await?;
    Ok(web::Json(out))
}

/// Onboard an agency and invite its first controller admin.
///
/// The admin gets a one-time link by email. The link is never in an API
/// answer: the institute cannot act as the agency.
#[utoipa::path(
    tag = "agencies",
    request_body = CreateAgency,
    security(("bearer" = ["processor_admin"])),
    responses(
        (status = 201, description = "Agency created", body = AgencyCreated),
        Authed, Body, Conflict,
    )
)]
#[post("/agencies")]
async fn create_agency(
    state: web::Data<AppState>,
    auth: Auth<ProcessorAdmin>,
    body: ApiJson<CreateAgency>,
) -> Result<HttpResponse, AppError> {
    let body = body.0;
    let mut errors: Vec<FieldError> = Vec::new();
    let email = EmailAddress::parse(&body.admin_email, "admin_email")
        .map_err(|e| errors.push(e))
        .ok();
    let name = parse_name(&body.name, "name")
        .map_err(|e| errors.push(e))
        .ok();
    let admin_name = parse_name(&body.admin_name, "admin_name")
        .map_err(|e| errors.push(e))
        .ok();
    if let Some(org) = &body.org_number {
        if !org.chars().all(|c| c.is_ascii_digit()) {
            errors.push(FieldError::new(
                "org_number",
                FieldCode::InvalidOrgNumber,
                "must be nine digits",
            ));
        }
    }
    let (email, name, admin_name) = match (email, name, admin_name) {
        (Some(e), Some(n), Some(a)) if errors.is_empty() => (e, n, a),
        _ => return Err(AppError::Invalid(errors)),
    };
    let (agency, admin) = state
        .as_processor(&auth, move |tx| {
            let row = AgencyRow {
                id: AgencyId(new_id()),
                name,
                org_number: body.org_number.clone(),
                active: true,
                created_at: now(),
            };
            store::insert(tx.conn(), &row)?;
            // From here on the work is the new agency's, in its own chain.
            let actor = tx.actor().clone();
            let mut atx = Tx::new(tx.conn(), row.id.clone(), actor);
            atx.audit(Action::AgencyCreate, Some(row.id.as_str()))?;
            let admin = users::invite(
                &mut atx,
                &email,
                &admin_name,
                Role::ControllerAdmin,
                body.admin_language,
            )?;
            atx.audit(Action::UserCreate, Some(admin.id.as_str()))?;
            Ok((store::to_api(row, false, true), admin))
        })
        .await?;
    Ok(HttpResponse::Created().json(AgencyCreated {
        agency,
        admin: users::to_api(admin, vec![]),
    }))
}

/// Send the invitation again to the agency's controller admins who have
/// not chosen a password yet (processor). Their old links stop working.
#[utoipa::path(
    tag = "agencies",
    params(AgencyPath),
    security(("bearer" = ["processor_admin"])),
    responses(
        (status = 202, description = "New invitation mails are on their way"),
        Authed, NotFound, Conflict,
    )
)]
#[post("/agencies/{agency_id}/invitation")]
async fn resend_admin_invitation(
    state: web::Data<AppState>,
    auth: Auth<ProcessorAdmin>,
    path: web::Path<AgencyPath>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().agency_id;
    state
        .as_processor(&auth, move |tx| {
            store::get(tx.conn(), &id)?;
            let waiting = store::admins_awaiting_activation(tx.conn(), &id)?;
            if waiting.is_empty() {
                return Err(AppError::conflict(
                    ProblemCode::AlreadyActivated,
                    "Every admin of the agency has chosen a password.",
                ));
            }
            let actor = tx.actor().clone();
            let mut atx = Tx::new(tx.conn(), id, actor);
            for admin in &waiting {
                users::reinvite(&mut atx, admin)?;
                atx.audit(Action::UserReinvite, Some(admin.id.as_str()))?;
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::Accepted().finish())
}

/// One agency (processor).
#[utoipa::path(
    tag = "agencies",
    params(AgencyPath),
    security(("bearer" = ["processor_admin"])),
    responses(
        (status = 200, description = "The agency", body = tillit_api::Agency),
        Authed, NotFound,
    )
)]
#[get("/agencies/{agency_id}")]
async fn get_agency(
    state: web::Data<AppState>,
    _auth: Auth<ProcessorAdmin>,
    path: web::Path<AgencyPath>,
) -> Result<web::Json<tillit_api::Agency>, AppError> {
    let id = path.into_inner().agency_id;
    let agency = state
        .db(move |conn| {
            let row = store::get(conn, &id)?;
            let accepted = terms::has_accepted_current(conn, &id)?;
            let waiting = !store::admins_awaiting_activation(conn, &id)?.is_empty();
            Ok(store::to_api(row, accepted, waiting))
        })
        .await?;
    Ok(web::Json(agency))
}

/// Every published terms version, newest first.
#[utoipa::path(
    tag = "terms",
    security(("bearer" = ["processor_admin", "controller_admin"])),
    responses(
        (status = 200, description = "Terms versions", body = Vec<TermsVersion>),
        Authed,
    )
)]
#[get("/terms")]
async fn list_terms(
    state: web::Data<AppState>,
    _auth: Auth<Admins>,
) -> Result<web::Json<Vec<TermsVersion>>, AppError> {
    let rows = state.db(terms::all).await?;
    Ok(web::Json(rows.into_iter().map(Into::into).collect()))
}

/// Publish a new terms version (TERMS-2: blocks new launches until accepted).
#[utoipa::path(
    tag = "terms",
    request_body = PublishTerms,
    security(("bearer" = ["processor_admin"])),
    responses(
        (status = 201, description = "Published", body = TermsVersion),
        Authed, Body,
    )
)]
#[post("/terms")]
async fn publish_terms(
    state: web::Data<AppState>,
    auth: Auth<ProcessorAdmin>,
    body: ApiJson<PublishTerms>,
) -> Result<HttpResponse, AppError> {
    let b = body.0;
    let row = state
        .as_processor(&auth, move |tx| {
            let by = tx.actor().id.clone();
            let row = terms::publish(tx.conn(), &b, &by)?;
            tx.audit(Action::TermsPublish, Some(row.id.as_str()))?;
            Ok(row)
        })
        .await?;
    Ok(HttpResponse::Created().json(TermsVersion::from(row)))
}

/// The agency's standing towards the current terms, with its history.
#[utoipa::path(
    tag = "terms",
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 200, description = "Current version and acceptance history", body = TermsStatus),
        Authed,
    )
)]
#[get("/agency/terms")]
async fn terms_status(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
) -> Result<web::Json<TermsStatus>, AppError> {
    let status = state
        .audited_read(&auth, Action::TermsAcceptanceList, None, move |tx| {
            let agency = tx.agency().clone();
            let current = terms::current(tx.conn())?;
            let accepted_current = terms::has_accepted_current(tx.conn(), &agency)?;
            // The history names people: reading it is recorded.
            let history = terms::history(tx.conn(), &agency)?;
            Ok(TermsStatus {
                current: current.map(Into::into),
                accepted_current,
                history,
            })
        })
        .await?;
    Ok(web::Json(status))
}

/// Accept the current terms version on behalf of the agency (TERMS-1).
///
/// Both confirmations must be true, and only the current version can be accepted.
#[utoipa::path(
    tag = "terms",
    request_body = AcceptTerms,
    security(("bearer" = ["controller_admin"])),
    responses(
        (status = 201, description = "Accepted", body = TermsAcceptance),
        Authed, Body, Conflict,
    )
)]
#[post("/agency/terms/accept")]
async fn accept_terms(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
    body: ApiJson<AcceptTerms>,
) -> Result<HttpResponse, AppError> {
    let b = body.0;
    let mut errors = Vec::new();
    if !b.confirm_responsible {
        errors.push(FieldError::new(
            "confirm_responsible",
            FieldCode::MustConfirm,
            "confirm that you are the responsible leader or have been delegated the responsibility",
        ));
    }
    if !b.confirm_authority {
        errors.push(FieldError::new(
            "confirm_authority",
            FieldCode::MustConfirm,
            "confirm that you can bind the agency",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let me = auth.user_id();
    let accepted = state
        .in_agency(&auth, move |tx| {
            let agency = tx.agency().clone();
            let current = terms::current(tx.conn())?.ok_or_else(|| {
                AppError::conflict(
                    ProblemCode::TermsNotPublished,
                    "No terms have been published yet.",
                )
            })?;
            if current.id != b.terms_version_id {
                return Err(AppError::conflict(
                    ProblemCode::TermsNotCurrent,
                    format!(
                        "Only the current terms version (version {}) can be accepted.",
                        current.version
                    ),
                ));
            }
            if terms::has_accepted_current(tx.conn(), &agency)? {
                return Err(AppError::conflict(
                    ProblemCode::TermsAlreadyAccepted,
                    "The agency has already accepted this version.",
                ));
            }
            let id = terms::accept(tx.conn(), &agency, &me, &current.id, true, true)?;
            tx.audit(Action::TermsAccept, Some(id.as_str()))?;
            terms::history(tx.conn(), &agency)?
                .into_iter()
                .find(|a| a.id == id)
                .ok_or(AppError::NotFound)
        })
        .await?;
    Ok(HttpResponse::Created().json(accepted))
}
