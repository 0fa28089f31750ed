//! Passwords: argon2id with the crate's recommended parameters, computed
//! off the request path with bounded concurrency, and a policy that looks
//! at how guessable a password is, not only at its length.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use tillit_api::{FieldCode, FieldError};
use tokio::sync::Semaphore;

use crate::error::AppError;

pub const MIN_CHARS: usize = 12;
pub const MAX_CHARS: usize = 1024;
/// zxcvbn's score: 3 means "safely unguessable" (about 10^10 guesses).
const MIN_SCORE: u8 = 3;
/// Password checks waiting for a turn before new ones are turned away.
const MAX_WAITING: usize = 64;

fn hash_now(password: &str) -> Result<String, AppError> {
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
fn verify_now(password: &str, stored: Option<&str>) -> bool {
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

/// Runs argon2 on the blocking pool, a few at a time, after the request has
/// handed its database connection back: a flood of bad logins queues here
/// (and past [`MAX_WAITING`] is turned away with 503) instead of holding
/// connections and every CPU that other requests need.
pub struct Hasher {
    permits: Arc<Semaphore>,
    waiting: Arc<AtomicUsize>,
}

struct Waiting(Arc<AtomicUsize>);

impl Drop for Waiting {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Hasher {
    /// Half the machine's cores (at least one) may hash at once.
    pub fn for_this_machine() -> Hasher {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Hasher::new((cores / 2).max(1))
    }

    pub fn new(at_once: usize) -> Hasher {
        Hasher {
            permits: Arc::new(Semaphore::new(at_once)),
            waiting: Arc::new(AtomicUsize::new(0)),
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= MAX_WAITING {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(AppError::Unavailable(
                "too many password checks waiting".into(),
            ));
        }
        let waiting = Waiting(self.waiting.clone());
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(AppError::internal)?;
        drop(waiting);
        tokio::task::spawn_blocking(move || {
            let _turn = permit;
            f()
        })
        .await
        .map_err(AppError::internal)
    }

    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        self.run(move || hash_now(&password)).await?
    }

    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, AppError> {
        self.run(move || verify_now(&password, stored.as_deref()))
            .await
    }
}

/// For seeding and tests, outside any request.
pub fn hash_blocking(password: &str) -> Result<String, AppError> {
    hash_now(password)
}

/// The password policy: long enough, not the email address, and not easy
/// to guess (zxcvbn: common passwords, dictionary words, keyboard walks,
/// dates and repeats, with the person's own email and name as hints).
pub fn check_policy(
    password: &str,
    email: &str,
    name: &str,
    field: &str,
) -> Result<(), FieldError> {
    let chars = password.chars().count();
    if !(MIN_CHARS..=MAX_CHARS).contains(&chars) {
        return Err(FieldError::new(
            field,
            FieldCode::Length,
            format!("must be {MIN_CHARS} to {MAX_CHARS} characters"),
        )
        .with("min", MIN_CHARS)
        .with("max", MAX_CHARS));
    }
    let lower = password.to_lowercase();
    let email = email.to_lowercase();
    let local = email.split('@').next().unwrap_or("");
    if lower.contains(&email) || (local.chars().count() >= 3 && lower.contains(local)) {
        return Err(FieldError::new(
            field,
            FieldCode::PasswordContainsEmail,
            "must not contain your email address",
        ));
    }
    let mut hints: Vec<&str> = vec![&email, local, "tillit"];
    hints.extend(name.split_whitespace());
    let score = u8::from(zxcvbn::zxcvbn(password, &hints).score());
    if score < MIN_SCORE {
        return Err(FieldError::new(
            field,
            FieldCode::WeakPassword,
            "is too easy to guess: use a longer phrase of unrelated words",
        )
        .with("score", score));
    }
    Ok(())
}

#[cfg(test)]
#[path = "password_tests.rs"]
mod tests;
