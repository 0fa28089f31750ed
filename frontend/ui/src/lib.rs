//! What the staff app and the respondent app share. Nothing here knows about
//! routes or the staff session, so the respondent's bundle stays small.

pub mod client;
pub mod components;
pub mod dates;
pub mod i18n;

/// The page's own "loading" notice shows until the app is here.
pub fn remove_boot_notice() {
    if let Some(boot) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        boot.remove();
    }
}

/// `s` in lower case, for matching a search ("øk" finds "Økonomi").
/// The browser's own case mapping: Rust's `to_lowercase` would add its
/// Unicode tables (about 10 KB) to the download.
pub fn lowercase(s: &str) -> String {
    String::from(js_sys::JsString::from(s).to_lower_case())
}
