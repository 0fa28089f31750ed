//! Survey benchmarks (not tests), against the release server over loopback:
//! (a) 1,000 respondents submitting a 60-answer response at once, on SQLite
//! and PostgreSQL; (c) 50,000 invitations queued and sent to a local SMTP
//! sink (aiosmtpd). Run with `scripts/bench`.

use std::time::{Duration, Instant};

use diesel::prelude::*;
use serde_json::json;
use tillit_e2e::bench::{
    answers, backends, import_people, launch, percentile, respondents, tokens, use_backend,
    Respondent,
};
use tillit_e2e::{Place, Server, SmtpSink};

/// Submits each respondent's 60 answers; with `rate`, the i-th starts at
/// i / rate seconds (a steady arrival rate), without, all at once.
/// Returns the latencies in ms, the errors and the seconds of the run.
async fn submit_all(
    http: &reqwest::Client,
    s: &Server,
    people: &[Respondent],
    keys: &[String],
    offset: usize,
    rate: Option<f64>,
) -> (Vec<f64>, usize, f64) {
    let started = Instant::now();
    let tasks: Vec<_> = people
        .iter()
        .enumerate()
        .map(|(i, (token, jwt))| {
            let n = i + offset;
            let body = json!({"token": token, "receipt": format!("BENCH-{n:06}-RECEIPT-CODE"), "answers": answers(keys, n), "research_consent": n.is_multiple_of(2)});
            let (http, url, jwt) = (http.clone(), s.url("/api/respond/submit"), jwt.clone());
            let at = rate.map(|r| started + Duration::from_secs_f64(i as f64 / r));
            tokio::spawn(async move {
                if let Some(at) = at {
                    tokio::time::sleep_until(at.into()).await;
                }
                let t = Instant::now();
                let ok = http.post(url).bearer_auth(jwt).json(&body).send().await.map(|r| r.status().is_success()).unwrap_or(false);
                (t.elapsed().as_secs_f64() * 1000.0, ok)
            })
        })
        .collect();
    let mut lat = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (ms, ok) = t.await.unwrap();
        lat.push(ms);
        errors += usize::from(!ok);
    }
    lat.sort_by(|a, b| a.total_cmp(b));
    (lat, errors, started.elapsed().as_secs_f64())
}

/// (a): 1,000 submissions at once, then 1,000 more at a steady rate.
async fn submissions(backend: &'static str, steady_rate: f64) -> Vec<String> {
    const N: usize = 1000;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(N)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let (s, people, keys) = respondents(&http, 2 * N, &[]).await;
    let mut rows = Vec::new();
    for (shape, part, rate) in [
        ("all at once", &people[..N], None),
        ("steady", &people[N..], Some(steady_rate)),
    ] {
        let offset = if rate.is_some() { N } else { 0 };
        let (lat, errors, secs) = submit_all(&http, &s, part, &keys, offset, rate).await;
        let shape = match rate {
            Some(r) => format!("{shape} {r:.0}/s"),
            None => shape.to_string(),
        };
        rows.push(format!(
            "| {backend} | {shape} | {N} | {errors} | {secs:.2} | {:.0} | {:.1} | {:.1} | {:.0} |",
            N as f64 / secs,
            percentile(&lat, 0.5),
            percentile(&lat, 0.99),
            s.peak_rss_mib().unwrap_or(f64::NAN)
        ));
    }
    rows
}

fn sent(database_url: &str) -> i64 {
    use tillit_backend::db::schema::mail_outbox;
    let Ok(pool) = tillit_backend::db::connect(database_url, 1) else {
        return 0;
    };
    let Ok(mut conn) = pool.get() else { return 0 };
    tillit_backend::db::db_run!(&mut *conn, |c| mail_outbox::table
        .filter(mail_outbox::status.eq("sent"))
        .count()
        .get_result(c))
    .unwrap_or(0)
}

async fn mail(backend: &'static str) -> String {
    const N: usize = 50_000;
    let sink = SmtpSink::start_sink().await;
    let url = format!("smtp://127.0.0.1:{}", sink.port);
    let place = Place::fresh();
    let db = place.database_url.clone();
    let s = Server::start(place, &[("TILLIT_SMTP_URL", url.as_str())]).await;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(600))
        .build()
        .unwrap();
    let (hr, admin) = tokens(&http, &s).await;
    while sent(&db) < 300 {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    import_people(&http, &s, &hr, N).await;
    let started = launch(&http, &s, &admin).await;
    let target = 300 + 300 + N as i64; // the demo survey, the old roster again, the new people
    let mut last = 0;
    while started.elapsed() < Duration::from_secs(600) {
        last = sent(&db);
        if last >= target {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let secs = started.elapsed().as_secs_f64();
    let mails = last - 300;
    format!(
        "| {backend} | {mails} | {secs:.1} | {:.0} |",
        mails as f64 / secs
    )
}

#[tokio::main]
async fn main() {
    let backends = backends();
    // `survey_bench mail` or `survey_bench submit` runs one part only.
    let only = std::env::args().nth(1).unwrap_or_default();
    let mut subs = Vec::new();
    let mut mails = Vec::new();
    for (name, url) in &backends {
        use_backend(url);
        if only != "mail" {
            // The targets' rates: 500/s on SQLite, 1,000/s on PostgreSQL.
            let rate = if url.is_some() { 1000.0 } else { 500.0 };
            subs.extend(submissions(name, rate).await);
        }
        if only != "submit" {
            mails.push(mail(name).await);
        }
    }
    if !subs.is_empty() {
        println!("\n(a) 1,000 respondents submit a 60-answer response: all at once, then 1,000 more arriving at a steady rate\n");
        println!("| backend | arrivals | submissions | errors | seconds | per second | p50 ms | p99 ms | server peak RSS MiB |");
        println!("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        for r in subs {
            println!("{r}");
        }
    }
    if !mails.is_empty() {
        println!("\n(c) a survey of 50,000 invitations queued and sent to a local SMTP sink\n");
        println!("| backend | mails | seconds | per second |");
        println!("|---|---:|---:|---:|");
        for r in mails {
            println!("{r}");
        }
    }
}
