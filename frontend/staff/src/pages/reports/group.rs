//! One group's report: its size and response rate, the notes it carries
//! (REP-9), strongest and weakest results, indices, protective and risk
//! factors as MUST groups them, each with its questions, and for the whole
//! agency the health associations (REP-7). The summary is the agency's
//! report without the detail, to print and share with everyone.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use tillit_api::{
    endpoints, Direction, Factor, Figure, GroupKind, GroupReport, HiddenReason, Questionnaire,
    ReportIndex, ReportNote, Topic, TopicFlag,
};

use super::charts::{Legend, StackedBar};
use super::{decimal, delta, heat, title, Footnotes, Mark};
use crate::components::{load, require_login, show};
use crate::i18n::{t, Lang, K};

#[component]
pub fn GroupPage() -> impl IntoView {
    page(false)
}

#[component]
pub fn Summary() -> impl IntoView {
    page(true)
}

fn page(summary: bool) -> impl IntoView {
    let logged_in = require_login();
    let params = use_params_map();
    let survey = move || params.read().get("survey").unwrap_or_default();
    let group = move || {
        if summary {
            "agency".to_string()
        } else {
            params.read().get("group").unwrap_or_default()
        }
    };
    let index = load(move || endpoints::REPORT.to(&[&survey()]));
    let report = load(move || endpoints::REPORT_GROUP.to(&[&survey(), &group()]));
    view! {
        <Show when=logged_in>
            <p class="no-print"><A href=move || format!("/reports/{}", survey())>{t(K::BackToOverview)}</A></p>
            {show(index, move |r: ReportIndex| {
                let q = StoredValue::new(r.questionnaire);
                let survey_title = r.title;
                let survey_id = r.survey_id.to_string();
                show(report, move |g: GroupReport| view! { <Body g q summary survey_title=survey_title.clone() survey_id=survey_id.clone()/> })
            })}
        </Show>
    }
}

fn figure<'a>(g: &'a GroupReport, measure: &str) -> Option<&'a Figure> {
    g.figures.iter().find(|f| f.measure == measure)
}

#[component]
fn Body(
    g: GroupReport,
    q: StoredValue<Questionnaire>,
    summary: bool,
    survey_title: String,
    survey_id: String,
) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let name = match g.group.kind {
        GroupKind::Agency => t(K::WholeAgency)().to_string(),
        _ => g.group.name.clone(),
    };
    let reasons: Vec<HiddenReason> = g
        .figures
        .iter()
        .flat_map(|f| f.mean_hidden.into_iter().chain(f.distribution_hidden))
        .chain(g.group.hidden)
        .collect();
    let topics: Vec<Topic> = q.with_value(|q| {
        q.topics
            .iter()
            .filter(|t| !t.flags.contains(&TopicFlag::Health))
            .filter(|t| figure(&g, &format!("t:{}", t.key)).is_some())
            .cloned()
            .collect()
    });
    let (risk, protective): (Vec<Topic>, Vec<Topic>) = topics
        .into_iter()
        .partition(|t| t.factor == Some(Factor::Risk));
    let failed = RwSignal::new(false);
    // Actions are recorded per unit.
    let follow_up = (!summary && g.group.kind == GroupKind::Unit)
        .then(|| g.group.unit_id.clone())
        .flatten()
        .map(|u| (tillit_api::SurveyId(survey_id.clone()), u));
    let ids = StoredValue::new((survey_id, g.group.key.clone()));
    let csv = move |excel: bool| {
        let (survey, key) = ids.get_value();
        let path = endpoints::REPORT_GROUP_CSV.to(&[&survey, &key]).path;
        let variant = if excel { "excel" } else { "rfc4180" };
        let path = format!(
            "{path}?variant={variant}&lang={}",
            lang.get_untracked().code()
        );
        super::download(path, format!("{}.csv", key), excel, failed);
    };
    let g = StoredValue::new(g);
    let (responses, rate) = g.with_value(|g| (g.group.responses, g.group.rate));
    view! {
        <h1 id="group-heading" tabindex="-1">{if summary { t(K::SummaryTitle)().to_string() } else { name }}</h1>
        <p class="lead">{survey_title}</p>
        {summary.then(|| view! { <p>{t(K::SummaryIntro)}</p> })}
        <dl class="facts">
            {responses.map(|n| view! { <div><dt>{t(K::Responses)}</dt><dd>{move || crate::dates::number(n, lang.get())}</dd></div> })}
            {rate.map(|x| view! { <div><dt>{t(K::Rate)}</dt><dd>{move || crate::dates::percent(x, lang.get())}</dd></div> })}
        </dl>
        <div class="toolbar no-print">
            <button type="button" on:click=|_| { if let Some(w) = web_sys::window() { let _ = w.print(); } }>{t(K::Print)}</button>
            <button type="button" on:click=move |_| csv(false)>{t(K::DownloadCsv)}</button>
            <button type="button" on:click=move |_| csv(true)>{t(K::DownloadExcel)}</button>
        </div>
        <Show when=move || failed.get()>
            <p class="error" role="alert">{t(K::DownloadFailed)}</p>
        </Show>
        {g.with_value(|g| g.group.hidden.is_some()).then(|| view! { <p class="card">{t(K::GroupHiddenText)}</p> })}
        <Notes notes=g.with_value(|g| g.notes.clone())/>
        <Extremes g q/>
        <Indices g q/>
        <Section heading=K::ProtectiveFactors intro=None topics=protective g q detail=!summary/>
        <Section heading=K::RiskFactors intro=Some(K::RiskIntro) topics=risk g q detail=!summary/>
        {(!summary).then(|| view! { <Health g q/> })}
        <Footnotes reasons/>
        // Actions are their own app: a full page load.
        {follow_up.map(|(survey, unit)| view! {
            <p class="no-print"><a class="button" rel="external"
                href=format!("/follow-up?survey={survey}&unit={unit}")>{t(K::FuForUnit)}</a></p>
        })}
    }
}

#[component]
fn Notes(notes: Vec<ReportNote>) -> impl IntoView {
    (!notes.is_empty()).then(|| {
        view! {
            <div class="notes">
                {notes.into_iter().map(|n| view! {
                    <p>{t(match n {
                        ReportNote::Leadership => K::NoteLeadership,
                        ReportNote::AgencyOnlyTopics => K::NoteAgencyOnly,
                    })}</p>
                }).collect_view()}
            </div>
        }
    })
}

/// The three highest and three lowest topic scores (only shown ones).
#[component]
fn Extremes(g: StoredValue<GroupReport>, q: StoredValue<Questionnaire>) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let mut scored: Vec<(String, f64)> = g.with_value(|g| {
        g.figures
            .iter()
            .filter(|f| f.measure.starts_with("t:"))
            .filter_map(|f| Some((f.measure.clone(), f.mean?)))
            .collect()
    });
    if scored.len() < 4 {
        return None;
    }
    scored.sort_by(|a, b| b.1.total_cmp(&a.1));
    let n = (scored.len() / 2).min(3);
    let top: Vec<(String, f64)> = scored[..n].to_vec();
    let bottom: Vec<(String, f64)> = scored[scored.len() - n..].iter().rev().cloned().collect();
    let list = move |items: Vec<(String, f64)>| {
        view! {
            <ul>
                {items.into_iter().map(|(m, s)| view! {
                    <li>{move || q.with_value(|q| title(q, &m, lang.get()))}": "<strong>{move || decimal(s, lang.get())}</strong></li>
                }).collect_view()}
            </ul>
        }
    };
    Some(view! {
        <div class="grid-2">
            <section class="card"><h2>{t(K::Strongest)}</h2>{list(top)}</section>
            <section class="card"><h2>{t(K::Weakest)}</h2>{list(bottom)}</section>
        </div>
    })
}

#[component]
fn Indices(g: StoredValue<GroupReport>, q: StoredValue<Questionnaire>) -> impl IntoView {
    let keys: Vec<String> =
        q.with_value(|q| q.indices.iter().map(|i| format!("i:{}", i.key)).collect());
    let present: Vec<String> = keys
        .into_iter()
        .filter(|k| g.with_value(|g| figure(g, k).is_some()))
        .collect();
    (!present.is_empty()).then(|| {
        view! {
            <section>
                <h2>{t(K::Indices)}</h2>
                {present.into_iter().map(|m| view! { <Score g q measure=m/> }).collect_view()}
            </section>
        }
    })
}

#[component]
fn Section(
    heading: K,
    intro: Option<K>,
    topics: Vec<Topic>,
    g: StoredValue<GroupReport>,
    q: StoredValue<Questionnaire>,
    detail: bool,
) -> impl IntoView {
    (!topics.is_empty()).then(|| {
        view! {
            <section>
                <h2>{t(heading)}</h2>
                {intro.map(|k| view! { <p class="muted">{t(k)}</p> })}
                {topics.into_iter().map(|topic| {
                    let m = format!("t:{}", topic.key);
                    view! {
                        <Score g q measure=m/>
                        {detail.then(|| view! { <Questions topic g q/> })}
                    }
                }).collect_view()}
            </section>
        }
    })
}

/// A topic's or index's score, its differences, and its bands as a bar.
#[component]
fn Score(
    g: StoredValue<GroupReport>,
    q: StoredValue<Questionnaire>,
    measure: String,
) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let f = g.with_value(|g| figure(g, &measure).cloned());
    let bench = g.with_value(|g| {
        g.benchmark
            .iter()
            .find(|b| b.measure == measure)
            .and_then(|b| b.mean)
    });
    let f = f?;
    let name = {
        let m = measure.clone();
        move || q.with_value(|q| title(q, &m, lang.get()))
    };
    let bands = move || {
        vec![
            t(K::BandLow)().to_string(),
            t(K::BandMiddle)().to_string(),
            t(K::BandHigh)().to_string(),
        ]
    };
    let id = format!("bar-{}", measure.replace(':', "-"));
    let diffs: Vec<(K, tillit_api::Delta)> = [
        (K::CompareAgency, f.vs_agency),
        (K::CompareBenchmark, f.vs_benchmark),
        (K::ComparePrevious, f.vs_previous),
    ]
    .into_iter()
    .filter_map(|(k, d)| Some((k, d?)))
    .collect();
    Some(view! {
        <div class="factor">
            <h3>{name}</h3>
            {match (f.mean, f.mean_hidden) {
                (Some(m), _) => view! {
                    <p><span class=format!("score {}", heat(m))>{move || decimal(m, lang.get())}</span>
                        " "<span class="muted">{t(K::Score)}" (0–100) · n = "{f.n}</span></p>
                }.into_any(),
                (None, why) => view! { <p>{why.map(|why| view! { <Mark why/> })}</p> }.into_any(),
            }}
            {(!diffs.is_empty()).then(|| view! {
                <p class="muted">{t(K::Difference)}": "
                    {diffs.into_iter().map(|(k, d)| {
                        // The benchmark's own score beside the difference to it.
                        let of = (k == K::CompareBenchmark).then_some(bench).flatten();
                        view! {
                            <span>{t(k)}" "{move || delta(&d, lang.get())}
                                {d.meaningful.then(|| view! { <span class="sr-only">" ("{t(K::ClearDifference)}")"</span> })}
                                {of.map(|b| view! { " ("{move || decimal(b, lang.get())}")" })}
                                "; "</span>
                        }
                    }).collect_view()}
                </p>
            })}
            {match (f.distribution.clone(), f.distribution_hidden) {
                (Some(d), _) => view! {
                    {move || view! { <StackedBar counts=d.clone() labels=bands() good_high=true id=id.clone()/> }}
                    {move || view! { <Legend labels=bands() good_high=true/> }}
                }.into_any(),
                (None, Some(why)) if f.mean.is_some() => view! { <p class="muted">{t(K::Distribution)}": "<Mark why/></p> }.into_any(),
                _ => ().into_any(),
            }}
        </div>
    })
}

/// A topic's questions, one block each (question, n and mean, the
/// distribution as a bar with its percentages): readable on a phone. The
/// same figures follow as one data table per topic.
#[component]
fn Questions(
    topic: Topic,
    g: StoredValue<GroupReport>,
    q: StoredValue<Questionnaire>,
) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let labels_of = move |scale: &str| -> Vec<String> {
        q.with_value(|q| {
            q.scales
                .get(scale)
                .map(|s| s.labels.get(lang.get()).to_vec())
                .unwrap_or_default()
        })
    };
    let items: Vec<(tillit_api::Question, Figure)> = topic
        .questions
        .iter()
        .filter_map(|x| {
            let f = g.with_value(|g| figure(g, &format!("q:{}", x.key)).cloned())?;
            Some((x.clone(), f))
        })
        .collect();
    if items.is_empty() {
        return None;
    }
    let heading = topic.title.clone();
    let caption = topic.title;
    let table_items = items.clone();
    Some(view! {
        <details class="questions">
            <summary>{t(K::Questions)}": "{move || heading.get(lang.get()).to_string()}</summary>
            <p class="muted">{t(K::ScaleNote)}" "{t(K::NotRelevantLeftOut)}</p>
            {items.into_iter().map(|(x, f)| {
                let good_high = x.direction != Some(Direction::HigherIsWorse);
                let id = format!("bar-q-{}", x.key);
                let labels = labels_of(&x.scale);
                view! {
                    <div class="question">
                        <p class="q-text">{move || x.text.get(lang.get()).to_string()}</p>
                        <p>
                            {t(K::Mean)}": "
                            {match (f.mean, f.mean_hidden) {
                                (Some(m), _) => view! { <strong>{move || decimal(m, lang.get())}</strong> }.into_any(),
                                (None, why) => view! { {why.map(|why| view! { <Mark why/> })} }.into_any(),
                            }}
                            {f.n.map(|n| view! { <span class="muted">" · n = "{n}</span> })}
                        </p>
                        {match (f.distribution.clone(), f.distribution_hidden) {
                            (Some(d), _) => view! {
                                <StackedBar counts=d labels=labels.clone() good_high id/>
                                <Legend labels good_high/>
                                {f.unanimous.then(|| view! { <p class="muted">{t(K::NoteUnanimous)}</p> })}
                            }.into_any(),
                            (None, Some(why)) if f.mean.is_some() => view! { <p class="muted">{t(K::Distribution)}": "<Mark why/></p> }.into_any(),
                            _ => ().into_any(),
                        }}
                    </div>
                }
            }).collect_view()}
            <DataTable items=table_items caption labels_of/>
        </details>
    })
}

/// Every question's answers in per cent, one column per step of its
/// scale: the bars' figures as a table.
#[component]
fn DataTable(
    items: Vec<(tillit_api::Question, Figure)>,
    caption: tillit_api::Texts,
    labels_of: impl Fn(&str) -> Vec<String> + Copy + 'static,
) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let shown: Vec<(tillit_api::Question, Vec<i64>)> = items
        .into_iter()
        .filter_map(|(x, f)| Some((x, f.distribution?)))
        .collect();
    let scale = shown.first().map(|(x, _)| x.scale.clone())?;
    // One table per scale: its steps are the columns.
    let same: Vec<(tillit_api::Question, Vec<i64>)> = shown
        .into_iter()
        .filter(|(x, _)| x.scale == scale)
        .collect();
    let heads = labels_of(&scale);
    Some(view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=move || caption.get(lang.get()).to_string()>
            <table class="data">
                <caption>{t(K::Distribution)}" (%)"</caption>
                <thead><tr>
                    <th scope="col">{t(K::Questions)}</th>
                    {heads.into_iter().map(|h| view! { <th scope="col" class="num">{h}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {same.into_iter().map(|(x, d)| {
                        let total: i64 = d.iter().sum();
                        view! {
                            <tr>
                                <th scope="row">{move || x.text.get(lang.get()).to_string()}</th>
                                {d.into_iter().map(|c| {
                                    let p = if total > 0 { c as f64 * 100.0 / total as f64 } else { 0.0 };
                                    view! { <td class="num">{move || decimal(p, lang.get())}</td> }
                                }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    })
}

/// REP-7: the agency's health associations, one row per topic.
#[component]
fn Health(g: StoredValue<GroupReport>, q: StoredValue<Questionnaire>) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let rows: Vec<(String, Vec<Figure>)> = g.with_value(|g| {
        let mut out: Vec<(String, Vec<Figure>)> = Vec::new();
        for f in g.figures.iter().filter(|f| f.measure.starts_with("h:")) {
            let topic = f.measure.split(':').nth(1).unwrap_or_default().to_string();
            match out.last_mut() {
                Some((t, list)) if *t == topic => list.push(f.clone()),
                _ => out.push((topic, vec![f.clone()])),
            }
        }
        out
    });
    (!rows.is_empty()).then(|| {
        view! {
            <section>
                <h2 id="health-heading">{t(K::HealthTitle)}</h2>
                <p class="muted">{t(K::HealthIntro)}</p>
                <div class="table-wrap" tabindex="0" role="region" aria-labelledby="health-heading">
                <table>
                    <thead><tr>
                        <th scope="col">{t(K::Topic)}</th>
                        <th scope="col" class="num">{t(K::BandLow)}</th>
                        <th scope="col" class="num">{t(K::BandMiddle)}</th>
                        <th scope="col" class="num">{t(K::BandHigh)}</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|(topic, cells)| {
                            let m = format!("t:{topic}");
                            view! {
                                <tr>
                                    <th scope="row">{move || q.with_value(|q| title(q, &m, lang.get()))}</th>
                                    {cells.into_iter().map(|c| view! {
                                        <td class="num">{match (c.mean, c.mean_hidden) {
                                            (Some(x), _) => view! { {move || decimal(x, lang.get())}<span class="muted">" (n = "{c.n}")"</span> }.into_any(),
                                            (None, why) => view! { {why.map(|why| view! { <Mark why/> })} }.into_any(),
                                        }}</td>
                                    }).collect_view()}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
            </section>
        }
    })
}
