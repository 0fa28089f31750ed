//! Employees' pages beside the survey: stopping reminders (DSR-4) and
//! withdrawing research consent with the receipt code (RES-3). Both work
//! without a login and without telling the server who is asking.

use leptos::prelude::*;
use tillit_api::endpoints;
use tillit_api::{OptOut as OptOutBody, WithdrawConsent};

use tillit_ui::components::{ErrorBox, Sending};
use tillit_ui::i18n::{t, K};

/// `/opt-out#t=...`, the link in the text of an invitation mail. Asks first:
/// a link scanner that opens it changes nothing.
#[component]
pub fn OptOut() -> impl IntoView {
    let token = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .and_then(|h| h.strip_prefix("#t=").map(str::to_string))
        .unwrap_or_default();
    let sending = Sending::new();
    let Sending { busy, done, error } = sending;
    let confirm = move |_| {
        let body = OptOutBody {
            token: token.clone(),
        };
        sending.send(endpoints::OPT_OUT.call(), body, |()| ());
    };
    view! {
        <h1 id="step-heading" tabindex="-1">{t(K::OptOutTitle)}</h1>
        <Show when=move || !done.get() fallback=|| view! {
            <p class="card ok" role="status">{t(K::OptOutDone)}</p>
        }>
            <p>{t(K::OptOutIntro)}</p>
            <button type="button" class="primary" disabled=move || busy.get() on:click=confirm.clone()>
                {t(K::OptOutConfirm)}
            </button>
        </Show>
        {move || error.get().map(|e| {
            if e.status == 404 {
                view! { <p class="error" role="alert">{t(K::LinkUnknown)}</p> }.into_any()
            } else {
                view! { <ErrorBox error=e/> }.into_any()
            }
        })}
    }
}

/// `/withdraw`: the stable address the receipt names. The code alone
/// withdraws research consent for the one response it belongs to.
#[component]
pub fn Withdraw() -> impl IntoView {
    let code = RwSignal::new(String::new());
    let sending = Sending::new();
    let Sending { busy, done, error } = sending;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = WithdrawConsent {
            receipt: code.get_untracked().trim().to_ascii_uppercase(),
        };
        sending.send(endpoints::WITHDRAW_CONSENT.call(), body, |()| ());
    };
    view! {
        <h1 id="step-heading" tabindex="-1">{t(K::WithdrawTitle)}</h1>
        <p>{t(K::WithdrawIntro)}</p>
        <form class="card narrow" on:submit=submit>
            <label for="receipt-code">{t(K::ReceiptCode)}</label>
            <input id="receipt-code" autocomplete="off" autocapitalize="characters" spellcheck="false" required
                prop:value=code on:input=move |ev| code.set(event_target_value(&ev))/>
            <button type="submit" disabled=move || busy.get()>{t(K::WithdrawConsentButton)}</button>
        </form>
        <Show when=move || done.get()>
            <p class="card ok" role="status">{t(K::WithdrawDone)}</p>
        </Show>
        {move || error.get().map(|e| {
            if e.status == 404 {
                view! { <p class="error" role="alert">{t(K::ReceiptUnknown)}</p> }.into_any()
            } else {
                view! { <ErrorBox error=e/> }.into_any()
            }
        })}
    }
}
