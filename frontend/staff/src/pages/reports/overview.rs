//! One report's overview: every group the reader may see against every
//! index and topic (the heatmap), in the order of the unit tree or sorted
//! by any column, with the difference to the agency, other agencies or the
//! previous survey on request. The number is always written; colour only
//! repeats it.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use tillit_api::{endpoints, Figure, GroupKind, Heatmap, HeatmapRow, HiddenReason, ReportIndex};

use super::{decimal, delta, heat, title, Footnotes, Mark};
use crate::components::{load, require_login, show};
use crate::i18n::{t, Lang, K};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Versus {
    Nothing,
    Agency,
    Benchmark,
    Previous,
}

impl Versus {
    fn of(self, f: &Figure) -> Option<tillit_api::Delta> {
        match self {
            Versus::Nothing => None,
            Versus::Agency => f.vs_agency,
            Versus::Benchmark => f.vs_benchmark,
            Versus::Previous => f.vs_previous,
        }
    }
}

#[component]
pub fn Overview() -> impl IntoView {
    let logged_in = require_login();
    let params = use_params_map();
    let survey = move || params.read().get("survey").unwrap_or_default();
    let index = load(move || endpoints::REPORT.to(&[&survey()]));
    view! {
        <Show when=logged_in>
            <p class="no-print"><A href="/reports">{t(K::Reports)}</A></p>
            {show(index, move |r: ReportIndex| view! { <Head r=r/> })}
        </Show>
    }
}

#[component]
fn Head(r: ReportIndex) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let survey = r.survey_id.to_string();
    let heatmap = load({
        let survey = survey.clone();
        move || endpoints::REPORT_HEATMAP.to(&[&survey])
    });
    let versus = RwSignal::new(Versus::Nothing);
    let frozen = crate::dates::day(&r.frozen_at);
    let admin = r.groups.iter().any(|g| g.kind == GroupKind::Agency);
    let benchmark = r.benchmark_agencies;
    let has_previous = r.previous_survey_id.is_some();
    let r = StoredValue::new(r);
    view! {
        <h1 id="report-heading" tabindex="-1">{r.with_value(|r| r.title.clone())}</h1>
        <p class="lead">{move || crate::i18n::frozen_on(lang.get(), frozen.clone())}". "{t(K::ReportsIntro)}</p>
        {benchmark.map(|n| view! { <p>{move || crate::i18n::benchmark_of(lang.get(), n)}</p> })}
        <Show when=move || admin>
            <p><A href=format!("/reports/{survey}/summary")>{t(K::SummaryTitle)}</A></p>
        </Show>
        <h2 id="heatmap-heading">{t(K::Heatmap)}</h2>
        <p class="muted">{t(K::HeatmapIntro)}</p>
        <div class="toolbar">
            <div>
                <label for="versus">{t(K::CompareWith)}</label>
                <select id="versus" on:change=move |ev| versus.set(match event_target_value(&ev).as_str() {
                    "agency" => Versus::Agency,
                    "benchmark" => Versus::Benchmark,
                    "previous" => Versus::Previous,
                    _ => Versus::Nothing,
                })>
                    <option value="">{t(K::CompareNone)}</option>
                    <option value="agency">{t(K::CompareAgency)}</option>
                    {benchmark.is_some().then(|| view! { <option value="benchmark">{t(K::CompareBenchmark)}</option> })}
                    {has_previous.then(|| view! { <option value="previous">{t(K::ComparePrevious)}</option> })}
                </select>
            </div>
        </div>
        {show(heatmap, move |h: Heatmap| view! { <Table h=h r=r versus=versus/> })}
    }
}

/// The heatmap. Headers are buttons that sort (again: the other way);
/// `aria-sort` tells screen readers which column orders the rows.
#[component]
fn Table(h: Heatmap, r: StoredValue<ReportIndex>, versus: RwSignal<Versus>) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    // None: the unit tree's order. Some((column, descending)).
    let sort = RwSignal::new(None::<(usize, bool)>);
    let columns = h.columns.clone();
    let rows = StoredValue::new(h.rows);
    let reasons: Vec<HiddenReason> = rows.with_value(|rows| {
        rows.iter()
            .flat_map(|r| r.figures.iter().filter_map(|f| f.mean_hidden))
            .collect()
    });
    let ordered = move || {
        let mut list: Vec<HeatmapRow> = rows.get_value();
        if let Some((col, desc)) = sort.get() {
            list.sort_by(|a, b| {
                let key = |r: &HeatmapRow| r.figures.get(col).and_then(|f| f.mean);
                // Hidden figures last, whichever way.
                match (key(a), key(b)) {
                    (Some(x), Some(y)) if desc => y.total_cmp(&x),
                    (Some(x), Some(y)) => x.total_cmp(&y),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    _ => std::cmp::Ordering::Equal,
                }
            });
        }
        list
    };
    let survey = r.with_value(|r| r.survey_id.to_string());
    let header = columns
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let m = m.clone();
            let name = move || r.with_value(|r| title(&r.questionnaire, &m, lang.get()));
            let aria = move || match sort.get() {
                Some((c, true)) if c == i => "descending",
                Some((c, false)) if c == i => "ascending",
                _ => "none",
            };
            view! {
                <th scope="col" aria-sort=aria>
                    <button type="button" on:click=move |_| sort.update(|s| {
                        *s = match *s {
                            Some((c, desc)) if c == i => Some((i, !desc)),
                            _ => Some((i, true)),
                        }
                    })>{name}</button>
                </th>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-labelledby="heatmap-heading">
            <table class="heatmap">
                <thead><tr>
                    <th scope="col" aria-sort=move || if sort.get().is_none() { "other" } else { "none" }>
                        <button type="button" on:click=move |_| sort.set(None)>{t(K::Group)}</button>
                    </th>
                    <th scope="col" class="num">{t(K::Responses)}</th>
                    {header}
                </tr></thead>
                <tbody>
                    {move || ordered().into_iter().map(|row| {
                        let g = row.group.clone();
                        let depth = if sort.get().is_some() { 0 } else { g.depth.min(6) + u32::from(g.kind == GroupKind::Unit) };
                        let name = match g.kind {
                            GroupKind::Agency => t(K::WholeAgency)().to_string(),
                            _ => g.name.clone(),
                        };
                        let href = format!("/reports/{}/{}", survey, g.key);
                        view! {
                            <tr class=if g.kind == GroupKind::Agency { "total" } else { "" }>
                                <th scope="row" class=format!("depth-{depth}")><A href=href>{name}</A></th>
                                <td class="num">{match (g.responses, g.hidden) {
                                    (Some(n), _) => view! { {move || crate::dates::number(n, lang.get())} }.into_any(),
                                    (None, Some(why)) => view! { <Mark why/> }.into_any(),
                                    _ => ().into_any(),
                                }}</td>
                                {row.figures.into_iter().map(|f| view! { <Cell f versus/> }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <Footnotes reasons/>
    }
}

#[component]
fn Cell(f: Figure, versus: RwSignal<Versus>) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    match (f.mean, f.mean_hidden) {
        (Some(m), _) => view! {
            <td class=heat(m)>
                {move || decimal(m, lang.get())}
                {move || versus.get().of(&f).map(|d| view! {
                    <span class="delta">{delta(&d, lang.get())}
                        {d.meaningful.then(|| view! { <span class="sr-only">" ("{t(K::ClearDifference)}")"</span> })}
                    </span>
                })}
            </td>
        }
        .into_any(),
        (None, why) => view! { <td>{why.map(|why| view! { <Mark why/> })}</td> }.into_any(),
    }
}
