//! Widgets shared by the pages.

use leptos::prelude::*;
use tillit_api::FieldError;

use crate::client::ApiError;
use crate::i18n::{errors, t, Lang, K};

/// A failed request, in the reader's language: the problem's message and
/// every field error with its reason.
#[component]
pub fn ErrorBox(error: ApiError) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let fields: Vec<FieldError> = error
        .problem
        .as_ref()
        .map(|p| p.errors.clone())
        .unwrap_or_default();
    let message = move || match &error.problem {
        Some(p) => errors::problem_text(p, lang.get()),
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
                                    <td>{move || errors::field_label(&label.field, lang.get())}</td>
                                    <td>{move || errors::field_text(&reason, lang.get())}</td>
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

pub type Loaded<T> = RwSignal<Option<Result<T, ApiError>>>;

/// Fetches `path` into `sig`; the view shows a spinner, an error or the data.
pub fn fetch_into<T>(sig: Loaded<T>, path: String)
where
    T: serde::de::DeserializeOwned + Send + Sync + 'static,
{
    leptos::task::spawn_local(async move {
        let r = crate::client::get::<T>(&path).await;
        sig.set(Some(r));
    });
}

/// For lists that refetch as people type or page: only the answer to the
/// latest request is shown, however the answers arrive. A slow answer to
/// an older search never replaces a newer one.
pub struct Latest<T: Send + Sync + 'static> {
    pub data: Loaded<T>,
    asked: StoredValue<u64>,
}

impl<T: Send + Sync + 'static> Clone for Latest<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Latest<T> {}

impl<T: serde::de::DeserializeOwned + Clone + Send + Sync + 'static> Latest<T> {
    pub fn new() -> Self {
        Latest {
            data: RwSignal::new(None),
            asked: StoredValue::new(0),
        }
    }

    pub fn fetch(self, path: String) {
        let ticket = self.asked.get_value() + 1;
        self.asked.set_value(ticket);
        leptos::task::spawn_local(async move {
            let r = crate::client::get::<T>(&path).await;
            if self.asked.try_get_value() == Some(ticket) {
                self.data.set(Some(r));
            }
        });
    }
}

/// Renders a loaded value: progress while waiting, the problem on failure.
pub fn show<T, V>(sig: Loaded<T>, ok: impl Fn(T) -> V + Send + Sync + 'static) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    move || match sig.get() {
        None => view! { <Loading/> }.into_any(),
        Some(Err(e)) => view! { <ErrorBox error=e/> }.into_any(),
        Some(Ok(v)) => ok(v).into_any(),
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
