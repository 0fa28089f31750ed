//! Login, refresh, logout, machine tokens and invitation acceptance.

use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use tillit_api::{
    AcceptInvitationRequest, ClientCredentialsRequest, LoginRequest, Me, Role, TokenResponse,
};

use super::identity::{AnyPerson, Auth};
use super::jwt::ACCESS_TTL_SECS;
use super::store::{self, Rotated, UserRow};
use super::{password, ratelimit};
use crate::db::write_tx;
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::openapi::ProblemResponse;
use crate::state::AppState;
use crate::util::sha256_hex;

pub const REFRESH_COOKIE: &str = "tillit_refresh";

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(login)
        .service(refresh_session)
        .service(logout)
        .service(client_token)
        .service(accept_invitation)
        .service(me);
}

fn refresh_cookie(token: &str) -> Cookie<'static> {
    Cookie::build(REFRESH_COOKIE, token.to_string())
        .path("/api/auth")
        .http_only(true)
        .secure(true)
        .same_site(SameSite::Strict)
        .max_age(time::Duration::days(store::REFRESH_TTL_DAYS))
        .finish()
}

fn session_response(
    state: &AppState,
    user: &UserRow,
    agency_name: Option<String>,
    refresh: &str,
) -> Result<HttpResponse, AppError> {
    let role = Role::parse(&user.role).ok_or_else(|| AppError::internal("unknown role"))?;
    let access_token = state
        .keys
        .issue(&user.id, role, user.agency_id.as_deref())?;
    let body = TokenResponse {
        access_token,
        token_type: "Bearer".into(),
        expires_in: ACCESS_TTL_SECS,
        me: Me {
            id: user.id.clone(),
            role,
            agency_id: user.agency_id.clone(),
            agency_name,
            name: user.name.clone(),
            email: Some(user.email.clone()),
        },
    };
    Ok(HttpResponse::Ok()
        .cookie(refresh_cookie(refresh))
        .insert_header(("Cache-Control", "no-store"))
        .json(body))
}

/// Log in with email and password.
///
/// Returns a 15-minute access token and sets a rotating refresh cookie
/// (HttpOnly, Secure, SameSite=Strict). Failed attempts are limited per
/// account and per address.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = TokenResponse),
        (status = 401, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
        (status = 429, response = ProblemResponse),
    )
)]
#[post("/auth/login")]
async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<LoginRequest>,
) -> Result<HttpResponse, AppError> {
    let email = body.0.email.trim().to_lowercase();
    let password = body.0.password;
    let address = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default();
    let st = state.clone();
    let (user, agency, refresh) = state
        .db(move |conn| {
            let keys = ratelimit::keys(&email, &address);
            ratelimit::check(conn, &keys)?;
            let user = store::user_by_email(conn, &email)?;
            let ok = password::verify(
                &password,
                user.as_ref().and_then(|u| u.password_hash.as_deref()),
            );
            match user {
                Some(user) if ok => {
                    ratelimit::clear(conn, &keys[0].0)?;
                    let agency = store::agency_name_of(conn, &user)?;
                    let refresh = store::issue_refresh(conn, &user.id, None)?;
                    Ok((user, agency, refresh))
                }
                _ => {
                    ratelimit::record_failure(conn, &keys)?;
                    Err(AppError::Unauthorized("Wrong email or password."))
                }
            }
        })
        .await?;
    tracing::info!(user = %user.id, "login");
    session_response(&st, &user, agency, &refresh)
}

/// Swap the refresh cookie for a new access token (and a new cookie).
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 200, description = "A fresh access token", body = TokenResponse),
        (status = 401, response = ProblemResponse),
    )
)]
#[post("/auth/refresh")]
async fn refresh_session(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let token = req
        .cookie(REFRESH_COOKIE)
        .map(|c| c.value().to_string())
        .ok_or(AppError::Unauthorized("No session: log in again."))?;
    let (user, agency, refresh) = state
        .db(move |conn| {
            write_tx(conn, |conn| match store::rotate_refresh(conn, &token)? {
                Rotated::Ok { user, token } => {
                    let agency = store::agency_name_of(conn, &user)?;
                    Ok(Some((user, agency, token)))
                }
                Rotated::Invalid => Ok(None),
            })?
            .ok_or(AppError::Unauthorized(
                "The session has ended: log in again.",
            ))
        })
        .await?;
    session_response(&state, &user, agency, &refresh)
}

/// Log out: revokes the refresh cookie's whole family and clears the cookie.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 204, description = "Logged out"),
        (status = 503, response = ProblemResponse),
    )
)]
#[post("/auth/logout")]
async fn logout(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, AppError> {
    if let Some(token) = req.cookie(REFRESH_COOKIE).map(|c| c.value().to_string()) {
        state
            .db(move |conn| store::revoke_by_token(conn, &token))
            .await?;
    }
    let mut gone = refresh_cookie("");
    gone.make_removal();
    Ok(HttpResponse::NoContent().cookie(gone).finish())
}

/// Machine login for an agency's HR system (client id + secret).
#[utoipa::path(
    tag = "auth",
    request_body = ClientCredentialsRequest,
    responses(
        (status = 200, description = "An access token with role `integration`", body = TokenResponse),
        (status = 401, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
        (status = 429, response = ProblemResponse),
    )
)]
#[post("/auth/token")]
async fn client_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<ClientCredentialsRequest>,
) -> Result<HttpResponse, AppError> {
    let ClientCredentialsRequest {
        client_id,
        client_secret,
    } = body.0;
    let address = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default();
    let client = state
        .db(move |conn| {
            let keys = ratelimit::keys(&format!("client:{client_id}"), &address);
            ratelimit::check(conn, &keys)?;
            let client = store::client_by_client_id(conn, &client_id)?;
            let presented = sha256_hex(client_secret.as_bytes());
            match client {
                Some(c) if constant_eq(c.secret_hash.as_bytes(), presented.as_bytes()) => {
                    ratelimit::clear(conn, &keys[0].0)?;
                    Ok(c)
                }
                _ => {
                    ratelimit::record_failure(conn, &keys)?;
                    Err(AppError::Unauthorized("Unknown client or wrong secret."))
                }
            }
        })
        .await?;
    let access_token = state
        .keys
        .issue(&client.id, Role::Integration, Some(&client.agency_id))?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(TokenResponse {
            access_token,
            token_type: "Bearer".into(),
            expires_in: ACCESS_TTL_SECS,
            me: Me {
                id: client.id,
                role: Role::Integration,
                agency_id: Some(client.agency_id),
                agency_name: None,
                name: client.name,
                email: None,
            },
        }))
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Choose a password with a one-time invitation token, and log in.
#[utoipa::path(
    tag = "auth",
    request_body = AcceptInvitationRequest,
    responses(
        (status = 200, description = "Password set; logged in", body = TokenResponse),
        (status = 404, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
    )
)]
#[post("/auth/invitations/accept")]
async fn accept_invitation(
    state: web::Data<AppState>,
    body: ApiJson<AcceptInvitationRequest>,
) -> Result<HttpResponse, AppError> {
    let AcceptInvitationRequest { token, password } = body.0;
    let (user, agency, refresh) = state
        .db(move |conn| {
            let hash = password::hash(&password)?;
            write_tx(conn, |conn| {
                let user =
                    store::accept_invitation(conn, &token, &hash)?.ok_or(AppError::NotFound)?;
                let agency = store::agency_name_of(conn, &user)?;
                let refresh = store::issue_refresh(conn, &user.id, None)?;
                Ok((user, agency, refresh))
            })
        })
        .await?;
    session_response(&state, &user, agency, &refresh)
}

/// The logged-in person.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = ["processor_admin", "researcher", "controller_admin", "leader"])),
    responses(
        (status = 200, description = "Who the token belongs to", body = Me),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
    )
)]
#[get("/auth/me")]
async fn me(state: web::Data<AppState>, auth: Auth<AnyPerson>) -> Result<web::Json<Me>, AppError> {
    let id = auth.subject.clone();
    let (user, agency) = state
        .db(move |conn| {
            let user =
                store::user_by_id(conn, &id)?.ok_or(AppError::Unauthorized("Unknown user."))?;
            let agency = store::agency_name_of(conn, &user)?;
            Ok((user, agency))
        })
        .await?;
    Ok(web::Json(Me {
        id: user.id,
        role: auth.role,
        agency_id: user.agency_id,
        agency_name: agency,
        name: user.name,
        email: Some(user.email),
    }))
}
