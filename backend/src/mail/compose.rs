//! The invitation and reminder texts, in the employee's language (RESP-3).

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::Message;
use tillit_api::Language;

use super::outbox::Context;
use crate::error::AppError;

pub struct Links {
    pub answer: String,
    /// The web app's page that confirms the opt-out (a click in the mail).
    pub opt_out_page: String,
    /// RFC 8058 one-click: the mail client POSTs here.
    pub one_click: String,
}

struct Texts {
    subject: String,
    greeting: &'static str,
    body: String,
    button: &'static str,
    deadline: String,
    anonymity: &'static str,
    opt_out: &'static str,
}

fn texts(ctx: &Context, reminder: bool) -> Texts {
    let date = ctx.closes_at.format("%d.%m.%Y").to_string();
    match ctx.language {
        Language::En => Texts {
            subject: format!("{}{}", if reminder { "Reminder: " } else { "" }, ctx.survey_title),
            greeting: "Hello,",
            body: format!("{} invites you to its employee survey. It takes about 10 minutes, on your phone or a computer.", ctx.agency_name),
            button: "Answer the survey",
            deadline: format!("Please answer by {date}."),
            anonymity: "Your answers are anonymous: they are stored with nothing that links them to you, and shown only for groups of at least 6.",
            opt_out: "Don't want reminders? Opt out here:",
        },
        Language::Nn => Texts {
            subject: format!("{}{}", if reminder { "Påminning: " } else { "" }, ctx.survey_title),
            greeting: "Hei,",
            body: format!("{} inviterer deg til medarbeidarundersøkinga. Ho tek om lag 10 minutt, på mobilen eller ei datamaskin.", ctx.agency_name),
            button: "Svar på undersøkinga",
            deadline: format!("Svarfristen er {date}."),
            anonymity: "Svara dine er anonyme: dei blir lagra utan noko som knyter dei til deg, og blir viste berre for grupper på minst 6.",
            opt_out: "Vil du ikkje ha påminningar? Reserver deg her:",
        },
        Language::Nb => Texts {
            subject: format!("{}{}", if reminder { "Påminnelse: " } else { "" }, ctx.survey_title),
            greeting: "Hei,",
            body: format!("{} inviterer deg til medarbeiderundersøkelsen. Den tar omtrent 10 minutter, på mobilen eller en datamaskin.", ctx.agency_name),
            button: "Svar på undersøkelsen",
            deadline: format!("Svarfristen er {date}."),
            anonymity: "Svarene dine er anonyme: de lagres uten noe som knytter dem til deg, og vises bare for grupper på minst 6.",
            opt_out: "Vil du ikke ha påminnelser? Reserver deg her:",
        },
    }
}

pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub fn message(
    from: &Mailbox,
    ctx: &Context,
    reminder: bool,
    links: &Links,
) -> Result<Message, AppError> {
    let t = texts(ctx, reminder);
    let to: Mailbox = ctx
        .email
        .parse()
        .map_err(|e| AppError::internal(format!("stored email unusable: {e}")))?;
    let text = format!(
        "{}\n\n{}\n\n{}:\n{}\n\n{}\n\n{}\n\n{}\n{}\n",
        t.greeting,
        t.body,
        t.button,
        links.answer,
        t.deadline,
        t.anonymity,
        t.opt_out,
        links.opt_out_page
    );
    let html = format!(
        "<!doctype html><html lang=\"{lang}\"><body style=\"font-family:sans-serif;line-height:1.5;color:#1b1f24\">\
         <p>{g}</p><p>{b}</p>\
         <p><a href=\"{a}\" style=\"display:inline-block;background:#0b5394;color:#fff;padding:12px 20px;border-radius:4px;text-decoration:none\">{btn}</a></p>\
         <p>{d}</p><p>{anon}</p><p style=\"font-size:90%\">{o} <a href=\"{ol}\">{ol}</a></p></body></html>",
        lang = ctx.language.code(),
        g = t.greeting,
        b = html_escape(&t.body),
        a = html_escape(&links.answer),
        btn = t.button,
        d = html_escape(&t.deadline),
        anon = t.anonymity,
        o = t.opt_out,
        ol = html_escape(&links.opt_out_page),
    );
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(t.subject);
    // RFC 8058 one-click unsubscribe.
    let headers = builder_headers(&links.one_click);
    for (name, value) in headers {
        builder = builder.raw_header(HeaderValue::new(name, value));
    }
    builder
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(text),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(html),
                ),
        )
        .map_err(|e| AppError::internal(format!("could not build the mail: {e}")))
}

fn builder_headers(opt_out: &str) -> Vec<(HeaderName, String)> {
    vec![
        (
            HeaderName::new_from_ascii_str("List-Unsubscribe"),
            format!("<{opt_out}>"),
        ),
        (
            HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
            "List-Unsubscribe=One-Click".to_string(),
        ),
    ]
}
