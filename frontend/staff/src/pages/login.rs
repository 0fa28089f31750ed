use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use tillit_api::{AcceptInvitationRequest, LoginRequest, TokenResponse};

use crate::client::{self, ApiError};
use crate::components::ErrorBox;
use crate::i18n::{t, K};

/// Where to go after logging in: the page the person was on, if it is one
/// of ours (a relative path), else the overview.
pub fn next_page(raw: Option<String>) -> String {
    raw.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/login"))
        .unwrap_or_else(|| "/".into())
}

#[component]
pub fn Login() -> impl IntoView {
    let session = client::session();
    let query = use_query_map();
    let next = next_page(query.with_untracked(|q| q.get("next")));
    let expired = session.expired.get_untracked();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let navigate = use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (navigate, next) = (navigate.clone(), next.clone());
        busy.set(true);
        error.set(None);
        let body = LoginRequest {
            email: email.get_untracked(),
            password: password.get_untracked(),
        };
        spawn_local(async move {
            match client::post::<_, TokenResponse>("/api/auth/login", &body).await {
                Ok(tok) => {
                    session.set(tok);
                    navigate(&next, Default::default());
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <h1>{t(K::Login)}</h1>
        {expired.then(|| view! { <p class="card warn-box" role="status">{t(K::SessionExpired)}</p> })}
        <p class="lead">{t(K::Tagline)}</p>
        <form class="card narrow" on:submit=submit>
            <label for="email">{t(K::Email)}</label>
            <input id="email" name="email" type="email" autocomplete="username" required
                prop:value=email on:input=move |ev| email.set(event_target_value(&ev))/>
            <label for="password">{t(K::Password)}</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required
                prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
            <button type="submit" disabled=move || busy.get()>
                {move || if busy.get() { t(K::LoggingIn)() } else { t(K::Login)() }}
            </button>
        </form>
        {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
        <p><a href="/forgot-password">{t(K::ForgotPassword)}</a></p>
    }
}

/// The one-time link an invited admin or leader opens: `/invitation#token=...`.
/// The token sits in the fragment, so it never reaches a server log.
#[component]
pub fn Invitation() -> impl IntoView {
    let session = client::session();
    let token = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .and_then(|h| h.strip_prefix("#token=").map(str::to_string))
        .unwrap_or_default();
    let password = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let mismatch = RwSignal::new(false);
    let navigate = use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if password.get_untracked() != repeat.get_untracked() {
            mismatch.set(true);
            return;
        }
        mismatch.set(false);
        let navigate = navigate.clone();
        let body = AcceptInvitationRequest {
            token: token.clone(),
            password: password.get_untracked(),
        };
        busy.set(true);
        spawn_local(async move {
            match client::post::<_, TokenResponse>("/api/auth/invitations/accept", &body).await {
                Ok(tok) => {
                    session.set(tok);
                    navigate("/", Default::default());
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <h1>{t(K::SetPassword)}</h1>
        <p>{t(K::InvitationIntro)}</p>
        <form class="card narrow" on:submit=submit>
            <crate::pages::account::NewPassword password=password repeat=repeat mismatch=mismatch/>
            <button type="submit" disabled=move || busy.get()>{t(K::SetPassword)}</button>
        </form>
        {move || error.get().map(|e| {
            if e.status == 404 {
                view! { <p class="error" role="alert">{t(K::InvitationInvalid)}</p> }.into_any()
            } else {
                view! { <ErrorBox error=e/> }.into_any()
            }
        })}
        <p class="muted">{t(K::NoLink)}</p>
    }
}
