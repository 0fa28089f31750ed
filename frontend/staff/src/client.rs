//! The staff app's way to the API: the session, provided as context by the
//! shell and handed to whatever sends a request, and the typed endpoints of
//! `tillit_api::endpoints`. The access token lives in memory only; the
//! refresh cookie (HttpOnly) is the browser's, sent by it to /api/auth/*
//! alone.

use futures_util::future::{FutureExt, LocalBoxFuture, Shared};
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use tillit_api::endpoints::{Call, REFRESH};
use tillit_api::{CsvUpload, Me, TokenResponse};
pub use tillit_ui::client::ApiError;
use tillit_ui::client::{parse, read, send_once, Body, Response};

type Refresh = Shared<LocalBoxFuture<'static, bool>>;

/// Who is logged in, and the token their requests carry.
#[derive(Clone, Copy)]
pub struct Session {
    pub token: RwSignal<Option<String>>,
    pub me: RwSignal<Option<Me>>,
    /// False until the first attempt to restore a session has finished.
    pub ready: RwSignal<bool>,
    /// Set when a session the person had ran out (not at a logout): the
    /// login page says so, and sends them back where they were.
    pub expired: RwSignal<bool>,
    /// The refresh in flight, shared by every request that needs it.
    refreshing: StoredValue<Option<Refresh>, LocalStorage>,
}

/// The session the shell provides.
pub fn use_session() -> Session {
    expect_context::<Session>()
}

impl Session {
    pub fn new() -> Session {
        Session {
            token: RwSignal::new(None),
            me: RwSignal::new(None),
            ready: RwSignal::new(false),
            expired: RwSignal::new(false),
            refreshing: StoredValue::new_local(None),
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

    /// Swaps the refresh cookie for a new access token; true when that
    /// worked. Requests that expire together share one refresh: several at
    /// once would each present the same cookie, and a cookie seen twice
    /// ends the session.
    pub async fn refresh(self) -> bool {
        let running = match self.refreshing.get_value() {
            Some(f) => f,
            None => {
                let f = refresh_now(self).boxed_local().shared();
                self.refreshing.set_value(Some(f.clone()));
                f
            }
        };
        let ok = running.clone().await;
        self.refreshing.update_value(|slot| {
            if slot.as_ref().is_some_and(|f| f.ptr_eq(&running)) {
                *slot = None;
            }
        });
        ok
    }

    /// A request without a body.
    pub async fn fetch<Res: DeserializeOwned>(self, call: Call<(), Res>) -> Result<Res, ApiError> {
        parse(
            &self
                .text(call.method.as_str(), call.path, Body::Empty)
                .await?,
        )
    }

    /// The body of a successful answer, or the problem. Not generic and
    /// boxed, so the whole request machinery exists once in the app, not
    /// once per type; callers parse where they read.
    pub fn text(
        self,
        method: &'static str,
        path: String,
        body: Body,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, ApiError>>>> {
        Box::pin(async move { read(send(self, method, &path, body).await?).await })
    }

    /// A CSV file as it is (the upload endpoints take `text/csv` too).
    pub async fn send_csv<Res: DeserializeOwned>(
        self,
        call: Call<CsvUpload, Res>,
        csv: String,
    ) -> Result<Res, ApiError> {
        parse(
            &self
                .text(call.method.as_str(), call.path, Body::Csv(csv))
                .await?,
        )
    }
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

async fn refresh_now(s: Session) -> bool {
    let call = REFRESH.call();
    match send_once(None, call.method.as_str(), &call.path, &Body::Empty).await {
        Ok(res) if res.status() == 200 => {
            match read(res).await.and_then(|t| parse::<TokenResponse>(&t)) {
                Ok(t) => {
                    s.set(t);
                    true
                }
                Err(_) => false,
            }
        }
        _ => false,
    }
}

async fn send(s: Session, method: &str, path: &str, body: Body) -> Result<Response, ApiError> {
    let sent_with = s.token.get_untracked();
    let res = send_once(sent_with.clone(), method, path, &body).await?;
    if res.status() == 401 && sent_with.is_some() {
        // Another request may have renewed the token meanwhile.
        let current = s.token.get_untracked();
        if current.is_some() && current != sent_with {
            return send_once(current, method, path, &body).await;
        }
        // The 15-minute token ran out: renew it once and retry.
        if s.refresh().await {
            return send_once(s.token.get_untracked(), method, path, &body).await;
        }
        if s.me.get_untracked().is_some() {
            s.expired.set(true);
        }
        s.clear();
    }
    Ok(res)
}
