//! The overview: what this person can do here, and what is not ready yet
//! (and when it will be).

use leptos::prelude::*;
use tillit_api::{endpoints, Page, Role, Survey, SurveyState};

use crate::client::use_session;
use crate::components::{load, require_login, show};
use crate::i18n::{t, K};

#[component]
pub fn Home() -> impl IntoView {
    let logged_in = require_login();
    let session = use_session();
    let role = move || session.me.get().map(|m| m.role);
    view! {
        <Show when=logged_in>
            <h1>{t(K::Home)}</h1>
            <p>{move || session.me.get().map(|m| m.name)}</p>
            {move || match role() {
                Some(Role::ControllerAdmin) => view! { <p>{t(K::WelcomeAgency)}</p> }.into_any(),
                Some(Role::ProcessorAdmin) => view! { <p>{t(K::WelcomeProcessor)}</p> }.into_any(),
                Some(Role::Leader) => view! { <LeaderHome/> }.into_any(),
                Some(Role::Researcher) => view! {
                    <section class="card">
                        <h2>{t(K::ResearchData)}</h2>
                        <p>{t(K::ResearcherNothingYet)}</p>
                    </section>
                }.into_any(),
                _ => view! { <p>{t(K::WelcomeOther)}</p> }.into_any(),
            }}
        </Show>
    }
}

/// A leader follows response rates while a survey runs; reports come when
/// it closes. Says which applies now, and by when.
#[component]
fn LeaderHome() -> impl IntoView {
    let lang = expect_context::<RwSignal<crate::i18n::Lang>>();
    let surveys = load(|| endpoints::SURVEYS.call().query("per_page", 5));
    view! {
        <p>{t(K::WelcomeLeader)}</p>
        {show(surveys, move |p: Page<Survey>| {
            let reported = p.items.iter().find(|s| s.state == SurveyState::Reported).cloned();
            let latest = p.items.into_iter().find(|s| s.state != SurveyState::Draft);
            let report = reported.map(|s| view! {
                <section class="card">
                    <h2>{s.title.clone()}</h2>
                    <p>{t(K::LeaderReported)}</p>
                    // The reports are their own app: a full page load.
                    <p><a href=format!("/reports/{}", s.id) rel="external">{t(K::SeeReport)}</a></p>
                </section>
            });
            let now = match latest {
                None => view! { <p class="card">{t(K::LeaderNoSurvey)}</p> }.into_any(),
                Some(s) if s.state == SurveyState::Open => view! {
                    <section class="card">
                        <h2>{s.title.clone()}</h2>
                        <p>{move || crate::i18n::leader_open(lang.get(), crate::dates::day(&s.closes_at))}</p>
                        <p><a href="/surveys">{t(K::SeeRates)}</a></p>
                    </section>
                }.into_any(),
                Some(s) if s.state == SurveyState::Closed => view! {
                    <section class="card">
                        <h2>{s.title.clone()}</h2>
                        <p>{t(K::LeaderClosed)}</p>
                    </section>
                }.into_any(),
                Some(_) => ().into_any(),
            };
            view! { {now}{report} }
        })}
    }
}
