//! The staff app: agencies' admins and leaders, the institute. Employees
//! answering get the much smaller respondent app (`frontend/respond`).

mod app;
mod client;
mod components;
mod pages;

use tillit_ui::{dates, i18n};

fn main() {
    console_error_panic_hook::set_once();
    tillit_ui::remove_boot_notice();
    leptos::mount::mount_to_body(app::App);
}
