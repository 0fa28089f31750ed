use leptos::prelude::*;
use tillit_api::{endpoints, AcceptTerms, TermsStatus, TermsVersionId};

use crate::components::{load, require_login, show, write, write_error};
use crate::i18n::{t, Lang, K};

#[component]
pub fn AgencyTerms() -> impl IntoView {
    let logged_in = require_login();
    let lang = expect_context::<RwSignal<Lang>>();
    let data = load(|| endpoints::AGENCY_TERMS.call());
    let responsible = RwSignal::new(false);
    let authority = RwSignal::new(false);
    let accepting = write(move |_| data.refetch());
    let busy = accepting.pending();
    let accept = move |version_id: TermsVersionId| {
        let body = AcceptTerms {
            terms_version_id: version_id,
            confirm_responsible: responsible.get_untracked(),
            confirm_authority: authority.get_untracked(),
        };
        accepting.dispatch((endpoints::ACCEPT_TERMS.call(), body));
    };
    view! {
        <Show when=logged_in>
            <h1>{t(K::Terms)}</h1>
            {show(data, move |st: TermsStatus| {
                let Some(cur) = st.current.clone() else {
                    return view! { <p>{t(K::NoTerms)}</p> }.into_any();
                };
                let body = move || match lang.get() {
                    Lang::En => cur.body_en.clone(),
                    // Versions from before Nynorsk texts were required have none.
                    Lang::Nn if !cur.body_nn.is_empty() => cur.body_nn.clone(),
                    _ => cur.body_nb.clone(),
                };
                let id = cur.id.clone();
                view! {
                    <section class="card">
                        <h2>{t(K::TermsCurrent)}" — "{move || crate::i18n::version_title(lang.get(), cur.version, cur.title.clone())}</h2>
                        <div class="terms-text">{body}</div>
                    </section>
                    {if st.accepted_current {
                        view! { <p class="ok" role="status">{t(K::TermsAccepted)}</p> }.into_any()
                    } else {
                        view! {
                            <p class="warn">{t(K::TermsNotAccepted)}</p>
                            <form class="card" on:submit=move |ev| { ev.prevent_default(); accept(id.clone()); }>
                                <fieldset>
                                    <legend>{t(K::Accept)}</legend>
                                    <div class="check">
                                        <input type="checkbox" id="confirm-responsible"
                                            prop:checked=responsible on:change=move |ev| responsible.set(event_target_checked(&ev))/>
                                        <label for="confirm-responsible">{t(K::ConfirmResponsible)}</label>
                                    </div>
                                    <div class="check">
                                        <input type="checkbox" id="confirm-authority"
                                            prop:checked=authority on:change=move |ev| authority.set(event_target_checked(&ev))/>
                                        <label for="confirm-authority">{t(K::ConfirmAuthority)}</label>
                                    </div>
                                </fieldset>
                                <button type="submit" disabled=move || busy.get() || !responsible.get() || !authority.get()>
                                    {t(K::Accept)}
                                </button>
                            </form>
                        }.into_any()
                    }}
                    <h2>{t(K::History)}</h2>
                    {if st.history.is_empty() {
                        view! { <p>{t(K::NoneYet)}</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-wrap" tabindex="0">
                                <table>
                                    <thead><tr>
                                        <th scope="col">{t(K::Version)}</th>
                                        <th scope="col">{t(K::AcceptedBy)}</th>
                                        <th scope="col">{t(K::AcceptedAt)}</th>
                                    </tr></thead>
                                    <tbody>
                                        {st.history.into_iter().map(|h| view! {
                                            <tr>
                                                <td>{h.version}</td>
                                                <td>{h.accepted_by_name}" ("{h.accepted_by_email}")"</td>
                                                <td>{format!("{} UTC", crate::dates::minute(&h.accepted_at))}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any()
                    }}
                }.into_any()
            })}
            {write_error(accepting)}
        </Show>
    }
}
