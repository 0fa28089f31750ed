//! Invitation and reminder mail (SURV-2, RESP-3, DSR-4), through the file
//! transport the demo uses; tests/e2e drives a real SMTP server.

use crate::common::{Agency, TestApp};
use chrono::{Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tillit_backend::mail::sender::{run_once, Mailer};

struct Mail {
    to: String,
    subject: String,
    /// The answer link's token (in the link's fragment).
    token: String,
    /// The opt-out token of the List-Unsubscribe header.
    opt_out: String,
    text: String,
}

fn mails(app: &TestApp) -> Vec<Mail> {
    app.mails()
        .into_iter()
        .filter(|m| m.header("List-Unsubscribe").is_some())
        .map(|m| {
            let unsub = m.header("List-Unsubscribe").unwrap_or_default();
            assert_eq!(
                m.header("List-Unsubscribe-Post").as_deref(),
                Some("List-Unsubscribe=One-Click")
            );
            let opt_out = unsub
                .split("?t=")
                .nth(1)
                .unwrap()
                .trim_end_matches('>')
                .to_string();
            let token = m.link_token("/s#t=").expect("an answer link");
            // DSR-4: the link in the text opens the web app's page, with
            // the opt-out token; the answer token is in no query string.
            assert_eq!(
                m.link_token("/opt-out#t=").as_deref(),
                Some(opt_out.as_str())
            );
            assert_ne!(token, opt_out);
            assert!(!m.text.contains(&format!("?t={token}")));
            assert!(!m.text.contains(&format!("={token}&")));
            Mail {
                to: m.to,
                subject: m.subject,
                token,
                opt_out,
                text: m.text,
            }
        })
        .collect()
}

fn send_all(app: &TestApp, batch: i64) -> usize {
    let mailer = Mailer::from_config(&app.config).unwrap();
    run_once(&app.state, &mailer, batch).unwrap()
}

async fn launch_mixed(app: &TestApp, opens_days_ago: i64, reminders: Value) -> (Agency, String) {
    let a = app.agency("Etat").await;
    app.import_units(
        &a.token,
        "upsert",
        json!([{"external_id": "R", "name": "Root"}]),
    )
    .await;
    let langs = ["nb", "nn", "en", "nb", "nb", "en", "nn", "nb"];
    let emps: Vec<Value> = langs
        .iter()
        .enumerate()
        .map(|(i, l)| json!({"external_id": format!("E{i}"), "email": format!("p{i}@etat.no"), "unit_external_id": "R", "language": l}))
        .collect();
    app.import_employees(&a.token, "upsert", Value::Array(emps))
        .await;
    app.accept_terms(&a).await;
    let version = app.default_version(&a.token).await;
    let now = Utc::now();
    let s: Value = app
        .post(
            "/api/surveys",
            &a.token,
            json!({"title": "MU 2026", "questionnaire_version_id": version, "languages": ["nb", "nn", "en"],
                   "opens_at": now - Duration::days(opens_days_ago), "closes_at": now + Duration::days(10), "reminder_days": reminders}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = s["id"].as_str().unwrap().to_string();
    let res = app
        .call(
            Method::POST,
            &format!("/api/surveys/{id}/launch"),
            Some(&a.token),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    (a, id)
}

#[tokio::test]
async fn surv_2_every_invitation_is_mailed_once_in_its_language() {
    let app = TestApp::spawn().await;
    launch_mixed(&app, 0, json!([])).await;
    assert_eq!(send_all(&app, 100), 8);
    assert_eq!(send_all(&app, 100), 0, "nothing is sent twice");
    let m = mails(&app);
    assert_eq!(m.len(), 8);
    let mut to: Vec<&str> = m.iter().map(|x| x.to.as_str()).collect();
    to.sort();
    to.dedup();
    assert_eq!(to.len(), 8, "one mail each");
    assert!(m.iter().all(|x| x.subject == "MU 2026"));
    let en = m.iter().find(|x| x.to.contains("p2@")).unwrap();
    assert!(en.text.contains("Answer the survey") && en.text.contains("lang=\"en\""));
    let nn = m.iter().find(|x| x.to.contains("p1@")).unwrap();
    assert!(nn.text.contains("lang=\"nn\""));
    // SURV-2: the link's token is 256 random bits, and it opens the survey.
    for x in &m {
        assert!(x.token.len() >= 43);
    }
    let res = app
        .call(
            Method::POST,
            "/api/respond/session",
            None,
            Some(json!({"token": m[0].token})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn dsr_4_reminders_skip_those_who_answered_or_opted_out() {
    let app = TestApp::spawn().await;
    launch_mixed(&app, 3, json!([1, 2])).await;
    // The first round only (the oldest rows come first).
    assert_eq!(send_all(&app, 8), 8);
    let first = mails(&app);
    // One answers, one opts out.
    // Two Bokmål readers: p0 answers, p3 opts out.
    let by = |who: &str| first.iter().find(|m| m.to.starts_with(who)).unwrap();
    let (answered, opted) = (by("p0@"), by("p3@"));
    let s: Value = app
        .call(
            Method::POST,
            "/api/respond/session",
            None,
            Some(json!({"token": answered.token})),
        )
        .await
        .json()
        .await
        .unwrap();
    let jwt = s["access_token"].as_str().unwrap();
    let res = app
        .post("/api/respond/submit", jwt, json!({"token": answered.token, "receipt": "RECEIPT-0000-0000-0001", "answers": {"demands_pace": 2}}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .client
        .post(app.url(&format!("/api/respond/opt-out?t={}", opted.opt_out)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    send_all(&app, 100);
    let all = mails(&app);
    assert_eq!(
        all.len(),
        8 + 2 * 6,
        "two reminder rounds to the six others"
    );
    for skipped in [&answered.to, &opted.to] {
        assert_eq!(
            all.iter().filter(|m| &m.to == skipped).count(),
            1,
            "{skipped} got a reminder"
        );
    }
    let reminder_en = all
        .iter()
        .filter(|m| m.subject.starts_with("Reminder: "))
        .count();
    assert_eq!(
        reminder_en, 4,
        "both English readers get both reminders in English"
    );
}
