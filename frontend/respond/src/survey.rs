//! Answering on a phone (RESP-1, RESP-2, RESP-3): the privacy notice, one
//! topic per page with progress, back and forward (the phone's Back button
//! included: each step is a history entry), a review, and a receipt.
//! Answers stay in this browser's storage until sent, so a reload or a lost
//! connection loses nothing; the server keeps no draft.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};
use tillit_api::endpoints;
use tillit_api::{RespondentSession, StartSession, Submission, Texts};
use wasm_bindgen::JsValue;

use tillit_ui::client::{self, ApiError};
use tillit_ui::components::{ErrorBox, Loading};
use tillit_ui::i18n::{self, t, Lang, K};

#[derive(Clone, Debug, PartialEq)]
enum Phase {
    Loading,
    Gone(K),
    Failed(ApiError),
    Intro,
    /// A topic; `true` when opened from the review to change it.
    Topic(usize, bool),
    Review,
    Done,
}

/// What survives a reload, kept under a key derived from the link.
#[derive(Serialize, Deserialize, Default, Clone)]
struct Saved {
    answers: BTreeMap<String, u8>,
    consent: bool,
    step: Option<usize>,
    receipt: String,
    done: bool,
    /// The language the person picked on this link, if they did.
    #[serde(default)]
    lang: Option<String>,
}

const REVIEW: usize = 1000;
/// About how long one question takes, for the time shown on the intro.
const SECONDS_PER_QUESTION: usize = 10;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn key_for(token: &str) -> String {
    format!(
        "tillit.answers.{}",
        token.chars().take(16).collect::<String>()
    )
}

fn load(key: &str) -> Saved {
    storage()
        .and_then(|s| s.get_item(key).ok().flatten())
        .and_then(|j| serde_json::from_str(&j).ok())
        .unwrap_or_default()
}

fn store(key: &str, saved: &Saved) {
    if let (Some(s), Ok(j)) = (storage(), serde_json::to_string(saved)) {
        let _ = s.set_item(key, &j);
    }
}

/// A receipt code of 100 random bits, in groups easy to copy by hand.
fn new_receipt() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut buf = [0u8; 20];
    if let Some(c) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = c.get_random_values_with_u8_array(&mut buf);
    }
    let mut code = String::with_capacity(24);
    for (i, b) in buf.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            code.push('-');
        }
        code.push(char::from(ALPHABET[usize::from(*b) % 32]));
    }
    code
}

fn text(texts: &Texts, l: Lang) -> String {
    texts.get(l).to_string()
}

/// Moves the focus to the new step's heading once it is on screen, so
/// screen readers announce it and keyboards start from the top.
fn focus_heading() {
    request_animation_frame(|| {
        if let Some(w) = web_sys::window() {
            w.scroll_to_with_x_and_y(0.0, 0.0);
            if let Some(el) = w
                .document()
                .and_then(|d| d.get_element_by_id("step-heading"))
            {
                use wasm_bindgen::JsCast;
                if let Ok(h) = el.dyn_into::<web_sys::HtmlElement>() {
                    let _ = h.focus();
                }
            }
        }
    });
}

/// History entries hold "step:depth": depth counts this survey's entries
/// before it, so the page's own Back can use the browser's history only
/// where there is survey history to go back to.
fn entry(step: usize, depth: u32) -> JsValue {
    JsValue::from_str(&format!("{step}:{depth}"))
}

fn read_entry(v: &JsValue) -> Option<(usize, u32)> {
    let s = v.as_string()?;
    let (a, b) = s.split_once(':')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

fn history() -> Option<web_sys::History> {
    web_sys::window()?.history().ok()
}

fn step_of(p: &Phase) -> Option<usize> {
    match p {
        Phase::Intro => Some(0),
        Phase::Topic(i, _) => Some(i + 1),
        Phase::Review => Some(REVIEW),
        _ => None,
    }
}

fn phase_of(step: usize, topics: usize) -> Phase {
    match step {
        REVIEW => Phase::Review,
        0 => Phase::Intro,
        i if i <= topics => Phase::Topic(i - 1, false),
        _ => Phase::Intro,
    }
}

/// What the steps share: the answers so far and the ways to move on.
/// `Copy`, so each step gets it whole.
#[derive(Clone, Copy)]
struct Flow {
    lang: RwSignal<Lang>,
    answers: RwSignal<BTreeMap<String, u8>>,
    consent: RwSignal<bool>,
    sending: RwSignal<bool>,
    send_error: RwSignal<Option<ApiError>>,
    /// Forward to a step (a new history entry).
    go: Callback<Phase>,
    /// Back to a step (the browser's own Back where it can).
    back: Callback<Phase>,
    submit: Callback<()>,
    /// Keeps the answers so far in this browser.
    persist: Callback<()>,
}

#[component]
pub fn Survey() -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let token = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .and_then(|h| h.strip_prefix("#t=").map(str::to_string))
        .unwrap_or_default();
    let key = key_for(&token);
    let saved = load(&key);
    let phase = RwSignal::new(Phase::Loading);
    let session = RwSignal::new(None::<RespondentSession>);
    let answers = RwSignal::new(saved.answers.clone());
    let consent = RwSignal::new(saved.consent);
    let receipt = if saved.receipt.is_empty() {
        new_receipt()
    } else {
        saved.receipt.clone()
    };
    let depth = StoredValue::new(0u32);
    let sending = RwSignal::new(false);
    let send_error = RwSignal::new(None::<ApiError>);
    let picked = StoredValue::new(saved.lang.clone());

    // Everything the respondent has done so far goes to local storage.
    let persist = Callback::new({
        let (key, receipt) = (key.clone(), receipt.clone());
        move |()| {
            store(
                &key,
                &Saved {
                    answers: answers.get_untracked(),
                    consent: consent.get_untracked(),
                    step: step_of(&phase.get_untracked()),
                    receipt: receipt.clone(),
                    done: false,
                    lang: picked.get_value(),
                },
            );
        }
    });

    if saved.done {
        phase.set(Phase::Done);
    } else if token.is_empty() {
        phase.set(Phase::Gone(K::LinkUnknown));
    } else {
        let token = token.clone();
        let step = saved.step;
        spawn_local(async move {
            match start_session(token).await {
                Ok(s) => {
                    // RESP-3: the invitation's language, until the person
                    // picks another on this link.
                    let chosen = picked.get_value().as_deref().and_then(Lang::parse);
                    i18n::apply_lang(lang, chosen.unwrap_or(s.language));
                    let topics = s.survey.topics.len();
                    session.set(Some(s));
                    let p = phase_of(step.unwrap_or(0), topics);
                    if let (Some(h), Some(n)) = (history(), step_of(&p)) {
                        let _ = h.replace_state(&entry(n, 0), "");
                    }
                    phase.set(p);
                    persist.run(());
                    focus_heading();
                }
                Err(e) => phase.set(match e.status {
                    404 => Phase::Gone(K::LinkUnknown),
                    409 => Phase::Gone(K::LinkUsed),
                    410 => Phase::Gone(K::LinkClosed),
                    _ => Phase::Failed(e),
                }),
            }
        });
    }

    // A language picked in the header while answering is this link's choice.
    Effect::new(move |prev: Option<Lang>| {
        let l = lang.get();
        if prev.is_some_and(|p| p != l) && session.get_untracked().is_some() {
            picked.set_value(Some(l.code().to_string()));
            persist.run(());
        }
        l
    });

    // The phone's Back and Forward move between steps.
    let handle = window_event_listener(leptos::ev::popstate, move |ev| {
        if matches!(phase.get_untracked(), Phase::Done | Phase::Gone(_)) {
            return;
        }
        let Some(topics) = session.with_untracked(|s| s.as_ref().map(|s| s.survey.topics.len()))
        else {
            return;
        };
        if let Some((step, d)) = read_entry(&ev.state()) {
            depth.set_value(d);
            phase.set(phase_of(step, topics));
            focus_heading();
        }
    });
    on_cleanup(move || handle.remove());

    let go = Callback::new(move |p: Phase| {
        let d = depth.get_value() + 1;
        if let (Some(h), Some(n)) = (history(), step_of(&p)) {
            let _ = h.push_state(&entry(n, d), "");
            depth.set_value(d);
        }
        phase.set(p);
        persist.run(());
        focus_heading();
    });
    // The page's Back and the phone's Back agree: the browser's own history
    // where this survey has some.
    let back = Callback::new(move |p: Phase| {
        if depth.get_value() > 0 {
            if let Some(h) = history() {
                let _ = h.back();
                return;
            }
        }
        if let (Some(h), Some(n)) = (history(), step_of(&p)) {
            let _ = h.replace_state(&entry(n, 0), "");
        }
        phase.set(p);
        persist.run(());
        focus_heading();
    });

    let submit = Callback::new({
        let (token, receipt, key) = (token.clone(), receipt.clone(), key.clone());
        move |()| {
            sending.set(true);
            send_error.set(None);
            let body = Submission {
                token: token.clone(),
                receipt: receipt.clone(),
                answers: answers.get_untracked(),
                research_consent: consent.get_untracked(),
            };
            let key = key.clone();
            let bearer = session.get_untracked().map(|s| s.access_token);
            spawn_local(async move {
                match client::send(bearer, endpoints::SUBMIT.call(), &body).await {
                    Ok(r) => {
                        // Keep only the receipt: the answers leave this device now.
                        store(
                            &key,
                            &Saved {
                                receipt: r.receipt,
                                consent: body.research_consent,
                                done: true,
                                lang: picked.get_value(),
                                ..Saved::default()
                            },
                        );
                        phase.set(Phase::Done);
                        focus_heading();
                    }
                    Err(e) if e.status == 409 => phase.set(Phase::Gone(K::LinkUsed)),
                    Err(e) if e.status == 410 => phase.set(Phase::Gone(K::LinkClosed)),
                    Err(e) => {
                        persist.run(());
                        send_error.set(Some(e));
                    }
                }
                sending.set(false);
            });
        }
    });

    let flow = Flow {
        lang,
        answers,
        consent,
        sending,
        send_error,
        go,
        back,
        submit,
        persist,
    };
    view! {
        <div class="survey">
            // A step is drawn again in a language picked while on it.
            {move || { lang.track(); match (phase.get(), session.get()) {
                (Phase::Gone(k), _) => view! {
                    <h1 id="step-heading" tabindex="-1">{t(K::AppName)}</h1>
                    <p class="card">{t(k)}</p>
                }.into_any(),
                (Phase::Failed(e), _) => view! { <ErrorBox error=e/> }.into_any(),
                (Phase::Done, _) => {
                    let saved = load(&key);
                    view! { <Done code=saved.receipt consent=saved.consent/> }.into_any()
                }
                (Phase::Intro, Some(s)) => view! { <Intro flow s/> }.into_any(),
                (Phase::Topic(i, returning), Some(s)) => view! { <Topic flow s i returning/> }.into_any(),
                (Phase::Review, Some(s)) => view! { <Review flow s/> }.into_any(),
                _ => view! { <Loading/> }.into_any(),
            }}}
        </div>
    }
}

/// The survey's session for the link's token: asked by the page's boot
/// script while this app downloaded (`frontend/web/early-session.js`), or
/// asked now when that request is missing or could not be sent.
async fn start_session(token: String) -> Result<RespondentSession, ApiError> {
    if let Some(res) = early_session().await {
        return client::parse(&client::read(res).await?);
    }
    client::send(
        None,
        endpoints::START_SESSION.call(),
        &StartSession { token },
    )
    .await
}

/// The boot script's request, taken once.
async fn early_session() -> Option<web_sys::Response> {
    use wasm_bindgen::JsCast;
    let window = web_sys::window()?;
    let name = JsValue::from_str("tillitSession");
    let pending = js_sys::Reflect::get(&window, &name).ok()?;
    let _ = js_sys::Reflect::delete_property(&window, &name);
    let promise = pending.dyn_into::<js_sys::Promise>().ok()?;
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .ok()?
        .dyn_into()
        .ok()
}

/// The first step: what the survey is, who runs it, research consent.
#[component]
fn Intro(flow: Flow, s: RespondentSession) -> impl IntoView {
    let lang = flow.lang;
    let questions: usize = s.survey.topics.iter().map(|t| t.questions.len()).sum();
    let minutes = (questions * SECONDS_PER_QUESTION).div_ceil(60).max(1);
    let n = s.survey.notice.clone();
    view! {
        <h1 id="step-heading" tabindex="-1">{s.survey.title.clone()}</h1>
        <p class="lead">{move || i18n::about_minutes(lang.get(), minutes, questions)}</p>
        <dl class="notice short">
            <dt>{t(K::Controller)}</dt><dd>{n.controller.clone()}</dd>
            <dt>{t(K::Processor)}</dt><dd>{n.processor.clone()}</dd>
            <dt>{t(K::Deadline)}</dt><dd>{tillit_ui::dates::day(&s.survey.closes_at)}</dd>
        </dl>
        <button type="button" class="primary" on:click=move |_| flow.go.run(Phase::Topic(0, false))>{t(K::StartSurvey)}</button>
        <NoticeLink notice=s.survey.notice.clone() open=false/>
        <section class="card">
            <h2>{t(K::Research)}</h2>
            <p>{move || text(&n.research, lang.get())}</p>
            <ConsentBox flow/>
        </section>
        <p class="muted">{t(K::AnswersKept)}</p>
    }
}

/// One topic's questions, each a group of radio buttons.
#[component]
fn Topic(flow: Flow, s: RespondentSession, i: usize, returning: bool) -> impl IntoView {
    let Flow { lang, answers, .. } = flow;
    let total = s.survey.topics.len();
    let Some(topic) = s.survey.topics.get(i) else {
        return view! { <Loading/> }.into_any();
    };
    let l = lang.get_untracked();
    let questions = topic.questions.iter().map(|q| {
        let options: Vec<(u8, String)> = s.survey.scales.get(&q.scale).map(|sc| {
            let mut v: Vec<(u8, String)> = sc.labels.get(l).iter().enumerate().map(|(j, lab)| (j as u8 + 1, lab.clone())).collect();
            if let Some(na) = &sc.not_applicable { v.push((0, text(na, l))); }
            v
        }).unwrap_or_default();
        let key = q.key.clone();
        view! {
            <fieldset class="question">
                <legend>{text(&q.text, l)}</legend>
                <div class="scale">
                    {options.into_iter().map(|(value, label)| {
                        let id = format!("{key}-{value}");
                        let (k1, k2) = (key.clone(), key.clone());
                        view! {
                            <div class=if value == 0 { "opt na" } else { "opt" }>
                                <input type="radio" id=id.clone() name=key.clone() value=value.to_string()
                                    prop:checked=move || answers.get().get(&k1) == Some(&value)
                                    on:change=move |_| {
                                        answers.update(|a| { a.insert(k2.clone(), value); });
                                        flow.persist.run(());
                                    }/>
                                <label for=id>{label}</label>
                            </div>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
        }
    }).collect_view();
    let next = if returning || i + 1 == total {
        Phase::Review
    } else {
        Phase::Topic(i + 1, false)
    };
    let next_label = if returning {
        K::BackToReview
    } else {
        K::Continue
    };
    let prev = if i == 0 {
        Phase::Intro
    } else {
        Phase::Topic(i - 1, false)
    };
    view! {
        <p class="progress-label">{move || i18n::step_of(lang.get(), i + 1, total)}</p>
        <progress max=total.to_string() value=(i + 1).to_string() aria-hidden="true"></progress>
        <h1 id="step-heading" tabindex="-1">{text(&topic.title, l)}</h1>
        {questions}
        <NoticeLink notice=s.survey.notice.clone() open=false/>
        <div class="actions nav">
            <button type="button" on:click=move |_| flow.back.run(prev.clone())>{t(K::Back)}</button>
            <button type="button" class="primary" on:click=move |_| flow.go.run(next.clone())>{t(next_label)}</button>
        </div>
    }.into_any()
}

/// Every answer before sending, each topic one tap from changing.
#[component]
fn Review(flow: Flow, s: RespondentSession) -> impl IntoView {
    let Flow {
        lang,
        sending,
        send_error,
        ..
    } = flow;
    let l = lang.get_untracked();
    let chosen = flow.answers.get_untracked();
    let total = s.survey.topics.len();
    let rows = s.survey.topics.iter().enumerate().map(|(i, topic)| {
        let title = text(&topic.title, l);
        let items = topic.questions.iter().map(|q| {
            let label = match (chosen.get(&q.key), s.survey.scales.get(&q.scale)) {
                (Some(0), Some(sc)) => sc.not_applicable.as_ref().map(|na| text(na, l)).unwrap_or_default(),
                (Some(v), Some(sc)) => sc.labels.get(l).get(usize::from(*v) - 1).cloned().unwrap_or_default(),
                _ => t(K::NotAnswered)().to_string(),
            };
            view! { <li><span class="q">{text(&q.text, l)}</span>" — "<strong>{label}</strong></li> }
        }).collect_view();
        view! {
            <section class="card">
                <h2>{title.clone()}</h2>
                <ul class="plain">{items}</ul>
                <button type="button" on:click=move |_| flow.go.run(Phase::Topic(i, true))>
                    {t(K::Change)}<span class="sr-only">": "{title.clone()}</span>
                </button>
            </section>
        }
    }).collect_view();
    view! {
        <h1 id="step-heading" tabindex="-1">{t(K::Review)}</h1>
        <p>{t(K::ReviewIntro)}</p>
        {rows}
        <section class="card">
            <h2>{t(K::Research)}</h2>
            <ConsentBox flow/>
        </section>
        {move || send_error.get().map(|e| view! { <ErrorBox error=e/> })}
        <div class="actions nav">
            <button type="button" on:click=move |_| flow.back.run(Phase::Topic(total - 1, false))>{t(K::Back)}</button>
            <button type="button" class="primary" disabled=move || sending.get() on:click=move |_| flow.submit.run(())>
                {move || if sending.get() { t(K::Sending)() } else { t(K::SendAnswers)() }}
            </button>
        </div>
    }
}

/// RESP-1: research use only on a separate, freely given yes (off by default).
#[component]
fn ConsentBox(flow: Flow) -> impl IntoView {
    let consent = flow.consent;
    view! {
        <div class="check">
            <input type="checkbox" id="research-consent" prop:checked=consent
                on:change=move |ev| { consent.set(event_target_checked(&ev)); flow.persist.run(()); }/>
            <label for="research-consent">{t(K::ResearchConsent)}</label>
        </div>
    }
}

/// The receipt, and only what is true about it.
#[component]
fn Done(code: String, consent: bool) -> impl IntoView {
    let copied = RwSignal::new(false);
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let withdraw = format!("{origin}/withdraw");
    let copy = {
        let code = code.clone();
        move |_| {
            if let Some(w) = web_sys::window() {
                let promise = w.navigator().clipboard().write_text(&code);
                spawn_local(async move {
                    if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
                        copied.set(true);
                    }
                });
            }
        }
    };
    view! {
        <h1 id="step-heading" tabindex="-1">{t(K::ThankYou)}</h1>
        <section class="card ok">
            <p>{t(K::AnswersCounted)}</p>
            <p><strong>{t(K::ReceiptCode)}":"</strong></p>
            <p class="receipt" id="receipt">{code}</p>
            <button type="button" on:click=copy>{t(K::CopyCode)}</button>
            <span role="status" aria-live="polite">{move || copied.get().then(|| t(K::Copied)())}</span>
        </section>
        {if consent {
            view! {
                <p>{t(K::ReceiptWithdraw)}" "<a href=withdraw.clone()>{withdraw.clone()}</a></p>
                <p class="muted">{t(K::ReceiptPrivate)}</p>
            }.into_any()
        } else {
            view! { <p>{t(K::ReceiptNoConsent)}</p> }.into_any()
        }}
    }
}

/// DSR-1: the privacy notice stays one tap away on every page.
#[component]
fn NoticeLink(notice: tillit_api::PrivacyNotice, open: bool) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    view! {
        <details class="notice-link" open=open>
            <summary>{t(K::PrivacyNotice)}</summary>
            {move || {
                let l = lang.get();
                let n = notice.clone();
                view! {
                    <dl class="notice">
                        <dt>{t(K::Controller)}</dt><dd>{n.controller.clone()}</dd>
                        <dt>{t(K::Processor)}</dt><dd>{n.processor.clone()}</dd>
                        <dt>{t(K::Purposes)}</dt><dd>{text(&n.purposes, l)}</dd>
                        <dt>{t(K::LegalBasis)}</dt><dd>{text(&n.legal_basis, l)}</dd>
                        <dt>{t(K::Retention)}</dt><dd>{text(&n.retention, l)}</dd>
                        <dt>{t(K::Rights)}</dt><dd>{text(&n.rights, l)}</dd>
                        <dt>{t(K::Research)}</dt><dd>{text(&n.research, l)}</dd>
                    </dl>
                }
            }}
        </details>
    }
}
