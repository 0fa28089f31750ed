//! Loading data into the staff pages (through the staff session), plus the
//! widgets both apps share.

use leptos::prelude::*;
pub use tillit_ui::components::*;

use crate::client::ApiError;

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
