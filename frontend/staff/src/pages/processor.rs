use leptos::prelude::*;
use leptos::task::spawn_local;
use tillit_api::{
    Agency, AgencyCreated, AgencyId, CreateAgency, Language, Page, PublishTerms, TermsVersion,
};

use crate::app::require_login;
use crate::client::{self, ApiError};
use crate::components::{fetch_into, show, ErrorBox, Loaded};
use crate::i18n::{t, K};

#[component]
pub fn Agencies() -> impl IntoView {
    let lang = expect_context::<RwSignal<crate::i18n::Lang>>();
    let logged_in = require_login();
    let data: Loaded<Page<Agency>> = RwSignal::new(None);
    let reload = move || fetch_into(data, "/api/agencies?per_page=200".into());
    reload();
    let name = RwSignal::new(String::new());
    let org = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let admin = RwSignal::new(String::new());
    let admin_lang = RwSignal::new(Language::Nb);
    let created = RwSignal::new(None::<AgencyCreated>);
    let resent = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let org_number = Some(org.get_untracked().trim().to_string()).filter(|s| !s.is_empty());
        let body = CreateAgency {
            name: name.get_untracked(),
            org_number,
            admin_email: email.get_untracked(),
            admin_name: admin.get_untracked(),
            admin_language: admin_lang.get_untracked(),
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match client::post::<_, AgencyCreated>("/api/agencies", &body).await {
                Ok(c) => {
                    created.set(Some(c));
                    for s in [name, org, email, admin] {
                        s.set(String::new());
                    }
                    reload();
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let resend = move |id: AgencyId, name: String| {
        error.set(None);
        resent.set(None);
        spawn_local(async move {
            match client::post_unit(
                &format!("/api/agencies/{id}/invitation"),
                &serde_json::json!({}),
            )
            .await
            {
                Ok(()) => resent.set(Some(name)),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <Show when=logged_in>
            <h1>{t(K::Agencies)}</h1>
            {move || resent.get().map(|name| view! {
                <p class="card ok" role="status">{move || crate::i18n::invitation_resent_to(lang.get(), name.clone())}</p>
            })}
            {show(data, move |p: Page<Agency>| {
                if p.items.is_empty() {
                    return view! { <p>{t(K::NoneYet)}</p> }.into_any();
                }
                view! {
                    <div class="table-wrap" tabindex="0"><table>
                        <thead><tr>
                            <th scope="col">{t(K::Name)}</th>
                            <th scope="col">{t(K::OrgNumber)}</th>
                            <th scope="col">{t(K::TermsAcceptedShort)}</th>
                            <th scope="col">{t(K::Admin)}</th>
                        </tr></thead>
                        <tbody>
                            {p.items.into_iter().map(|a| {
                                let (id, name) = (a.id.clone(), a.name.clone());
                                view! {
                                    <tr>
                                        <td>{a.name}</td>
                                        <td>{a.org_number.unwrap_or_default()}</td>
                                        <td>{move || if a.terms_accepted { t(K::Yes)() } else { t(K::No)() }}</td>
                                        <td>
                                            {if a.awaiting_admin {
                                                view! {
                                                    <span class="muted">{t(K::AwaitingAdmin)}</span>" "
                                                    <button type="button" class="small" on:click=move |_| resend(id.clone(), name.clone())>
                                                        {t(K::ResendInvitation)}
                                                    </button>
                                                }.into_any()
                                            } else {
                                                view! { <span>{t(K::Activated)}</span> }.into_any()
                                            }}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table></div>
                }.into_any()
            })}
            <h2>{t(K::CreateAgency)}</h2>
            <form class="card" on:submit=submit>
                <label for="ag-name">{t(K::AgencyName)}</label>
                <input id="ag-name" required prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                <label for="ag-org">{t(K::OrgNumber)}</label>
                <input id="ag-org" inputmode="numeric" pattern="[0-9]{9}" prop:value=org on:input=move |ev| org.set(event_target_value(&ev))/>
                <label for="ag-email">{t(K::AdminEmail)}</label>
                <input id="ag-email" type="email" required prop:value=email on:input=move |ev| email.set(event_target_value(&ev))/>
                <label for="ag-admin">{t(K::AdminName)}</label>
                <input id="ag-admin" required prop:value=admin on:input=move |ev| admin.set(event_target_value(&ev))/>
                <label for="ag-lang">{t(K::MailLanguage)}</label>
                <select id="ag-lang" on:change=move |ev| {
                    if let Some(l) = Language::parse(&event_target_value(&ev)) { admin_lang.set(l); }
                }>
                    <option value="nb">"Bokmål"</option>
                    <option value="nn">"Nynorsk"</option>
                    <option value="en">"English"</option>
                </select>
                <button type="submit" disabled=move || busy.get()>{t(K::Create)}</button>
            </form>
            {move || created.get().map(|c| view! {
                <section class="card ok" role="status">
                    <h3>{c.agency.name.clone()}</h3>
                    <p>{move || crate::i18n::invitation_sent_to(lang.get(), c.admin.email.clone())}" "{t(K::InvitationHelp)}</p>
                </section>
            })}
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
        </Show>
    }
}

#[component]
pub fn TermsVersions() -> impl IntoView {
    let lang = expect_context::<RwSignal<crate::i18n::Lang>>();
    let logged_in = require_login();
    let data: Loaded<Vec<TermsVersion>> = RwSignal::new(None);
    let reload = move || fetch_into(data, "/api/terms".into());
    reload();
    let title = RwSignal::new(String::new());
    let nb = RwSignal::new(String::new());
    let nn = RwSignal::new(String::new());
    let en = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = PublishTerms {
            title: title.get_untracked(),
            body_nb: nb.get_untracked(),
            body_nn: nn.get_untracked(),
            body_en: en.get_untracked(),
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match client::post::<_, TermsVersion>("/api/terms", &body).await {
                Ok(_) => {
                    for s in [title, nb, nn, en] {
                        s.set(String::new());
                    }
                    reload();
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <Show when=logged_in>
            <h1>{t(K::TermsVersions)}</h1>
            {show(data, move |list: Vec<TermsVersion>| {
                if list.is_empty() {
                    return view! { <p>{t(K::NoTerms)}</p> }.into_any();
                }
                view! {
                    <ul class="plain">
                        {list.into_iter().map(move |v| view! {
                            <li>
                                <strong>{move || crate::i18n::version_title(lang.get(), v.version, v.title.clone())}</strong>
                                " — "{crate::dates::iso_day(&v.published_at)}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
            <h2>{t(K::Publish)}</h2>
            <form class="card" on:submit=submit>
                <label for="tv-title">{t(K::Title)}</label>
                <input id="tv-title" required prop:value=title on:input=move |ev| title.set(event_target_value(&ev))/>
                <label for="tv-nb">{t(K::BodyNb)}</label>
                <textarea id="tv-nb" rows="8" required prop:value=nb on:input=move |ev| nb.set(event_target_value(&ev))></textarea>
                <label for="tv-nn">{t(K::BodyNn)}</label>
                <textarea id="tv-nn" rows="8" required prop:value=nn on:input=move |ev| nn.set(event_target_value(&ev))></textarea>
                <label for="tv-en">{t(K::BodyEn)}</label>
                <textarea id="tv-en" rows="8" required prop:value=en on:input=move |ev| en.set(event_target_value(&ev))></textarea>
                <button type="submit" disabled=move || busy.get()>{t(K::Publish)}</button>
            </form>
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
        </Show>
    }
}
