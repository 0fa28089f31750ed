//! Who is calling, and whether their role may call this handler.
//!
//! Each handler names its allowed roles in its signature (`Auth<ControllerAdmin>`),
//! and the same roles appear as the scopes of its OpenAPI security entry; the
//! security suite checks the two agree for every route.

use std::future::{ready, Ready};
use std::marker::PhantomData;

use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use tillit_api::Role;

use crate::audit::Actor;
use crate::error::AppError;
use crate::state::AppState;

#[derive(Debug, Clone)]
pub struct Identity {
    pub subject: String,
    pub role: Role,
    pub agency_id: Option<String>,
    /// Respondents only: the survey and unit their token names.
    pub survey_id: Option<String>,
    pub unit_id: Option<String>,
}

impl Identity {
    /// The caller's own agency: the only one their requests can reach (ROLE-1).
    pub fn agency(&self) -> Result<&str, AppError> {
        self.agency_id.as_deref().ok_or(AppError::Forbidden)
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
    /// Who may load HR data: the agency's admins and its HR system.
    HrWriter => [ControllerAdmin, Integration];
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

pub fn identify(req: &HttpRequest) -> Result<Identity, AppError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::internal("app state missing"))?;
    let raw = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or(AppError::Unauthorized(
            "Log in first: no access token was sent.",
        ))?
        .to_str()
        .map_err(|_| AppError::Unauthorized("The Authorization header is malformed."))?;
    let token = raw
        .strip_prefix("Bearer ")
        .or_else(|| raw.strip_prefix("bearer "))
        .ok_or(AppError::Unauthorized("Use the Bearer scheme."))?;
    let claims = state.keys.verify(token.trim())?;
    if claims.role.is_agency_scoped() && claims.agency.is_none() {
        return Err(AppError::Unauthorized("The access token names no agency."));
    }
    Ok(Identity {
        subject: claims.sub,
        role: claims.role,
        agency_id: claims.agency,
        survey_id: claims.survey,
        unit_id: claims.unit,
    })
}

impl<R: Allowed> FromRequest for Auth<R> {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(identify(req).and_then(|who| {
            if R::ROLES.contains(&who.role) {
                Ok(Auth {
                    who,
                    _roles: PhantomData,
                })
            } else {
                Err(AppError::Forbidden)
            }
        }))
    }
}
