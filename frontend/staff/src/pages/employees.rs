use leptos::prelude::*;
use tillit_api::{endpoints, Employee, Page};

use crate::components::{load, require_login, show, Pager};
use crate::i18n::{t, K};

const PER_PAGE: i64 = 50;

#[component]
pub fn Employees() -> impl IntoView {
    let logged_in = require_login();
    let page = RwSignal::new(1i64);
    let query = RwSignal::new(String::new());
    let typed = RwSignal::new(String::new());
    let data = load(move || {
        endpoints::EMPLOYEES
            .call()
            .query("page", page.get())
            .query("per_page", PER_PAGE)
            .query("q", query.get())
    });
    let total = Signal::derive(move || data.get().and_then(|d| d.ok()).map_or(0, |p| p.total));
    view! {
        <Show when=logged_in>
            <h1>{t(K::Employees)}</h1>
            <form class="search" role="search" on:submit=move |ev| {
                ev.prevent_default();
                page.set(1);
                query.set(typed.get_untracked());
            }>
                <label for="emp-search">{t(K::Search)}</label>
                <input id="emp-search" type="search" prop:value=typed on:input=move |ev| {
                    typed.set(event_target_value(&ev));
                    page.set(1);
                    query.set(typed.get_untracked());
                }/>
                <button type="submit">{t(K::Search)}</button>
            </form>
            {show(data, |p: Page<Employee>| {
                if p.items.is_empty() {
                    return view! { <p>{t(K::NoneYet)}</p> }.into_any();
                }
                view! {
                    <div class="table-wrap" tabindex="0">
                        <table>
                            <thead><tr>
                                <th scope="col">{t(K::Email)}</th>
                                <th scope="col">{t(K::ExternalId)}</th>
                                <th scope="col">{t(K::Unit)}</th>
                                <th scope="col">{t(K::Language)}</th>
                            </tr></thead>
                            <tbody>
                                {p.items.into_iter().map(|e| view! {
                                    <tr>
                                        <td>{e.email}</td>
                                        <td>{e.external_id}</td>
                                        <td>{e.unit_name}</td>
                                        <td>{e.language.code()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            })}
            <Pager page=page total=total per_page=PER_PAGE/>
        </Show>
    }
}
