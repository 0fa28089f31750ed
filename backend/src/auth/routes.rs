//! Login, refresh, logout, machine tokens, invitations and passwords.

use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use tillit_api::{
    AcceptInvitationRequest, ChangePasswordRequest, ClientCredentialsRequest,
    CompletePasswordReset, FieldCode, Language, LoginRequest, Me, PasswordResetRequest,
    ProblemCode, Role, TokenResponse,
};

use super::identity::{AnyPerson, Auth};
use super::store::{self, LinkPurpose, Rotated, UserRow};
use super::throttle::{self, Budget};
use super::{device, password, sessions};
use crate::audit::{self, Action, Actor};
use crate::db::write_tx;
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::openapi::{
    Authed, BadCredentials, Body, NotFound, Public, Refused, Throttled, Unavailable,
};
use crate::state::AppState;
use crate::util::sha256_hex;

pub const REFRESH_COOKIE: &str = "tillit_refresh";

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(login)
        .service(refresh_session)
        .service(logout)
        .service(client_token)
        .service(accept_invitation)
        .service(me)
        .service(change_password)
        .service(request_password_reset)
        .service(complete_password_reset);
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

/// The client's address, as the throttles count it.
fn address(req: &HttpRequest, state: &AppState) -> String {
    crate::net::client_key(req, &state.config.trusted_proxies)
}

/// Routes that set or read the session cookies answer only the web app's
/// own pages: a browser always names the page's origin on a POST, and a
/// page on another site cannot make it lie (SameSite is the first guard;
/// this is the second).
pub fn same_origin(req: &HttpRequest, state: &AppState) -> Result<(), AppError> {
    let Some(origin) = req.headers().get(header::ORIGIN) else {
        // Not a browser (an API client); it holds no victim's cookies.
        return Ok(());
    };
    let origin = origin.to_str().unwrap_or("");
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let authority = origin.split_once("://").map_or("", |(_, a)| a);
    if origin == state.config.public_url || (!host.is_empty() && authority == host) {
        Ok(())
    } else {
        Err(AppError::Forbidden(ProblemCode::OriginRefused))
    }
}

fn me_of(user: &UserRow, role: Role, agency_name: Option<String>) -> Me {
    Me {
        id: user.id.to_string(),
        role,
        agency_id: user.agency_id.clone(),
        agency_name,
        name: user.name.clone(),
        email: Some(user.email.clone()),
        language: user.language,
    }
}

/// A started session's answer: the access token, the refresh cookie, and
/// (after a password) the cookie that recognises this browser.
struct Started {
    user: UserRow,
    agency: Option<String>,
    session: String,
    refresh: String,
}

fn session_response(
    state: &AppState,
    s: &Started,
    device: Option<Cookie<'static>>,
) -> Result<HttpResponse, AppError> {
    let role = s.user.role;
    let access_token = state.keys.issue(
        s.user.id.as_str(),
        role,
        s.user.agency_id.as_ref().map(|a| a.as_str()),
        Some(&s.session),
    )?;
    let body = TokenResponse {
        access_token,
        token_type: "Bearer".into(),
        expires_in: state.keys.access_ttl,
        me: me_of(&s.user, role, s.agency.clone()),
    };
    let mut res = HttpResponse::Ok();
    res.cookie(refresh_cookie(&s.refresh));
    if let Some(d) = device {
        res.cookie(d);
    }
    Ok(res.json(body))
}

/// Starts a session for `user` (in the caller's transaction).
fn start(conn: &mut crate::db::DbConn, user: UserRow) -> Result<Started, AppError> {
    let agency = store::agency_name_of(conn, &user)?;
    let session = sessions::start(conn, &user.id)?;
    let refresh = store::issue_refresh(conn, &session)?;
    Ok(Started {
        user,
        agency,
        session,
        refresh,
    })
}

/// Records a person's own account action in their agency's chain (or the
/// processor's, for the institute's people).
fn record_self(
    conn: &mut crate::db::DbConn,
    user: &UserRow,
    action: Action,
) -> Result<(), AppError> {
    let chain = user
        .agency_id
        .as_ref()
        .map_or(audit::PROCESSOR_CHAIN, |a| a.as_str());
    let actor = Actor {
        id: user.id.to_string(),
        role: user.role,
    };
    audit::record(conn, chain, &actor, action, Some(user.id.as_str()), None)
}

/// Log in with email and password.
///
/// Returns a 15-minute access token and sets a rotating refresh cookie
/// (HttpOnly, Secure, SameSite=Strict). Wrong passwords slow down further
/// tries from the same address for the same account (429 with
/// Retry-After); no account is ever locked.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = TokenResponse),
        Public, BadCredentials, Refused, Body, Throttled, Unavailable,
    )
)]
#[post("/auth/login")]
async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<LoginRequest>,
) -> Result<HttpResponse, AppError> {
    same_origin(&req, &state)?;
    let email = body.0.email.trim().to_lowercase();
    let addr = address(&req, &state);
    let device = device::recognised(&req, &state.keys, &email);
    let mut budgets = vec![Budget::login_pair(&email, &addr)];
    match &device {
        Some(d) => budgets.push(Budget::login_device(d)),
        None => budgets.push(Budget::login_address(&addr)),
    }
    let lookup = (email.clone(), budgets.clone());
    let user = state
        .db(move |conn| {
            throttle::check(conn, &lookup.1)?;
            store::user_by_email(conn, &lookup.0)
        })
        .await?;
    // The connection is back in the pool while argon2 runs.
    let ok = state
        .hasher
        .verify(
            body.0.password,
            user.as_ref().and_then(|u| u.password_hash.clone()),
        )
        .await?;
    let started = state
        .db(move |conn| match user {
            Some(user) if ok => write_tx(conn, |conn| {
                throttle::clear(conn, &budgets[0])?;
                start(conn, user)
            })
            .map(Some),
            _ => throttle::fail(conn, &budgets).map(|()| None),
        })
        .await?
        .ok_or(AppError::Unauthorized(ProblemCode::WrongCredentials))?;
    tracing::info!(user = %started.user.id, "login");
    let device = device::cookie(&state.keys, &email)?;
    session_response(&state, &started, Some(device))
}

/// Swap the refresh cookie for a new access token (and a new cookie).
///
/// A cookie swapped moments ago (another tab, a retried request) still
/// works once more; an older used one ends its session. Without a cookie
/// there is no session to resume: 204, not an error, so a first visit's
/// check logs nothing in the browser's console.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 200, description = "A fresh access token", body = TokenResponse),
        (status = 204, description = "No refresh cookie: nobody is logged in on this browser"),
        Public, BadCredentials, Refused, Throttled,
    )
)]
#[post("/auth/refresh")]
async fn refresh_session(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    same_origin(&req, &state)?;
    let Some(token) = req.cookie(REFRESH_COOKIE).map(|c| c.value().to_string()) else {
        return Ok(HttpResponse::NoContent().finish());
    };
    let budget = [Budget::link("refresh", &address(&req, &state))];
    let started = state
        .db(move |conn| {
            throttle::check(conn, &budget)?;
            let rotated = write_tx(conn, |conn| match store::rotate_refresh(conn, &token)? {
                Some(Rotated {
                    user,
                    session,
                    token,
                }) => Ok(Some(Started {
                    agency: store::agency_name_of(conn, &user)?,
                    user,
                    session,
                    refresh: token,
                })),
                None => Ok(None),
            })?;
            if rotated.is_none() {
                throttle::fail(conn, &budget)?;
            }
            rotated.ok_or(AppError::Unauthorized(ProblemCode::SessionEnded))
        })
        .await?;
    session_response(&state, &started, None)
}

/// Log out: ends every session of the person, on every device and every
/// server instance, and clears the cookie.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 204, description = "Logged out everywhere"),
        Refused, Public, Unavailable,
    )
)]
#[post("/auth/logout")]
async fn logout(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, AppError> {
    same_origin(&req, &state)?;
    let cookie = req.cookie(REFRESH_COOKIE).map(|c| c.value().to_string());
    let bearer = super::identity::claims(&req, &state)
        .ok()
        .and_then(|c| c.sid);
    state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let session = match cookie {
                    Some(t) => store::session_of_refresh(conn, &t)?,
                    None => None,
                }
                .or(bearer);
                let user = match &session {
                    Some(s) => sessions::user_of(conn, s)?,
                    None => None,
                };
                if let Some(user) = user {
                    sessions::end_all(conn, &user.id, None)?;
                    record_self(conn, &user, Action::SessionLogout)?;
                }
                Ok(())
            })
        })
        .await?;
    let mut gone = refresh_cookie("");
    gone.make_removal();
    Ok(HttpResponse::NoContent().cookie(gone).finish())
}

/// Machine login for an agency's HR system (client id + secret).
///
/// Failed secrets slow down that client id from that address; HR clients
/// have their own budget, apart from people's logins.
#[utoipa::path(
    tag = "auth",
    request_body = ClientCredentialsRequest,
    responses(
        (status = 200, description = "An access token with role `integration`", body = TokenResponse),
        Public, BadCredentials, Body, Throttled,
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
    let addr = address(&req, &state);
    let client = state
        .db(move |conn| {
            let budgets = [
                Budget::client_pair(&client_id, &addr),
                Budget::client_address(&addr),
            ];
            throttle::check(conn, &budgets)?;
            let client = store::client_by_client_id(conn, &client_id)?;
            // The secret has 256 random bits: a fast hash is the right one.
            let presented = sha256_hex(client_secret.as_bytes());
            match client {
                Some(c) if constant_eq(c.secret_hash.as_bytes(), presented.as_bytes()) => {
                    throttle::clear(conn, &budgets[0])?;
                    Ok(c)
                }
                _ => {
                    throttle::fail(conn, &budgets)?;
                    Err(AppError::Unauthorized(ProblemCode::WrongClientCredentials))
                }
            }
        })
        .await?;
    let access_token = state.keys.issue(
        client.id.as_str(),
        Role::Integration,
        Some(client.agency_id.as_str()),
        None,
    )?;
    Ok(HttpResponse::Ok().json(TokenResponse {
        access_token,
        token_type: "Bearer".into(),
        expires_in: state.keys.access_ttl,
        me: Me {
            id: client.id.to_string(),
            role: Role::Integration,
            agency_id: Some(client.agency_id),
            agency_name: None,
            name: client.name,
            email: None,
            language: Language::default(),
        },
    }))
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Sets a password from a one-time link (invitation or reset), ends every
/// other session of the person, and starts a new one.
async fn set_password_by_link(
    state: &AppState,
    req: &HttpRequest,
    token: String,
    new_password: String,
    purpose: LinkPurpose,
) -> Result<HttpResponse, AppError> {
    same_origin(req, state)?;
    let budget = [Budget::link(purpose.as_str(), &address(req, state))];
    let hash_token = token.clone();
    let b = budget.clone();
    // Find the person first (to check the policy against their address),
    // without using the link: a refused password leaves it usable.
    let user = state
        .db(move |conn| {
            throttle::check(conn, &b)?;
            let user = store::peek_link(conn, &hash_token, purpose)?;
            if user.is_none() {
                throttle::fail(conn, &b)?;
            }
            user.ok_or(AppError::NotFound)
        })
        .await?;
    password::check_policy(&new_password, &user.email, &user.name, "password")
        .map_err(|e| AppError::Invalid(vec![e]))?;
    let hash = state.hasher.hash(new_password).await?;
    let started = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let user = store::use_link(conn, &token, purpose)?.ok_or(AppError::NotFound)?;
                store::set_password(conn, &user.id, &hash)?;
                sessions::end_all(conn, &user.id, None)?;
                store::void_links(conn, &user.id)?;
                let action = match purpose {
                    LinkPurpose::Invitation => Action::UserActivate,
                    LinkPurpose::Reset => Action::UserPasswordReset,
                };
                record_self(conn, &user, action)?;
                start(conn, user)
            })
        })
        .await?;
    let device = device::cookie(&state.keys, &started.user.email)?;
    session_response(state, &started, Some(device))
}

/// Choose a password with the one-time token from the invitation mail, and
/// log in. A deactivated user's invitation no longer works.
#[utoipa::path(
    tag = "auth",
    request_body = AcceptInvitationRequest,
    responses(
        (status = 200, description = "Password set; logged in", body = TokenResponse),
        Refused, Public, Body, NotFound, Throttled,
    )
)]
#[post("/auth/invitations/accept")]
async fn accept_invitation(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<AcceptInvitationRequest>,
) -> Result<HttpResponse, AppError> {
    let AcceptInvitationRequest { token, password } = body.0;
    set_password_by_link(&state, &req, token, password, LinkPurpose::Invitation).await
}

/// The logged-in person.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = ["processor_admin", "researcher", "controller_admin", "leader"])),
    responses(
        (status = 200, description = "Who the token belongs to", body = Me),
        Authed,
    )
)]
#[get("/auth/me")]
async fn me(state: web::Data<AppState>, auth: Auth<AnyPerson>) -> Result<web::Json<Me>, AppError> {
    let id = auth.user_id();
    let (user, agency) = state
        .db(move |conn| {
            let user = store::user_by_id(conn, &id)?
                .ok_or(AppError::Unauthorized(ProblemCode::SessionEnded))?;
            let agency = store::agency_name_of(conn, &user)?;
            Ok((user, agency))
        })
        .await?;
    Ok(web::Json(me_of(&user, auth.role, agency)))
}

/// Change your own password. Needs the current one; every other session
/// of yours ends (this one goes on).
#[utoipa::path(
    tag = "auth",
    request_body = ChangePasswordRequest,
    security(("bearer" = ["processor_admin", "researcher", "controller_admin", "leader"])),
    responses(
        (status = 204, description = "Changed"),
        Authed, Body, Throttled,
    )
)]
#[post("/auth/password")]
async fn change_password(
    state: web::Data<AppState>,
    auth: Auth<AnyPerson>,
    body: ApiJson<ChangePasswordRequest>,
) -> Result<HttpResponse, AppError> {
    let ChangePasswordRequest {
        current_password,
        new_password,
    } = body.0;
    let id = auth.user_id();
    let budget = [Budget::password_change(id.as_str())];
    let b = budget.clone();
    let user = state
        .db(move |conn| {
            throttle::check(conn, &b)?;
            store::user_by_id(conn, &id)?.ok_or(AppError::Unauthorized(ProblemCode::SessionEnded))
        })
        .await?;
    let ok = state
        .hasher
        .verify(current_password.clone(), user.password_hash.clone())
        .await?;
    if !ok {
        state.db(move |conn| throttle::fail(conn, &budget)).await?;
        return Err(AppError::invalid(
            "current_password",
            FieldCode::WrongPassword,
            "is not your current password",
        ));
    }
    if current_password == new_password {
        return Err(AppError::invalid(
            "new_password",
            FieldCode::PasswordUnchanged,
            "is the current password",
        ));
    }
    password::check_policy(&new_password, &user.email, &user.name, "new_password")
        .map_err(|e| AppError::Invalid(vec![e]))?;
    let hash = state.hasher.hash(new_password).await?;
    let keep = auth.session_id.clone();
    state
        .db(move |conn| {
            write_tx(conn, |conn| {
                store::set_password(conn, &user.id, &hash)?;
                sessions::end_all(conn, &user.id, keep.as_deref())?;
                store::void_links(conn, &user.id)?;
                throttle::clear(conn, &budget[0])?;
                record_self(conn, &user, Action::UserPasswordChange)
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Ask for a password-reset link by email.
///
/// Always 202, whether or not the address belongs to anyone: the answer
/// tells nothing. At most a few mails per account and per address go out
/// in a quarter of an hour; the rest are dropped silently.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "If the address belongs to an active account, a link is on its way"),
        Public, Body,
    )
)]
#[post("/auth/password-reset")]
async fn request_password_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<PasswordResetRequest>,
) -> Result<HttpResponse, AppError> {
    let email = body.0.email.trim().to_lowercase();
    let addr = address(&req, &state);
    state
        .db(move |conn| {
            let budgets = [Budget::reset_account(&email), Budget::reset_address(&addr)];
            if throttle::check(conn, &budgets).is_err() {
                return Ok(());
            }
            throttle::fail(conn, &budgets)?;
            if let Some(user) = store::user_by_email(conn, &email)? {
                write_tx(conn, |conn| {
                    crate::mail::account::queue(conn, &user.id, crate::mail::account::Kind::Reset)?;
                    record_self(conn, &user, Action::UserPasswordResetRequest)
                })?;
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Set a new password with the one-time token from the reset mail, and log
/// in. Every other session of the person ends.
#[utoipa::path(
    tag = "auth",
    request_body = CompletePasswordReset,
    responses(
        (status = 200, description = "Password set; logged in", body = TokenResponse),
        Refused, Public, Body, NotFound, Throttled,
    )
)]
#[post("/auth/password-reset/complete")]
async fn complete_password_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<CompletePasswordReset>,
) -> Result<HttpResponse, AppError> {
    let CompletePasswordReset { token, password } = body.0;
    set_password_by_link(&state, &req, token, password, LinkPurpose::Reset).await
}
