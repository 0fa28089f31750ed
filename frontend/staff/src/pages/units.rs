use std::collections::HashMap;

use leptos::prelude::*;
use tillit_api::{endpoints, Page, Unit, UnitId};

use crate::components::{load, require_login, show};
use crate::i18n::{t, Lang, K};

fn branch(id: Option<UnitId>, kids: &HashMap<Option<UnitId>, Vec<Unit>>, depth: usize) -> AnyView {
    let Some(list) = kids.get(&id) else {
        return ().into_any();
    };
    let items = list
        .iter()
        .map(|u| {
            let sub = branch(Some(u.id.clone()), kids, depth + 1);
            view! {
                <li>
                    <span class="unit-name">{u.name.clone()}</span>
                    " "<span class="muted">"("{u.external_id.clone()}")"</span>
                    " "<UnitCount u=u.clone()/>
                    {sub}
                </li>
            }
        })
        .collect_view();
    let class = if depth == 0 { "tree" } else { "subtree" };
    view! { <ul class=class>{items}</ul> }.into_any()
}

/// Employees in the unit itself, and with all its sub-units when it has any.
#[component]
fn UnitCount(u: Unit) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let own = u.employee_count;
    let all = u.total_employee_count;
    view! {
        <span class="count">
            {move || crate::i18n::employees_count(lang.get(), own, crate::dates::number(own, lang.get()))}
            {(all != own).then(|| view! {
                ", "{move || crate::i18n::with_sub_units(lang.get(), crate::dates::number(all, lang.get()))}
            })}
        </span>
    }
}

#[component]
pub fn Units() -> impl IntoView {
    let logged_in = require_login();
    let data = load(|| endpoints::UNITS.call().query("per_page", 5000));
    let q = RwSignal::new(String::new());
    view! {
        <Show when=logged_in>
            <h1>{t(K::Tree)}</h1>
            <label for="unit-search">{t(K::Search)}</label>
            <input id="unit-search" type="search" prop:value=q on:input=move |ev| q.set(event_target_value(&ev))/>
            {show(data, move |page: Page<Unit>| {
                move || {
                    let needle = tillit_ui::lowercase(&q.get());
                    if page.items.is_empty() {
                        return view! { <p>{t(K::NoneYet)}</p> }.into_any();
                    }
                    if !needle.is_empty() {
                        let hits: Vec<Unit> = page
                            .items
                            .iter()
                            .filter(|u| tillit_ui::lowercase(&u.name).contains(&needle) || tillit_ui::lowercase(&u.external_id).contains(&needle))
                            .cloned()
                            .collect();
                        return view! {
                            <ul class="tree">
                                {hits.into_iter().map(|u| view! {
                                    <li>{u.name.clone()}" "<span class="muted">"("{u.external_id.clone()}")"</span>" "<UnitCount u=u.clone()/></li>
                                }).collect_view()}
                            </ul>
                        }.into_any();
                    }
                    let ids: std::collections::HashSet<&str> = page.items.iter().map(|u| u.id.as_str()).collect();
                    let mut kids: HashMap<Option<UnitId>, Vec<Unit>> = HashMap::new();
                    for u in &page.items {
                        // A parent outside the list (deactivated) shows the unit at the top.
                        let parent = u.parent_id.clone().filter(|p| ids.contains(p.as_str()));
                        kids.entry(parent).or_default().push(u.clone());
                    }
                    for list in kids.values_mut() {
                        list.sort_by(|a, b| a.name.cmp(&b.name));
                    }
                    branch(None, &kids, 0)
                }
            })}
        </Show>
    }
}
