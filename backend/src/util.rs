//! Small shared helpers: ids, secrets, hashes, time.

use base64::Engine;
use chrono::{DateTime, NaiveDateTime, Utc};
use sha2::{Digest, Sha256};

use crate::error::AppError;

pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

pub fn now() -> NaiveDateTime {
    // Microseconds are the finest both databases keep.
    let t = Utc::now().naive_utc();
    t.with_nanosecond_truncated()
}

trait TruncNanos {
    fn with_nanosecond_truncated(self) -> Self;
}

impl TruncNanos for NaiveDateTime {
    fn with_nanosecond_truncated(self) -> Self {
        use chrono::Timelike;
        let micros = self.nanosecond() / 1000 * 1000;
        self.with_nanosecond(micros).unwrap_or(self)
    }
}

/// A time as the databases keep it: microseconds (PostgreSQL would round
/// finer input, SQLite keep it; both now agree with what was answered).
pub fn db_time(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc().with_nanosecond_truncated()
}

pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

/// A random secret of `bytes` bytes, URL-safe base64 without padding.
pub fn random_token(bytes: usize) -> Result<String, AppError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| AppError::internal(format!("no randomness: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf))
}

/// SHA-256 hex. Right for high-entropy secrets (tokens); never for passwords.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Makes a folder or file readable by this process's user only.
pub fn make_private(path: &std::path::Path) -> Result<(), AppError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = if path.is_dir() { 0o700 } else { 0o600 };
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .map_err(|e| AppError::internal(format!("cannot restrict {}: {e}", path.display())))?;
    }
    Ok(())
}
