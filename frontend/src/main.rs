mod app;
mod client;
mod components;
mod dates;
mod i18n;
mod pages;

fn main() {
    console_error_panic_hook::set_once();
    // The page's own "loading" notice shows until the app is here.
    if let Some(boot) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        boot.remove();
    }
    leptos::mount::mount_to_body(app::App);
}
