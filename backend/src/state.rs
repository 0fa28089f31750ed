use std::sync::Arc;

use actix_web::web;

use crate::auth::jwt::Keys;
use crate::config::Config;
use crate::db::{DbConn, DbPool};
use crate::error::AppError;

/// Everything a handler needs. Nothing here is per-instance state that
/// another server instance would have to share: that all lives in the database.
pub struct AppState {
    pub pool: DbPool,
    /// SQLite's read inbox, where audited reads record (`audit::inbox`).
    pub read_inbox: Option<Arc<crate::audit::Inbox>>,
    pub keys: Keys,
    pub config: Config,
    /// The API's paths and methods, for 404 versus 405 on unknown requests.
    pub routes: Arc<Vec<(String, Vec<String>)>>,
    /// Published questionnaires, parsed once (they never change).
    pub questionnaires: Arc<crate::questionnaire::store::Frozen>,
    /// Password hashing, a few at a time (per instance, by design: it
    /// shares this machine's cores).
    pub hasher: Arc<crate::auth::password::Hasher>,
    /// The web apps' hashed files, read once.
    pub assets: Arc<crate::assets::Assets>,
}

impl AppState {
    /// Runs blocking diesel work on the thread pool with a pooled connection.
    pub async fn db<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await
        .map_err(|e| AppError::internal(format!("blocking task failed: {e}")))?
    }
}
