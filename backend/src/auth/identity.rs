//! Who is calling, and whether their role may call this handler.
//!
//! Each handler names its allowed roles in its signature (`Auth<ControllerAdmin>`),
//! and the same roles appear as the scopes of its OpenAPI security entry; the
//! security suite checks the two agree for every route.

use std::future::{ready, Ready};
use std::marker::PhantomData;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use tillit_api::{AgencyId, ProblemCode, Role, SurveyId, UnitId, UserId};

use super::jwt::Claims;
use crate::audit::Actor;
use crate::error::AppError;
use crate::state::AppState;

#[derive(Debug, Clone)]
pub struct Identity {
    pub subject: String,
    pub role: Role,
    pub agency_id: Option<AgencyId>,
    /// People only: the session their token belongs to.
    pub session_id: Option<String>,
    /// Respondents only: the survey and unit their token names.
    pub survey_id: Option<SurveyId>,
    pub unit_id: Option<UnitId>,
}

impl Identity {
    /// The caller's own agency: the only one their requests can reach (ROLE-1).
    pub fn agency(&self) -> Result<&AgencyId, AppError> {
        self.agency_id.as_ref().ok_or_else(AppError::forbidden)
    }
    /// The person calling (for people's tokens; an HR client's id otherwise).
    pub fn user_id(&self) -> UserId {
        UserId(self.subject.clone())
    }
    pub fn actor(&self) -> Actor {
        Actor {
            id: self.subject.clone(),
            role: self.role,
        }
    }
}

pub trait Allowed {
    const ROLES: &'static [Role];
}

macro_rules! role_set {
    ($($(#[$doc:meta])* $name:ident => [$($role:ident),+];)+) => {
        $($(#[$doc])* pub struct $name;
        impl Allowed for $name {
            const ROLES: &'static [Role] = &[$(Role::$role),+];
        })+
    };
}

role_set! {
    ProcessorAdmin => [ProcessorAdmin];
    ControllerAdmin => [ControllerAdmin];
    /// People of an agency who read its organisation.
    AgencyStaff => [ControllerAdmin, Leader];
    /// Who may load and read back HR data: the agency's admins and its HR
    /// system.
    HrData => [ControllerAdmin, Integration];
    /// Who may read the organisation back: staff and the HR system that
    /// pushed it.
    OrgReader => [ControllerAdmin, Leader, Integration];
    /// The processor's and the agencies' administrators: readers of terms
    /// and questionnaires.
    Admins => [ProcessorAdmin, ControllerAdmin];
    Respondent => [Respondent];
    /// Anyone who logs in with a password.
    AnyPerson => [ProcessorAdmin, Researcher, ControllerAdmin, Leader];
}

pub struct Auth<R: Allowed> {
    pub who: Identity,
    _roles: PhantomData<R>,
}

impl<R: Allowed> std::ops::Deref for Auth<R> {
    type Target = Identity;
    fn deref(&self) -> &Identity {
        &self.who
    }
}

/// The token's claims, checked for signature, audience, issuer and time.
pub fn claims(req: &HttpRequest, state: &AppState) -> Result<Claims, AppError> {
    let raw = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or(AppError::Unauthorized(ProblemCode::TokenMissing))?
        .to_str()
        .map_err(|_| AppError::Unauthorized(ProblemCode::TokenInvalid))?;
    let token = raw
        .strip_prefix("Bearer ")
        .or_else(|| raw.strip_prefix("bearer "))
        .ok_or(AppError::Unauthorized(ProblemCode::TokenInvalid))?;
    let claims = state.keys.verify(token.trim())?;
    if claims.role.is_agency_scoped() && claims.agency.is_none() {
        return Err(AppError::Unauthorized(ProblemCode::TokenInvalid));
    }
    Ok(claims)
}

/// Who is calling, decided against the current state: a valid signature is
/// not enough, the session, user or client must still be active (see
/// [`super::sessions::check`]).
async fn identify(req: &HttpRequest) -> Result<Identity, AppError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::internal("app state missing"))?
        .clone();
    let claims = claims(req, &state)?;
    let claims = if claims.role == Role::Respondent {
        claims
    } else {
        state
            .db(move |conn| super::sessions::check(conn, &claims).map(|()| claims))
            .await?
    };
    Ok(Identity {
        subject: claims.sub,
        role: claims.role,
        agency_id: claims.agency.map(AgencyId),
        session_id: claims.sid,
        survey_id: claims.survey.map(SurveyId),
        unit_id: claims.unit.map(UnitId),
    })
}

/// The outcome of [`authenticate`], kept on the request for the extractor.
struct Authenticated(Result<Identity, AppError>);

/// Middleware: decides who is calling before any handler's extractors run,
/// so a refused token is answered before the body is even read, and the
/// database check happens once per request.
pub async fn authenticate(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.headers().contains_key(header::AUTHORIZATION) {
        let who = identify(req.request()).await;
        req.extensions_mut().insert(Authenticated(who));
    }
    next.call(req).await
}

impl<R: Allowed> FromRequest for Auth<R> {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let found = req.extensions_mut().remove::<Authenticated>();
        ready(match found {
            None => Err(AppError::Unauthorized(ProblemCode::TokenMissing)),
            Some(Authenticated(Err(e))) => Err(e),
            Some(Authenticated(Ok(who))) if R::ROLES.contains(&who.role) => Ok(Auth {
                who,
                _roles: PhantomData,
            }),
            Some(Authenticated(Ok(_))) => Err(AppError::forbidden()),
        })
    }
}
