//! Starting the server: the routes, the spec collected from them, the
//! state everything shares, and the HTTP server with its middleware.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::{http::header, middleware, web, App, HttpServer};
use tillit_api::FieldCode;
use utoipa::OpenApi;
use utoipa_actix_web::{scope, AppExt};
use utoipa_swagger_ui::SwaggerUi;

use crate::error::AppError;
use crate::state::AppState;
use crate::{
    agencies, answering, audit, auth, background, config, db, fallback, follow_up, headers, health,
    organisation, questionnaire, reports, surveys, util,
};

/// Why the server could not start: told to the operator, not to a client.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("configuration: {0}")]
    Config(String),
    #[error("{what}: {cause}")]
    Io { what: String, cause: std::io::Error },
    #[error("database: {0}")]
    Database(String),
    #[error("{0}")]
    Other(String),
}

impl From<AppError> for StartupError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Internal(cause) | AppError::Unavailable(cause) => StartupError::Other(cause),
            other => StartupError::Other(other.to_string()),
        }
    }
}

impl From<r2d2::Error> for StartupError {
    fn from(e: r2d2::Error) -> Self {
        StartupError::Database(e.to_string())
    }
}

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
    reports::routes::configure(cfg);
    follow_up::routes::configure(cfg);
    answering::routes::configure(cfg);
}

/// The OpenAPI document, generated from the handlers.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, mut api) = App::new()
        .into_utoipa_app()
        .openapi(crate::openapi::ApiDoc::openapi())
        .service(scope::scope("/api").configure(api_config))
        .split_for_parts();
    api.info.version = env!("CARGO_PKG_VERSION").to_string();
    crate::openapi::refine::refine_api(api)
}

/// The same spec as OpenAPI 3.0.3, for generators that read only 3.0.
pub fn openapi_3_0() -> serde_json::Value {
    crate::openapi::v3_0::downgrade(&serde_json::to_value(openapi()).unwrap_or_default())
}

async fn openapi_3_0_json(spec: web::Data<serde_json::Value>) -> web::Json<serde_json::Value> {
    web::Json(spec.get_ref().clone())
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
pub fn prepare(config: config::Config) -> Result<AppState, StartupError> {
    std::fs::create_dir_all(&config.data_dir).map_err(|cause| StartupError::Io {
        what: format!(
            "cannot create the data folder {}",
            config.data_dir.display()
        ),
        cause,
    })?;
    util::make_private(&config.data_dir)?;
    let pool = db::connect(&config.database_url, config.db_pool_size)?;
    let read_inbox = {
        let mut conn = pool.get()?;
        questionnaire::store::ensure_default(&mut conn)?;
        audit::Inbox::open(&config.database_url, &mut conn)?.map(Arc::new)
    };
    let mut keys =
        auth::jwt::Keys::load_or_create(&config.signing_key_file, config.generate_signing_key)?;
    keys.access_ttl = config.access_ttl_secs;
    Ok(AppState {
        pool,
        read_inbox,
        keys,
        config,
        routes: Arc::new(route_table(&openapi())),
        questionnaires: Arc::default(),
        hasher: Arc::new(auth::password::Hasher::for_this_machine()),
        assets: Arc::default(),
    })
}

/// Serves the SPA at `/`, the API under `/api`, the spec and its docs page.
pub fn start(state: AppState, listener: TcpListener) -> Result<Server, StartupError> {
    let spec = openapi();
    let spec_3_0 = web::Data::new(crate::openapi::v3_0::downgrade(
        &serde_json::to_value(&spec).unwrap_or_default(),
    ));
    let state = web::Data::new(state);
    if state.config.ticker {
        background::spawn_ticker(state.clone());
        background::spawn_sealer(state.clone());
    }
    if state.config.mail_sender {
        background::spawn_mail_sender(state.clone())?;
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
            .service(
                SwaggerUi::new("/api/docs/{_:.*}")
                    .url("/api/openapi.json", spec.clone())
                    // The docs page calls no one outside this server.
                    .config(
                        utoipa_swagger_ui::Config::from("/api/openapi.json").validator_url("none"),
                    ),
            )
            .app_data(spec_3_0.clone())
            .route("/api/openapi-3.0.json", web::get().to(openapi_3_0_json))
            .into_utoipa_app()
            .service(scope::scope("/api").configure(api_config))
            .into_app()
            .default_service(web::to(fallback::fallback))
    })
    .listen(listener)
    .map_err(|cause| StartupError::Io {
        what: "cannot listen".into(),
        cause,
    })?
    .shutdown_timeout(10)
    .run();
    Ok(server)
}
