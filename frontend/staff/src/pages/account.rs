//! A person's own account: who they are, changing the password. (A
//! forgotten password is reset in the entry app, `frontend/entry`.)

use leptos::prelude::*;
use tillit_api::endpoints;
use tillit_api::ChangePasswordRequest;

use crate::client::use_session;
use crate::components::{require_login, write, write_error, NewPassword};
use crate::i18n::{t, K};

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
