//! The web apps' files under `/assets/`: named by their content's hash at
//! build time (`scripts/lib.sh`), so a name never changes meaning and
//! browsers may keep them for a year. Brotli and gzip copies are made at
//! build time too; this sends the best one the browser accepts, as it is,
//! instead of compressing the same megabyte on every request.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use actix_web::http::header::{self, AcceptEncoding, Encoding, Header as _, HeaderValue};
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};
use parking_lot::RwLock;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

struct Asset {
    content_type: &'static str,
    plain: Bytes,
    br: Option<Bytes>,
    gz: Option<Bytes>,
}

/// The files read so far, kept in memory: a few hundred kilobytes, and a
/// hashed name's content never changes.
#[derive(Default)]
pub struct Assets {
    cache: RwLock<HashMap<String, Arc<Asset>>>,
}

fn content_type(name: &str) -> Option<&'static str> {
    match name.rsplit_once('.')?.1 {
        // `instantiateStreaming` insists on this one.
        "wasm" => Some("application/wasm"),
        "js" => Some("text/javascript; charset=utf-8"),
        "css" => Some("text/css; charset=utf-8"),
        _ => None,
    }
}

/// Only flat names of the kinds the build writes: nothing can climb out of
/// the folder, and a `.br` file is never served as itself.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        && content_type(name).is_some()
}

fn read(dir: &Path, name: &str) -> Option<Asset> {
    let file = |suffix: &str| std::fs::read(dir.join(format!("{name}{suffix}"))).ok();
    Some(Asset {
        content_type: content_type(name)?,
        plain: Bytes::from(file("")?),
        br: file(".br").map(Bytes::from),
        gz: file(".gz").map(Bytes::from),
    })
}

impl Assets {
    async fn get(&self, dir: PathBuf, name: &str) -> Option<Arc<Asset>> {
        if let Some(a) = self.cache.read().get(name) {
            return Some(a.clone());
        }
        let owned = name.to_string();
        let asset = Arc::new(web::block(move || read(&dir, &owned)).await.ok()??);
        self.cache.write().insert(name.to_string(), asset.clone());
        Some(asset)
    }
}

/// `GET /assets/{name}`: the file in the best encoding the browser takes;
/// 404 for anything else (never the app's page, which a browser would then
/// keep for a year as a script).
pub async fn serve(req: &HttpRequest, assets: &Assets, dir: PathBuf, name: &str) -> HttpResponse {
    if !valid_name(name) {
        return HttpResponse::NotFound().finish();
    }
    let Some(a) = assets.get(dir, name).await else {
        return HttpResponse::NotFound().finish();
    };
    let mut offered = Vec::with_capacity(3);
    if a.br.is_some() {
        offered.push(Encoding::brotli());
    }
    if a.gz.is_some() {
        offered.push(Encoding::gzip());
    }
    offered.push(Encoding::identity());
    let chosen = AcceptEncoding::parse(req)
        .ok()
        .and_then(|ae| ae.negotiate(offered.iter()))
        .unwrap_or_else(Encoding::identity);
    let (body, coding) = match (&a.br, &a.gz) {
        (Some(br), _) if chosen == Encoding::brotli() => (br.clone(), "br"),
        (_, Some(gz)) if chosen == Encoding::gzip() => (gz.clone(), "gzip"),
        _ => (a.plain.clone(), "identity"),
    };
    // The name is the content's hash; the coding tells the copies apart.
    let etag = format!("\"{name}.{coding}\"");
    let unchanged = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut res = if unchanged {
        HttpResponse::NotModified().finish()
    } else {
        HttpResponse::Ok().content_type(a.content_type).body(body)
    };
    let h = res.headers_mut();
    // Set even for "identity", so the Compress middleware leaves it alone.
    h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_flat_built_names_are_served() {
        assert!(valid_name("respond_bg-0123456789abcdef.wasm"));
        assert!(valid_name("style-0123456789abcdef.css"));
        assert!(!valid_name("../index.html"));
        assert!(!valid_name("a/b.js"));
        assert!(!valid_name(".hidden.js"));
        assert!(!valid_name("staff.js.br"));
        assert!(!valid_name("index.html"));
    }
}
