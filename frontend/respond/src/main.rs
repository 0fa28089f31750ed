//! The respondent app: what an employee downloads from a mail link. Three
//! pages chosen by the path (the backend serves this app's page for exactly
//! `tillit_api::RESPONDENT_PATHS`); the survey keeps its steps in the
//! browser's history itself, so there is no router.

mod respondent;
mod survey;
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
        provide_context(wording::RESPONDENT);
        let page = match path.trim_end_matches('/') {
            "/opt-out" => view! { <respondent::OptOut/> }.into_any(),
            "/withdraw" => view! { <respondent::Withdraw/> }.into_any(),
            _ => view! { <survey::Survey/> }.into_any(),
        };
        view! {
            <a class="skip" href="#main">{t(K::SkipToContent)}</a>
            <header class="top">
                // Respondents stay in their survey: the name is no way out to the staff login.
                <div class="brand"><span class="brand-name">{t(K::AppName)}</span></div>
                <div class="tools"><LangPicker/></div>
            </header>
            <main id="main" tabindex="-1">{page}</main>
        }
    });
}
