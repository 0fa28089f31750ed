//! What answers when no handler does: problem documents under `/api`, the
//! SPA everywhere else. Plus the request log line, which names method, path
//! and status only: no query strings (searches hold emails) and no headers.

use std::path::{Component, Path, PathBuf};
use std::time::Instant;

use actix_files::NamedFile;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::error::AppError;
use crate::state::AppState;

pub async fn log_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let start = Instant::now();
    let method = req.method().to_string();
    let path = req.path().to_string();
    let res = next.call(req).await?;
    tracing::info!(
        %method,
        %path,
        status = res.status().as_u16(),
        ms = start.elapsed().as_millis() as u64,
        "request"
    );
    Ok(res)
}

fn template_matches(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.trim_end_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(a, b)| (a.starts_with('{') && !b.is_empty()) || a == b)
}

pub async fn fallback(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let path = req.path();
    if path == "/api" || path.starts_with("/api/") {
        let allow: Vec<String> = state
            .routes
            .iter()
            .filter(|(t, _)| template_matches(t, path))
            .flat_map(|(_, m)| m.clone())
            .collect();
        return Err(if allow.is_empty() {
            AppError::NotFound
        } else {
            AppError::MethodNotAllowed { allow }
        });
    }
    if req.method() != actix_web::http::Method::GET && req.method() != actix_web::http::Method::HEAD
    {
        return Err(AppError::MethodNotAllowed {
            allow: vec!["GET".into(), "HEAD".into()],
        });
    }
    let dir = &state.config.static_dir;
    if let Some(name) = path.strip_prefix("/assets/") {
        return Ok(crate::assets::serve(&req, &state.assets, dir.join("assets"), name).await);
    }
    let file = safe_join(dir, path).filter(|p| p.is_file());
    // Deep links (/employees) are the agency's staff app's own routes; the
    // institute's pages, employees' pages and the way in have their own apps.
    let trimmed = path.trim_end_matches('/');
    let page = if tillit_api::RESPONDENT_PATHS.contains(&trimmed) {
        "respond.html"
    } else if tillit_api::ENTRY_PATHS.contains(&trimmed) {
        "entry.html"
    } else if tillit_api::INSTITUTE_PATHS.contains(&trimmed) {
        "institute.html"
    } else if tillit_api::is_reports_path(trimmed) {
        "reports.html"
    } else if tillit_api::is_follow_up_path(trimmed) {
        "followup.html"
    } else {
        "index.html"
    };
    let target = file.unwrap_or_else(|| dir.join(page));
    match NamedFile::open_async(&target).await {
        Ok(f) => {
            let is_page = target.extension().is_some_and(|e| e == "html");
            let mut res = f.use_etag(true).into_response(&req);
            if is_page {
                // The page names this build's assets: always ask first.
                res.headers_mut().insert(
                    actix_web::http::header::CACHE_CONTROL,
                    actix_web::http::header::HeaderValue::from_static("no-cache"),
                );
            }
            Ok(res)
        }
        Err(_) => Ok(HttpResponse::ServiceUnavailable()
            .content_type("text/plain; charset=utf-8")
            .body("The web app has not been built. Run scripts/start, which builds it.")),
    }
}

/// `dir` + the request path, refusing anything that would leave `dir`.
fn safe_join(dir: &Path, path: &str) -> Option<PathBuf> {
    let rel = Path::new(path.trim_start_matches('/'));
    if rel.components().all(|c| matches!(c, Component::Normal(_))) {
        Some(dir.join(rel))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_by_segment() {
        assert!(template_matches("/api/units/{unit_id}", "/api/units/abc"));
        assert!(!template_matches("/api/units/{unit_id}", "/api/units"));
        assert!(!template_matches("/api/units", "/api/unit"));
    }

    #[test]
    fn static_paths_cannot_escape() {
        assert!(safe_join(Path::new("/srv"), "/../etc/passwd").is_none());
        assert_eq!(
            safe_join(Path::new("/srv"), "/app.js"),
            Some(PathBuf::from("/srv/app.js"))
        );
    }
}
