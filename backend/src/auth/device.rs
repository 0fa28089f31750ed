//! The recognised-browser cookie: proof that this browser has logged in to
//! an account before. It exempts the browser from the per-address login
//! ceiling (see [`super::throttle`]), so an attacker behind the same
//! address as the real user cannot keep them out.
//!
//! It is a signed claim set (the access tokens' key, its own audience):
//! nothing to store, valid on every instance.

use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::HttpRequest;
use serde::{Deserialize, Serialize};

use super::jwt::{Keys, ISSUER};
use crate::error::AppError;
use crate::util::{random_token, sha256_hex};

pub const COOKIE: &str = "tillit_device";
const AUDIENCE: &str = "tillit-device";
const TTL_DAYS: i64 = 180;

#[derive(Serialize, Deserialize)]
struct DeviceClaims {
    /// A hash of the account's email: the cookie names no one.
    sub: String,
    /// This browser, for its own failure budget.
    jti: String,
    iss: String,
    aud: String,
    exp: i64,
}

fn account_hash(email: &str) -> String {
    sha256_hex(format!("device\u{1f}{email}").as_bytes())
}

/// The browser's id, when its cookie is valid for `email`.
pub fn recognised(req: &HttpRequest, keys: &Keys, email: &str) -> Option<String> {
    let cookie = req.cookie(COOKIE)?;
    let claims: DeviceClaims = keys.verify_other(cookie.value(), AUDIENCE)?;
    (claims.sub == account_hash(email)).then_some(claims.jti)
}

/// A cookie recognising this browser for `email`, set after a good login.
pub fn cookie(keys: &Keys, email: &str) -> Result<Cookie<'static>, AppError> {
    let token = keys.sign_other(&DeviceClaims {
        sub: account_hash(email),
        jti: random_token(16)?,
        iss: ISSUER.into(),
        aud: AUDIENCE.into(),
        exp: chrono::Utc::now().timestamp() + TTL_DAYS * 24 * 3600,
    })?;
    Ok(Cookie::build(COOKIE, token)
        .path("/api/auth")
        .http_only(true)
        .secure(true)
        .same_site(SameSite::Strict)
        .max_age(time::Duration::days(TTL_DAYS))
        .finish())
}
