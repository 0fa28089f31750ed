//! The agency's surveys: create, launch (with confirmation), close, and live
//! response rates (SURV-1, SURV-3). Leaders see the list and their rates.

use chrono::{TimeZone, Utc};
use leptos::prelude::*;
use tillit_api::endpoints;
use tillit_api::{
    CreateSurvey, HiddenReason, Language, Page, QuestionnaireSummary, QuestionnaireVersion,
    RateRow, ResponseRates, Role, Survey, SurveyId, SurveyState,
};

use crate::client::use_session;
use crate::components::{load, load_picked, require_login, show, write, write_error, Confirm};
use crate::i18n::{t, Lang, K};

fn state_key(s: SurveyState) -> K {
    match s {
        SurveyState::Draft => K::StateDraft,
        SurveyState::Open => K::StateOpen,
        SurveyState::Closed => K::StateClosed,
        SurveyState::Reported => K::StateReported,
    }
}

fn module_name(v: &QuestionnaireVersion, key: &str, l: Lang) -> String {
    v.content
        .modules
        .get(key)
        .map(|m| match l {
            Lang::Nb => m.nb.clone(),
            Lang::Nn => m.nn.clone(),
            Lang::En => m.en.clone(),
        })
        .unwrap_or_else(|| key.to_string())
}

#[component]
pub fn Surveys() -> impl IntoView {
    let logged_in = require_login();
    let session = use_session();
    let is_admin = move || {
        session
            .me
            .get()
            .is_some_and(|m| m.role == Role::ControllerAdmin)
    };
    let list = load(|| endpoints::SURVEYS.call().query("per_page", 50));
    let reload = move || list.refetch();
    let rates_for = RwSignal::new(None::<SurveyId>);
    let rates = load_picked(move || {
        rates_for
            .get()
            .map(|id| endpoints::RESPONSE_RATES.to(&[id.as_str()]))
    });
    let confirm = RwSignal::new(None::<(SurveyId, &'static str)>);
    // Launching and closing: both answer with the survey as it is now.
    let acting = write(move |_: &Survey| reload());
    let act = move |id: SurveyId, action: &'static str| {
        confirm.set(None);
        let endpoint = if action == "launch" {
            endpoints::LAUNCH_SURVEY
        } else {
            endpoints::CLOSE_SURVEY
        };
        acting.dispatch((endpoint.to(&[id.as_str()]), ()));
    };
    let show_rates = move |id: SurveyId| {
        rates_for.set(Some(id));
        crate::components::focus_when_ready("rates-heading");
    };

    view! {
        <Show when=logged_in>
            <h1>{t(K::Surveys)}</h1>
            {show(list, move |p: Page<Survey>| {
                if p.items.is_empty() {
                    return view! { <p>{t(K::NoneYet)}</p> }.into_any();
                }
                view! {
                    <ul class="cards">
                        {p.items.into_iter().map(|s| {
                            let (id1, id2, id3) = (s.id.clone(), s.id.clone(), s.id.clone());
                            view! {
                                <li class="card">
                                    <h2 class="card-title">{s.title.clone()}</h2>
                                    <dl class="facts">
                                        <div><dt>{t(K::State)}</dt><dd>{t(state_key(s.state))}</dd></div>
                                        <div><dt>{t(K::Closes)}</dt><dd>{crate::dates::day(&s.closes_at)}</dd></div>
                                        <div><dt>{t(K::Invited)}</dt><dd>{s.invitations}</dd></div>
                                    </dl>
                                    <div class="actions">
                                        {(s.state == SurveyState::Draft && is_admin()).then(|| view! {
                                            <button type="button" class="primary" on:click=move |_| confirm.set(Some((id1.clone(), "launch")))>{t(K::Launch)}</button>
                                        })}
                                        {(s.state == SurveyState::Open && is_admin()).then(|| view! {
                                            <button type="button" on:click=move |_| confirm.set(Some((id2.clone(), "close")))>{t(K::CloseNow)}</button>
                                        })}
                                        {(s.state != SurveyState::Draft).then(|| view! {
                                            <button type="button" on:click=move |_| show_rates(id3.clone())>{t(K::ShowRates)}</button>
                                        })}
                                        // The reports are their own app: a full page load.
                                        {(s.state == SurveyState::Reported).then(|| view! {
                                            <a class="button" href=format!("/reports/{}", s.id) rel="external">{t(K::SeeReport)}</a>
                                        })}
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
            {move || confirm.get().map(|(id, action)| view! {
                <Confirm
                    text=if action == "launch" { K::ConfirmLaunch } else { K::ConfirmClose }
                    on_yes=move || act(id.clone(), action)
                    on_no=move || confirm.set(None)
                />
            })}
            {write_error(acting)}
            {show(rates, move |r: Option<ResponseRates>| r.map(|r| view! { <Rates r=r/> }))}
            <Show when=is_admin>
                <NewSurvey on_created=move || reload()/>
            </Show>
        </Show>
    }
}

#[component]
fn NewSurvey(on_created: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let versions = load(|| endpoints::QUESTIONNAIRES.call());
    // The newest published version, in full: its modules are the choices.
    let version = load_picked(move || {
        let list: Vec<QuestionnaireSummary> = versions.get()?.ok()?;
        let newest = list.first()?;
        Some(endpoints::QUESTIONNAIRE.to(&[newest.id.as_str()]))
    });
    let today = Utc::now().date_naive();
    let title = RwSignal::new(String::new());
    let opens = RwSignal::new(crate::dates::iso_day(&today));
    let closes = RwSignal::new(crate::dates::iso_day(&(today + chrono::Duration::days(21))));
    let reminders = RwSignal::new("7, 14".to_string());
    let modules = RwSignal::new(Vec::<String>::new());
    let langs = RwSignal::new(vec![Language::Nb, Language::Nn, Language::En]);
    let create = write(move |_| {
        title.set(String::new());
        on_created();
    });
    let busy = create.pending();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(Ok(Some(v))) = version.get_untracked() else {
            return;
        };
        let day = |s: String, end: bool| {
            crate::dates::parse_iso_day(&s).map(|d| {
                let time = if end {
                    d.and_hms_opt(23, 59, 0)
                } else {
                    d.and_hms_opt(0, 0, 0)
                };
                Utc.from_utc_datetime(&time.unwrap_or_default())
            })
        };
        let (Some(o), Some(c)) = (
            day(opens.get_untracked(), false),
            day(closes.get_untracked(), true),
        ) else {
            return;
        };
        let body = CreateSurvey {
            title: title.get_untracked(),
            questionnaire_version_id: v.summary.id.clone(),
            modules: modules.get_untracked(),
            languages: langs.get_untracked(),
            opens_at: o,
            closes_at: c,
            reminder_days: reminders
                .get_untracked()
                .split(',')
                .filter_map(|d| d.trim().parse().ok())
                .collect(),
        };
        create.dispatch((endpoints::CREATE_SURVEY.call(), body));
    };
    view! {
        <h2>{t(K::NewSurvey)}</h2>
        <form class="card" on:submit=submit>
            <label for="sv-title">{t(K::SurveyTitle)}</label>
            <input id="sv-title" required prop:value=title on:input=move |ev| title.set(event_target_value(&ev))/>
            <label for="sv-opens">{t(K::Opens)}</label>
            <input id="sv-opens" type="date" required prop:value=opens on:input=move |ev| opens.set(event_target_value(&ev))/>
            <label for="sv-closes">{t(K::Closes)}</label>
            <input id="sv-closes" type="date" required prop:value=closes on:input=move |ev| closes.set(event_target_value(&ev))/>
            <label for="sv-rem">{t(K::ReminderDays)}</label>
            <input id="sv-rem" inputmode="numeric" prop:value=reminders on:input=move |ev| reminders.set(event_target_value(&ev))/>
            <fieldset>
                <legend>{t(K::Modules)}</legend>
                {move || version.get().and_then(|r| r.ok()).flatten().map(|v| {
                    let optional: Vec<String> = v.content.modules.iter().filter(|(_, m)| m.optional).map(|(k, _)| k.clone()).collect();
                    optional.into_iter().map(|key| {
                        let (k1, k2) = (key.clone(), key.clone());
                        let name = module_name(&v, &key, lang.get());
                        view! {
                            <div class="check">
                                <input type="checkbox" id=format!("mod-{key}")
                                    prop:checked=move || modules.get().contains(&k1)
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        modules.update(|m| { m.retain(|x| x != &k2); if on { m.push(k2.clone()); } });
                                    }/>
                                <label for=format!("mod-{key}")>{name}</label>
                            </div>
                        }
                    }).collect_view()
                })}
            </fieldset>
            <fieldset>
                <legend>{t(K::Languages)}</legend>
                {[(Language::Nb, "Bokmål"), (Language::Nn, "Nynorsk"), (Language::En, "English")].into_iter().map(|(l, name)| view! {
                    <div class="check">
                        <input type="checkbox" id=format!("lang-{}", l.code())
                            prop:checked=move || langs.get().contains(&l)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                langs.update(|v| { v.retain(|x| *x != l); if on { v.push(l); } });
                            }/>
                        <label for=format!("lang-{}", l.code())>{name}</label>
                    </div>
                }).collect_view()}
            </fieldset>
            <button type="submit" disabled=move || busy.get()>{t(K::Create)}</button>
        </form>
        {write_error(create)}
    }
}

/// SURV-3: the rates of one survey, in the order of the unit tree. Hidden
/// groups are listed with the reason (REP-9) marked by one symbol and its
/// footnote; numbers as the reader writes them.
#[component]
fn Rates(r: ResponseRates) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let any_hidden = r.agency.iter().chain(&r.units).any(|u| u.hidden.is_some());
    let row = move |u: RateRow, total: bool| {
        let name = if total {
            t(K::WholeAgency)().to_string()
        } else {
            u.name.clone()
        };
        let hidden = u.hidden;
        view! {
            <tr class=if total { "total" } else if hidden.is_some() { "hidden-row" } else { "" }>
                <th scope="row" class=format!("depth-{}", u.depth.min(6))>{name}</th>
                {match hidden {
                    None => view! {
                        <td class="num">{move || u.invited.map(|n| crate::dates::number(n, lang.get()))}</td>
                        <td class="num">{move || u.answered.map(|n| crate::dates::number(n, lang.get()))}</td>
                        <td class="num">{move || u.rate.map(|x| crate::dates::percent(x, lang.get()))}</td>
                    }.into_any(),
                    Some(reason) => view! {
                        <td colspan="3" class="muted">
                            <span aria-hidden="true">"* "</span>
                            {t(match reason {
                                HiddenReason::TooFew => K::HiddenTooFew,
                                _ => K::HiddenProtects,
                            })}
                        </td>
                    }.into_any(),
                }}
            </tr>
        }
    };
    view! {
        <h2 id="rates-heading" tabindex="-1">{t(K::ResponseRates)}": "{r.title.clone()}</h2>
        <div class="table-wrap" tabindex="0" role="region" aria-labelledby="rates-heading"><table class="rates">
            <thead><tr>
                <th scope="col">{t(K::Unit)}</th>
                <th scope="col" class="num">{t(K::Invited)}</th>
                <th scope="col" class="num">{t(K::Answered)}</th>
                <th scope="col" class="num">{t(K::Rate)}</th>
            </tr></thead>
            <tbody>
                {r.agency.clone().map(|a| row(a, true))}
                {r.units.clone().into_iter().map(|u| row(u, false)).collect_view()}
            </tbody>
        </table></div>
        <p class="muted">{t(K::RatesGroups)}</p>
        {any_hidden.then(|| view! { <p class="muted footnote">"* "{t(K::RatesHidden)}</p> })}
    }
}
