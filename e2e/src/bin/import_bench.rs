//! ORG-2 benchmark (not a test): full-sync import of 2,000 units and 50,000
//! employees into the real release server, first load and an unchanged
//! re-run, on SQLite and (when `TILLIT_TEST_PG` names a cluster) PostgreSQL.
//! Prints a table of seconds, rows/s and the server's peak RSS.
//!
//! Run with `scripts/bench` (release build, throwaway PostgreSQL).

use std::time::Instant;

use serde_json::{json, Value};
use tillit_e2e::Server;

const UNITS: usize = 2_000;
const EMPLOYEES: usize = 50_000;

fn units() -> Vec<Value> {
    let mut v = vec![json!({"external_id": "ROOT", "name": "Etaten"})];
    // 40 departments of 49 sections each, plus the root and departments.
    for d in 0..40 {
        v.push(json!({"external_id": format!("D{d}"), "name": format!("Avdeling {d}"), "parent_external_id": "ROOT"}));
    }
    let mut i = 0;
    while v.len() < UNITS {
        v.push(json!({"external_id": format!("S{i}"), "name": format!("Seksjon {i}"), "parent_external_id": format!("D{}", i % 40)}));
        i += 1;
    }
    v
}

fn employees() -> Vec<Value> {
    let sections = UNITS - 41;
    let langs = ["nb", "nn", "en"];
    (0..EMPLOYEES)
        .map(|i| {
            json!({
                "external_id": format!("P{i:06}"),
                "email": format!("person.{i}@etaten.no"),
                "unit_external_id": format!("S{}", i % sections),
                "language": langs[i % 3],
            })
        })
        .collect()
}

struct Row {
    backend: &'static str,
    step: &'static str,
    rows: usize,
    secs: f64,
}

async fn import(
    http: &reqwest::Client,
    s: &Server,
    token: &str,
    kind: &str,
    rows: &[Value],
) -> (f64, Value) {
    let body = json!({"mode": "full_sync", kind: rows});
    let started = Instant::now();
    let res = http
        .post(s.url(&format!("/api/imports/{kind}")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = res.status();
    let summary: Value = res.json().await.expect("json");
    let secs = started.elapsed().as_secs_f64();
    assert!(status.is_success(), "{kind} import failed: {summary}");
    (secs, summary)
}

async fn run(backend: &'static str, out: &mut Vec<Row>) -> f64 {
    let s = Server::start_demo().await;
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(600))
        .build()
        .expect("client");
    let (client_id, secret) = s.demo_login("integration");
    let tok: Value = http
        .post(s.url("/api/auth/token"))
        .json(&json!({"client_id": client_id, "client_secret": secret}))
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("token json");
    let token = tok["access_token"]
        .as_str()
        .expect("access token")
        .to_string();
    let (units, employees) = (units(), employees());
    for (step, expect_created) in [("first load", true), ("unchanged re-run", false)] {
        let (u, us) = import(&http, &s, &token, "units", &units).await;
        let (e, es) = import(&http, &s, &token, "employees", &employees).await;
        if expect_created {
            assert_eq!(es["created"].as_u64(), Some(EMPLOYEES as u64));
        } else {
            assert_eq!(
                (us["unchanged"].as_u64(), es["unchanged"].as_u64()),
                (Some(UNITS as u64), Some(EMPLOYEES as u64))
            );
        }
        out.push(Row {
            backend,
            step: if expect_created {
                "units, first load"
            } else {
                "units, re-run"
            },
            rows: UNITS,
            secs: u,
        });
        out.push(Row {
            backend,
            step: if expect_created {
                "employees, first load"
            } else {
                "employees, re-run"
            },
            rows: EMPLOYEES,
            secs: e,
        });
        out.push(Row {
            backend,
            step,
            rows: UNITS + EMPLOYEES,
            secs: u + e,
        });
    }
    s.peak_rss_mib().unwrap_or(f64::NAN)
}

#[tokio::main]
async fn main() {
    let mut rows = Vec::new();
    let mut rss = Vec::new();
    let pg = std::env::var("TILLIT_TEST_PG")
        .ok()
        .filter(|s| !s.is_empty());
    // SQLite first, with the PostgreSQL variable hidden from the server.
    std::env::remove_var("TILLIT_TEST_PG");
    rss.push(("sqlite", run("sqlite", &mut rows).await));
    if let Some(url) = pg {
        std::env::set_var("TILLIT_TEST_PG", url);
        rss.push(("postgres", run("postgres", &mut rows).await));
    }
    println!("\n| backend | step | rows | seconds | rows/s |");
    println!("|---|---|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {} | {} | {:.2} | {:.0} |",
            r.backend,
            r.step,
            r.rows,
            r.secs,
            r.rows as f64 / r.secs
        );
    }
    println!("\n| backend | server peak RSS (MiB) |");
    println!("|---|---:|");
    for (b, m) in rss {
        println!("| {b} | {m:.0} |");
    }
}
