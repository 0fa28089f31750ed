use leptos::prelude::*;
use tillit_api::endpoints;
use tillit_api::{
    Agency, AgencyCreated, AgencyId, CreateAgency, Language, Page, PublishTerms, TermsVersion,
};

use crate::components::{load, require_login, show, write, write_error};
use crate::i18n::{t, K};

#[component]
pub fn Agencies() -> impl IntoView {
    let lang = expect_context::<RwSignal<crate::i18n::Lang>>();
    let logged_in = require_login();
    let data = load(|| endpoints::AGENCIES.call().query("per_page", 200));
    let name = RwSignal::new(String::new());
    let org = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let admin = RwSignal::new(String::new());
    let admin_lang = RwSignal::new(Language::Nb);
    let created = RwSignal::new(None::<AgencyCreated>);
    let resent = RwSignal::new(None::<String>);
    let create = write(move |c: &AgencyCreated| {
        created.set(Some(c.clone()));
        for s in [name, org, email, admin] {
            s.set(String::new());
        }
        data.refetch();
    });
    let busy = create.pending();
    // The agency whose invitation is on its way, named once it has gone.
    let resending = RwSignal::new(None::<String>);
    let resend_invitation = write(move |_| resent.set(resending.get_untracked()));
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
        create.dispatch((endpoints::CREATE_AGENCY.call(), body));
    };
    let resend = move |id: AgencyId, name: String| {
        resent.set(None);
        resending.set(Some(name));
        resend_invitation.dispatch((endpoints::RESEND_AGENCY_INVITATION.to(&[id.as_str()]), ()));
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
            {write_error(create)}
            {write_error(resend_invitation)}
        </Show>
    }
}

#[component]
pub fn TermsVersions() -> impl IntoView {
    let lang = expect_context::<RwSignal<crate::i18n::Lang>>();
    let logged_in = require_login();
    let data = load(|| endpoints::TERMS_VERSIONS.call());
    let title = RwSignal::new(String::new());
    let nb = RwSignal::new(String::new());
    let nn = RwSignal::new(String::new());
    let en = RwSignal::new(String::new());
    let publish = write(move |_| {
        for s in [title, nb, nn, en] {
            s.set(String::new());
        }
        data.refetch();
    });
    let busy = publish.pending();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = PublishTerms {
            title: title.get_untracked(),
            body_nb: nb.get_untracked(),
            body_nn: nn.get_untracked(),
            body_en: en.get_untracked(),
        };
        publish.dispatch((endpoints::PUBLISH_TERMS.call(), body));
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
            {write_error(publish)}
        </Show>
    }
}
