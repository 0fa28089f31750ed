//! The agency's follow-up app (`followup.html`).

fn main() {
    console_error_panic_hook::set_once();
    tillit_ui::remove_boot_notice();
    leptos::mount::mount_to_body(tillit_staff::app::FollowUpApp);
}
