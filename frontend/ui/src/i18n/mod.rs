//! Bokmål, Nynorsk and English, from the locale files in
//! `frontend/locales/` (see `build.rs`): a missing translation fails the
//! build.

use leptos::prelude::*;

pub mod errors;

/// The product's one language type, the API's.
pub use tillit_api::Language as Lang;

const STORAGE_KEY: &str = "tillit.lang";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The language the person chose before, kept across visits.
pub fn saved_lang() -> Lang {
    storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|c| Lang::parse(&c))
        .unwrap_or(Lang::Nb)
}

/// True until the person picks a language themselves.
pub fn saved_lang_is_default() -> bool {
    storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .is_none()
}

/// The person chose `lang`: shown now, and remembered for their next visit.
pub fn set_lang(sig: RwSignal<Lang>, lang: Lang) {
    if let Some(s) = storage() {
        let _ = s.set_item(STORAGE_KEY, lang.code());
    }
    apply_lang(sig, lang);
}

/// Shows `lang` without remembering it as the person's choice (a default,
/// or an invitation's language).
pub fn apply_lang(sig: RwSignal<Lang>, lang: Lang) {
    sig.set(lang);
    // Screen readers pick their voice from the page's language.
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = el.set_attribute("lang", lang.code());
    }
}

// `K`, `tr` and one function per message with values, generated from
// `frontend/locales/*.toml` by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/texts.rs"));

/// The current language's text for `key`, reactively.
pub fn t(key: K) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let lang = expect_context::<RwSignal<Lang>>();
    move || tr(lang.get(), key)
}
