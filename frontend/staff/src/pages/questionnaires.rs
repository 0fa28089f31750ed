//! The questionnaire bank for the institute (Q-1..Q-4): versions, a
//! preview in each language, drafts edited as the reviewable JSON file the
//! default questionnaire is kept in, and publishing, which freezes a version.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tillit_api::endpoints::{self, encode};
use tillit_api::{
    Questionnaire, QuestionnaireDraft, QuestionnaireId, QuestionnaireSummary, QuestionnaireVersion,
    TopicFlag, VersionStatus,
};

use crate::client::ApiError;
use crate::components::{
    load, load_picked, require_login, show, write, write_error, Confirm, ErrorBox,
};
use crate::i18n::{t, Lang, K};

#[component]
pub fn Questionnaires() -> impl IntoView {
    let logged_in = require_login();
    let list = load(|| endpoints::QUESTIONNAIRES.call());
    let reload = move || list.refetch();
    // The version open below the list, if any.
    let opened = RwSignal::new(None::<QuestionnaireId>);
    let current = load_picked(move || {
        opened
            .get()
            .map(|id| endpoints::QUESTIONNAIRE.to(&[id.as_str()]))
    });
    let open = move |id: QuestionnaireId| opened.set(Some(id));
    view! {
        <Show when=logged_in>
            <h1>{t(K::Questionnaires)}</h1>
            <p>{t(K::QuestionnairesIntro)}</p>
            {show(list, move |list: Vec<QuestionnaireSummary>| {
                if list.is_empty() {
                    return view! { <p>{t(K::NoneYet)}</p> }.into_any();
                }
                view! {
                    <div class="table-wrap" tabindex="0"><table>
                        <thead><tr>
                            <th scope="col">{t(K::Version)}</th>
                            <th scope="col">{t(K::Title)}</th>
                            <th scope="col">{t(K::State)}</th>
                            <th scope="col">{t(K::Items)}</th>
                            <th scope="col">{t(K::InUse)}</th>
                            <th scope="col"><span class="sr-only">{t(K::Open)}</span></th>
                        </tr></thead>
                        <tbody>
                            {list.into_iter().map(|v| {
                                let id = v.id.clone();
                                view! {
                                    <tr>
                                        <td>{v.version}</td>
                                        <td>{v.title.clone()}</td>
                                        <td>{status(&v)}</td>
                                        <td>{v.items}</td>
                                        <td>{t(if v.used { K::Yes } else { K::No })}</td>
                                        <td><button type="button" on:click=move |_| open(id.clone())>
                                            {t(K::Open)}<span class="sr-only">" "{t(K::Version)}" "{v.version}</span>
                                        </button></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table></div>
                }.into_any()
            })}
            {show(current, move |v: Option<QuestionnaireVersion>| {
                v.map(|v| view! { <Version v=v reload=reload open=open/> })
            })}
        </Show>
    }
}

fn status(v: &QuestionnaireSummary) -> impl Fn() -> String + Send + Sync + 'static {
    let (st, published) = (v.status, v.published_at);
    let lang = expect_context::<RwSignal<Lang>>();
    move || match (st, published) {
        (VersionStatus::Published, Some(at)) => format!(
            "{} {}",
            crate::i18n::tr(lang.get(), K::Published),
            crate::dates::day(&at)
        ),
        (VersionStatus::Published, None) => crate::i18n::tr(lang.get(), K::Published).into(),
        (VersionStatus::Draft, _) => crate::i18n::tr(lang.get(), K::StateDraft).into(),
    }
}

/// One version: what to do with it, and what respondents will see.
#[component]
fn Version(
    v: QuestionnaireVersion,
    reload: impl Fn() + Copy + Send + Sync + 'static,
    open: impl Fn(QuestionnaireId) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let json = serde_json::to_string_pretty(&v.content).unwrap_or_default();
    let download = format!("data:application/json;charset=utf-8,{}", encode(&json));
    let file_name = format!("questionnaire-v{}.json", v.summary.version);
    let draft = v.summary.status == VersionStatus::Draft;
    let drafting = write(move |n: &QuestionnaireVersion| {
        reload();
        open(n.summary.id.clone());
    });
    let busy = drafting.pending();
    let (id, title, content) = (
        v.summary.id.clone(),
        v.summary.title.clone(),
        v.content.clone(),
    );
    let new_draft = move |_| {
        let body = QuestionnaireDraft {
            title: title.clone(),
            content: content.clone(),
        };
        drafting.dispatch((endpoints::CREATE_QUESTIONNAIRE.call(), body));
    };
    view! {
        <section class="card" aria-labelledby="qv-heading">
            <h2 id="qv-heading">{
                let (n, title) = (v.summary.version, v.summary.title.clone());
                move || crate::i18n::version_title(lang.get(), n, title.clone())
            }</h2>
            <p>{status(&v.summary)}" · "{v.summary.items}" "{t(K::Items)}</p>
            <div class="actions">
                <a class="button" href=download download=file_name>{t(K::DownloadJson)}</a>
                {(!draft).then(|| view! {
                    <button type="button" on:click=new_draft.clone() disabled=move || busy.get()>{t(K::NewDraftFrom)}</button>
                })}
            </div>
            {(!draft).then(|| view! { <p>{t(K::FrozenNote)}</p> })}
            {write_error(drafting)}
            {draft.then(|| view! { <Editor id=id.clone() title=v.summary.title.clone() json=json.clone() reload=reload open=open/> })}
            <h3>{t(K::Preview)}</h3>
            <Preview q=v.content.clone()/>
        </section>
    }
}

/// A draft's title and content, saved and published.
#[component]
fn Editor(
    id: QuestionnaireId,
    title: String,
    json: String,
    reload: impl Fn() + Copy + Send + Sync + 'static,
    open: impl Fn(QuestionnaireId) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let title = RwSignal::new(title);
    let text = RwSignal::new(json);
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let confirm = RwSignal::new(false);
    let id = StoredValue::new(id);
    let saving = write(move |_| {
        saved.set(true);
        reload();
    });
    let publishing = write(move |_| {
        reload();
        open(id.get_value());
    });
    let busy = Signal::derive(move || saving.pending().get() || publishing.pending().get());
    let file: NodeRef<leptos::html::Input> = NodeRef::new();
    let load_file = move |_| {
        let Some(input) = file.get_untracked() else {
            return;
        };
        spawn_local(async move {
            if let Some(s) = crate::pages::import::read_file(&input).await {
                text.set(s);
                saved.set(false);
            }
        });
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        saved.set(false);
        let content = match serde_json::from_str::<Questionnaire>(&text.get_untracked()) {
            Ok(c) => c,
            Err(e) => {
                error.set(Some(ApiError::local(
                    "content",
                    tillit_api::FieldCode::MalformedJson,
                    format!(
                        "{} ({e})",
                        crate::i18n::tr(lang.get_untracked(), K::InvalidJson)
                    ),
                )));
                return;
            }
        };
        let body = QuestionnaireDraft {
            title: title.get_untracked(),
            content,
        };
        saving.dispatch((
            endpoints::UPDATE_QUESTIONNAIRE.to(&[id.get_value().as_str()]),
            body,
        ));
    };
    let publish = move || {
        confirm.set(false);
        error.set(None);
        publishing.dispatch((
            endpoints::PUBLISH_QUESTIONNAIRE.to(&[id.get_value().as_str()]),
            (),
        ));
    };
    view! {
        <form on:submit=save>
            <label for="qd-title">{t(K::Title)}</label>
            <input id="qd-title" required prop:value=title on:input=move |ev| title.set(event_target_value(&ev))/>
            <label for="qd-json">{t(K::ContentJson)}</label>
            <p id="qd-json-help" class="muted">{t(K::ContentJsonHelp)}</p>
            <textarea id="qd-json" class="mono" rows="16" spellcheck="false" aria-describedby="qd-json-help"
                prop:value=text on:input=move |ev| { text.set(event_target_value(&ev)); saved.set(false); }></textarea>
            <label for="qd-file">{t(K::LoadJsonFile)}</label>
            <input id="qd-file" type="file" accept=".json,application/json" node_ref=file on:change=load_file/>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || busy.get()>{t(K::SaveDraft)}</button>
                <button type="button" on:click=move |_| confirm.set(true) disabled=move || busy.get()>{t(K::Publish)}</button>
            </div>
        </form>
        <p role="status">{move || saved.get().then(|| t(K::Saved)())}</p>
        {move || confirm.get().then(|| view! {
            <Confirm text=K::ConfirmPublishQ on_yes=publish on_no=move || confirm.set(false)/>
        })}
        // A draft that is not JSON, found before anything is sent.
        {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
        {write_error(saving)}
        {write_error(publishing)}
    }
}

/// Topics and questions as respondents will read them, in the page's language.
#[component]
fn Preview(q: Questionnaire) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    move || {
        let l = lang.get();
        q.topics
            .iter()
            .map(|topic| {
                let module = q
                    .modules
                    .get(&topic.module)
                    .map(|m| m.name(l).to_string())
                    .unwrap_or_else(|| topic.module.clone());
                let flags = topic
                    .flags
                    .iter()
                    .map(|f| match f {
                        TopicFlag::Sensitive => crate::i18n::tr(lang.get_untracked(), K::FlagSensitive),
                        TopicFlag::Health => crate::i18n::tr(lang.get_untracked(), K::FlagHealth),
                        TopicFlag::Leadership => crate::i18n::tr(lang.get_untracked(), K::FlagLeadership),
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                let questions = topic
                    .questions
                    .iter()
                    .map(|question| {
                        let scale = q.scales.get(&question.scale).map(|s| {
                            let labels = s.labels.get(l);
                            let na = s.not_applicable.as_ref().map(|n| format!(" · {}", n.get(l)));
                            format!("{}{}", labels.join(" / "), na.unwrap_or_default())
                        });
                        view! {
                            <li>{question.text.get(l).to_string()}
                                <br/><small class="muted">{question.key.clone()}" — "{scale.unwrap_or_default()}</small>
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <h4>{topic.title.get(l).to_string()}</h4>
                    <p class="muted">{module}{(!flags.is_empty()).then(|| format!(" · {flags}"))}</p>
                    <ol>{questions}</ol>
                }
            })
            .collect_view()
    }
}
