//! The respondent app: what an employee downloads from a mail link. Three
//! pages chosen by the path (the backend serves this app's page for exactly
//! `tillit_api::RESPONDENT_PATHS`); the survey keeps its steps in the
//! browser's history itself, so there is no router.

mod respondent;
mod survey;
mod wording;

use leptos::prelude::*;

fn main() {
    // No panic hook here (unlike the staff app): its readable message costs
    // every download 0.7 KB, and nobody reads a phone's console. A panic
    // still stops the app and shows as "unreachable" there.
    //
    // Respondents stay in their survey: the name is no way out to the staff login.
    tillit_ui::components::mount_small_app(wording::RESPONDENT, None, |path| match path {
        "/opt-out" => view! { <respondent::OptOut/> }.into_any(),
        "/withdraw" => view! { <respondent::Withdraw/> }.into_any(),
        _ => view! { <survey::Survey/> }.into_any(),
    });
}
