//! The two staff apps' shell: session restore, language, header with
//! navigation by role, and each app's routes.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;
use tillit_api::{endpoints, Role};

use crate::client::{use_session, Session};
use crate::components::LangPicker;
use crate::i18n::{self, t, K};
use crate::pages;

/// Which of the two staff apps this is. The agency's people (admins,
/// leaders) never download the institute's pages, nor the institute its
/// agencies' pages; links between the two are full page loads.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Agency,
    Institute,
    /// The agency's reports: a large part of their own, apart from the
    /// everyday pages.
    Reports,
    /// Follow-up actions after the reports.
    FollowUp,
}

impl Part {
    /// Whether `path` is one of this app's pages (the server sends the
    /// institute's app for `tillit_api::INSTITUTE_PATHS`, the reports' for
    /// `/reports...`).
    fn has(self, path: &str) -> bool {
        let part = if tillit_api::INSTITUTE_PATHS.contains(&path) {
            Part::Institute
        } else if tillit_api::is_reports_path(path) {
            Part::Reports
        } else if tillit_api::is_follow_up_path(path) {
            Part::FollowUp
        } else {
            Part::Agency
        };
        part == self
    }
}

/// The agency's app: overview, surveys, terms, units, employees, people,
/// import, the account.
#[component]
pub fn AgencyApp() -> impl IntoView {
    shell(Part::Agency, || {
        view! {
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("/") view=pages::home::Home/>
                <Route path=path!("/account") view=pages::account::Account/>
                <Route path=path!("/terms") view=pages::terms::AgencyTerms/>
                <Route path=path!("/units") view=pages::units::Units/>
                <Route path=path!("/employees") view=pages::employees::Employees/>
                <Route path=path!("/users") view=pages::users::Users/>
                <Route path=path!("/import") view=pages::import::Import/>
                <Route path=path!("/surveys") view=pages::surveys::Surveys/>
            </Routes>
        }
        .into_any()
    })
}

/// The institute's app (the processor): agencies, terms versions,
/// questionnaires.
#[component]
pub fn InstituteApp() -> impl IntoView {
    shell(Part::Institute, || {
        view! {
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("/agencies") view=pages::processor::Agencies/>
                <Route path=path!("/terms-versions") view=pages::processor::TermsVersions/>
                <Route path=path!("/questionnaires") view=pages::questionnaires::Questionnaires/>
            </Routes>
        }
        .into_any()
    })
}

/// The agency's reports (REP-*): the surveys' reports, each with its
/// overview of units and a page per group, and the shareable summary.
#[component]
pub fn ReportsApp() -> impl IntoView {
    shell(Part::Reports, || {
        view! {
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("/reports") view=pages::reports::ReportsHome/>
                <Route path=path!("/reports/:survey") view=pages::reports::overview::Overview/>
                <Route path=path!("/reports/:survey/summary") view=pages::reports::group::Summary/>
                <Route path=path!("/reports/:survey/:group") view=pages::reports::group::GroupPage/>
            </Routes>
        }
        .into_any()
    })
}

/// Follow-up actions (tiltak): the list, the admin's progress, and a
/// unit's actions with the form for a new one.
#[component]
pub fn FollowUpApp() -> impl IntoView {
    shell(Part::FollowUp, || {
        view! {
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("/follow-up") view=pages::follow_up::FollowUps/>
            </Routes>
        }
        .into_any()
    })
}

/// Session restore, language, the header with navigation by role, and
/// `routes` once the session is known.
fn shell(part: Part, routes: fn() -> AnyView) -> impl IntoView {
    let lang = RwSignal::new(i18n::saved_lang());
    i18n::apply_lang(lang, lang.get_untracked());
    provide_context(lang);
    provide_context(crate::components::Wording::ALL);
    provide_context(part);
    let session = Session::new();
    provide_context(session);
    // A reload keeps the person logged in through the refresh cookie.
    spawn_local(async move {
        session.refresh().await;
        session.ready.set(true);
    });
    // Staff who never chose a language get the one their account has.
    Effect::new(move |_| {
        if let Some(me) = session.me.get() {
            if i18n::saved_lang_is_default() {
                i18n::apply_lang(lang, me.language);
            }
        }
    });
    view! {
        <Router>
            <a class="skip" href="#main">{t(K::SkipToContent)}</a>
            <Header/>
            <main id="main" tabindex="-1">
                <Show when=move || session.ready.get() fallback=|| view! { <crate::components::Loading/> }>
                    {routes()}
                </Show>
            </main>
        </Router>
    }
}

/// A link within this app, or a full page load into the other one.
#[component]
fn Link(href: &'static str, children: Children) -> impl IntoView {
    if expect_context::<Part>().has(href) {
        view! { <A href=href>{children()}</A> }.into_any()
    } else {
        view! { <a href=href rel="external">{children()}</a> }.into_any()
    }
}

#[component]
fn NotFound() -> impl IntoView {
    let session = use_session();
    view! {
        <h1 id="step-heading" tabindex="-1">{t(K::NotFoundTitle)}</h1>
        <p>{t(K::NotFound)}</p>
        <p>
            {move || if session.me.get().is_some() {
                view! { <Link href="/">{t(K::GoHome)}</Link> }.into_any()
            } else {
                // The login page is the entry app's: a full page load.
                view! { <a href="/login" rel="external">{t(K::GoToLogin)}</a> }.into_any()
            }}
        </p>
    }
}

#[component]
fn Header() -> impl IntoView {
    let session = use_session();
    let role = move || session.me.get().map(|m| m.role);
    // Gone from this browser whatever the server says: the token is dropped.
    let logging_out = Action::new_local(move |_: &()| async move {
        let _ = session.fetch(endpoints::LOGOUT.call()).await;
        session.clear();
        crate::components::open_login(session, None);
    });
    let logout = move |_| {
        logging_out.dispatch(());
    };
    view! {
        <header class="top">
            <div class="brand">
                <Link href="/">{t(K::AppName)}</Link>
                <span class="agency">{move || session.me.get().and_then(|m| m.agency_name)}</span>
            </div>
            <div class="tools">
                <LangPicker/>
                <Show when=move || session.me.get().is_some()>
                    <button type="button" class="link" on:click=logout>{t(K::Logout)}</button>
                </Show>
            </div>
            <nav aria-label=t(K::MainMenu)>
                    <ul>
                        {move || {
                            let links: Vec<(&'static str, K)> = match role() {
                                Some(Role::ControllerAdmin) => vec![
                                    ("/", K::Home),
                                    ("/surveys", K::Surveys),
                                    ("/reports", K::Reports),
                                    ("/follow-up", K::FollowUps),
                                    ("/terms", K::Terms),
                                    ("/units", K::Units),
                                    ("/employees", K::Employees),
                                    ("/users", K::People),
                                    ("/import", K::Import),
                                    ("/account", K::Account),
                                ],
                                Some(Role::Leader) => vec![
                                    ("/", K::Home),
                                    ("/surveys", K::Surveys),
                                    ("/reports", K::Reports),
                                    ("/follow-up", K::FollowUps),
                                    ("/units", K::Units),
                                    ("/account", K::Account),
                                ],
                                Some(Role::ProcessorAdmin) => vec![
                                    ("/", K::Home),
                                    ("/agencies", K::Agencies),
                                    ("/terms-versions", K::TermsVersions),
                                    ("/questionnaires", K::Questionnaires),
                                    ("/account", K::Account),
                                ],
                                Some(_) => vec![("/", K::Home), ("/account", K::Account)],
                                None => vec![],
                            };
                            links
                                .into_iter()
                                .map(|(href, key)| view! { <li><Link href>{t(key)}</Link></li> })
                                .collect_view()
                        }}
                    </ul>
                </nav>
        </header>
    }
}
