use leptos::prelude::*;
use leptos::task::spawn_local;
use tillit_api::{AcceptTerms, TermsAcceptance, TermsStatus, TermsVersionId};

use crate::app::require_login;
use crate::client::{self, ApiError};
use crate::components::{fetch_into, show, ErrorBox, Loaded};
use crate::i18n::{t, Lang, K};

#[component]
pub fn AgencyTerms() -> impl IntoView {
    let logged_in = require_login();
    let lang = expect_context::<RwSignal<Lang>>();
    let data: Loaded<TermsStatus> = RwSignal::new(None);
    let reload = move || fetch_into(data, "/api/agency/terms".into());
    reload();
    let responsible = RwSignal::new(false);
    let authority = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let accept = move |version_id: TermsVersionId| {
        busy.set(true);
        error.set(None);
        let body = AcceptTerms {
            terms_version_id: version_id,
            confirm_responsible: responsible.get_untracked(),
            confirm_authority: authority.get_untracked(),
        };
        spawn_local(async move {
            match client::post::<_, TermsAcceptance>("/api/agency/terms/accept", &body).await {
                Ok(_) => reload(),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
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
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
        </Show>
    }
}
