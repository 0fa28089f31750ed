//! The four pages. Each sends one request; success hands over to the staff
//! app with a full page load (its session starts from the refresh cookie
//! the answer set).

use leptos::prelude::*;
use serde::Serialize;
use tillit_api::endpoints::{self, Endpoint};
use tillit_api::{
    AcceptInvitationRequest, CompletePasswordReset, LoginRequest, PasswordResetRequest,
    TokenResponse,
};
use tillit_ui::components::{ErrorBox, NewPassword, Sending};
use tillit_ui::i18n::{t, K};

/// Where to go after logging in: the page the person was on, if it is one
/// of ours (a relative path, not one of these pages), else the overview.
pub fn next_page(raw: Option<String>) -> String {
    raw.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/login"))
        .unwrap_or_else(|| "/".into())
}

fn query(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get(name)
}

/// On to a staff app.
fn open(path: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().assign(path);
    }
}

fn problem(error: RwSignal<Option<tillit_ui::client::ApiError>>) -> impl IntoView {
    move || error.get().map(|error| view! { <ErrorBox error/> })
}

#[component]
pub fn Login() -> impl IntoView {
    let next = next_page(query("next"));
    // The staff app sends people whose session ran out here with `expired`.
    let expired = query("expired").is_some();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let sending = Sending::new();
    let Sending { busy, error, .. } = sending;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = LoginRequest {
            email: email.get_untracked(),
            password: password.get_untracked(),
        };
        let next = next.clone();
        sending.send(endpoints::LOGIN.call(), body, move |_: TokenResponse| {
            open(&next)
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
        {problem(error)}
        <p><a href="/forgot-password">{t(K::ForgotPassword)}</a></p>
    }
}

/// The one-time link an invited admin or leader opens: `/invitation#token=...`.
#[component]
pub fn Invitation() -> impl IntoView {
    view! {
        <h1>{t(K::SetPassword)}</h1>
        <p>{t(K::InvitationIntro)}</p>
        {password_from_link(
            endpoints::ACCEPT_INVITATION,
            |token, password| AcceptInvitationRequest { token, password },
            || view! { <p class="error" role="alert">{t(K::InvitationInvalid)}</p> }.into_any(),
        )}
        <p class="muted">{t(K::NoLink)}</p>
    }
}

#[component]
pub fn ForgotPassword() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let sending = Sending::new();
    let Sending { busy, done, error } = sending;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = PasswordResetRequest {
            email: email.get_untracked(),
        };
        sending.send(endpoints::REQUEST_PASSWORD_RESET.call(), body, |()| ());
    };
    view! {
        <h1>{t(K::ForgotPassword)}</h1>
        <p>{t(K::ForgotIntro)}</p>
        <form class="card narrow" on:submit=submit>
            <label for="email">{t(K::Email)}</label>
            <input id="email" type="email" autocomplete="username" required
                prop:value=email on:input=move |ev| email.set(event_target_value(&ev))/>
            <button type="submit" disabled=move || busy.get()>{t(K::SendLink)}</button>
        </form>
        <Show when=move || done.get()>
            <p class="card ok" role="status">{t(K::ResetSent)}</p>
        </Show>
        {problem(error)}
        <p><a href="/login">{t(K::GoToLogin)}</a></p>
    }
}

/// The link from a reset mail: `/reset-password#token=...`.
#[component]
pub fn ResetPassword() -> impl IntoView {
    view! {
        <h1>{t(K::ChooseNewPassword)}</h1>
        {password_from_link(
            endpoints::COMPLETE_PASSWORD_RESET,
            |token, password| CompletePasswordReset { token, password },
            || view! {
                <div class="error" role="alert">
                    <p>{t(K::ResetInvalid)}</p>
                    <p><a href="/forgot-password">{t(K::SendNewLink)}</a></p>
                </div>
            }.into_any(),
        )}
    }
}

/// A new password chosen through a one-time link from a mail
/// (`#token=...`: the token sits in the fragment, so it never reaches a
/// server log). Success logs the person in and opens the overview; a used
/// or unknown link shows `invalid`.
fn password_from_link<Req>(
    endpoint: Endpoint<Req, TokenResponse>,
    body: fn(String, String) -> Req,
    invalid: fn() -> AnyView,
) -> impl IntoView
where
    Req: Serialize + 'static,
{
    let token = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .and_then(|h| h.strip_prefix("#token=").map(str::to_string))
        .unwrap_or_default();
    let password = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let mismatch = RwSignal::new(false);
    let sending = Sending::new();
    let Sending { busy, error, .. } = sending;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if password.get_untracked() != repeat.get_untracked() {
            mismatch.set(true);
            return;
        }
        mismatch.set(false);
        let req = body(token.clone(), password.get_untracked());
        sending.send(endpoint.call(), req, |_: TokenResponse| open("/"));
    };
    view! {
        <form class="card narrow" on:submit=submit>
            <NewPassword password=password repeat=repeat mismatch=mismatch/>
            <button type="submit" disabled=move || busy.get()>{t(K::SetPassword)}</button>
        </form>
        {move || error.get().map(|e| {
            if e.status == 404 {
                invalid()
            } else {
                view! { <ErrorBox error=e/> }.into_any()
            }
        })}
    }
}
