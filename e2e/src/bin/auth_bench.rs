//! Access benchmarks (not tests), against the release server over loopback,
//! on SQLite and PostgreSQL. Run with `scripts/bench` (`auth_bench`).
//!
//! (d) What deciding access against the current state costs: the session
//!     check alone, straight on the database (µs per check), and
//!     authenticated reads per second beside a route that needs no check.
//! (e) A flood of wrong passwords: how long other people's requests take
//!     while argon2 is busy, against the same requests before the flood.

use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};
use tillit_backend::auth::jwt::Claims;
use tillit_e2e::bench::{backends, percentile, use_backend};
use tillit_e2e::{Place, Server};

async fn admin_token(http: &reqwest::Client, s: &Server) -> String {
    let (email, pw) = s.demo_login("controller_admin");
    let v: Value = http
        .post(s.url("/api/auth/login"))
        .header("X-Forwarded-For", "198.51.100.1")
        .json(&json!({"email": email, "password": pw}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["access_token"].as_str().unwrap().to_string()
}

/// `clients` loops of `each` GETs; returns (requests per second, p50 ms, p99 ms, errors).
async fn load(
    http: &reqwest::Client,
    url: String,
    token: Option<String>,
    clients: usize,
    each: usize,
) -> (f64, f64, f64, usize) {
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (http, url, token) = (http.clone(), url.clone(), token.clone());
            tokio::spawn(async move {
                let mut lat = Vec::with_capacity(each);
                let mut errors = 0;
                for _ in 0..each {
                    let t = Instant::now();
                    let mut rb = http.get(&url);
                    if let Some(tok) = &token {
                        rb = rb.bearer_auth(tok);
                    }
                    match rb.send().await {
                        Ok(r) if r.status().is_success() => {
                            let _ = r.bytes().await;
                        }
                        _ => errors += 1,
                    }
                    lat.push(t.elapsed().as_secs_f64() * 1000.0);
                }
                (lat, errors)
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (lat, e) = t.await.unwrap();
        all.extend(lat);
        errors += e;
    }
    let secs = started.elapsed().as_secs_f64();
    all.sort_by(f64::total_cmp);
    (
        all.len() as f64 / secs,
        percentile(&all, 0.5),
        percentile(&all, 0.99),
        errors,
    )
}

/// The session check alone, `n` times on one connection: µs per check.
fn check_cost(database_url: &str, token: &str, n: usize) -> f64 {
    let payload = token.split('.').nth(1).unwrap();
    let claims: Claims = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap();
    let pool = tillit_backend::db::connect(database_url, 1).unwrap();
    let mut conn = pool.get().unwrap();
    for _ in 0..100 {
        tillit_backend::auth::sessions::check(&mut conn, &claims).unwrap();
    }
    let started = Instant::now();
    for _ in 0..n {
        tillit_backend::auth::sessions::check(&mut conn, &claims).unwrap();
    }
    started.elapsed().as_secs_f64() * 1e6 / n as f64
}

/// Latencies of one person's reads, one after another, for `for_how_long`.
async fn probe(
    http: reqwest::Client,
    url: String,
    token: String,
    for_how_long: Duration,
) -> Vec<f64> {
    let until = Instant::now() + for_how_long;
    let mut lat = Vec::new();
    while Instant::now() < until {
        let t = Instant::now();
        let ok = http
            .get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .map(|r| r.status().is_success())
            .unwrap_or(false);
        assert!(ok, "a probe read failed");
        lat.push(t.elapsed().as_secs_f64() * 1000.0);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    lat.sort_by(f64::total_cmp);
    lat
}

async fn bench(name: &str) -> (String, String) {
    let s = Server::start(Place::fresh(), &[("TILLIT_TRUSTED_PROXIES", "127.0.0.1")]).await;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();
    let token = admin_token(&http, &s).await;
    // Warm up.
    load(&http, s.url("/api/auth/me"), Some(token.clone()), 4, 50).await;
    let check = check_cost(&s.database_url, &token, 5000);
    let (h_rps, h50, h99, h_err) = load(&http, s.url("/api/health"), None, 16, 500).await;
    let (m_rps, m50, m99, m_err) =
        load(&http, s.url("/api/auth/me"), Some(token.clone()), 16, 500).await;
    let (u_rps, u50, u99, u_err) = load(
        &http,
        s.url("/api/units?per_page=1"),
        Some(token.clone()),
        16,
        500,
    )
    .await;
    let access = format!(
        "| {name} | {check:.0} | {h_rps:.0} ({h50:.1} / {h99:.1}) | {m_rps:.0} ({m50:.1} / {m99:.1}) | {u_rps:.0} ({u50:.1} / {u99:.1}) | {} |",
        h_err + m_err + u_err
    );

    // (e) The same person's reads before and during 300 wrong passwords
    // from 300 addresses (no throttle in the way: every one is hashed).
    let me = s.url("/api/units?per_page=1");
    let calm = probe(
        http.clone(),
        me.clone(),
        token.clone(),
        Duration::from_secs(3),
    )
    .await;
    let during = tokio::spawn(probe(
        http.clone(),
        me,
        token.clone(),
        Duration::from_secs(6),
    ));
    let started = Instant::now();
    let flood: Vec<_> = (0..300)
        .map(|i| {
            let (http, url) = (http.clone(), s.url("/api/auth/login"));
            tokio::spawn(async move {
                let res = http
                    .post(url)
                    .header("X-Forwarded-For", format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256))
                    .json(&json!({"email": format!("nobody{i}@direktoratet.demo"), "password": "Sommer2026!"}))
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0);
                res
            })
        })
        .collect();
    let mut statuses = std::collections::BTreeMap::new();
    for f in flood {
        *statuses.entry(f.await.unwrap()).or_insert(0) += 1;
    }
    let flood_secs = started.elapsed().as_secs_f64();
    let during = during.await.unwrap();
    let statuses: Vec<String> = statuses.iter().map(|(k, v)| format!("{v}×{k}")).collect();
    let flood = format!(
        "| {name} | {} | {flood_secs:.1} | {:.0} | {:.1} / {:.1} | {:.1} / {:.1} |",
        statuses.join(" "),
        300.0 / flood_secs,
        percentile(&calm, 0.5),
        percentile(&calm, 0.99),
        percentile(&during, 0.5),
        percentile(&during, 0.99),
    );
    (access, flood)
}

#[tokio::main]
async fn main() {
    let backends = backends();
    let mut access = Vec::new();
    let mut floods = Vec::new();
    for (name, url) in &backends {
        use_backend(url);
        let (a, f) = bench(name).await;
        access.push(a);
        floods.push(f);
    }
    println!("\n(d) access decided against the current state: the check alone, and reads per second (p50 / p99 ms), 16 clients\n");
    println!("| backend | session check µs | GET /api/health (no check) | GET /api/auth/me | GET /api/units?per_page=1 | errors |");
    println!("|---|---:|---:|---:|---:|---:|");
    for r in access {
        println!("{r}");
    }
    println!("\n(e) 300 wrong passwords at once, from 300 addresses: one person's reads before and during (p50 / p99 ms)\n");
    println!("| backend | answers | flood seconds | logins/s | reads before | reads during |");
    println!("|---|---|---:|---:|---:|---:|");
    for r in floods {
        println!("{r}");
    }
}
