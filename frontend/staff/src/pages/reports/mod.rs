//! The reports of closed surveys (REP-*): a list of surveys, each report's
//! overview of units ([`overview`]), a page per group ([`group`]) and the
//! summary the agency can share. Every figure comes frozen from the
//! server; a hidden one is shown as ":" with its reason.

pub mod charts;
pub mod group;
pub mod overview;

use leptos::prelude::*;
use leptos_router::components::A;
use tillit_api::{endpoints, Delta, HiddenReason, Page, Questionnaire, Survey, SurveyState};

use crate::components::{load, require_login, show};
use crate::i18n::{t, Lang, K};

#[component]
pub fn ReportsHome() -> impl IntoView {
    let logged_in = require_login();
    let list = load(|| endpoints::SURVEYS.call().query("per_page", 50));
    view! {
        <Show when=logged_in>
            <h1>{t(K::Reports)}</h1>
            <p class="lead">{t(K::ReportsIntro)}</p>
            {show(list, move |p: Page<Survey>| {
                let shown: Vec<Survey> = p.items.into_iter().filter(|s| s.state != SurveyState::Draft).collect();
                if shown.is_empty() {
                    return view! { <p class="card">{t(K::NoReports)}</p> }.into_any();
                }
                view! {
                    <ul class="cards">
                        {shown.into_iter().map(|s| {
                            let ready = s.state == SurveyState::Reported;
                            let href = format!("/reports/{}", s.id);
                            view! {
                                <li class="card">
                                    <h2 class="card-title">{s.title.clone()}</h2>
                                    <dl class="facts">
                                        <div><dt>{t(K::Closes)}</dt><dd>{crate::dates::day(&s.closes_at)}</dd></div>
                                    </dl>
                                    {if ready {
                                        view! { <A href=href attr:class="button">{t(K::OpenReport)}</A> }.into_any()
                                    } else {
                                        view! { <p class="muted">{t(K::ReportNotReadyYet)}</p> }.into_any()
                                    }}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </Show>
    }
}

/// The words for why a figure is hidden (REP-9): never which other group.
pub fn reason(h: HiddenReason) -> K {
    match h {
        HiddenReason::TooFew => K::MarkTooFew,
        HiddenReason::ProtectsOthers => K::MarkProtects,
        HiddenReason::TooFewAnswers => K::MarkTooFewAnswers,
        HiddenReason::MeansOnly => K::MarkMeansOnly,
        HiddenReason::PartHidden => K::MarkPartHidden,
    }
}

/// Letters tie a hidden mark to its footnote.
pub fn letter(h: HiddenReason) -> &'static str {
    match h {
        HiddenReason::TooFew => "a",
        HiddenReason::ProtectsOthers => "b",
        HiddenReason::TooFewAnswers => "c",
        HiddenReason::MeansOnly => "d",
        HiddenReason::PartHidden => "e",
    }
}

/// ":" and its footnote letter; a screen reader hears the reason itself.
#[component]
pub fn Mark(why: HiddenReason) -> impl IntoView {
    view! {
        <span class="mark">
            <span aria-hidden="true">":"<sup>{letter(why)}</sup></span>
            <span class="sr-only">{t(reason(why))}</span>
        </span>
    }
}

/// The footnotes of the reasons that appear on the page, in letter order.
#[component]
pub fn Footnotes(reasons: Vec<HiddenReason>) -> impl IntoView {
    let mut reasons = reasons;
    reasons.sort_by_key(|r| letter(*r));
    reasons.dedup();
    (!reasons.is_empty()).then(|| {
        view! {
            <div class="footnotes">
                <p>{t(K::HiddenLegend)}</p>
                <ul>
                    {reasons.into_iter().map(|r| view! {
                        <li><span aria-hidden="true">{letter(r)}": "</span>{t(reason(r))}</li>
                    }).collect_view()}
                </ul>
            </div>
        }
    })
}

/// A mean with one decimal, the decimal sign as the reader writes it.
pub fn decimal(x: f64, l: Lang) -> String {
    let s = crate::dates::one_decimal(x);
    match l {
        Lang::En => s,
        _ => s.replace('.', ","),
    }
}

/// "+4,2" / "−1,0", with an arrow only when the difference is clear.
pub fn delta(d: &Delta, l: Lang) -> String {
    let sign = if d.value > 0.0 {
        "+"
    } else if d.value < 0.0 {
        "−"
    } else {
        "±"
    };
    let arrow = match (d.meaningful, d.value > 0.0) {
        (true, true) => " ▲",
        (true, false) => " ▼",
        _ => "",
    };
    format!("{sign}{}{arrow}", decimal(d.value.abs(), l))
}

/// The title of a measure (`q:`, `t:`, `i:`) in the reader's language.
pub fn title(q: &Questionnaire, measure: &str, l: Lang) -> String {
    let (kind, key) = measure.split_once(':').unwrap_or(("", measure));
    let found = match kind {
        "i" => q
            .indices
            .iter()
            .find(|i| i.key == key)
            .map(|i| i.title.get(l).to_string()),
        "t" => q
            .topics
            .iter()
            .find(|t| t.key == key)
            .map(|t| t.title.get(l).to_string()),
        "q" => q
            .topics
            .iter()
            .flat_map(|t| &t.questions)
            .find(|x| x.key == key)
            .map(|x| x.text.get(l).to_string()),
        _ => None,
    };
    found.unwrap_or_else(|| key.to_string())
}

/// A score's colour class (five steps, higher better): colour only ever
/// repeats the number written in the cell.
pub fn heat(score: f64) -> &'static str {
    match score {
        s if s < 40.0 => "heat heat-1",
        s if s < 50.0 => "heat heat-2",
        s if s < 60.0 => "heat heat-3",
        s if s < 70.0 => "heat heat-4",
        _ => "heat heat-5",
    }
}

/// Fetches a download through the session (it needs the token) and hands
/// it to the browser as a file. Excel's variant gets its byte-order mark
/// back: the browser drops it when it reads the answer as text.
pub fn download(path: String, file: String, excel: bool, failed: RwSignal<bool>) {
    let session = crate::client::use_session();
    leptos::task::spawn_local(async move {
        failed.set(false);
        let text = session
            .text("GET", path, tillit_ui::client::Body::Empty)
            .await;
        // Built from features the app already has (no Blob options, no
        // anchor type): new web-sys features would be compiled into every
        // app of the build, the respondent's too.
        let saved = text.ok().and_then(|text| {
            let text = if excel {
                format!("\u{feff}{text}")
            } else {
                text
            };
            let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(&text));
            let blob = web_sys::Blob::new_with_str_sequence(&parts).ok()?;
            let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
            let document = web_sys::window()?.document()?;
            let a = document.create_element("a").ok()?;
            a.set_attribute("href", &url).ok()?;
            a.set_attribute("download", &file).ok()?;
            let a: web_sys::HtmlElement = wasm_bindgen::JsCast::dyn_into(a).ok()?;
            a.click();
            let _ = web_sys::Url::revoke_object_url(&url);
            Some(())
        });
        failed.set(saved.is_none());
    });
}
