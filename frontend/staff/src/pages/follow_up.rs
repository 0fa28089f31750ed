//! Follow-up actions (tiltak): every action the reader may see, overdue
//! first, with the admin's progress per unit; or, from a unit's report
//! (`?survey=..&unit=..`), that unit's actions and a form for a new one.
//! Status changes save at once.

use leptos::prelude::*;
use tillit_api::{
    endpoints, FollowUp, FollowUpFields, FollowUpProgress, FollowUpStatus, NewFollowUp, Page, Role,
    SurveyId, Topic, TopicFlag, UnitId,
};

use crate::client::use_session;
use crate::components::{load, load_picked, require_login, show, write, write_error, Pager};
use crate::i18n::{t, Lang, K};
use crate::pages::reports::{decimal, download};

const PER_PAGE: i64 = 20;

fn status_key(s: FollowUpStatus) -> K {
    match s {
        FollowUpStatus::Planned => K::StatusPlanned,
        FollowUpStatus::InProgress => K::StatusInProgress,
        FollowUpStatus::Done => K::StatusDone,
        FollowUpStatus::Cancelled => K::StatusCancelled,
    }
}

/// `/follow-up`: all of them, paged, with downloads and (admins) progress;
/// with `?survey=..&unit=..`, one unit's actions and the form.
#[component]
pub fn FollowUps() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let picked = move || {
        let q = query.read();
        Some((SurveyId(q.get("survey")?), UnitId(q.get("unit")?)))
    };
    view! {
        {move || match picked() {
            Some((survey, unit)) => view! { <ForUnit survey unit/> }.into_any(),
            None => view! { <All/> }.into_any(),
        }}
    }
}

/// One unit's actions from one survey, with the survey's topics to pick.
#[component]
fn ForUnit(survey: SurveyId, unit: UnitId) -> impl IntoView {
    let logged_in = require_login();
    let s = survey.to_string();
    let index = load(move || endpoints::REPORT.to(&[&s]));
    view! {
        <Show when=logged_in>
            <p><a href="/follow-up">{t(K::FollowUps)}</a></p>
            {
                let (survey, unit) = (survey.clone(), unit.clone());
                show(index, move |r: tillit_api::ReportIndex| {
                    let key = format!("u-{unit}");
                    let name = r.groups.iter().find(|g| g.key == key).map(|g| g.name.clone()).unwrap_or_default();
                    view! {
                        <h1>{t(K::FuForUnit)}": "{name}</h1>
                        <p class="lead">{t(K::FuSurvey)}": "{r.title.clone()}</p>
                        <UnitFollowUps survey=survey.clone() unit=unit.clone() topics=r.questionnaire.topics/>
                    }
                })
            }
        </Show>
    }
}

#[component]
fn All() -> impl IntoView {
    let logged_in = require_login();
    let session = use_session();
    let admin = move || {
        session
            .me
            .get()
            .is_some_and(|m| m.role == Role::ControllerAdmin)
    };
    let page = RwSignal::new(1i64);
    let data = load(move || {
        endpoints::FOLLOW_UPS
            .call()
            .query("page", page.get())
            .query("per_page", PER_PAGE)
    });
    let total = Signal::derive(move || data.get().and_then(|d| d.ok()).map_or(0, |p| p.total));
    let progress = load_picked(move || admin().then(|| endpoints::FOLLOW_UP_PROGRESS.call()));
    let lang = expect_context::<RwSignal<Lang>>();
    let failed = RwSignal::new(false);
    let csv = move |excel: bool| {
        let variant = if excel { "excel" } else { "rfc4180" };
        let path = format!(
            "{}?variant={variant}&lang={}",
            endpoints::FOLLOW_UPS_CSV.path,
            lang.get_untracked().code()
        );
        download(path, "follow-ups.csv".into(), excel, failed);
    };
    view! {
        <Show when=logged_in>
            <h1>{t(K::FollowUps)}</h1>
            <p class="lead">{t(K::FollowUpsIntro)}</p>
            <div class="toolbar">
                <button type="button" on:click=move |_| csv(false)>{t(K::DownloadCsv)}</button>
                <button type="button" on:click=move |_| csv(true)>{t(K::DownloadExcel)}</button>
            </div>
            <Show when=move || failed.get()>
                <p class="error" role="alert">{t(K::DownloadFailed)}</p>
            </Show>
            {show(progress, |p: Option<Vec<FollowUpProgress>>| p.filter(|p| !p.is_empty()).map(|p| view! { <Progress rows=p/> }))}
            <h2>{t(K::FollowUps)}</h2>
            {show(data, move |p: Page<FollowUp>| {
                if p.items.is_empty() {
                    return view! { <p>{t(K::FuNone)}</p> }.into_any();
                }
                view! {
                    <ul class="cards">
                        {p.items.into_iter().map(|f| view! { <Item f on_saved=move || data.refetch() with_unit=true/> }).collect_view()}
                    </ul>
                }.into_any()
            })}
            <Pager page=page total=total per_page=PER_PAGE/>
        </Show>
    }
}

#[component]
fn Progress(rows: Vec<FollowUpProgress>) -> impl IntoView {
    view! {
        <h2 id="progress-heading">{t(K::FuProgress)}</h2>
        <div class="table-wrap" tabindex="0" role="region" aria-labelledby="progress-heading">
            <table>
                <thead><tr>
                    <th scope="col">{t(K::Unit)}</th>
                    <th scope="col" class="num">{t(K::FuOverdue)}</th>
                    <th scope="col" class="num">{t(K::StatusPlanned)}</th>
                    <th scope="col" class="num">{t(K::StatusInProgress)}</th>
                    <th scope="col" class="num">{t(K::StatusDone)}</th>
                    <th scope="col" class="num">{t(K::StatusCancelled)}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let overdue_class = if r.overdue > 0 { "num warn" } else { "num" };
                        view! {
                        <tr>
                            <th scope="row">{r.unit_name}</th>
                            <td class=overdue_class>{r.overdue}</td>
                            <td class="num">{r.planned}</td>
                            <td class="num">{r.in_progress}</td>
                            <td class="num">{r.done}</td>
                            <td class="num">{r.cancelled}</td>
                        </tr>
                    }}).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// One action: what, who, by when, who took part; its status changes here.
#[component]
fn Item(
    f: FollowUp,
    on_saved: impl Fn() + Copy + Send + Sync + 'static,
    with_unit: bool,
) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let saving = write(move |_: &FollowUp| on_saved());
    let id = f.id.clone();
    let fields = StoredValue::new(f.fields.clone());
    let change = move |ev: leptos::ev::Event| {
        let Some(status) = FollowUpStatus::parse(&event_target_value(&ev)) else {
            return;
        };
        let mut body: FollowUpFields = fields.get_value();
        body.status = status;
        saving.dispatch((endpoints::UPDATE_FOLLOW_UP.to(&[id.as_str()]), body));
    };
    let select_id = format!("st-{}", f.id);
    let took_part: Vec<K> = [
        (f.fields.with_safety_rep, K::FuSafetyRep),
        (f.fields.with_union_reps, K::FuUnionReps),
        (f.fields.with_employees, K::FuEmployees),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, k)| k)
    .collect();
    let topic = f.topic_title.clone();
    view! {
        <li class="card">
            <h3 class="card-title">{f.fields.title.clone()}</h3>
            {f.overdue.then(|| view! { <p class="warn">{t(K::FuOverdue)}</p> })}
            <dl class="facts">
                <div><dt>{t(K::Topic)}</dt><dd>{move || topic.get(lang.get()).to_string()}</dd></div>
                {with_unit.then(|| view! { <div><dt>{t(K::Unit)}</dt><dd>{f.unit_name.clone()}</dd></div> })}
                <div><dt>{t(K::FuOwner)}</dt><dd>{f.fields.owner.clone()}</dd></div>
                <div><dt>{t(K::FuDue)}</dt><dd>{crate::dates::day(&f.fields.due_on)}</dd></div>
            </dl>
            {(!f.fields.description.is_empty()).then(|| view! { <p>{f.fields.description.clone()}</p> })}
            {(!took_part.is_empty()).then(|| view! {
                <p>{t(K::FuTookPart)}": "{move || took_part.iter().map(|k| t(*k)()).collect::<Vec<_>>().join(", ")}</p>
            })}
            {f.fields.visible_to_employees.then(|| view! { <p class="muted">{t(K::FuVisible)}</p> })}
            {f.score_then.map(|s| view! { <p>{move || crate::i18n::fu_then(lang.get(), decimal(s, lang.get()))}</p> })}
            {f.score_next.map(|s| view! { <p><strong>{move || crate::i18n::fu_next(lang.get(), decimal(s, lang.get()))}</strong></p> })}
            <label for=select_id.clone()>{t(K::FuStatus)}</label>
            <select id=select_id on:change=change>
                {FollowUpStatus::ALL.into_iter().map(|s| view! {
                    <option value=s.as_str() selected=s == f.fields.status>{t(status_key(s))}</option>
                }).collect_view()}
            </select>
            {write_error(saving)}
        </li>
    }
}

/// On a unit's report: its actions from this survey, and a new one.
#[component]
pub fn UnitFollowUps(survey: SurveyId, unit: UnitId, topics: Vec<Topic>) -> impl IntoView {
    let (s, u) = (survey.to_string(), unit.to_string());
    let data = load(move || {
        endpoints::FOLLOW_UPS
            .call()
            .query("survey_id", &s)
            .query("unit_id", &u)
            .query("per_page", 200)
    });
    view! {
        <section>
            {show(data, move |p: Page<FollowUp>| {
                if p.items.is_empty() {
                    return view! { <p>{t(K::FuNone)}</p> }.into_any();
                }
                view! {
                    <ul class="cards">
                        {p.items.into_iter().map(|f| view! { <Item f on_saved=move || data.refetch() with_unit=false/> }).collect_view()}
                    </ul>
                }.into_any()
            })}
            <NewForm survey unit topics on_created=move || data.refetch()/>
        </section>
    }
}

#[component]
fn NewForm(
    survey: SurveyId,
    unit: UnitId,
    topics: Vec<Topic>,
    on_created: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let topics: Vec<Topic> = topics
        .into_iter()
        .filter(|t| !t.flags.contains(&TopicFlag::Health))
        .collect();
    let topic = RwSignal::new(topics.first().map(|t| t.key.clone()).unwrap_or_default());
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let owner = RwSignal::new(String::new());
    let today = chrono::Utc::now().date_naive();
    let due = RwSignal::new(crate::dates::iso_day(&(today + chrono::Duration::days(90))));
    let checks = [
        (RwSignal::new(false), K::FuSafetyRep, "fu-safety"),
        (RwSignal::new(false), K::FuUnionReps, "fu-union"),
        (RwSignal::new(false), K::FuEmployees, "fu-employees"),
        (RwSignal::new(false), K::FuVisible, "fu-visible"),
    ];
    let create = write(move |_: &FollowUp| {
        title.set(String::new());
        description.set(String::new());
        on_created();
    });
    let busy = create.pending();
    let ids = StoredValue::new((survey, unit));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(due_on) = crate::dates::parse_iso_day(&due.get_untracked()) else {
            return;
        };
        let (survey_id, unit_id) = ids.get_value();
        let body = NewFollowUp {
            survey_id,
            unit_id,
            fields: FollowUpFields {
                topic_key: topic.get_untracked(),
                title: title.get_untracked(),
                description: description.get_untracked(),
                owner: owner.get_untracked(),
                due_on,
                status: FollowUpStatus::Planned,
                with_safety_rep: checks[0].0.get_untracked(),
                with_union_reps: checks[1].0.get_untracked(),
                with_employees: checks[2].0.get_untracked(),
                visible_to_employees: checks[3].0.get_untracked(),
            },
        };
        create.dispatch((endpoints::CREATE_FOLLOW_UP.call(), body));
    };
    view! {
        <h3>{t(K::NewFollowUp)}</h3>
        <form class="card" on:submit=submit>
            <label for="fu-topic">{t(K::Topic)}</label>
            <select id="fu-topic" on:change=move |ev| topic.set(event_target_value(&ev))>
                {topics.into_iter().map(|tp| {
                    let key = tp.key.clone();
                    view! { <option value=key>{move || tp.title.get(lang.get()).to_string()}</option> }
                }).collect_view()}
            </select>
            <label for="fu-title">{t(K::FuTitle)}</label>
            <input id="fu-title" required minlength="2" maxlength="200" prop:value=title on:input=move |ev| title.set(event_target_value(&ev))/>
            <label for="fu-description">{t(K::FuDescription)}</label>
            <textarea id="fu-description" maxlength="4000" prop:value=description on:input=move |ev| description.set(event_target_value(&ev))></textarea>
            <label for="fu-owner">{t(K::FuOwner)}</label>
            <input id="fu-owner" required minlength="2" maxlength="200" autocomplete="name" prop:value=owner on:input=move |ev| owner.set(event_target_value(&ev))/>
            <label for="fu-due">{t(K::FuDue)}</label>
            <input id="fu-due" type="date" required prop:value=due on:input=move |ev| due.set(event_target_value(&ev))/>
            <fieldset>
                <legend>{t(K::FuTookPart)}</legend>
                {checks[..3].iter().map(|&(sig, key, id)| check(sig, key, id)).collect_view()}
            </fieldset>
            {check(checks[3].0, checks[3].1, checks[3].2)}
            <button type="submit" disabled=move || busy.get()>{t(K::Create)}</button>
        </form>
        {write_error(create)}
    }
}

fn check(sig: RwSignal<bool>, key: K, id: &'static str) -> impl IntoView {
    view! {
        <div class="check">
            <input type="checkbox" id=id prop:checked=sig on:change=move |ev| sig.set(event_target_checked(&ev))/>
            <label for=id>{t(key)}</label>
        </div>
    }
}
