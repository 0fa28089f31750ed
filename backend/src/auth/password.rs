//! Passwords: argon2id with the crate's recommended parameters.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::error::AppError;

pub fn hash(password: &str) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(AppError::internal)?;
    let salt = SaltString::encode_b64(&salt).map_err(AppError::internal)?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(AppError::internal)
}

/// Verifies against `stored`; with no stored hash it still spends the same
/// time, so a response's timing does not tell whether an account exists.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Wq0r0s6Y2o8J9y3sRj7dQmU1Qx7bZ8cW6mL9dB7cK1E";
    let (candidate, real) = match stored {
        Some(s) => (s, true),
        None => (DUMMY, false),
    };
    let ok = PasswordHash::new(candidate)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false);
    ok && real
}

#[cfg(test)]
#[path = "password_tests.rs"]
mod tests;
