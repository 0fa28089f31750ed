//! What a whole run leaves behind: logs without personal data (ANON-1), and
//! every acknowledged answer kept, once, across a SIGKILL (RESP-2).

use std::time::Duration;

use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use tillit_e2e::{tokens_from_mail, Place, Server};

async fn wait_for_mail(s: &Server, n: usize) -> Vec<String> {
    for _ in 0..300 {
        let t = tokens_from_mail(&s.data_dir);
        if t.len() >= n {
            return t;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the demo's invitations were not written");
}

/// Opens the link and sends a response; Some(receipt) when acknowledged.
async fn answer(http: &reqwest::Client, base: &str, token: &str, receipt: &str) -> Option<String> {
    let s: Value = http
        .post(format!("{base}/api/respond/session"))
        .json(&json!({"token": token}))
        .send()
        .await
        .ok()?
        .json()
        .await
        .ok()?;
    let jwt = s["access_token"].as_str()?.to_string();
    submit(http, base, &jwt, token, receipt).await
}

async fn submit(
    http: &reqwest::Client,
    base: &str,
    jwt: &str,
    token: &str,
    receipt: &str,
) -> Option<String> {
    let body = json!({"token": token, "receipt": receipt, "answers": {"demands_pace": 4, "lead_trust": 2}, "research_consent": false});
    let res = http
        .post(format!("{base}/api/respond/submit"))
        .bearer_auth(jwt)
        .json(&body)
        .send()
        .await
        .ok()?;
    (res.status() == StatusCode::OK).then(|| receipt.to_string())
}

/// Responses to the open survey (the demo's earlier rounds have their own).
fn count_responses(database_url: &str) -> i64 {
    use tillit_backend::db::schema::{responses, surveys};
    let pool = tillit_backend::db::connect(database_url, 1).unwrap();
    let mut conn = pool.get().unwrap();
    let open = surveys::table
        .filter(surveys::state.eq(tillit_api::SurveyState::Open))
        .select(surveys::id);
    tillit_backend::db::db_run!(&mut *conn, |c| responses::table
        .filter(responses::survey_id.eq_any(open))
        .count()
        .get_result(c))
    .unwrap()
}

/// Whether `line` holds something shaped like an email address (a user
/// part, `@`, and a domain ending in letters): a database URL's
/// `user@127.0.0.1` is not one.
fn holds_email(line: &str) -> bool {
    line.match_indices('@').any(|(at, _)| {
        let user = line[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || "._%+-".contains(c));
        let domain: String = line[at + 1..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '.' || *c == '-')
            .collect();
        let tld = domain
            .trim_end_matches('.')
            .rsplit('.')
            .next()
            .unwrap_or("");
        user && domain.contains('.') && tld.len() >= 2 && tld.chars().all(char::is_alphabetic)
    })
}

#[test]
fn the_email_check_finds_addresses_and_not_database_urls() {
    assert!(holds_email("kari.logg@direktoratet.demo signed in"));
    assert!(!holds_email(
        "database=postgres://postgres@127.0.0.1:5432/t"
    ));
}

#[tokio::test]
async fn anon_1_the_logs_of_a_full_run_hold_no_email_token_or_answer() {
    let s = Server::start(Place::fresh(), &[("RUST_LOG", "debug")]).await;
    let http = reqwest::Client::new();
    let tokens = wait_for_mail(&s, 20).await;
    let mut receipts = Vec::new();
    for (i, t) in tokens.iter().take(6).enumerate() {
        let r = format!("LOGTEST-{i:04}-RECEIPT-CODE");
        assert!(answer(&http, &s.base, t, &r).await.is_some());
        receipts.push(r);
    }
    // An admin searches for a person by email: the query string holds it.
    let (email, pw) = s.demo_login("controller_admin");
    let tok: Value = http
        .post(s.url("/api/auth/login"))
        .json(&json!({"email": email, "password": pw}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let jwt = tok["access_token"].as_str().unwrap();
    let res = http
        .get(s.url("/api/employees?q=ansatt001%40direktoratet.demo"))
        .bearer_auth(jwt)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (client_id, secret) = s.demo_login("integration");
    let hr: Value = http
        .post(s.url("/api/auth/token"))
        .json(&json!({"client_id": client_id, "client_secret": secret}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let emps = json!({"employees": [{"external_id": "LOG-1", "email": "kari.logg@direktoratet.demo", "unit_external_id": "IT-1"}]});
    let res = http
        .post(s.url("/api/imports/employees"))
        .bearer_auth(hr["access_token"].as_str().unwrap())
        .json(&emps)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(300)).await;

    let logs = s.logs();
    assert!(logs.contains("request"), "the run was logged at all");
    let emails: Vec<&str> = logs.lines().filter(|l| holds_email(l)).take(5).collect();
    assert!(
        emails.is_empty(),
        "an email address in the logs: {emails:#?}"
    );
    assert!(!logs.contains("eyJ"), "an access token in the logs");
    for t in &tokens {
        assert!(!logs.contains(t.as_str()), "a link token in the logs");
    }
    for r in &receipts {
        assert!(!logs.contains(r.as_str()), "a receipt in the logs");
    }
    assert!(
        !logs.contains("demands_pace") && !logs.contains("lead_trust"),
        "answers in the logs"
    );
    assert!(
        !logs.contains(&pw) && !logs.contains(&secret),
        "a password or secret in the logs"
    );
}

#[tokio::test]
async fn resp_2_every_acknowledged_answer_survives_a_sigkill_once() {
    let s = Server::start_demo().await;
    let tokens = wait_for_mail(&s, 200).await;
    let base = s.base.clone();
    let acks = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let tasks: Vec<_> = tokens
        .iter()
        .take(200)
        .enumerate()
        .map(|(i, t)| {
            let (base, t, acks) = (base.clone(), t.clone(), acks.clone());
            tokio::spawn(async move {
                let http = reqwest::Client::builder()
                    .timeout(Duration::from_secs(5))
                    .build()
                    .unwrap();
                let r = format!("KILLTEST-{i:04}-RECEIPT-CODE");
                let ok = answer(&http, &base, &t, &r).await;
                if ok.is_some() {
                    acks.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
                (t.clone(), r.clone(), ok)
            })
        })
        .collect();
    // Kill the server while answers are still arriving.
    while acks.load(std::sync::atomic::Ordering::SeqCst) < 20 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let place = s.kill().await;
    let at_kill = acks.load(std::sync::atomic::Ordering::SeqCst);
    assert!(
        at_kill < 200,
        "the kill came after every answer: nothing was tested"
    );
    let mut attempts = Vec::new();
    for task in tasks {
        attempts.push(task.await.unwrap());
    }
    let acknowledged: Vec<&String> = attempts
        .iter()
        .filter_map(|(_, r, ok)| ok.as_ref().map(|_| r))
        .collect();
    let counted_after_crash = count_responses(&place.database_url);
    assert!(
        counted_after_crash >= acknowledged.len() as i64,
        "{} acknowledged, {counted_after_crash} kept",
        acknowledged.len()
    );
    // Restart; everyone whose answer was lost sends again with the same receipt.
    let s = Server::start(place.clone(), &[]).await;
    let http = reqwest::Client::new();
    for (t, r, ok) in &attempts {
        if ok.is_some() {
            continue;
        }
        let res = http
            .post(s.url("/api/respond/session"))
            .json(&json!({"token": t}))
            .send()
            .await
            .unwrap();
        match res.status() {
            StatusCode::OK => {
                let v: Value = res.json().await.unwrap();
                assert!(
                    submit(&http, &s.base, v["access_token"].as_str().unwrap(), t, r)
                        .await
                        .is_some()
                );
            }
            // Counted before the kill, but the answer never reached the phone.
            StatusCode::CONFLICT => {}
            other => panic!("unexpected {other}"),
        }
    }
    // 200 links, 200 responses: none lost, none twice.
    assert_eq!(count_responses(&place.database_url), 200);
    for r in acknowledged {
        let res = http
            .post(s.url("/api/research/withdraw"))
            .json(&json!({"receipt": r}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::NO_CONTENT,
            "acknowledged receipt {r} is kept"
        );
    }
}
