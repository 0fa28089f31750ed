//! Widgets shared by the pages.

use leptos::prelude::*;
use tillit_api::FieldError;

use crate::client::ApiError;
use crate::i18n::{t, K};

/// A failed request: the problem's message and every field error.
#[component]
pub fn ErrorBox(error: ApiError) -> impl IntoView {
    let fields: Vec<FieldError> = error
        .problem
        .as_ref()
        .map(|p| p.errors.clone())
        .unwrap_or_default();
    view! {
        <div class="error" role="alert">
            <p><strong>{t(K::Error)}</strong>": "{error.message()}</p>
            {(!fields.is_empty()).then(|| view! { <FieldErrors errors=fields/> })}
        </div>
    }
}

#[component]
pub fn FieldErrors(errors: Vec<FieldError>) -> impl IntoView {
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
                            view! {
                                <tr>
                                    {has_rows.then(|| view! { <td>{e.row.map(|r| r.to_string()).unwrap_or_default()}</td> })}
                                    <td><code>{e.field}</code></td>
                                    <td>{e.reason}</td>
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
    let pages = move || ((total.get() + per_page - 1) / per_page).max(1);
    view! {
        <nav class="pager" aria-label="Pagination">
            <button type="button" disabled=move || page.get() <= 1 on:click=move |_| page.update(|p| *p -= 1)>
                {t(K::Previous)}
            </button>
            <span aria-live="polite">
                {t(K::PageOf)}" "{move || page.get()}" / "{pages}" ("{move || total.get()}" "{t(K::Total)}")"
            </span>
            <button type="button" disabled=move || page.get() >= pages() on:click=move |_| page.update(|p| *p += 1)>
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
