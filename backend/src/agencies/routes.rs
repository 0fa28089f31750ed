use actix_web::{get, post, web, HttpResponse};
use tillit_api::{
    AcceptTerms, AgencyCreated, CreateAgency, FieldCode, FieldError, ListQuery, Page, ProblemCode,
    PublishTerms, Role, TermsAcceptance, TermsStatus, TermsVersion,
};

use super::store::{self, AgencyRow};
use super::terms;
use crate::audit::{self, Event};
use crate::auth::identity::{Admins, Auth, ControllerAdmin, ProcessorAdmin};
use crate::db::{paging, write_tx};
use crate::domain::{parse_name, EmailAddress};
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::openapi::ProblemResponse;
use crate::organisation::users;
use crate::state::AppState;
use crate::util::{new_id, now};

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
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
    )
)]
#[get("/agencies")]
async fn list_agencies(
    state: web::Data<AppState>,
    _auth: Auth<ProcessorAdmin>,
    q: web::Query<ListQuery>,
) -> Result<web::Json<Page<tillit_api::Agency>>, AppError> {
    let (page, per_page) = paging(&q, 200)?;
    let q = q.into_inner().q;
    let out = state
        .db(move |conn| store::list(conn, q.as_deref(), page, per_page))
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
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 409, response = ProblemResponse),
        (status = 415, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
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
    let actor = auth.actor();
    let (agency, admin) = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let row = AgencyRow {
                    id: new_id(),
                    name: name.clone(),
                    org_number: body.org_number.clone(),
                    active: true,
                    created_at: now(),
                };
                store::insert(conn, &row)?;
                audit::record(
                    conn,
                    &row.id,
                    &actor,
                    Event::new("agency.create", "agency", Some(&row.id)),
                )?;
                let admin = users::invite(
                    conn,
                    &row.id,
                    &email,
                    &admin_name,
                    Role::ControllerAdmin,
                    body.admin_language,
                )?;
                audit::record(
                    conn,
                    &row.id,
                    &actor,
                    Event::new("user.create", "user", Some(&admin.id)),
                )?;
                Ok((store::to_api(row, false, true), admin))
            })
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
    params(("agency_id" = String, Path, description = "Agency id")),
    security(("bearer" = ["processor_admin"])),
    responses(
        (status = 202, description = "New invitation mails are on their way"),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
        (status = 409, response = ProblemResponse),
    )
)]
#[post("/agencies/{agency_id}/invitation")]
async fn resend_admin_invitation(
    state: web::Data<AppState>,
    auth: Auth<ProcessorAdmin>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let actor = auth.actor();
    state
        .db(move |conn| {
            write_tx(conn, |conn| {
                store::get(conn, &id)?;
                let waiting = store::admins_awaiting_activation(conn, &id)?;
                if waiting.is_empty() {
                    return Err(AppError::conflict(
                        ProblemCode::AlreadyActivated,
                        "Every admin of the agency has chosen a password.",
                    ));
                }
                for admin in &waiting {
                    users::reinvite(conn, admin)?;
                    audit::record(
                        conn,
                        &id,
                        &actor,
                        Event::new("user.reinvite", "user", Some(&admin.id)),
                    )?;
                }
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::Accepted().finish())
}

/// One agency (processor).
#[utoipa::path(
    tag = "agencies",
    params(("agency_id" = String, Path, description = "Agency id")),
    security(("bearer" = ["processor_admin"])),
    responses(
        (status = 200, description = "The agency", body = tillit_api::Agency),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
    )
)]
#[get("/agencies/{agency_id}")]
async fn get_agency(
    state: web::Data<AppState>,
    _auth: Auth<ProcessorAdmin>,
    path: web::Path<String>,
) -> Result<web::Json<tillit_api::Agency>, AppError> {
    let id = path.into_inner();
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
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
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
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 415, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
    )
)]
#[post("/terms")]
async fn publish_terms(
    state: web::Data<AppState>,
    auth: Auth<ProcessorAdmin>,
    body: ApiJson<PublishTerms>,
) -> Result<HttpResponse, AppError> {
    let b = body.0;
    let actor = auth.actor();
    let row = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let row = terms::publish(conn, &b, &actor.id)?;
                audit::record(
                    conn,
                    audit::PROCESSOR_CHAIN,
                    &actor,
                    Event::new("terms.publish", "terms_version", Some(&row.id)),
                )?;
                Ok(row)
            })
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
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
    )
)]
#[get("/agency/terms")]
async fn terms_status(
    state: web::Data<AppState>,
    auth: Auth<ControllerAdmin>,
) -> Result<web::Json<TermsStatus>, AppError> {
    let agency = auth.agency()?.to_string();
    let actor = auth.actor();
    let status = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let current = terms::current(conn)?;
                let accepted_current = terms::has_accepted_current(conn, &agency)?;
                // The history names people: reading it is recorded.
                let history = terms::history(conn, &agency)?;
                audit::record(
                    conn,
                    &agency,
                    &actor,
                    Event::new("terms_acceptance.list", "terms_acceptance", None),
                )?;
                Ok(TermsStatus {
                    current: current.map(Into::into),
                    accepted_current,
                    history,
                })
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
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 409, response = ProblemResponse),
        (status = 415, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
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
    let agency = auth.agency()?.to_string();
    let actor = auth.actor();
    let accepted = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let current = terms::current(conn)?.ok_or_else(|| {
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
                if terms::has_accepted_current(conn, &agency)? {
                    return Err(AppError::conflict(
                        ProblemCode::TermsAlreadyAccepted,
                        "The agency has already accepted this version.",
                    ));
                }
                let id = terms::accept(conn, &agency, &actor.id, &current.id, true, true)?;
                audit::record(
                    conn,
                    &agency,
                    &actor,
                    Event::new("terms.accept", "terms_acceptance", Some(&id)),
                )?;
                let all = terms::history(conn, &agency)?;
                all.into_iter()
                    .find(|a| a.id == id)
                    .ok_or(AppError::NotFound)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(accepted))
}
