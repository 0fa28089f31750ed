//! Access tokens: HS256 only, with issuer, audience and a short life.

use std::path::Path;

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use tillit_api::{ProblemCode, Role};

use crate::error::AppError;

pub const ISSUER: &str = "tillit";
pub const AUDIENCE: &str = "tillit-api";
pub const ACCESS_TTL_SECS: i64 = 15 * 60;
/// Long enough to answer at a calm pace; the link can start a new session.
pub const RESPONDENT_TTL_SECS: i64 = 4 * 60 * 60;
/// Clock difference tolerated between instances, in seconds.
const LEEWAY_SECS: u64 = 5;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Claims {
    pub sub: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    /// Respondents only (ROLE-2): the survey and the unit, never a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survey: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The session a person's token belongs to: checked on every request,
    /// so ending the session refuses the token at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
}

#[derive(Clone)]
pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    /// Seconds a person's or client's access token lives.
    pub access_ttl: i64,
}

impl Keys {
    pub fn from_secret(secret: &[u8]) -> Result<Keys, AppError> {
        if secret.len() < 32 {
            return Err(AppError::internal(
                "the signing key must be at least 32 bytes",
            ));
        }
        // One fixed algorithm: a token naming `none` or any other is refused.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECS;
        Ok(Keys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            access_ttl: ACCESS_TTL_SECS,
        })
    }

    /// Reads the key file; in development creates it once with fresh randomness.
    pub fn load_or_create(path: &Path, may_create: bool) -> Result<Keys, AppError> {
        match std::fs::read(path) {
            Ok(bytes) => Keys::from_secret(trim_ascii(&bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && may_create => {
                let secret = crate::util::random_token(48)?;
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(AppError::internal)?;
                }
                write_private(path, secret.as_bytes())?;
                tracing::info!(path = %path.display(), "created a new signing key");
                Keys::from_secret(secret.as_bytes())
            }
            Err(e) => Err(AppError::internal(format!(
                "cannot read signing key file {}: {e}",
                path.display()
            ))),
        }
    }

    /// A person's (with their session) or an HR client's access token.
    pub fn issue(
        &self,
        sub: &str,
        role: Role,
        agency: Option<&str>,
        sid: Option<&str>,
    ) -> Result<String, AppError> {
        let now = chrono::Utc::now().timestamp();
        self.sign(&Claims {
            sub: sub.to_string(),
            role,
            agency: agency.map(str::to_string),
            survey: None,
            unit: None,
            sid: sid.map(str::to_string),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now,
            nbf: now,
            exp: now + self.access_ttl,
        })
    }

    /// A respondent's token: a random session id, the survey and the unit.
    pub fn issue_respondent(
        &self,
        agency: &str,
        survey: &str,
        unit: &str,
    ) -> Result<String, AppError> {
        let now = chrono::Utc::now().timestamp();
        self.sign(&Claims {
            sub: crate::util::new_id(),
            role: Role::Respondent,
            agency: Some(agency.to_string()),
            survey: Some(survey.to_string()),
            unit: Some(unit.to_string()),
            sid: None,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now,
            nbf: now,
            exp: now + RESPONDENT_TTL_SECS,
        })
    }

    fn sign(&self, claims: &Claims) -> Result<String, AppError> {
        encode(&Header::new(Algorithm::HS256), claims, &self.encoding).map_err(AppError::internal)
    }

    pub fn verify(&self, token: &str) -> Result<Claims, AppError> {
        let claims = decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|d| d.claims)
            .map_err(|_| AppError::Unauthorized(ProblemCode::TokenInvalid))?;
        // jsonwebtoken checks that `iat` is there, not that it is in the past.
        if claims.iat > chrono::Utc::now().timestamp() + LEEWAY_SECS as i64 {
            return Err(AppError::Unauthorized(ProblemCode::TokenInvalid));
        }
        Ok(claims)
    }

    /// Signs a short claim set for another purpose than API access (the
    /// audience keeps the two apart): the recognised-browser cookie.
    pub fn sign_other<T: Serialize>(&self, claims: &T) -> Result<String, AppError> {
        encode(&Header::new(Algorithm::HS256), claims, &self.encoding).map_err(AppError::internal)
    }

    pub fn verify_other<T: serde::de::DeserializeOwned>(
        &self,
        token: &str,
        audience: &str,
    ) -> Option<T> {
        let mut v = Validation::new(Algorithm::HS256);
        v.set_issuer(&[ISSUER]);
        v.set_audience(&[audience]);
        v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        decode::<T>(token, &self.decoding, &v)
            .ok()
            .map(|d| d.claims)
    }
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &b[start..end]
}

#[cfg(unix)]
fn write_private(path: &Path, data: &[u8]) -> Result<(), AppError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(AppError::internal)?;
    f.write_all(data).map_err(AppError::internal)
}

#[cfg(not(unix))]
fn write_private(path: &Path, data: &[u8]) -> Result<(), AppError> {
    std::fs::write(path, data).map_err(AppError::internal)
}
