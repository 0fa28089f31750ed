//! What went wrong, in the reader's language. The server sends stable
//! codes (`ProblemCode`, `FieldCode`) with parameters; every code has a
//! text here in Bokmål, Nynorsk and English (the matches are exhaustive, so
//! a new code without a translation does not compile).

use tillit_api::{FieldCode, FieldError, Problem, ProblemCode};

use super::Lang;

fn pick(l: Lang, nb: &str, nn: &str, en: &str) -> String {
    match l {
        Lang::Nb => nb,
        Lang::Nn => nn,
        Lang::En => en,
    }
    .to_string()
}

/// Seconds as people read a wait: "45 sekunder", "3 minutter".
fn wait(secs: i64, l: Lang) -> String {
    if secs < 90 {
        match l {
            Lang::En => format!("{secs} seconds"),
            _ => format!("{secs} sekund{}", if l == Lang::Nb { "er" } else { "" }),
        }
    } else {
        let m = (secs + 59) / 60;
        match l {
            Lang::Nb => format!("{m} minutter"),
            Lang::Nn => format!("{m} minutt"),
            Lang::En => format!("{m} minutes"),
        }
    }
}

/// The message for a whole problem.
pub fn problem_text(p: &Problem, l: Lang) -> String {
    use ProblemCode as C;
    let n = |k: &str| p.param(k).unwrap_or(0);
    match p.code {
        C::NotFound => pick(l, "Finner ikke det du ba om.", "Finn ikkje det du bad om.", "What you asked for was not found."),
        C::MethodNotAllowed | C::BadRequest | C::UnsupportedMediaType => pick(
            l,
            "Forespørselen var ikke gyldig.",
            "Førespurnaden var ikkje gyldig.",
            "The request was not valid.",
        ),
        C::InvalidInput => pick(l, "Noe av det du fylte inn må rettes:", "Noko av det du fylte inn må rettast:", "Some of what you entered needs fixing:"),
        C::PayloadTooLarge => pick(l, "Filen er for stor.", "Fila er for stor.", "The file is too large."),
        C::TooManyRequests => {
            let w = wait(n("retry_after").max(1), l);
            match l {
                Lang::Nb => format!("For mange forsøk. Prøv igjen om {w}."),
                Lang::Nn => format!("For mange forsøk. Prøv igjen om {w}."),
                Lang::En => format!("Too many attempts. Try again in {w}."),
            }
        }
        C::Unavailable => pick(l, "Tjenesten er opptatt akkurat nå. Prøv igjen om litt.", "Tenesta er oppteken akkurat no. Prøv igjen om litt.", "The service is busy right now. Try again shortly."),
        C::Internal => pick(l, "Noe gikk galt hos oss. Feilen er logget; prøv igjen senere.", "Noko gjekk gale hos oss. Feilen er logga; prøv igjen seinare.", "Something went wrong on our side. It has been logged; try again later."),
        C::Forbidden => pick(l, "Rollen din har ikke tilgang til dette.", "Rolla di har ikkje tilgang til dette.", "Your role does not give access to this."),
        C::OriginRefused => pick(l, "Forespørselen kom fra et annet nettsted og ble avvist.", "Førespurnaden kom frå ein annan nettstad og vart avvist.", "The request came from another site and was refused."),
        C::TokenMissing | C::TokenInvalid | C::SessionEnded => pick(l, "Økten din er avsluttet. Logg inn igjen.", "Økta di er avslutta. Logg inn igjen.", "Your session has ended. Log in again."),
        C::WrongCredentials => pick(l, "Feil e-postadresse eller passord.", "Feil e-postadresse eller passord.", "Wrong email address or password."),
        C::WrongClientCredentials => pick(l, "Ukjent klient eller feil hemmelighet.", "Ukjend klient eller feil løyndom.", "Unknown client or wrong secret."),
        C::LinkInvalid => pick(l, "Lenken er ukjent, brukt eller utløpt. Be om en ny.", "Lenkja er ukjend, brukt eller utgått. Be om ei ny.", "The link is unknown, used or expired. Ask for a new one."),
        C::EmailTaken => pick(l, "E-postadressen er allerede i bruk.", "E-postadressa er alt i bruk.", "The email address is already in use."),
        C::ExternalIdTaken => pick(l, "HR-id-en er allerede i bruk.", "HR-id-en er alt i bruk.", "The HR id is already in use."),
        C::Duplicate => pick(l, "Det finnes allerede en rad med samme nøkkel.", "Det finst alt ei rad med same nøkkel.", "A row with the same key already exists."),
        C::SelfDeactivation => pick(l, "Du kan ikke deaktivere deg selv.", "Du kan ikkje deaktivere deg sjølv.", "You cannot deactivate yourself."),
        C::SelfRoleChange => pick(l, "Du kan ikke endre din egen rolle.", "Du kan ikkje endre di eiga rolle.", "You cannot change your own role."),
        C::AlreadyActivated => pick(l, "Personen har allerede valgt passord. De kan sette nytt passord fra innloggingssiden.", "Personen har alt valt passord. Dei kan setje nytt passord frå innloggingssida.", "The person has already chosen a password. They can reset it from the login page."),
        C::UserInactive => pick(l, "Brukeren er deaktivert.", "Brukaren er deaktivert.", "The user is deactivated."),
        C::UnitInUse => match l {
            Lang::Nb => format!("Enheten har fortsatt {} aktive underenheter og {} aktive ansatte. Flytt eller deaktiver dem først.", n("units"), n("employees")),
            Lang::Nn => format!("Eininga har framleis {} aktive undereiningar og {} aktive tilsette. Flytt eller deaktiver dei først.", n("units"), n("employees")),
            Lang::En => format!("The unit still has {} active sub-units and {} active employees. Move or deactivate them first.", n("units"), n("employees")),
        },
        C::MassDeactivation => match l {
            Lang::Nb => format!("Synkroniseringen vil deaktivere {} av {} aktive rader. Bekreft antallet hvis det er meningen.", n("would_deactivate"), n("active")),
            Lang::Nn => format!("Synkroniseringa vil deaktivere {} av {} aktive rader. Stadfest talet om det er meininga.", n("would_deactivate"), n("active")),
            Lang::En => format!("The sync would deactivate {} of {} active rows. Confirm the number if that is intended.", n("would_deactivate"), n("active")),
        },
        C::TermsNotPublished => pick(l, "Ingen vilkår er publisert ennå.", "Ingen vilkår er publiserte enno.", "No terms have been published yet."),
        C::TermsNotCurrent => pick(l, "Bare gjeldende vilkårsversjon kan godtas.", "Berre gjeldande vilkårsversjon kan godtakast.", "Only the current terms version can be accepted."),
        C::TermsAlreadyAccepted => pick(l, "Virksomheten har allerede godtatt denne versjonen.", "Verksemda har alt godteke denne versjonen.", "The agency has already accepted this version."),
        C::TermsNotAccepted => pick(l, "Virksomheten må godta gjeldende vilkår før en undersøkelse kan startes.", "Verksemda må godta gjeldande vilkår før ei undersøking kan startast.", "The agency must accept the current terms before a survey can be launched."),
        C::QuestionnaireFrozen => pick(l, "Versjonen er publisert og kan ikke endres. Lag et nytt utkast.", "Versjonen er publisert og kan ikkje endrast. Lag eit nytt utkast.", "This version is published and frozen. Draft a new version instead."),
        C::QuestionnaireAlreadyPublished => pick(l, "Versjonen er allerede publisert.", "Versjonen er alt publisert.", "This version is already published."),
        C::SurveyOpenExtendOnly => pick(l, "Undersøkelsen er åpen: bare sluttdatoen kan endres, og bare til senere.", "Undersøkinga er open: berre sluttdatoen kan endrast, og berre til seinare.", "The survey is open: only its closing date can change, and only to a later one."),
        C::SurveyClosed => pick(l, "Undersøkelsen er avsluttet.", "Undersøkinga er avslutta.", "The survey has closed."),
        C::SurveyAlreadyLaunched => pick(l, "Undersøkelsen er allerede startet.", "Undersøkinga er alt starta.", "The survey has already been launched."),
        C::SurveyClosingPassed => pick(l, "Sluttdatoen er passert. Flytt den før du starter.", "Sluttdatoen er passert. Flytt han før du startar.", "The closing date has passed. Move it before launching."),
        C::SurveyNotOpen => pick(l, "Bare en åpen undersøkelse kan avsluttes.", "Berre ei open undersøking kan avsluttast.", "Only an open survey can be closed."),
        C::NoEmployees => pick(l, "Virksomheten har ingen aktive ansatte å invitere. Importer dem først.", "Verksemda har ingen aktive tilsette å invitere. Importer dei først.", "The agency has no active employees to invite. Import them first."),
        C::AlreadyAnswered => pick(l, "Undersøkelsen er allerede besvart med denne lenken.", "Undersøkinga er alt svara på med denne lenkja.", "The survey has already been answered with this link."),
        C::Unknown => p
            .detail
            .clone()
            .unwrap_or_else(|| pick(l, "Noe gikk galt.", "Noko gjekk gale.", "Something went wrong.")),
    }
}

/// The message when the server could not be reached at all.
pub fn network_text(l: Lang) -> String {
    pick(
        l,
        "Fikk ikke kontakt med tjenesten. Sjekk nettforbindelsen og prøv igjen.",
        "Fekk ikkje kontakt med tenesta. Sjekk nettsambandet og prøv igjen.",
        "Could not reach the service. Check your connection and try again.",
    )
}

/// Why one field is invalid, with the value it is about when known.
pub fn field_text(e: &FieldError, l: Lang) -> String {
    let reason = field_reason(e, l);
    let mut out = match e.params.get("value").and_then(|v| v.as_str()) {
        Some(v) => format!("«{v}» {reason}"),
        None => reason,
    };
    if let Some(first) = e.param("first_row") {
        out.push_str(&match l {
            Lang::En => format!(" (row {first})"),
            _ => format!(" (rad {first})"),
        });
    }
    out
}

fn field_reason(e: &FieldError, l: Lang) -> String {
    use FieldCode as F;
    let n = |k: &str| e.param(k);
    match e.code {
        F::Required => pick(l, "må fylles ut", "må fyllast ut", "is required"),
        F::Length | F::TooLong => match (n("min"), n("max"), n("equal")) {
            (_, _, Some(eq)) => match l {
                Lang::Nb => format!("må være nøyaktig {eq} tegn"),
                Lang::Nn => format!("må vere nøyaktig {eq} teikn"),
                Lang::En => format!("must be exactly {eq} characters"),
            },
            (Some(a), Some(b), _) => match l {
                Lang::Nb => format!("må være {a} til {b} tegn"),
                Lang::Nn => format!("må vere {a} til {b} teikn"),
                Lang::En => format!("must be {a} to {b} characters"),
            },
            (Some(a), None, _) => match l {
                Lang::Nb => format!("må være minst {a} tegn"),
                Lang::Nn => format!("må vere minst {a} teikn"),
                Lang::En => format!("must be at least {a} characters"),
            },
            (None, Some(b), _) => match l {
                Lang::Nb => format!("kan være høyst {b} tegn"),
                Lang::Nn => format!("kan vere høgst {b} teikn"),
                Lang::En => format!("must be at most {b} characters"),
            },
            _ => pick(
                l,
                "har feil lengde",
                "har feil lengd",
                "has the wrong length",
            ),
        },
        F::OutOfRange => match (n("min"), n("max")) {
            (Some(a), Some(b)) => match l {
                Lang::Nb => format!("må være mellom {a} og {b}"),
                Lang::Nn => format!("må vere mellom {a} og {b}"),
                Lang::En => format!("must be between {a} and {b}"),
            },
            _ => pick(
                l,
                "er utenfor gyldig område",
                "er utanfor gyldig område",
                "is out of range",
            ),
        },
        F::InvalidEmail => pick(
            l,
            "er ikke en gyldig e-postadresse",
            "er ikkje ei gyldig e-postadresse",
            "is not a valid email address",
        ),
        F::InvalidCharacters => pick(
            l,
            "inneholder kontrolltegn eller tegn som snur skriveretningen",
            "inneheld kontrollteikn eller teikn som snur skriveretninga",
            "contains control or text-direction characters",
        ),
        F::InvalidType => pick(
            l,
            "har feil type verdi",
            "har feil type verdi",
            "has the wrong kind of value",
        ),
        F::MalformedJson => pick(
            l,
            "er ikke gyldig JSON",
            "er ikkje gyldig JSON",
            "is not valid JSON",
        ),
        F::MalformedCsv => pick(
            l,
            "er ikke gyldig CSV",
            "er ikkje gyldig CSV",
            "is not valid CSV",
        ),
        F::MissingColumn => pick(
            l,
            "mangler som kolonne i overskriftsraden",
            "manglar som kolonne i overskriftsrada",
            "is missing as a column in the header row",
        ),
        F::InvalidEncoding => pick(
            l,
            "er ikke UTF-8: lagre filen som «CSV UTF-8»",
            "er ikkje UTF-8: lagra fila som «CSV UTF-8»",
            "is not UTF-8: save the file as \"CSV UTF-8\"",
        ),
        F::TooManyRows => match l {
            Lang::Nb => format!(
                "har for mange rader: høyst {} per import",
                n("max").unwrap_or(0)
            ),
            Lang::Nn => format!(
                "har for mange rader: høgst {} per import",
                n("max").unwrap_or(0)
            ),
            Lang::En => format!(
                "has too many rows: at most {} per import",
                n("max").unwrap_or(0)
            ),
        },
        F::Duplicate => pick(
            l,
            "står også på en annen rad",
            "står òg på ei anna rad",
            "also appears on another row",
        ),
        F::Cycle => pick(
            l,
            "gir en sløyfe i enhetstreet",
            "gir ei sløyfe i einingstreet",
            "makes a loop in the unit tree",
        ),
        F::UnknownParent => pick(
            l,
            "viser til en overordnet enhet som ikke finnes",
            "viser til ei overordna eining som ikkje finst",
            "names a parent unit that does not exist",
        ),
        F::UnknownUnit => pick(
            l,
            "viser til en enhet som ikke finnes",
            "viser til ei eining som ikkje finst",
            "names a unit that does not exist",
        ),
        F::EmailTaken => pick(
            l,
            "brukes allerede av en annen ansatt",
            "vert alt brukt av ein annan tilsett",
            "is already used by another employee",
        ),
        F::InvalidLanguage => pick(
            l,
            "må være nb, nn eller en",
            "må vere nb, nn eller en",
            "must be nb, nn or en",
        ),
        F::InvalidHeader => pick(
            l,
            "er ikke en gyldig verdi",
            "er ikkje ein gyldig verdi",
            "is not a valid value",
        ),
        F::KeyReused => pick(
            l,
            "er brukt for en annen forespørsel",
            "er brukt for ein annan førespurnad",
            "was used for a different request",
        ),
        F::InvalidOrgNumber => pick(
            l,
            "må være ni sifre",
            "må vere ni siffer",
            "must be nine digits",
        ),
        F::MustConfirm => pick(l, "må bekreftes", "må stadfestast", "must be confirmed"),
        F::NotALeader => pick(
            l,
            "bare ledere leder enheter",
            "berre leiarar leier einingar",
            "only leaders lead units",
        ),
        F::InvalidRole => pick(
            l,
            "må være virksomhetsadministrator eller leder",
            "må vere verksemdsadministrator eller leiar",
            "must be agency admin or leader",
        ),
        F::UnknownVersion => pick(
            l,
            "er ikke en publisert versjon",
            "er ikkje ein publisert versjon",
            "is not a published version",
        ),
        F::UnknownModule => pick(
            l,
            "er ikke en modul i spørreskjemaet",
            "er ikkje ein modul i spørjeskjemaet",
            "is not a module of the questionnaire",
        ),
        F::NotOptional => pick(l, "er alltid med", "er alltid med", "is always included"),
        F::BeforeOpening => pick(
            l,
            "må være etter startdatoen",
            "må vere etter startdatoen",
            "must be after the opening date",
        ),
        F::InThePast => pick(
            l,
            "må være fram i tid",
            "må vere fram i tid",
            "must be in the future",
        ),
        F::OutsidePeriod => pick(
            l,
            "må ligge innenfor perioden",
            "må liggje innanfor perioden",
            "must fall within the period",
        ),
        F::InvalidScale | F::UnknownScale => pick(
            l,
            "viser til en svarskala som ikke finnes",
            "viser til ein svarskala som ikkje finst",
            "names an answer scale that does not exist",
        ),
        F::UnknownQuestion => pick(
            l,
            "er ikke et spørsmål i undersøkelsen",
            "er ikkje eit spørsmål i undersøkinga",
            "is not a question of the survey",
        ),
        F::InvalidReceipt => pick(
            l,
            "er ikke en gyldig kvitteringskode",
            "er ikkje ein gyldig kvitteringskode",
            "is not a valid receipt code",
        ),
        F::InvalidQuery | F::InvalidPath => {
            pick(l, "er ikke gyldig", "er ikkje gyldig", "is not valid")
        }
        F::WeakPassword => pick(
            l,
            "er for lett å gjette: bruk en lengre frase av ord som ikke hører sammen",
            "er for lett å gjette: bruk ei lengre frase av ord som ikkje høyrer saman",
            "is too easy to guess: use a longer phrase of unrelated words",
        ),
        F::PasswordContainsEmail => pick(
            l,
            "kan ikke inneholde e-postadressen din",
            "kan ikkje innehalde e-postadressa di",
            "must not contain your email address",
        ),
        F::WrongPassword => pick(
            l,
            "er ikke passordet ditt",
            "er ikkje passordet ditt",
            "is not your current password",
        ),
        F::PasswordUnchanged => pick(
            l,
            "er det samme som passordet du har",
            "er det same som passordet du har",
            "is the password you already have",
        ),
        F::Invalid | F::Unknown => e.reason.clone(),
    }
}

/// A field's name as the reader knows it, for the names forms use.
pub fn field_label(field: &str, l: Lang) -> String {
    // "units[3].name" and "employees.email" name their last part.
    let last = field.rsplit(['.', ']']).next().unwrap_or(field);
    let known = match last {
        "email" | "admin_email" => Some(("E-postadresse", "E-postadresse", "Email address")),
        "name" | "admin_name" => Some(("Navn", "Namn", "Name")),
        "password" | "new_password" => Some(("Nytt passord", "Nytt passord", "New password")),
        "current_password" => Some(("Nåværende passord", "Noverande passord", "Current password")),
        "external_id" => Some(("HR-id", "HR-id", "HR id")),
        "parent_external_id" => Some((
            "Overordnet enhet (HR-id)",
            "Overordna eining (HR-id)",
            "Parent unit (HR id)",
        )),
        "unit_external_id" => Some(("Enhet (HR-id)", "Eining (HR-id)", "Unit (HR id)")),
        "language" => Some(("Språk", "Språk", "Language")),
        "title" => Some(("Tittel", "Tittel", "Title")),
        "opens_at" => Some(("Åpner", "Opnar", "Opens")),
        "closes_at" => Some(("Stenger", "Stengjer", "Closes")),
        "org_number" => Some((
            "Organisasjonsnummer",
            "Organisasjonsnummer",
            "Organisation number",
        )),
        "confirm_responsible" | "confirm_authority" => {
            Some(("Bekreftelse", "Stadfesting", "Confirmation"))
        }
        "page" => Some(("Side", "Side", "Page")),
        "receipt" => Some(("Kvitteringskode", "Kvitteringskode", "Receipt code")),
        "body" => Some(("Innholdet", "Innhaldet", "The content")),
        _ => None,
    };
    match known {
        Some((nb, nn, en)) => pick(l, nb, nn, en),
        None => field.to_string(),
    }
}
