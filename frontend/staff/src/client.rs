//! The staff app's client: the shared request core plus the session. The
//! access token lives in memory only; the refresh cookie (HttpOnly) is the
//! browser's, sent by it to /api/auth/* alone.

use std::cell::RefCell;

use futures_util::future::{FutureExt, LocalBoxFuture, Shared};
use gloo_net::http::Response;
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tillit_api::{Me, TokenResponse};
pub use tillit_ui::client::{enc, ApiError};
use tillit_ui::client::{parse, read, send_once, Body};

#[derive(Clone, Copy)]
pub struct Session {
    pub token: RwSignal<Option<String>>,
    pub me: RwSignal<Option<Me>>,
    /// False until the first attempt to restore a session has finished.
    pub ready: RwSignal<bool>,
    /// Set when a session the person had ran out (not at a logout): the
    /// login page says so, and sends them back where they were.
    pub expired: RwSignal<bool>,
}

impl Session {
    pub fn new() -> Session {
        Session {
            token: RwSignal::new(None),
            me: RwSignal::new(None),
            ready: RwSignal::new(false),
            expired: RwSignal::new(false),
        }
    }
    pub fn set(&self, t: TokenResponse) {
        self.token.set(Some(t.access_token));
        self.me.set(Some(t.me));
        self.expired.set(false);
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
    // The refresh in flight, shared by every request that needs it.
    static REFRESHING: RefCell<Option<Shared<LocalBoxFuture<'static, bool>>>> = const { RefCell::new(None) };
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

async fn refresh_now(s: Session) -> bool {
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

/// Swaps the refresh cookie for a new access token; true when that worked.
/// Requests that expire together share one refresh: several at once would
/// each present the same cookie, and a cookie seen twice ends the session.
pub async fn refresh(s: Session) -> bool {
    let running = REFRESHING.with(|r| {
        r.borrow_mut()
            .get_or_insert_with(|| refresh_now(s).boxed_local().shared())
            .clone()
    });
    let ok = running.clone().await;
    REFRESHING.with(|r| {
        let mut slot = r.borrow_mut();
        if slot.as_ref().is_some_and(|f| f.ptr_eq(&running)) {
            *slot = None;
        }
    });
    ok
}

async fn send(method: &str, path: &str, body: Body) -> Result<Response, ApiError> {
    let s = session();
    let sent_with = s.token.get_untracked();
    let res = send_once(sent_with.clone(), method, path, &body).await?;
    if res.status() == 401 && sent_with.is_some() {
        // Another request may have renewed the token meanwhile.
        let current = s.token.get_untracked();
        if current.is_some() && current != sent_with {
            return send_once(current, method, path, &body).await;
        }
        // The 15-minute token ran out: renew it once and retry.
        if refresh(s).await {
            return send_once(s.token.get_untracked(), method, path, &body).await;
        }
        if s.me.get_untracked().is_some() {
            s.expired.set(true);
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
    Box::pin(async move { read(send(method, &path, body).await?).await })
}

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    parse(&fetch_text("GET", path.to_string(), Body::Empty).await?)
}

pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    parse(&fetch_text("POST", path.to_string(), Body::json(body)?).await?)
}

/// A POST whose answer has no body (204, 202).
pub async fn post_unit<B: Serialize>(path: &str, body: &B) -> Result<(), ApiError> {
    fetch_text("POST", path.to_string(), Body::json(body)?)
        .await
        .map(|_| ())
}

pub async fn put<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    parse(&fetch_text("PUT", path.to_string(), Body::json(body)?).await?)
}

pub async fn delete(path: &str) -> Result<(), ApiError> {
    fetch_text("DELETE", path.to_string(), Body::Empty)
        .await
        .map(|_| ())
}

pub async fn post_csv<T: DeserializeOwned>(path: &str, csv: String) -> Result<T, ApiError> {
    parse(&fetch_text("POST", path.to_string(), Body::Csv(csv)).await?)
}

pub async fn post_empty(path: &str) -> Result<(), ApiError> {
    fetch_text("POST", path.to_string(), Body::Empty)
        .await
        .map(|_| ())
}
