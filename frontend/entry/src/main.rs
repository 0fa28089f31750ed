//! The way in for staff: `/login`, `/forgot-password`, and the pages a
//! mailed link opens (`/invitation`, `/reset-password`). No router and no
//! staff pages: the login page is the first thing an admin or leader
//! loads, often on a phone. Once logged in, the browser loads the staff app
//! (`frontend/staff`), which takes the session over through the refresh
//! cookie the login set.

mod pages;
mod wording;

use leptos::prelude::*;
use tillit_ui::components::LangPicker;
use tillit_ui::i18n::{self, t, K};

fn main() {
    // No panic hook here (unlike the staff app): its readable message costs
    // every download 0.7 KB, and nobody reads a phone's console. A panic
    // still stops the app and shows as "unreachable" there.
    tillit_ui::remove_boot_notice();
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    leptos::mount::mount_to_body(move || {
        let lang = RwSignal::new(i18n::saved_lang());
        i18n::apply_lang(lang, lang.get_untracked());
        provide_context(lang);
        provide_context(wording::ENTRY);
        let page = match path.trim_end_matches('/') {
            "/invitation" => view! { <pages::Invitation/> }.into_any(),
            "/forgot-password" => view! { <pages::ForgotPassword/> }.into_any(),
            "/reset-password" => view! { <pages::ResetPassword/> }.into_any(),
            _ => view! { <pages::Login/> }.into_any(),
        };
        view! {
            <a class="skip" href="#main">{t(K::SkipToContent)}</a>
            <header class="top">
                <div class="brand"><a href="/login">{t(K::AppName)}</a></div>
                <div class="tools"><LangPicker/></div>
            </header>
            <main id="main" tabindex="-1">{page}</main>
        }
    });
}
