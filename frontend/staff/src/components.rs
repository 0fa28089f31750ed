//! Loading data into the staff pages through the session, plus the widgets
//! both apps share.

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use std::marker::PhantomData;
use std::rc::Rc;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::Serialize;
use tillit_api::endpoints::Call;
use tillit_ui::client::Body;
pub use tillit_ui::components::*;

use crate::client::{use_session, ApiError};

// Loads and writes keep the answer as text in one shape (`Text`) and
// parse it where it is read. Leptos' resources, actions and boundaries are
// then compiled once for the whole app instead of once per response type:
// with a copy per type the download was 45 KB (brotli) larger.
type Text = Result<Arc<str>, ApiError>;

fn parse<T: DeserializeOwned>(text: &Text) -> Result<T, ApiError> {
    tillit_ui::client::parse(text.as_ref().map_err(Clone::clone)?)
}

/// A page's data (see [`load`]).
pub struct Loaded<T> {
    raw: LocalResource<Text>,
    types: PhantomData<fn() -> T>,
}

impl<T> Clone for Loaded<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Loaded<T> {}

impl<T: DeserializeOwned> Loaded<T> {
    /// `None` until the first answer; then the data or the problem.
    pub fn get(&self) -> Option<Result<T, ApiError>> {
        self.raw.get().map(|t| parse(&t))
    }
    pub fn get_untracked(&self) -> Option<Result<T, ApiError>> {
        self.raw.get_untracked().map(|t| parse(&t))
    }
    pub fn refetch(&self) {
        self.raw.refetch()
    }
}

/// A page's data: fetched through the session when the page opens, and
/// again whenever a signal that `call` reads changes (a search, a page
/// number) or on `.refetch()`. An older answer never replaces a newer one.
pub fn load<T>(call: impl Fn() -> Call<(), T> + 'static) -> Loaded<T> {
    Loaded {
        raw: fetch_raw(move || {
            let c = call();
            Some((c.method.as_str(), c.path))
        }),
        types: PhantomData,
    }
}

/// Like [`load`], for data that is there only once something is picked:
/// while `call` gives `None` nothing is asked, and the data is `None`.
pub fn load_picked<T>(call: impl Fn() -> Option<Call<(), T>> + 'static) -> Loaded<Option<T>> {
    Loaded {
        raw: fetch_raw(move || call().map(|c| (c.method.as_str(), c.path))),
        types: PhantomData,
    }
}

// Boxed on purpose: a resource built from each page's own closure would
// compile Leptos' resource machinery once per call site (14 copies, about
// 2 KB each); through one boxed closure it is compiled once.
type Target = Box<dyn Fn() -> Option<(&'static str, String)>>;

fn fetch_raw(call: impl Fn() -> Option<(&'static str, String)> + 'static) -> LocalResource<Text> {
    fetch_boxed(Box::new(call))
}

fn fetch_boxed(call: Target) -> LocalResource<Text> {
    let session = use_session();
    LocalResource::new(
        move || -> std::pin::Pin<Box<dyn std::future::Future<Output = Text>>> {
            match call() {
                Some((method, path)) => {
                    let answer = session.text(method, path, Body::Empty);
                    Box::pin(async move { answer.await.map(Arc::from) })
                }
                None => Box::pin(async { Ok(Arc::from("null")) }),
            }
        },
    )
}

/// A write the page runs on demand (see [`write`]).
pub struct Write<Req, Res> {
    action: Action<Sent, Text>,
    types: PhantomData<fn(Req) -> Res>,
}

impl<Req, Res> Clone for Write<Req, Res> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Req, Res> Copy for Write<Req, Res> {}

impl<Req: Serialize, Res: DeserializeOwned> Write<Req, Res> {
    pub fn dispatch(&self, (call, body): (Call<Req, Res>, Req)) {
        // A `()` body is sent as none.
        let json = serde_json::to_string(&body).ok().filter(|j| j != "null");
        self.action
            .dispatch((call.method.as_str(), call.path, json));
    }
    /// True while it runs.
    pub fn pending(&self) -> Memo<bool> {
        self.action.pending()
    }
    /// The problem, if the last one failed.
    pub fn error(&self) -> Option<ApiError> {
        self.action.value().get().and_then(Result::err)
    }
}

/// A write the page runs on demand: `.dispatch((call, body))`; `.pending()`
/// while it runs, `.error()` if it failed. `on_ok` runs on success (reload
/// a list, move on).
pub fn write<Req, Res>(on_ok: impl Fn(&Res) + 'static) -> Write<Req, Res>
where
    Res: DeserializeOwned + 'static,
{
    // Read once here: an answer that is not the type counts as failed, and
    // `error` needs no second reading.
    let after: After = Rc::new(move |text: &Text| {
        let answer = parse::<Res>(text)?;
        on_ok(&answer);
        Ok(())
    });
    Write {
        action: write_action(after),
        types: PhantomData,
    }
}

/// What a write does with its answer: parse it, run the page's `on_ok`.
type After = Rc<dyn Fn(&Text) -> Result<(), ApiError>>;
type Sent = (&'static str, String, Option<String>);

// One action type for every write, as with `fetch_boxed`.
fn write_action(after: After) -> Action<Sent, Text> {
    let session = use_session();
    Action::new_local(move |(method, path, json): &Sent| {
        let body = match json {
            Some(j) => Body::Json(j.clone()),
            None => Body::Empty,
        };
        let answer = session.text(method, path.clone(), body);
        let after = after.clone();
        async move {
            let text: Text = answer.await.map(Arc::from);
            after(&text)?;
            text
        }
    })
}

/// The problem of the last failed write, if the last one failed.
pub fn write_error<Req, Res>(w: Write<Req, Res>) -> impl IntoView
where
    Req: Serialize + 'static,
    Res: DeserializeOwned + 'static,
{
    move || w.error().map(|error| view! { <ErrorBox error/> })
}

/// Shows loaded data: progress the first time, the problem if it failed.
/// While it loads again the old view stays, so a list does not blink as
/// someone types a search.
pub fn show<T, V>(data: Loaded<T>, ok: impl Fn(T) -> V + Send + Sync + 'static) -> AnyView
where
    T: DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    shown(Box::new(move || {
        data.get().map(|r| r.map(|v| ok(v).into_any()))
    }))
}

type Shown = Box<dyn Fn() -> Option<Result<AnyView, ApiError>> + Send + Sync>;

fn shown(body: Shown) -> AnyView {
    view! {
        <Transition fallback=|| view! { <Loading/> }>
            <ErrorBoundary fallback=|errors| view! { <LoadErrors errors/> }>
                {move || body()}
            </ErrorBoundary>
        </Transition>
    }
    .into_any()
}

/// Why a load failed, in the reader's language.
#[component]
fn LoadErrors(errors: ArcRwSignal<Errors>) -> impl IntoView {
    move || {
        errors
            .get()
            .into_iter()
            .map(|(_, e)| {
                let error = e
                    .downcast_ref::<ApiError>()
                    .cloned()
                    .unwrap_or_else(ApiError::network);
                view! { <ErrorBox error/> }
            })
            .collect_view()
    }
}

/// Sends people who are not logged in to the login page, and back here
/// after they log in. Returns whether someone is logged in.
pub fn require_login() -> impl Fn() -> bool + Copy {
    let session = use_session();
    let location = use_location();
    Effect::new(move |_| {
        if session.ready.get() && session.me.get().is_none() {
            let here = location.pathname.get_untracked();
            open_login(
                session,
                Some(format!("{here}{}", location.search.get_untracked())),
            );
        }
    });
    move || session.me.get().is_some()
}

/// The login page (the entry app, `frontend/entry`: a full page load),
/// coming back to `next` afterwards; it says so when a session ran out.
pub fn open_login(session: crate::client::Session, next: Option<String>) {
    let mut url = String::from("/login");
    let mut sep = '?';
    if let Some(next) = next {
        url.push_str(&format!("?next={}", tillit_api::endpoints::encode(&next)));
        sep = '&';
    }
    if session.expired.get_untracked() {
        url.push(sep);
        url.push_str("expired=1");
    }
    if let Some(w) = web_sys::window() {
        let _ = w.location().assign(&url);
    }
}
