//! The agency's people who log in: admins and leaders. Invitations go out
//! by email (never shown here), can be sent again, and a person can be
//! given another role or deactivated; both end their sessions at once.

use leptos::prelude::*;
use tillit_api::{endpoints, CreateUser, Language, Page, Role, UnitId, UpdateUser, User, UserId};

use crate::client::use_session;
use crate::components::{load, require_login, show, write, write_error, Confirm, Pager};
use crate::i18n::{t, K};

const PER_PAGE: i64 = 50;

#[derive(Clone, PartialEq)]
enum Ask {
    Deactivate(User),
    Role(User, Role),
}

fn role_key(r: Role) -> K {
    match r {
        Role::ControllerAdmin => K::RoleAdmin,
        _ => K::RoleLeader,
    }
}

#[component]
pub fn Users() -> impl IntoView {
    let logged_in = require_login();
    let session = use_session();
    let me = move || UserId(session.me.get().map(|m| m.id).unwrap_or_default());
    let page = RwSignal::new(1i64);
    let query = RwSignal::new(String::new());
    let list = load(move || {
        endpoints::USERS
            .call()
            .query("page", page.get())
            .query("per_page", PER_PAGE)
            .query("include_inactive", true)
            .query("q", query.get())
    });
    let total = Signal::derive(move || list.get().and_then(|d| d.ok()).map_or(0, |p| p.total));
    let ask = RwSignal::new(None::<Ask>);
    let notice = RwSignal::new(None::<K>);
    let done = move |k: K| {
        notice.set(Some(k));
        list.refetch();
    };
    let resending = write(move |_| done(K::InvitationResent));
    let deactivating = write(move |_| done(K::UserDeactivated));
    let changing_role = write(move |_| done(K::RoleChanged));
    let resend = move |id: UserId| {
        notice.set(None);
        resending.dispatch((endpoints::RESEND_USER_INVITATION.to(&[id.as_str()]), ()));
    };
    let carry_out = move |a: Ask| {
        notice.set(None);
        ask.set(None);
        match a {
            Ask::Deactivate(u) => {
                deactivating.dispatch((endpoints::DEACTIVATE_USER.to(&[u.id.as_str()]), ()));
            }
            Ask::Role(u, role) => {
                let body = UpdateUser {
                    name: u.name.clone(),
                    unit_ids: vec![],
                    role: Some(role),
                };
                changing_role.dispatch((endpoints::UPDATE_USER.to(&[u.id.as_str()]), body));
            }
        }
    };
    view! {
        <Show when=logged_in>
            <h1>{t(K::People)}</h1>
            <p>{t(K::PeopleIntro)}</p>
            <form class="search" role="search" on:submit=move |ev| ev.prevent_default()>
                <label for="user-search">{t(K::Search)}</label>
                <input id="user-search" type="search" prop:value=query on:input=move |ev| {
                    page.set(1);
                    query.set(event_target_value(&ev));
                }/>
            </form>
            {move || notice.get().map(|k| view! { <p class="card ok" role="status">{t(k)}</p> })}
            {write_error(resending)}
            {write_error(deactivating)}
            {write_error(changing_role)}
            {move || ask.get().map(|a| {
                let text = match &a {
                    Ask::Deactivate(_) => K::ConfirmDeactivateUser,
                    Ask::Role(..) => K::ConfirmRoleChange,
                };
                view! { <Confirm text=text on_yes=move || carry_out(a.clone()) on_no=move || ask.set(None)/> }
            })}
            {show(list, move |p: Page<User>| {
                if p.items.is_empty() {
                    return view! { <p>{t(K::NoneYet)}</p> }.into_any();
                }
                let me = me();
                view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-label=t(K::People)><table>
                        <thead><tr>
                            <th scope="col">{t(K::Name)}</th>
                            <th scope="col">{t(K::Role)}</th>
                            <th scope="col">{t(K::State)}</th>
                            <th scope="col"><span class="sr-only">{t(K::Actions)}</span></th>
                        </tr></thead>
                        <tbody>
                            {p.items.into_iter().map(|u| {
                                let myself = u.id == me;
                                let state = if !u.active { K::Deactivated } else if u.activated { K::Activated } else { K::InvitedNoPassword };
                                let other = if u.role == Role::ControllerAdmin { Role::Leader } else { Role::ControllerAdmin };
                                let (u1, u2, id) = (u.clone(), u.clone(), u.id.clone());
                                let can_resend = u.active && !u.activated;
                                view! {
                                    <tr>
                                        <td>{u.name.clone()}<br/><span class="muted">{u.email.clone()}</span></td>
                                        <td>{t(role_key(u.role))}</td>
                                        <td>{t(state)}</td>
                                        <td><div class="row-actions">
                                            {can_resend.then(|| view! {
                                                <button type="button" on:click=move |_| resend(id.clone())>{t(K::ResendInvitation)}</button>
                                            })}
                                            {(u.active && !myself).then(|| view! {
                                                <button type="button" on:click=move |_| ask.set(Some(Ask::Role(u1.clone(), other)))>
                                                    {t(if other == Role::ControllerAdmin { K::MakeAdmin } else { K::MakeLeader })}
                                                </button>
                                                <button type="button" on:click=move |_| ask.set(Some(Ask::Deactivate(u2.clone())))>{t(K::Deactivate)}</button>
                                            })}
                                        </div></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table></div>
                }.into_any()
            })}
            <Pager page=page total=total per_page=PER_PAGE/>
            <Invite on_invited=move || done(K::InvitationSent)/>
        </Show>
    }
}

#[component]
fn Invite(on_invited: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let units = load(|| endpoints::UNITS.call().query("per_page", 5000));
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Leader);
    let language = RwSignal::new(Language::Nb);
    let led = RwSignal::new(Vec::<UnitId>::new());
    let invite = write(move |_| {
        email.set(String::new());
        name.set(String::new());
        led.set(vec![]);
        on_invited();
    });
    let busy = invite.pending();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = CreateUser {
            email: email.get_untracked(),
            name: name.get_untracked(),
            role: role.get_untracked(),
            unit_ids: if role.get_untracked() == Role::Leader {
                led.get_untracked()
            } else {
                vec![]
            },
            language: language.get_untracked(),
        };
        invite.dispatch((endpoints::CREATE_USER.call(), body));
    };
    view! {
        <h2>{t(K::InvitePerson)}</h2>
        <form class="card" on:submit=submit>
            <label for="inv-email">{t(K::Email)}</label>
            <input id="inv-email" type="email" required prop:value=email on:input=move |ev| email.set(event_target_value(&ev))/>
            <label for="inv-name">{t(K::Name)}</label>
            <input id="inv-name" required prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
            <fieldset>
                <legend>{t(K::Role)}</legend>
                <div class="check">
                    <input type="radio" id="inv-leader" name="inv-role" prop:checked=move || role.get() == Role::Leader
                        on:change=move |_| role.set(Role::Leader)/>
                    <label for="inv-leader">{t(K::RoleLeader)}</label>
                </div>
                <div class="check">
                    <input type="radio" id="inv-admin" name="inv-role" prop:checked=move || role.get() == Role::ControllerAdmin
                        on:change=move |_| role.set(Role::ControllerAdmin)/>
                    <label for="inv-admin">{t(K::RoleAdmin)}</label>
                </div>
            </fieldset>
            <Show when=move || role.get() == Role::Leader>
                <label for="inv-units">{t(K::LeadsUnits)}</label>
                <select id="inv-units" multiple size="6" on:change=move |ev| {
                    use wasm_bindgen::JsCast;
                    let picked = ev.target()
                        .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
                        .map(|sel| {
                            let opts = sel.selected_options();
                            (0..opts.length())
                                .filter_map(|i| opts.item(i))
                                .filter_map(|o| o.get_attribute("value"))
                                .map(UnitId)
                                .collect::<Vec<_>>()
                        })
                        .unwrap_or_default();
                    led.set(picked);
                }>
                    {move || units.get().and_then(|r| r.ok()).map(|p| {
                        let mut items = p.items;
                        items.sort_by(|a, b| a.name.cmp(&b.name));
                        items.into_iter().map(|u| view! { <option value=u.id.to_string()>{u.name.clone()}</option> }).collect_view()
                    })}
                </select>
            </Show>
            <label for="inv-lang">{t(K::MailLanguage)}</label>
            <select id="inv-lang" on:change=move |ev| {
                if let Some(l) = Language::parse(&event_target_value(&ev)) { language.set(l); }
            }>
                <option value="nb">"Bokmål"</option>
                <option value="nn">"Nynorsk"</option>
                <option value="en">"English"</option>
            </select>
            <button type="submit" disabled=move || busy.get()>{t(K::SendInvitation)}</button>
        </form>
        {write_error(invite)}
    }
}
