//! The Tillit server: `start` is what `main` and every test call.

pub mod agencies;
pub mod answering;
pub mod audit;
pub mod auth;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod extract;
pub mod fallback;
pub mod headers;
pub mod health;
pub mod mail;
pub mod net;
pub mod openapi;
pub mod organisation;
pub mod questionnaire;
pub mod reports;
pub mod seed;
pub mod state;
pub mod surveys;
pub mod util;

use std::net::TcpListener;
use std::sync::Arc;
use tillit_api::FieldCode;

use actix_web::dev::Server;
use actix_web::{http::header, middleware, web, App, HttpServer};
use utoipa::OpenApi;
use utoipa_actix_web::{scope, AppExt};
use utoipa_swagger_ui::SwaggerUi;

use crate::error::AppError;
use crate::state::AppState;

/// Registers every API handler; the spec is collected from the same calls.
pub fn api_config(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    health::configure(cfg);
    auth::routes::configure(cfg);
    agencies::routes::configure(cfg);
    organisation::units::configure(cfg);
    organisation::employees::configure(cfg);
    organisation::users::configure(cfg);
    organisation::clients::configure(cfg);
    organisation::import::configure(cfg);
    audit::routes::configure(cfg);
    questionnaire::routes::configure(cfg);
    surveys::routes::configure(cfg);
    answering::routes::configure(cfg);
}

/// The OpenAPI document, generated from the handlers.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, mut api) = App::new()
        .into_utoipa_app()
        .openapi(openapi::ApiDoc::openapi())
        .service(scope::scope("/api").configure(api_config))
        .split_for_parts();
    api.info.version = env!("CARGO_PKG_VERSION").to_string();
    api
}

/// `(path template, methods)` for every operation: tells 404 from 405.
pub fn route_table(api: &utoipa::openapi::OpenApi) -> Vec<(String, Vec<String>)> {
    let spec = serde_json::to_value(api).unwrap_or_default();
    let mut out = Vec::new();
    if let Some(paths) = spec.get("paths").and_then(|p| p.as_object()) {
        for (path, item) in paths {
            let methods = item
                .as_object()
                .map(|o| o.keys().map(|m| m.to_uppercase()).collect())
                .unwrap_or_default();
            out.push((path.clone(), methods));
        }
    }
    out
}

/// Everything the server needs, ready: database migrated, key loaded.
pub fn prepare(config: config::Config) -> Result<AppState, AppError> {
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| AppError::internal(format!("cannot create data folder: {e}")))?;
    util::make_private(&config.data_dir)?;
    let pool = db::connect(&config.database_url, config.db_pool_size)?;
    {
        let mut conn = pool.get()?;
        questionnaire::store::ensure_default(&mut conn)?;
    }
    let mut keys =
        auth::jwt::Keys::load_or_create(&config.signing_key_file, config.generate_signing_key)?;
    keys.access_ttl = config.access_ttl_secs;
    Ok(AppState {
        pool,
        keys,
        config,
        routes: Arc::new(route_table(&openapi())),
        questionnaires: Arc::default(),
        hasher: Arc::new(auth::password::Hasher::for_this_machine()),
    })
}

/// Runs a background task for as long as the server runs: when it panics,
/// the panic is logged and the task starts again after a pause, so one bad
/// row cannot stop mail or closing for good.
fn supervise<F, Fut>(name: &'static str, make: F)
where
    F: Fn() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    supervise_with_pause(name, std::time::Duration::from_secs(5), make)
}

fn supervise_with_pause<F, Fut>(name: &'static str, pause: std::time::Duration, make: F)
where
    F: Fn() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let inner = runtime.clone();
    runtime.spawn(async move {
        loop {
            match inner.spawn(make()).await {
                Ok(()) => return,
                Err(e) if e.is_panic() => {
                    tracing::error!(task = name, "background task panicked; restarting it")
                }
                Err(_) => return,
            }
            tokio::time::sleep(pause).await;
        }
    });
}

/// Work that falls due with time: surveys closing at `closes_at`, the
/// hourly count of answering for the audit trail, and the nightly rewrite
/// of recent responses. Every instance runs it; each step is idempotent.
fn spawn_ticker(state: web::Data<AppState>) {
    supervise("ticker", move || {
        let state = state.clone();
        async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(15));
            let mut rewritten_on = None;
            loop {
                every.tick().await;
                if let Err(e) = state.db(surveys::store::close_due).await {
                    tracing::warn!(error = %e, "closing due surveys failed");
                }
                if let Err(e) = state.db(|c| answering::tally::record_due(c, false)).await {
                    tracing::warn!(error = %e, "recording answering counts failed");
                }
                // 01:00–05:00 UTC is night in Norway (UTC+1/+2): the table
                // lock and vacuum of the rewrite go unnoticed.
                let now = chrono::Utc::now();
                let night = (1..5).contains(&chrono::Timelike::hour(&now));
                if night && rewritten_on != Some(now.date_naive()) {
                    rewritten_on = Some(now.date_naive());
                    match state.db(answering::reshuffle::rewrite_recent).await {
                        Ok(n) => tracing::info!(
                            responses = n,
                            "recent responses rewritten in random order"
                        ),
                        Err(e) => tracing::warn!(error = %e, "rewriting recent responses failed"),
                    }
                }
            }
        }
    });
}

/// Sends queued mail in the background. Safe on several instances: rows are
/// claimed before they are sent.
fn spawn_mail_sender(state: web::Data<AppState>) -> Result<(), AppError> {
    let mailer = Arc::new(mail::sender::Mailer::from_config(&state.config)?);
    supervise("mail sender", move || {
        let (state, mailer) = (state.clone(), mailer.clone());
        async move {
            loop {
                let (s, m) = (state.clone(), mailer.clone());
                let sent = tokio::task::spawn_blocking(move || {
                    let people = mail::sender::run_account_once(&s, &m, 50)?;
                    let surveys = mail::sender::run_once(&s, &m, 200)?;
                    Ok::<_, AppError>(people + surveys)
                })
                .await;
                match sent {
                    Ok(Ok(n)) if n > 0 => continue,
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => tracing::warn!(error = %e, "mail sender"),
                    // A panic in the batch: let the supervisor log and restart.
                    Err(e) => std::panic::resume_unwind(e.into_panic()),
                }
                tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            }
        }
    });
    Ok(())
}

/// Serves the SPA at `/`, the API under `/api`, the spec and its docs page.
pub fn start(state: AppState, listener: TcpListener) -> Result<Server, AppError> {
    let spec = openapi();
    let state = web::Data::new(state);
    if state.config.ticker {
        spawn_ticker(state.clone());
    }
    if state.config.mail_sender {
        spawn_mail_sender(state.clone())?;
    }
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(web::QueryConfig::default().error_handler(|err, _| {
                AppError::invalid("query", FieldCode::InvalidQuery, err.to_string()).into()
            }))
            .app_data(web::PathConfig::default().error_handler(|err, _| {
                AppError::invalid("path", FieldCode::InvalidPath, err.to_string()).into()
            }))
            .wrap(middleware::Compress::default())
            .wrap(
                middleware::DefaultHeaders::new()
                    .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
                    .add((header::REFERRER_POLICY, "no-referrer"))
                    .add((header::X_FRAME_OPTIONS, "DENY")),
            )
            .wrap(middleware::from_fn(auth::identity::authenticate))
            .wrap(middleware::from_fn(headers::security_headers))
            .wrap(middleware::from_fn(fallback::log_request))
            .service(web::redirect("/api/docs", "/api/docs/"))
            .service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", spec.clone()))
            .into_utoipa_app()
            .service(scope::scope("/api").configure(api_config))
            .into_app()
            .default_service(web::to(fallback::fallback))
    })
    .listen(listener)
    .map_err(|e| AppError::internal(format!("cannot listen: {e}")))?
    .shutdown_timeout(10)
    .run();
    Ok(server)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    #[tokio::test]
    async fn a_background_task_that_panics_is_started_again() {
        let runs = Arc::new(AtomicUsize::new(0));
        let seen = runs.clone();
        super::supervise_with_pause("test", Duration::from_millis(5), move || {
            let runs = runs.clone();
            async move {
                if runs.fetch_add(1, Ordering::SeqCst) == 0 {
                    panic!("a bad row");
                }
            }
        });
        for _ in 0..200 {
            if seen.load(Ordering::SeqCst) >= 2 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the task was not started again after its panic");
    }
}
