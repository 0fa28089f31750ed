//! Answering on a phone (RESP-1, RESP-2, RESP-3): the privacy notice, one
//! topic per page with progress, back and forward, a review, and a receipt.
//! Answers stay in this browser's storage until sent, so a reload or a lost
//! connection loses nothing; the server keeps no draft.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};
use tillit_api::{Language, Receipt, RespondentSession, StartSession, Submission, Texts};

use crate::client::{self, ApiError};
use crate::components::{ErrorBox, Loading};
use crate::i18n::{t, Lang, K};

#[derive(Clone, Debug, PartialEq)]
enum Phase {
    Loading,
    Gone(K),
    Failed(ApiError),
    Intro,
    Topic(usize),
    Review,
    Done(String),
}

/// What survives a reload, kept under a key derived from the link.
#[derive(Serialize, Deserialize, Default, Clone)]
struct Saved {
    answers: BTreeMap<String, u8>,
    consent: bool,
    step: Option<usize>,
    receipt: String,
    done: bool,
}

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
    let chars: Vec<char> = buf
        .iter()
        .map(|b| ALPHABET[(*b as usize) % 32] as char)
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

fn text(texts: &Texts, l: Lang) -> String {
    texts.get(l.api()).to_string()
}

fn focus_main() {
    if let Some(w) = web_sys::window() {
        w.scroll_to_with_x_and_y(0.0, 0.0);
    }
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("step-heading"))
    {
        use wasm_bindgen::JsCast;
        if let Ok(h) = el.dyn_into::<web_sys::HtmlElement>() {
            let _ = h.focus();
        }
    }
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
    let sending = RwSignal::new(false);
    let send_error = RwSignal::new(None::<ApiError>);

    // Everything the respondent has done so far goes to local storage.
    let persist = {
        let (key, receipt) = (key.clone(), receipt.clone());
        move |done: bool| {
            let step = match phase.get_untracked() {
                Phase::Topic(i) => Some(i),
                Phase::Review => Some(usize::MAX),
                _ => None,
            };
            store(
                &key,
                &Saved {
                    answers: answers.get_untracked(),
                    consent: consent.get_untracked(),
                    step,
                    receipt: receipt.clone(),
                    done,
                },
            );
        }
    };

    if saved.done {
        phase.set(Phase::Done(saved.receipt.clone()));
    } else if token.is_empty() {
        phase.set(Phase::Gone(K::LinkUnknown));
    } else {
        let token = token.clone();
        let step = saved.step;
        spawn_local(async move {
            match client::post::<_, RespondentSession>(
                "/api/respond/session",
                &StartSession { token },
            )
            .await
            {
                Ok(s) => {
                    client::session().token.set(Some(s.access_token.clone()));
                    if crate::i18n::saved_lang_is_default() {
                        let l = match s.language {
                            Language::Nb => Lang::Nb,
                            Language::Nn => Lang::Nn,
                            Language::En => Lang::En,
                        };
                        crate::i18n::set_lang(lang, l);
                    }
                    let topics = s.survey.topics.len();
                    session.set(Some(s));
                    phase.set(match step {
                        Some(usize::MAX) => Phase::Review,
                        Some(i) if i < topics => Phase::Topic(i),
                        _ => Phase::Intro,
                    });
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

    let go = {
        let persist = persist.clone();
        move |p: Phase| {
            phase.set(p);
            persist(false);
            focus_main();
        }
    };

    let submit = {
        let (token, receipt, key, persist) =
            (token.clone(), receipt.clone(), key.clone(), persist.clone());
        move || {
            sending.set(true);
            send_error.set(None);
            let body = Submission {
                token: token.clone(),
                receipt: receipt.clone(),
                answers: answers.get_untracked(),
                research_consent: consent.get_untracked(),
            };
            let (key, persist) = (key.clone(), persist.clone());
            spawn_local(async move {
                match client::post::<_, Receipt>("/api/respond/submit", &body).await {
                    Ok(r) => {
                        // Keep only the receipt: the answers leave this device now.
                        store(
                            &key,
                            &Saved {
                                receipt: r.receipt.clone(),
                                done: true,
                                ..Saved::default()
                            },
                        );
                        phase.set(Phase::Done(r.receipt));
                        focus_main();
                    }
                    Err(e) if e.status == 409 => phase.set(Phase::Gone(K::LinkUsed)),
                    Err(e) if e.status == 410 => phase.set(Phase::Gone(K::LinkClosed)),
                    Err(e) => {
                        persist(false);
                        send_error.set(Some(e));
                    }
                }
                sending.set(false);
            });
        }
    };

    view! {
        <div class="survey">
            {move || {
                let go = go.clone();
                let submit = submit.clone();
                let persist = persist.clone();
                match phase.get() {
                    Phase::Loading => view! { <Loading/> }.into_any(),
                    Phase::Gone(k) => view! {
                        <h1 id="step-heading" tabindex="-1">{t(K::AppName)}</h1>
                        <p class="card">{t(k)}</p>
                    }.into_any(),
                    Phase::Failed(e) => view! { <ErrorBox error=e/> }.into_any(),
                    Phase::Done(code) => view! {
                        <h1 id="step-heading" tabindex="-1">{t(K::ThankYou)}</h1>
                        <section class="card ok">
                            <p class="receipt" aria-label="receipt">{code}</p>
                            <p>{t(K::ReceiptHelp)}</p>
                        </section>
                    }.into_any(),
                    Phase::Intro => {
                        let Some(s) = session.get() else { return view! { <Loading/> }.into_any() };
                        let n = s.survey.notice.clone();
                        let l = lang.get();
                        view! {
                            <h1 id="step-heading" tabindex="-1">{s.survey.title.clone()}</h1>
                            <dl class="notice">
                                <dt>{t(K::Controller)}</dt><dd>{n.controller.clone()}</dd>
                                <dt>{t(K::Processor)}</dt><dd>{n.processor.clone()}</dd>
                                <dt>{t(K::Purposes)}</dt><dd>{text(&n.purposes, l)}</dd>
                                <dt>{t(K::LegalBasis)}</dt><dd>{text(&n.legal_basis, l)}</dd>
                                <dt>{t(K::Retention)}</dt><dd>{text(&n.retention, l)}</dd>
                                <dt>{t(K::Rights)}</dt><dd>{text(&n.rights, l)}</dd>
                                <dt>{t(K::Deadline)}</dt><dd>{crate::dates::day(&s.survey.closes_at)}</dd>
                            </dl>
                            <section class="card">
                                <h2>{t(K::Research)}</h2>
                                <p>{text(&n.research, l)}</p>
                                <div class="check">
                                    <input type="checkbox" id="research-consent" prop:checked=consent
                                        on:change=move |ev| { consent.set(event_target_checked(&ev)); persist(false); }/>
                                    <label for="research-consent">{t(K::ResearchConsent)}</label>
                                </div>
                            </section>
                            <p class="muted">{t(K::AnswersKept)}</p>
                            <button type="button" class="primary" on:click=move |_| go(Phase::Topic(0))>{t(K::StartSurvey)}</button>
                        }.into_any()
                    }
                    Phase::Topic(i) => {
                        let Some(s) = session.get() else { return view! { <Loading/> }.into_any() };
                        let total = s.survey.topics.len();
                        let topic = s.survey.topics[i].clone();
                        let l = lang.get();
                        let go_back = go.clone();
                        let questions = topic.questions.iter().map(|q| {
                            let scale = s.survey.scales.get(&q.scale).cloned();
                            let key = q.key.clone();
                            let options: Vec<(u8, String)> = scale.as_ref().map(|sc| {
                                let labels = sc.labels.get(l.api());
                                let mut v: Vec<(u8, String)> = labels.iter().enumerate().map(|(j, lab)| (j as u8 + 1, lab.clone())).collect();
                                if let Some(na) = &sc.not_applicable { v.push((0, text(na, l))); }
                                v
                            }).unwrap_or_default();
                            let persist = persist.clone();
                            view! {
                                <fieldset class="question">
                                    <legend>{text(&q.text, l)}</legend>
                                    <div class="scale">
                                        {options.into_iter().map(|(value, label)| {
                                            let id = format!("{key}-{value}");
                                            let (k1, k2) = (key.clone(), key.clone());
                                            let persist = persist.clone();
                                            view! {
                                                <div class=if value == 0 { "opt na" } else { "opt" }>
                                                    <input type="radio" id=id.clone() name=key.clone() value=value.to_string()
                                                        prop:checked=move || answers.get().get(&k1) == Some(&value)
                                                        on:change=move |_| {
                                                            answers.update(|a| { a.insert(k2.clone(), value); });
                                                            persist(false);
                                                        }/>
                                                    <label for=id>{label}</label>
                                                </div>
                                            }
                                        }).collect_view()}
                                    </div>
                                </fieldset>
                            }
                        }).collect_view();
                        view! {
                            <p class="progress-label">{t(K::Step)}" "{i + 1}" "{t(K::Of)}" "{total}</p>
                            <progress max=total.to_string() value=(i + 1).to_string() aria-hidden="true"></progress>
                            <h1 id="step-heading" tabindex="-1">{text(&topic.title, l)}</h1>
                            {questions}
                            <NoticeLink notice=s.survey.notice.clone()/>
                            <div class="actions nav">
                                <button type="button" on:click=move |_| go_back(if i == 0 { Phase::Intro } else { Phase::Topic(i - 1) })>{t(K::Back)}</button>
                                <button type="button" class="primary" on:click=move |_| go(if i + 1 == total { Phase::Review } else { Phase::Topic(i + 1) })>{t(K::Continue)}</button>
                            </div>
                        }.into_any()
                    }
                    Phase::Review => {
                        let Some(s) = session.get() else { return view! { <Loading/> }.into_any() };
                        let l = lang.get();
                        let chosen = answers.get();
                        let total = s.survey.topics.len();
                        let go_back = go.clone();
                        let rows = s.survey.topics.iter().enumerate().map(|(i, topic)| {
                            let go = go.clone();
                            let items = topic.questions.iter().map(|q| {
                                let label = match (chosen.get(&q.key), s.survey.scales.get(&q.scale)) {
                                    (Some(0), Some(sc)) => sc.not_applicable.as_ref().map(|na| text(na, l)).unwrap_or_default(),
                                    (Some(v), Some(sc)) => {
                                        let labels = sc.labels.get(l.api());
                                        labels.get(usize::from(*v) - 1).cloned().unwrap_or_default()
                                    }
                                    _ => t(K::NotAnswered)().to_string(),
                                };
                                view! { <li><span class="q">{text(&q.text, l)}</span>" — "<strong>{label}</strong></li> }
                            }).collect_view();
                            view! {
                                <section class="card">
                                    <h2>{text(&topic.title, l)}</h2>
                                    <ul class="plain">{items}</ul>
                                    <button type="button" on:click=move |_| go(Phase::Topic(i))>{t(K::Change)}</button>
                                </section>
                            }
                        }).collect_view();
                        view! {
                            <h1 id="step-heading" tabindex="-1">{t(K::Review)}</h1>
                            <p>{t(K::ReviewIntro)}</p>
                            {rows}
                            {move || send_error.get().map(|e| view! { <ErrorBox error=e/> })}
                            <div class="actions nav">
                                <button type="button" on:click=move |_| go_back(Phase::Topic(total - 1))>{t(K::Back)}</button>
                                <button type="button" class="primary" disabled=move || sending.get() on:click=move |_| submit()>
                                    {move || if sending.get() { t(K::Sending)() } else { t(K::SendAnswers)() }}
                                </button>
                            </div>
                        }.into_any()
                    }
                }
            }}
        </div>
    }
}

/// DSR-1: the privacy notice stays one tap away on every page.
#[component]
fn NoticeLink(notice: tillit_api::PrivacyNotice) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    view! {
        <details class="notice-link">
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
                    </dl>
                }
            }}
        </details>
    }
}
