//! A person's own account: changing the password, and resetting a
//! forgotten one through a link sent by mail.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use serde::Serialize;
use tillit_api::endpoints::{self, Endpoint};
use tillit_api::{
    ChangePasswordRequest, CompletePasswordReset, PasswordResetRequest, TokenResponse,
};

use crate::client::use_session;
use crate::components::{require_login, write, write_error, ErrorBox};
use crate::i18n::{t, K};

/// A new password typed twice, with the policy explained; `mismatch` shows
/// when the two differ.
#[component]
pub fn NewPassword(
    password: RwSignal<String>,
    repeat: RwSignal<String>,
    mismatch: RwSignal<bool>,
) -> impl IntoView {
    view! {
        <label for="new-password">{t(K::NewPassword)}</label>
        <p class="hint" id="pw-hint">{t(K::PasswordHint)}</p>
        <input id="new-password" type="password" autocomplete="new-password" minlength="12" required
            aria-describedby="pw-hint"
            prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
        <label for="new-password2">{t(K::PasswordRepeat)}</label>
        <input id="new-password2" type="password" autocomplete="new-password" minlength="12" required
            prop:value=repeat on:input=move |ev| repeat.set(event_target_value(&ev))/>
        <Show when=move || mismatch.get()>
            <p class="error" role="alert">{t(K::PasswordsDiffer)}</p>
        </Show>
    }
}

#[component]
pub fn Account() -> impl IntoView {
    let logged_in = require_login();
    let session = use_session();
    let current = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let mismatch = RwSignal::new(false);
    let done = RwSignal::new(false);
    let change = write(move |_| {
        for s in [current, password, repeat] {
            s.set(String::new());
        }
        done.set(true);
    });
    let busy = change.pending();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(false);
        if password.get_untracked() != repeat.get_untracked() {
            mismatch.set(true);
            return;
        }
        mismatch.set(false);
        let body = ChangePasswordRequest {
            current_password: current.get_untracked(),
            new_password: password.get_untracked(),
        };
        change.dispatch((endpoints::CHANGE_PASSWORD.call(), body));
    };
    view! {
        <Show when=logged_in>
            <h1>{t(K::Account)}</h1>
            <dl class="facts">
                <div><dt>{t(K::Name)}</dt><dd>{move || session.me.get().map(|m| m.name)}</dd></div>
                <div><dt>{t(K::Email)}</dt><dd>{move || session.me.get().and_then(|m| m.email)}</dd></div>
            </dl>
            <h2>{t(K::ChangePassword)}</h2>
            <form class="card narrow" on:submit=submit>
                <label for="current-password">{t(K::CurrentPassword)}</label>
                <input id="current-password" type="password" autocomplete="current-password" required
                    prop:value=current on:input=move |ev| current.set(event_target_value(&ev))/>
                <NewPassword password=password repeat=repeat mismatch=mismatch/>
                <button type="submit" disabled=move || busy.get()>{t(K::ChangePassword)}</button>
            </form>
            <Show when=move || done.get()>
                <p class="card ok" role="status">{t(K::PasswordChanged)}</p>
            </Show>
            {write_error(change)}
        </Show>
    }
}

#[component]
pub fn ForgotPassword() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let sent = RwSignal::new(false);
    let request = write(move |_| sent.set(true));
    let busy = request.pending();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = PasswordResetRequest {
            email: email.get_untracked(),
        };
        request.dispatch((endpoints::REQUEST_PASSWORD_RESET.call(), body));
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
        <Show when=move || sent.get()>
            <p class="card ok" role="status">{t(K::ResetSent)}</p>
        </Show>
        {write_error(request)}
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
/// server log). Success logs the person in and goes to the overview; a
/// used or unknown link shows `invalid`.
pub fn password_from_link<Req>(
    endpoint: Endpoint<Req, TokenResponse>,
    body: fn(String, String) -> Req,
    invalid: fn() -> AnyView,
) -> impl IntoView
where
    Req: Serialize + 'static,
{
    let session = use_session();
    let token = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .and_then(|h| h.strip_prefix("#token=").map(str::to_string))
        .unwrap_or_default();
    let password = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let mismatch = RwSignal::new(false);
    let navigate = use_navigate();
    let set = write(move |tok: &TokenResponse| {
        session.set(tok.clone());
        navigate("/", Default::default());
    });
    let busy = set.pending();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if password.get_untracked() != repeat.get_untracked() {
            mismatch.set(true);
            return;
        }
        mismatch.set(false);
        set.dispatch((
            endpoint.call(),
            body(token.clone(), password.get_untracked()),
        ));
    };
    view! {
        <form class="card narrow" on:submit=submit>
            <NewPassword password=password repeat=repeat mismatch=mismatch/>
            <button type="submit" disabled=move || busy.get()>{t(K::SetPassword)}</button>
        </form>
        {move || set.error().map(|e| {
            if e.status == 404 {
                invalid()
            } else {
                view! { <ErrorBox error=e/> }.into_any()
            }
        })}
    }
}
