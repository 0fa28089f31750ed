//! Helpers the benchmark programs share (`src/bin/*_bench.rs`): a demo
//! server with respondents who have opened their links, tokens, a launch.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::{tokens_from_mail, Place, Server};

pub async fn json_of(res: reqwest::Response) -> Value {
    let status = res.status();
    let v: Value = res.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{status}: {v}");
    v
}

pub async fn tokens(http: &reqwest::Client, s: &Server) -> (String, String) {
    let (client_id, secret) = s.demo_login("integration");
    let hr = json_of(
        http.post(s.url("/api/auth/token"))
            .json(&json!({"client_id": client_id, "client_secret": secret}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let (email, pw) = s.demo_login("controller_admin");
    let admin = json_of(
        http.post(s.url("/api/auth/login"))
            .json(&json!({"email": email, "password": pw}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    (
        hr["access_token"].as_str().unwrap().into(),
        admin["access_token"].as_str().unwrap().into(),
    )
}

pub async fn import_people(http: &reqwest::Client, s: &Server, hr: &str, n: usize) {
    let rows: Vec<Value> = (0..n)
        .map(|i| json!({"external_id": format!("B{i:06}"), "email": format!("bench{i}@direktoratet.demo"), "unit_external_id": format!("IT-{}", i % 5 + 1)}))
        .collect();
    json_of(
        http.post(s.url("/api/imports/employees"))
            .bearer_auth(hr)
            .json(&json!({"employees": rows}))
            .send()
            .await
            .unwrap(),
    )
    .await;
}

pub async fn launch(http: &reqwest::Client, s: &Server, admin: &str) -> Instant {
    let versions = json_of(
        http.get(s.url("/api/questionnaires"))
            .bearer_auth(admin)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let now = chrono::Utc::now();
    let body = json!({"title": "Benchmark", "questionnaire_version_id": versions[0]["id"], "modules": ["change", "leadership", "user_focus"],
                      "languages": ["nb", "nn", "en"], "opens_at": now, "closes_at": now + chrono::Duration::days(7)});
    let survey = json_of(
        http.post(s.url("/api/surveys"))
            .bearer_auth(admin)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let id = survey["id"].as_str().unwrap();
    let started = Instant::now();
    json_of(
        http.post(s.url(&format!("/api/surveys/{id}/launch")))
            .bearer_auth(admin)
            .send()
            .await
            .unwrap(),
    )
    .await;
    started
}

pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// A respondent ready to submit: link token, session JWT.
pub type Respondent = (String, String);

/// Starts a server with `n` respondents who have each opened their link.
pub async fn respondents(
    http: &reqwest::Client,
    n: usize,
    env: &[(&str, &str)],
) -> (Server, Vec<Respondent>, Vec<String>) {
    let s = Server::start(Place::fresh(), env).await;
    let (hr, admin) = tokens(http, &s).await;
    // The demo's own 300 mails come first; keep them apart.
    let mut demo = Vec::new();
    for _ in 0..600 {
        demo = tokens_from_mail(&s.data_dir);
        if demo.len() >= 300 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    import_people(http, &s, &hr, n + 200).await;
    launch(http, &s, &admin).await;
    let mut mine = Vec::new();
    for _ in 0..1200 {
        mine = tokens_from_mail(&s.data_dir)
            .into_iter()
            .filter(|t| !demo.contains(t))
            .collect::<Vec<_>>();
        if mine.len() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Open every link first; the benchmark is the submission.
    let mut sessions = Vec::new();
    for chunk in mine[..n].chunks(50) {
        let calls = chunk.iter().map(|t| {
            let (http, url, t) = (http.clone(), s.url("/api/respond/session"), t.clone());
            tokio::spawn(async move {
                let v = json_of(
                    http.post(url)
                        .json(&json!({"token": t}))
                        .send()
                        .await
                        .unwrap(),
                )
                .await;
                (t, v)
            })
        });
        for c in calls.collect::<Vec<_>>() {
            sessions.push(c.await.unwrap());
        }
    }
    let keys: Vec<String> = sessions[0].1["survey"]["topics"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| {
            t["questions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|q| q["key"].as_str().unwrap().to_string())
        })
        .take(60)
        .collect();
    assert_eq!(keys.len(), 60);
    let people = sessions
        .into_iter()
        .map(|(t, v)| (t, v["access_token"].as_str().unwrap().to_string()))
        .collect();
    (s, people, keys)
}

/// The databases to measure: SQLite always, PostgreSQL when `TILLIT_TEST_PG`
/// names a cluster. `use_backend` points the servers started next at one.
pub fn backends() -> Vec<(&'static str, Option<String>)> {
    let pg = std::env::var("TILLIT_TEST_PG")
        .ok()
        .filter(|s| !s.is_empty());
    let mut out: Vec<(&'static str, Option<String>)> = vec![("sqlite", None)];
    if let Some(url) = pg {
        out.push(("postgres", Some(url)));
    }
    out
}

/// Servers started from now on use `url` (PostgreSQL), or SQLite.
pub fn use_backend(url: &Option<String>) {
    match url {
        Some(u) => std::env::set_var("TILLIT_TEST_PG", u),
        None => std::env::remove_var("TILLIT_TEST_PG"),
    }
}

/// Respondent `n`'s answers to the questions `keys` (1..=4, varied).
pub fn answers(keys: &[String], n: usize) -> serde_json::Map<String, Value> {
    keys.iter()
        .enumerate()
        .map(|(j, k)| (k.clone(), json!((n + j) % 4 + 1)))
        .collect()
}
