//! Mail to people who log in: invitations, password resets, and a
//! leader's note that their report is ready.
//!
//! The link is made when the mail is sent, inside the same commit that
//! marks the row `sending`, and only its hash is kept: no plaintext link
//! ever rests in the database or passes through an API answer. The invitee
//! alone receives it. As with the survey mail, a row is sent at most once;
//! one left `sending` becomes `uncertain`, and the person can ask again
//! (an admin resends, a reset is requested anew).

use chrono::Duration;
use diesel::prelude::*;
use lettre::message::{Mailbox, MultiPart};
use lettre::Message;

use crate::auth::store::{self as auth_store, LinkPurpose};
use crate::db::db_run;
use crate::db::schema::{account_mail, agencies, surveys, users};
use crate::db::{write_tx, DbConn};
use crate::error::AppError;
use crate::util::{new_id, now};
use tillit_api::UserId;

const MAX_ATTEMPTS: i32 = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Invitation,
    Reset,
    /// A survey's report is ready: the subject is the survey.
    ReportReady,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Invitation => "invitation",
            Kind::Reset => "reset",
            Kind::ReportReady => "report_ready",
        }
    }
    fn parse(s: &str) -> Option<Kind> {
        match s {
            "invitation" => Some(Kind::Invitation),
            "reset" => Some(Kind::Reset),
            "report_ready" => Some(Kind::ReportReady),
            _ => None,
        }
    }
    /// The one-use link the mail carries; a report's mail links to the
    /// report, behind the usual login.
    fn purpose(self) -> Option<LinkPurpose> {
        match self {
            Kind::Invitation => Some(LinkPurpose::Invitation),
            Kind::Reset => Some(LinkPurpose::Reset),
            Kind::ReportReady => None,
        }
    }
}

/// Queues "your report is ready" for each of `users` about `survey`, once
/// per person and survey (a second freeze, or a second instance, adds none).
pub fn queue_report_ready(
    conn: &mut DbConn,
    users_to: &[UserId],
    survey: &tillit_api::SurveyId,
) -> Result<(), AppError> {
    let t = now();
    for user in users_to {
        db_run!(conn, |c| diesel::insert_into(account_mail::table)
            .values((
                account_mail::id.eq(new_id()),
                account_mail::user_id.eq(user),
                account_mail::kind.eq(Kind::ReportReady.as_str()),
                account_mail::status.eq("pending"),
                account_mail::attempts.eq(0),
                account_mail::next_attempt_at.eq(t),
                account_mail::created_at.eq(t),
                account_mail::subject_id.eq(Some(survey.as_str())),
            ))
            .on_conflict_do_nothing()
            .execute(c))?;
    }
    Ok(())
}

/// Queues a mail for `user_id`. An earlier mail of the same kind that has
/// not gone out yet is dropped, and earlier links of an invitation stop
/// working at once: a resent invitation replaces the old link.
pub fn queue(conn: &mut DbConn, user_id: &UserId, kind: Kind) -> Result<(), AppError> {
    let t = now();
    db_run!(conn, |c| {
        diesel::update(
            account_mail::table
                .filter(account_mail::user_id.eq(user_id))
                .filter(account_mail::kind.eq(kind.as_str()))
                .filter(account_mail::status.eq("pending")),
        )
        .set(account_mail::status.eq("skipped"))
        .execute(c)?;
        diesel::insert_into(account_mail::table)
            .values((
                account_mail::id.eq(new_id()),
                account_mail::user_id.eq(user_id),
                account_mail::kind.eq(kind.as_str()),
                account_mail::status.eq("pending"),
                account_mail::attempts.eq(0),
                account_mail::next_attempt_at.eq(t),
                account_mail::created_at.eq(t),
            ))
            .execute(c)
    })?;
    if kind == Kind::Invitation {
        auth_store::void_links(conn, user_id)?;
    }
    Ok(())
}

/// One leased mail.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: String,
    pub user_id: UserId,
    pub kind: String,
    pub attempts: i32,
    pub subject_id: Option<String>,
}

/// Leases due mails to this sender (see `outbox::claim` for the scheme).
pub fn claim(conn: &mut DbConn, limit: i64, lease_secs: i64) -> Result<Vec<Job>, AppError> {
    write_tx(conn, |conn| {
        let t = now();
        db_run!(conn, |c| diesel::update(
            account_mail::table
                .filter(account_mail::status.eq("sending"))
                .filter(account_mail::claimed_until.lt(t))
        )
        .set(account_mail::status.eq("uncertain"))
        .execute(c))?;
        let due = account_mail::table
            .filter(account_mail::status.eq("pending"))
            .filter(account_mail::next_attempt_at.le(t))
            .filter(
                account_mail::claimed_until
                    .is_null()
                    .or(account_mail::claimed_until.lt(t)),
            )
            .order(account_mail::next_attempt_at.asc())
            .limit(limit)
            .select((
                account_mail::id,
                account_mail::user_id,
                account_mail::kind,
                account_mail::attempts,
                account_mail::subject_id,
            ));
        let rows: Vec<(String, UserId, String, i32, Option<String>)> = match conn {
            DbConn::Postgresql(c) => due.for_update().skip_locked().load(c)?,
            DbConn::Sqlite(c) => due.load(c)?,
        };
        let ids: Vec<&String> = rows.iter().map(|r| &r.0).collect();
        db_run!(conn, |c| diesel::update(
            account_mail::table.filter(account_mail::id.eq_any(&ids))
        )
        .set(account_mail::claimed_until.eq(Some(t + Duration::seconds(lease_secs))))
        .execute(c))?;
        Ok(rows
            .into_iter()
            .map(|(id, user_id, kind, attempts, subject_id)| Job {
                id,
                user_id,
                kind,
                attempts,
                subject_id,
            })
            .collect())
    })
}

/// What one mail says, and to whom.
pub struct Ready {
    pub to: String,
    pub name: String,
    pub language: String,
    pub agency: Option<String>,
    pub kind: Kind,
    /// The one-use link's token; empty for a report's mail.
    pub token: String,
    /// For a report's mail: the survey's id and title.
    pub survey: Option<(String, String)>,
}

/// Marks the row `sending` and makes its link, in one commit. None when the
/// row was taken over or its person can no longer get it (deactivated, or
/// already activated for an invitation): then it is `skipped`.
pub fn start(conn: &mut DbConn, job: &Job, lease_secs: i64) -> Result<Option<Ready>, AppError> {
    write_tx(conn, |conn| {
        let t = now();
        // email, name, language, active, password hash, agency name
        type Person = (String, String, String, bool, Option<String>, Option<String>);
        let person: Option<Person> = db_run!(conn, |c| users::table
            .left_join(agencies::table)
            .filter(users::id.eq(&job.user_id))
            .select((
                users::email,
                users::name,
                users::language,
                users::active,
                users::password_hash,
                agencies::name.nullable(),
            ))
            .first(c)
            .optional())?;
        let kind = Kind::parse(&job.kind);
        let wanted = match (&person, kind) {
            (Some((_, _, _, true, hash, _)), Some(Kind::Invitation)) => hash.is_none(),
            (Some((_, _, _, true, _, _)), Some(Kind::Reset | Kind::ReportReady)) => true,
            _ => false,
        };
        let status = if wanted { "sending" } else { "skipped" };
        let n = db_run!(conn, |c| diesel::update(
            account_mail::table
                .filter(account_mail::id.eq(&job.id))
                .filter(account_mail::status.eq("pending"))
        )
        .set((
            account_mail::status.eq(status),
            account_mail::claimed_until.eq(Some(t + Duration::seconds(lease_secs))),
        ))
        .execute(c))?;
        let (Some((to, name, language, _, _, agency)), Some(kind), true, 1) =
            (person, kind, wanted, n)
        else {
            return Ok(None);
        };
        let token = match kind.purpose() {
            Some(purpose) => auth_store::create_link(conn, &job.user_id, purpose)?,
            None => String::new(),
        };
        let survey = match &job.subject_id {
            Some(id) if kind == Kind::ReportReady => {
                let title: Option<String> = db_run!(conn, |c| surveys::table
                    .find(id)
                    .select(surveys::title)
                    .first(c)
                    .optional())?;
                title.map(|t| (id.clone(), t))
            }
            _ => None,
        };
        Ok(Some(Ready {
            to,
            name,
            language,
            agency,
            kind,
            token,
            survey,
        }))
    })
}

/// Records how one attempt ended: `sent`, `failed`, or back to `pending`
/// with a back-off for a failure the relay may get over.
pub fn record(
    conn: &mut DbConn,
    job: &Job,
    outcome: &super::outbox::Outcome,
) -> Result<(), AppError> {
    use super::outbox::Outcome;
    let (status, error, next) = match outcome {
        Outcome::Sent => ("sent", None, None),
        Outcome::Skipped => ("skipped", None, None),
        Outcome::Failed(e) => ("failed", Some(e.as_str()), None),
        Outcome::Retry(e) if job.attempts + 1 >= MAX_ATTEMPTS => ("failed", Some(e.as_str()), None),
        Outcome::Retry(e) => (
            "pending",
            Some(e.as_str()),
            Some(now() + Duration::seconds(30 * 4i64.pow(job.attempts as u32))),
        ),
    };
    db_run!(conn, |c| diesel::update(account_mail::table.find(&job.id))
        .set((
            account_mail::status.eq(status),
            account_mail::attempts.eq(job.attempts + 1),
            account_mail::claimed_until.eq(None::<chrono::NaiveDateTime>),
            account_mail::last_error.eq(error),
            account_mail::next_attempt_at.eq(next.unwrap_or_else(now)),
        ))
        .execute(c))?;
    Ok(())
}

struct Texts {
    subject: String,
    greeting: String,
    body: String,
    button: &'static str,
    note: &'static str,
}

fn texts(r: &Ready, processor: &str) -> Texts {
    let inviter = r.agency.clone().unwrap_or_else(|| processor.to_string());
    let greeting = |hello: &str| format!("{hello} {},", r.name);
    let survey = r.survey.as_ref().map(|s| s.1.as_str()).unwrap_or_default();
    match (r.kind, r.language.as_str()) {
        (Kind::ReportReady, "en") => Texts {
            subject: format!("Your report is ready: {survey}"),
            greeting: greeting("Hello"),
            body: format!("The results of {survey} for the units you lead are ready in {processor}. Groups with fewer than 6 responses are not shown."),
            button: "See the report",
            note: "You log in as usual. The results are computed once, when the survey closed, and will not change.",
        },
        (Kind::ReportReady, "nn") => Texts {
            subject: format!("Rapporten din er klar: {survey}"),
            greeting: greeting("Hei"),
            body: format!("Resultata frå {survey} for einingane du leier, er klare i {processor}. Grupper med færre enn 6 svar blir ikkje viste."),
            button: "Sjå rapporten",
            note: "Du loggar inn som vanleg. Resultata er rekna ut éin gong, då undersøkinga vart avslutta, og blir ikkje endra.",
        },
        (Kind::ReportReady, _) => Texts {
            subject: format!("Rapporten din er klar: {survey}"),
            greeting: greeting("Hei"),
            body: format!("Resultatene fra {survey} for enhetene du leder, er klare i {processor}. Grupper med færre enn 6 svar vises ikke."),
            button: "Se rapporten",
            note: "Du logger inn som vanlig. Resultatene er beregnet én gang, da undersøkelsen ble avsluttet, og endres ikke.",
        },
        (Kind::Invitation, "en") => Texts {
            subject: format!("Your access to {processor}"),
            greeting: greeting("Hello"),
            body: format!("{inviter} has given you access to {processor}, the employee survey service. Choose your password to log in."),
            button: "Choose a password",
            note: "The link works once, for 7 days. If you did not expect this mail, you can ignore it.",
        },
        (Kind::Invitation, "nn") => Texts {
            subject: format!("Tilgangen din til {processor}"),
            greeting: greeting("Hei"),
            body: format!("{inviter} har gitt deg tilgang til {processor}, tenesta for medarbeidarundersøkingar. Vel passord for å logge inn."),
            button: "Vel passord",
            note: "Lenkja verkar éin gong, i 7 dagar. Venta du ikkje denne e-posten, kan du sjå bort frå han.",
        },
        (Kind::Invitation, _) => Texts {
            subject: format!("Tilgangen din til {processor}"),
            greeting: greeting("Hei"),
            body: format!("{inviter} har gitt deg tilgang til {processor}, tjenesten for medarbeiderundersøkelser. Velg passord for å logge inn."),
            button: "Velg passord",
            note: "Lenken virker én gang, i 7 dager. Ventet du ikke denne e-posten, kan du se bort fra den.",
        },
        (Kind::Reset, "en") => Texts {
            subject: format!("Reset your {processor} password"),
            greeting: greeting("Hello"),
            body: "Someone, hopefully you, asked to reset your password.".into(),
            button: "Choose a new password",
            note: "The link works once, for one hour. If you did not ask for it, ignore this mail: your password stays as it is.",
        },
        (Kind::Reset, "nn") => Texts {
            subject: format!("Nytt passord i {processor}"),
            greeting: greeting("Hei"),
            body: "Nokon, forhåpentleg du, har bede om å setje nytt passord.".into(),
            button: "Vel nytt passord",
            note: "Lenkja verkar éin gong, i éin time. Bad du ikkje om dette, kan du sjå bort frå e-posten: passordet ditt er som før.",
        },
        (Kind::Reset, _) => Texts {
            subject: format!("Nytt passord i {processor}"),
            greeting: greeting("Hei"),
            body: "Noen, forhåpentligvis du, har bedt om å sette nytt passord.".into(),
            button: "Velg nytt passord",
            note: "Lenken virker én gang, i én time. Ba du ikke om dette, kan du se bort fra e-posten: passordet ditt er som før.",
        },
    }
}

/// The link in the mail: a page of the web app, the token in the fragment
/// (never sent to a server, never in a log).
pub fn link(base: &str, r: &Ready) -> String {
    match r.kind {
        Kind::Invitation => format!("{base}/invitation#token={}", r.token),
        Kind::Reset => format!("{base}/reset-password#token={}", r.token),
        Kind::ReportReady => format!(
            "{base}/reports/{}",
            r.survey.as_ref().map(|s| s.0.as_str()).unwrap_or_default()
        ),
    }
}

pub fn message(
    from: &Mailbox,
    r: &Ready,
    base: &str,
    processor: &str,
) -> Result<Message, AppError> {
    let t = texts(r, processor);
    let to: Mailbox =
        r.to.parse()
            .map_err(|e| AppError::internal(format!("stored email unusable: {e}")))?;
    let url = link(base, r);
    let esc = super::compose::html_escape;
    let text = format!(
        "{}\n\n{}\n\n{}:\n{url}\n\n{}\n",
        t.greeting, t.body, t.button, t.note
    );
    let html = format!(
        "<!doctype html><html lang=\"{lang}\"><body style=\"font-family:sans-serif;line-height:1.5;color:#1b1f24\">\
         <p>{g}</p><p>{b}</p>\
         <p><a href=\"{u}\" style=\"display:inline-block;background:#0b5394;color:#fff;padding:12px 20px;border-radius:4px;text-decoration:none\">{btn}</a></p>\
         <p style=\"font-size:90%\">{n}</p></body></html>",
        lang = esc(&r.language),
        g = esc(&t.greeting),
        b = esc(&t.body),
        u = esc(&url),
        btn = t.button,
        n = t.note,
    );
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(t.subject)
        .multipart(MultiPart::alternative_plain_html(text, html))
        .map_err(|e| AppError::internal(format!("could not build the mail: {e}")))
}
