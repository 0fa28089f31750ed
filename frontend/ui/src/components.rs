//! Widgets shared by the pages.

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tillit_api::endpoints::Call;
use tillit_api::{FieldError, Problem};

use crate::client::{fetch_text, parse, ApiError, Body};
use crate::i18n::{errors, t, Lang, K};

/// How an app words problems, provided as context. The staff app knows
/// every code; the respondent app only those its few requests can meet, so
/// employees download none of the staff app's error texts.
#[derive(Clone, Copy)]
pub struct Wording {
    pub problem: fn(&Problem, Lang) -> String,
    pub field: fn(&FieldError, Lang) -> String,
    pub label: fn(&str, Lang) -> String,
}

impl Wording {
    /// Every problem and field code the server has.
    pub const ALL: Wording = Wording {
        problem: errors::problem_text,
        field: errors::field_text,
        label: errors::field_label,
    };
}

/// A failed request, in the reader's language: the problem's message and
/// every field error with its reason.
#[component]
pub fn ErrorBox(error: ApiError) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let wording = expect_context::<Wording>();
    let fields: Vec<FieldError> = error
        .problem
        .as_ref()
        .map(|p| p.errors.clone())
        .unwrap_or_default();
    let message = move || match &error.problem {
        Some(p) => (wording.problem)(p, lang.get()),
        None => errors::network_text(lang.get()),
    };
    view! {
        <div class="error" role="alert">
            <p>{message}</p>
            {(!fields.is_empty()).then(|| view! { <FieldErrors errors=fields/> })}
        </div>
    }
}

#[component]
pub fn FieldErrors(errors: Vec<FieldError>) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let wording = expect_context::<Wording>();
    let has_rows = errors.iter().any(|e| e.row.is_some());
    view! {
        <div class="table-wrap" tabindex="0">
            <table>
                <thead>
                    <tr>
                        {has_rows.then(|| view! { <th scope="col">{t(K::Row)}</th> })}
                        <th scope="col">{t(K::Field)}</th>
                        <th scope="col">{t(K::Reason)}</th>
                    </tr>
                </thead>
                <tbody>
                    {errors
                        .into_iter()
                        .map(|e| {
                            let (label, reason) = (e.clone(), e.clone());
                            view! {
                                <tr>
                                    {has_rows.then(|| view! { <td>{e.row.map(|r| r.to_string()).unwrap_or_default()}</td> })}
                                    <td>{move || (wording.label)(&label.field, lang.get())}</td>
                                    <td>{move || (wording.field)(&reason, lang.get())}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" role="status" aria-live="polite">{t(K::Loading)}</p> }
}

/// Previous / next for any paged list.
#[component]
pub fn Pager(page: RwSignal<i64>, total: Signal<i64>, per_page: i64) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let pages = move || ((total.get() + per_page - 1) / per_page).max(1);
    // Comparisons stay inside braces: an unbraced `>=` in an attribute
    // closure ends the tag in `view!`.
    let first = move || page.get() <= 1;
    let last = move || page.get() >= pages();
    view! {
        <nav class="pager" aria-label=t(K::Pagination)>
            <button type="button" disabled=first on:click=move |_| page.update(|p| *p -= 1)>
                {t(K::Previous)}
            </button>
            <span aria-live="polite">
                {move || crate::i18n::pager(lang.get(), page.get(), pages(), total.get())}
            </span>
            <button type="button" disabled=last on:click=move |_| page.update(|p| *p += 1)>
                {t(K::Next)}
            </button>
        </nav>
    }
}

/// A question that needs a yes before something that cannot be undone. It
/// takes the focus, so keyboard and screen-reader users land on it; Escape
/// says no.
#[component]
pub fn Confirm(
    text: K,
    on_yes: impl Fn() + Send + Sync + 'static,
    on_no: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let yes: NodeRef<leptos::html::Button> = NodeRef::new();
    Effect::new(move |_| {
        if let Some(b) = yes.get() {
            let _ = b.focus();
        }
    });
    view! {
        <div class="card warn-box" role="alertdialog" aria-labelledby="confirm-text"
            on:keydown=move |ev| if ev.key() == "Escape" { on_no() }>
            <p id="confirm-text">{t(text)}</p>
            <div class="actions">
                <button type="button" class="primary" node_ref=yes on:click=move |_| on_yes()>{t(K::Confirm)}</button>
                <button type="button" on:click=move |_| on_no()>{t(K::Cancel)}</button>
            </div>
        </div>
    }
}

/// Moves the focus to the element with `id` once it is on screen (a
/// heading of something just opened), so screen readers announce it.
pub fn focus_when_ready(id: &'static str) {
    fn attempt(id: &'static str, tries: u32) {
        let found = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id));
        match found {
            Some(el) => {
                use wasm_bindgen::JsCast;
                if let Ok(h) = el.dyn_into::<web_sys::HtmlElement>() {
                    let _ = h.focus();
                }
            }
            // The data may still be on its way.
            None if tries > 0 => set_timeout(
                move || attempt(id, tries - 1),
                std::time::Duration::from_millis(100),
            ),
            None => {}
        }
    }
    request_animation_frame(move || attempt(id, 30));
}

/// The language menu: the choice shows at once and is kept for the next visit.
#[component]
pub fn LangPicker() -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    view! {
        <label for="lang-select" class="sr-only">{t(K::Language)}</label>
        <select
            id="lang-select"
            on:change=move |ev| {
                if let Some(l) = Lang::parse(&event_target_value(&ev)) {
                    crate::i18n::set_lang(lang, l);
                }
            }
            prop:value=move || lang.get().code()
        >
            <option value="nb">"Bokmål"</option>
            <option value="nn">"Nynorsk"</option>
            <option value="en">"English"</option>
        </select>
    }
}

/// A page's one request: `busy` while it runs, then `done` (after `then`
/// has the answer) or the problem. A plain task rather than a Leptos
/// action: an action's machinery costs a small app about 6 KB (brotli).
#[derive(Clone, Copy)]
pub struct Sending {
    pub busy: RwSignal<bool>,
    pub done: RwSignal<bool>,
    pub error: RwSignal<Option<ApiError>>,
}

impl Sending {
    pub fn new() -> Sending {
        Sending {
            busy: RwSignal::new(false),
            done: RwSignal::new(false),
            error: RwSignal::new(None),
        }
    }

    pub fn send<B, R>(self, call: Call<B, R>, body: B, then: impl FnOnce(R) + 'static)
    where
        B: Serialize + 'static,
        R: DeserializeOwned + 'static,
    {
        let body = Body::json(&body);
        self.run(
            call.method.as_str(),
            call.path,
            body,
            Box::new(move |text| {
                then(parse(text)?);
                Ok(())
            }),
        );
    }

    // The task itself is not generic: one copy for every page's request.
    fn run(self, method: &'static str, path: String, body: Result<Body, ApiError>, after: After) {
        self.busy.set(true);
        self.error.set(None);
        leptos::task::spawn_local(async move {
            let answer = match body {
                Ok(body) => fetch_text(None, method, path, body).await,
                Err(e) => Err(e),
            };
            match answer.and_then(|text| after(&text)) {
                Ok(()) => self.done.set(true),
                Err(e) => self.error.set(Some(e)),
            }
            self.busy.set(false);
        });
    }
}

type After = Box<dyn FnOnce(&str) -> Result<(), ApiError>>;

impl Default for Sending {
    fn default() -> Self {
        Sending::new()
    }
}

/// A new password typed twice, with the policy explained; `mismatch` shows
/// when the two differ.
#[component]
pub fn NewPassword(
    password: RwSignal<String>,
    repeat: RwSignal<String>,
    mismatch: RwSignal<bool>,
) -> impl IntoView {
    view! {
        <label for="new-password">{t(K::NewPassword)}</label>
        <p class="hint" id="pw-hint">{t(K::PasswordHint)}</p>
        <input id="new-password" type="password" autocomplete="new-password" minlength="12" required
            aria-describedby="pw-hint"
            prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
        <label for="new-password2">{t(K::PasswordRepeat)}</label>
        <input id="new-password2" type="password" autocomplete="new-password" minlength="12" required
            prop:value=repeat on:input=move |ev| repeat.set(event_target_value(&ev))/>
        <Show when=move || mismatch.get()>
            <p class="error" role="alert">{t(K::PasswordsDiffer)}</p>
        </Show>
    }
}

/// Starts one of the two small apps (the respondent's, the way in): its
/// language, its wording of problems, the header with the language picker,
/// and the page `page` picks by path. `home`, when given, is where the
/// name in the header leads; respondents get no link out of their survey.
pub fn mount_small_app(wording: Wording, home: Option<&'static str>, page: fn(&str) -> AnyView) {
    crate::remove_boot_notice();
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    leptos::mount::mount_to_body(move || {
        let lang = RwSignal::new(crate::i18n::saved_lang());
        crate::i18n::apply_lang(lang, lang.get_untracked());
        provide_context(lang);
        provide_context(wording);
        let brand = match home {
            Some(href) => view! { <a href=href>{t(K::AppName)}</a> }.into_any(),
            None => view! { <span class="brand-name">{t(K::AppName)}</span> }.into_any(),
        };
        view! {
            <a class="skip" href="#main">{t(K::SkipToContent)}</a>
            <header class="top">
                <div class="brand">{brand}</div>
                <div class="tools"><LangPicker/></div>
            </header>
            <main id="main" tabindex="-1">{page(path.trim_end_matches('/'))}</main>
        }
    });
}
