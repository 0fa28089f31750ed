use leptos::prelude::*;
use tillit_api::Role;

use crate::app::require_login;
use crate::client;
use crate::i18n::{t, K};

#[component]
pub fn Home() -> impl IntoView {
    let logged_in = require_login();
    let session = client::session();
    view! {
        <Show when=logged_in>
            <h1>{t(K::Home)}</h1>
            <p>{move || session.me.get().map(|m| m.name)}</p>
            <p>
                {move || match session.me.get().map(|m| m.role) {
                    Some(Role::ControllerAdmin) => t(K::WelcomeAgency)(),
                    Some(Role::ProcessorAdmin) => t(K::WelcomeProcessor)(),
                    _ => t(K::WelcomeOther)(),
                }}
            </p>
        </Show>
    }
}
