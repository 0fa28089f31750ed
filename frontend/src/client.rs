//! The typed API client: the same `tillit_api` types the server uses.
//! The access token lives in memory only; the refresh cookie (HttpOnly) is
//! the browser's, sent by it to /api/auth/* alone.

use gloo_net::http::{Request, RequestBuilder, Response};
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tillit_api::{Me, Problem, TokenResponse};

#[derive(Clone, Copy)]
pub struct Session {
    pub token: RwSignal<Option<String>>,
    pub me: RwSignal<Option<Me>>,
    /// False until the first attempt to restore a session has finished.
    pub ready: RwSignal<bool>,
}

impl Session {
    pub fn new() -> Session {
        Session {
            token: RwSignal::new(None),
            me: RwSignal::new(None),
            ready: RwSignal::new(false),
        }
    }
    pub fn set(&self, t: TokenResponse) {
        self.token.set(Some(t.access_token));
        self.me.set(Some(t.me));
    }
    pub fn clear(&self) {
        self.token.set(None);
        self.me.set(None);
    }
}

thread_local! {
    // Requests run in spawned futures, outside any reactive owner, so the
    // session cannot come from context there.
    static SESSION: std::cell::Cell<Option<Session>> = const { std::cell::Cell::new(None) };
}

pub fn install(s: Session) {
    SESSION.with(|c| c.set(Some(s)));
}

pub fn session() -> Session {
    SESSION.with(|c| c.get()).unwrap_or_else(|| {
        let s = Session::new();
        install(s);
        s
    })
}

#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub problem: Option<Problem>,
}

impl ApiError {
    fn network(e: impl std::fmt::Display) -> ApiError {
        ApiError {
            status: 0,
            problem: Some(Problem {
                kind: "network".into(),
                title: "No connection".into(),
                status: 0,
                detail: Some(format!("The server could not be reached ({e}).")),
                errors: vec![],
            }),
        }
    }
    /// A problem found before anything was sent, e.g. a file that is not JSON.
    pub fn local(field: &str, reason: String) -> ApiError {
        ApiError {
            status: 422,
            problem: Some(Problem {
                kind: "local".into(),
                title: reason.clone(),
                status: 422,
                detail: None,
                errors: vec![tillit_api::FieldError {
                    row: None,
                    field: field.into(),
                    code: "invalid".into(),
                    reason,
                }],
            }),
        }
    }
    /// One line for people: the problem's detail, else its title.
    pub fn message(&self) -> String {
        match &self.problem {
            Some(p) => match &p.detail {
                Some(d) if p.errors.is_empty() => format!("{}: {}", p.title, d),
                _ => p.title.clone(),
            },
            None => format!("HTTP {}", self.status),
        }
    }
}

enum Body {
    Empty,
    Json(String),
    Csv(String),
}

fn builder(method: &str, path: &str) -> RequestBuilder {
    match method {
        "POST" => Request::post(path),
        "PUT" => Request::put(path),
        "DELETE" => Request::delete(path),
        _ => Request::get(path),
    }
}

async fn send_once(
    token: Option<String>,
    method: &str,
    path: &str,
    body: &Body,
) -> Result<Response, ApiError> {
    let mut rb = builder(method, path);
    if let Some(t) = token {
        rb = rb.header("Authorization", &format!("Bearer {t}"));
    }
    let req = match body {
        Body::Empty => rb.build(),
        Body::Json(s) => rb
            .header("Content-Type", "application/json")
            .body(s.clone()),
        Body::Csv(s) => rb.header("Content-Type", "text/csv").body(s.clone()),
    }
    .map_err(ApiError::network)?;
    req.send().await.map_err(ApiError::network)
}

/// Swaps the refresh cookie for a new access token; true when that worked.
pub async fn refresh(s: Session) -> bool {
    match send_once(None, "POST", "/api/auth/refresh", &Body::Empty).await {
        Ok(res) if res.ok() => match res.json::<TokenResponse>().await {
            Ok(t) => {
                s.set(t);
                true
            }
            Err(_) => false,
        },
        _ => false,
    }
}

async fn send(method: &str, path: &str, body: Body) -> Result<Response, ApiError> {
    let s = session();
    let res = send_once(s.token.get_untracked(), method, path, &body).await?;
    if res.status() == 401 && s.token.get_untracked().is_some() {
        // The 15-minute token ran out: renew it once and retry.
        if refresh(s).await {
            return send_once(s.token.get_untracked(), method, path, &body).await;
        }
        s.clear();
    }
    Ok(res)
}

/// The body of a successful answer, or the problem. Not generic and boxed, so
/// the whole request machinery exists once in the app, not once per type.
fn fetch_text(
    method: &'static str,
    path: String,
    body: Body,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, ApiError>>>> {
    Box::pin(async move {
        let res = send(method, &path, body).await?;
        if res.ok() {
            res.text().await.map_err(ApiError::network)
        } else {
            let status = res.status();
            let problem = res.json::<Problem>().await.ok();
            Err(ApiError { status, problem })
        }
    })
}

fn parse<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(ApiError::network)
}

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    parse(&fetch_text("GET", path.to_string(), Body::Empty).await?)
}

pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    let json = serde_json::to_string(body).map_err(ApiError::network)?;
    parse(&fetch_text("POST", path.to_string(), Body::Json(json)).await?)
}

pub async fn put<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    let json = serde_json::to_string(body).map_err(ApiError::network)?;
    parse(&fetch_text("PUT", path.to_string(), Body::Json(json)).await?)
}

pub async fn post_csv<T: DeserializeOwned>(path: &str, csv: String) -> Result<T, ApiError> {
    parse(&fetch_text("POST", path.to_string(), Body::Csv(csv)).await?)
}

pub async fn post_empty(path: &str) -> Result<(), ApiError> {
    fetch_text("POST", path.to_string(), Body::Empty)
        .await
        .map(|_| ())
}

/// Encodes a query parameter value.
pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
