//! The way in for staff: `/login`, `/forgot-password`, and the pages a
//! mailed link opens (`/invitation`, `/reset-password`). No router and no
//! staff pages: the login page is the first thing an admin or leader
//! loads, often on a phone. Once logged in, the browser loads the staff app
//! (`frontend/staff`), which takes the session over through the refresh
//! cookie the login set.

mod pages;
mod wording;

use leptos::prelude::*;

fn main() {
    // No panic hook, as in the respondent app (`frontend/respond`).
    tillit_ui::components::mount_small_app(wording::ENTRY, Some("/login"), |path| match path {
        "/invitation" => view! { <pages::Invitation/> }.into_any(),
        "/forgot-password" => view! { <pages::ForgotPassword/> }.into_any(),
        "/reset-password" => view! { <pages::ResetPassword/> }.into_any(),
        _ => view! { <pages::Login/> }.into_any(),
    });
}
