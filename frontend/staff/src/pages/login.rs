use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use tillit_api::{endpoints, AcceptInvitationRequest, LoginRequest, TokenResponse};

use crate::client::use_session;
use crate::components::{write, write_error};
use crate::i18n::{t, K};

/// Where to go after logging in: the page the person was on, if it is one
/// of ours (a relative path), else the overview.
pub fn next_page(raw: Option<String>) -> String {
    raw.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/login"))
        .unwrap_or_else(|| "/".into())
}

#[component]
pub fn Login() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let next = next_page(query.with_untracked(|q| q.get("next")));
    let expired = session.expired.get_untracked();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let navigate = use_navigate();
    let login = write(move |tok: &TokenResponse| {
        session.set(tok.clone());
        navigate(&next, Default::default());
    });
    let busy = login.pending();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = LoginRequest {
            email: email.get_untracked(),
            password: password.get_untracked(),
        };
        login.dispatch((endpoints::LOGIN.call(), body));
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
        {write_error(login)}
        <p><a href="/forgot-password">{t(K::ForgotPassword)}</a></p>
    }
}

/// The one-time link an invited admin or leader opens: `/invitation#token=...`.
#[component]
pub fn Invitation() -> impl IntoView {
    view! {
        <h1>{t(K::SetPassword)}</h1>
        <p>{t(K::InvitationIntro)}</p>
        {crate::pages::account::password_from_link(
            endpoints::ACCEPT_INVITATION,
            |token, password| AcceptInvitationRequest { token, password },
            || view! { <p class="error" role="alert">{t(K::InvitationInvalid)}</p> }.into_any(),
        )}
        <p class="muted">{t(K::NoLink)}</p>
    }
}
