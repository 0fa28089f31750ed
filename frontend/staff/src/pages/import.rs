use leptos::prelude::*;
use leptos::task::spawn_local;
use tillit_api::{endpoints, ImportRecord, ImportSummary, Page};

use crate::client::{use_session, ApiError};
use crate::components::{load, require_login, show, ErrorBox, FieldErrors};
use crate::i18n::{t, K};

pub async fn read_file(input: &web_sys::HtmlInputElement) -> Option<String> {
    let file = input.files()?.get(0)?;
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .ok()?;
    text.as_string()
}

#[component]
pub fn Import() -> impl IntoView {
    let logged_in = require_login();
    let lang = expect_context::<RwSignal<crate::i18n::Lang>>();
    let kind = RwSignal::new("employees".to_string());
    let mode = RwSignal::new("upsert".to_string());
    let file: NodeRef<leptos::html::Input> = NodeRef::new();
    let busy = RwSignal::new(None::<K>);
    let result = RwSignal::new(None::<ImportSummary>);
    let error = RwSignal::new(None::<ApiError>);
    let no_file = RwSignal::new(false);
    // A full sync that would deactivate many rows needs its count confirmed.
    let confirmed = RwSignal::new(false);
    let history = load(|| endpoints::IMPORTS.call().query("per_page", 10));
    let session = use_session();

    let run = move |dry_run: bool| {
        let Some(input) = file.get() else { return };
        busy.set(Some(if dry_run { K::Checking } else { K::Applying }));
        error.set(None);
        no_file.set(false);
        spawn_local(async move {
            let Some(text) = read_file(&input).await else {
                no_file.set(true);
                busy.set(None);
                return;
            };
            let confirm = result
                .get_untracked()
                .and_then(|r| r.needs_confirmation)
                .filter(|_| confirmed.get_untracked())
                .map(|m| m.would_deactivate);
            let endpoint = if kind.get_untracked() == "units" {
                endpoints::IMPORT_UNITS_CSV
            } else {
                endpoints::IMPORT_EMPLOYEES_CSV
            };
            let call = endpoint
                .call()
                .query("mode", mode.get_untracked())
                .query("dry_run", dry_run)
                .query_opt("confirm_deactivations", confirm);
            match session.send_csv(call, text).await {
                Ok(s) => {
                    if !dry_run {
                        history.refetch();
                    }
                    result.set(Some(s));
                }
                Err(e) => {
                    result.set(None);
                    error.set(Some(e));
                }
            }
            busy.set(None);
        });
    };
    // Apply only what was checked, and only when the check found no errors.
    let can_apply = move || {
        result.get().is_some_and(|r| {
            r.dry_run && r.errors.is_empty() && (r.needs_confirmation.is_none() || confirmed.get())
        }) && busy.get().is_none()
    };
    let reset = move || {
        result.set(None);
        error.set(None);
        confirmed.set(false);
    };
    view! {
        <Show when=logged_in>
            <h1>{t(K::Import)}</h1>
            <p>{t(K::ImportIntro)}</p>
            <p>
                {t(K::Templates)}" "
                <a href="/templates/employees.csv" download="employees.csv">{t(K::TemplateEmployees)}</a>
                " · "
                <a href="/templates/units.csv" download="units.csv">{t(K::TemplateUnits)}</a>
            </p>
            <form class="card" on:submit=move |ev| { ev.prevent_default(); run(true); }>
                <fieldset>
                    <legend>{t(K::Kind)}</legend>
                    <div class="check">
                        <input type="radio" id="kind-employees" name="kind" value="employees"
                            prop:checked=move || kind.get() == "employees" on:change=move |_| { kind.set("employees".into()); reset(); }/>
                        <label for="kind-employees">{t(K::Employees)}" (external_id, email, unit_external_id, language)"</label>
                    </div>
                    <div class="check">
                        <input type="radio" id="kind-units" name="kind" value="units"
                            prop:checked=move || kind.get() == "units" on:change=move |_| { kind.set("units".into()); reset(); }/>
                        <label for="kind-units">{t(K::Units)}" (external_id, name, parent_external_id)"</label>
                    </div>
                </fieldset>
                <fieldset>
                    <legend>{t(K::Mode)}</legend>
                    <div class="check">
                        <input type="radio" id="mode-upsert" name="mode" value="upsert"
                            prop:checked=move || mode.get() == "upsert" on:change=move |_| { mode.set("upsert".into()); reset(); }/>
                        <label for="mode-upsert">{t(K::ModeUpsert)}</label>
                    </div>
                    <div class="check">
                        <input type="radio" id="mode-full" name="mode" value="full_sync"
                            prop:checked=move || mode.get() == "full_sync" on:change=move |_| { mode.set("full_sync".into()); reset(); }/>
                        <label for="mode-full">{t(K::ModeFullSync)}</label>
                    </div>
                </fieldset>
                <label for="import-file">{t(K::File)}</label>
                <input id="import-file" type="file" accept=".csv,text/csv" node_ref=file on:change=move |_| reset()/>
                <div class="actions">
                    <button type="submit" disabled=move || busy.get().is_some()>{t(K::DryRun)}</button>
                    <button type="button" class="primary" disabled=move || !can_apply() on:click=move |_| run(false)>
                        {t(K::Apply)}
                    </button>
                </div>
                {move || busy.get().map(|k| view! { <p role="status" aria-live="polite">{t(k)}</p> })}
            </form>
            <Show when=move || no_file.get()>
                <p class="error" role="alert">{t(K::ChooseFile)}</p>
            </Show>
            <div aria-live="polite">
                {move || result.get().map(|r| view! { <Summary s=r/> })}
                {move || result.get().and_then(|r| r.needs_confirmation.filter(|_| r.dry_run)).map(|m| view! {
                    <div class="card warn-box">
                        <p class="warn">{move || crate::i18n::mass_deactivation(lang.get(), m.would_deactivate, m.active)}</p>
                        <div class="check">
                            <input type="checkbox" id="confirm-deactivations" prop:checked=confirmed
                                on:change=move |ev| confirmed.set(event_target_checked(&ev))/>
                            <label for="confirm-deactivations">{t(K::ConfirmDeactivations)}" ("{m.would_deactivate}")"</label>
                        </div>
                    </div>
                })}
            </div>
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
            <h2>{t(K::Imports)}</h2>
            {show(history, |p: Page<ImportRecord>| {
                if p.items.is_empty() {
                    return view! { <p>{t(K::NoneYet)}</p> }.into_any();
                }
                view! {
                    <div class="table-wrap" tabindex="0"><table>
                        <thead><tr>
                            <th scope="col">{t(K::When)}</th>
                            <th scope="col">{t(K::Kind)}</th>
                            <th scope="col">{t(K::Who)}</th>
                            <th scope="col">{t(K::Created)}</th>
                            <th scope="col">{t(K::Updated)}</th>
                            <th scope="col">{t(K::Deactivated)}</th>
                            <th scope="col">{t(K::Unchanged)}</th>
                        </tr></thead>
                        <tbody>
                            {p.items.into_iter().map(|r| view! {
                                <tr>
                                    <td>{crate::dates::minute(&r.created_at)}</td>
                                    <td>{format!("{:?} / {} / {}", r.kind, r.mode.as_str(), r.source).to_ascii_lowercase()}</td>
                                    <td>{r.actor_name}</td>
                                    <td>{r.created}</td>
                                    <td>{r.updated}</td>
                                    <td>{r.deactivated}</td>
                                    <td>{r.unchanged}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table></div>
                }.into_any()
            })}
        </Show>
    }
}

#[component]
fn Summary(s: ImportSummary) -> impl IntoView {
    let heading = if !s.errors.is_empty() {
        K::DryRunErrors
    } else if s.dry_run {
        K::DryRunClean
    } else {
        K::Applied
    };
    let class = if s.errors.is_empty() {
        "card ok"
    } else {
        "card error"
    };
    view! {
        <section class=class>
            <h2>{t(heading)}</h2>
            <dl class="counts">
                <div><dt>{t(K::Rows)}</dt><dd>{s.rows}</dd></div>
                <div><dt>{t(K::Created)}</dt><dd>{s.created}</dd></div>
                <div><dt>{t(K::Updated)}</dt><dd>{s.updated}</dd></div>
                <div><dt>{t(K::Deactivated)}</dt><dd>{s.deactivated}</dd></div>
                <div><dt>{t(K::Unchanged)}</dt><dd>{s.unchanged}</dd></div>
            </dl>
            {(!s.errors.is_empty()).then(|| view! { <FieldErrors errors=s.errors.clone()/> })}
        </section>
    }
}
