//! What the audit trail costs (issue 9), on SQLite and PostgreSQL, in one
//! run per backend (`scripts/bench trail`):
//!
//! (f) submissions: the bare transaction (mark the invitation answered,
//!     insert the response; nothing else) run straight on the database by
//!     32 threads, against the release server's submissions over loopback
//!     HTTP from 32 clients, each sending its next response when the last
//!     one is answered;
//! (g) reads: one page of employees read by 8 threads in a read
//!     transaction (how unaudited reads run), against the same read as an
//!     audited read (`work::audited_read_on`: the read, then one appended
//!     entry in a short write, on SQLite into the read inbox), while a sealer in the same process (as in
//!     the server) links the entries into the chain; then how long the last
//!     entries waited to be sealed.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use serde_json::json;
use tillit_api::{AgencyId, Role};
use tillit_backend::answering::store::{self, InvitationRow, NewResponse};
use tillit_backend::audit::{self, Action, Actor, Inbox};
use tillit_backend::db::schema::surveys;
use tillit_backend::db::{self, db_run, write_tx, DbPool, Paging};
use tillit_backend::organisation::employees;
use tillit_backend::work::{audited_read_on, Tx};
use tillit_e2e::bench::{answers, backends, percentile, respondents, use_backend, Respondent};

const CLIENTS: usize = 32;
const SUBMISSIONS: usize = 2000;
/// As many as the server's connection pool holds by default.
const READERS: usize = 8;
/// A round of 3,000 reads takes a few seconds: long against the sealer's
/// one-second passes, which otherwise fall on one round or the next by
/// chance (with 800 a round, single rounds cost from 0 to 40 %).
const READS: usize = 30_000;
/// Unaudited and audited reads take turns, so drift in the machine (other
/// work, the sealer catching up) falls on both alike.
const ROUNDS: usize = 10;

/// The bare transaction on `invitations`, `CLIENTS` threads; per second.
fn bare(pool: &DbPool, invitations: &[InvitationRow], keys: &[String]) -> f64 {
    let next = AtomicUsize::new(0);
    let started = Instant::now();
    std::thread::scope(|sc| {
        for _ in 0..CLIENTS {
            sc.spawn(|| {
                let mut conn = pool.get().expect("connection");
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(inv) = invitations.get(i) else { break };
                    let json = serde_json::to_string(&answers(keys, i)).expect("json");
                    let receipt = format!("BARE-{i:06}-RECEIPT-CODE");
                    let r = NewResponse {
                        survey_id: &inv.survey_id,
                        unit_id: &inv.unit_id,
                        answers_json: &json,
                        research_consent: i.is_multiple_of(2),
                        receipt: &receipt,
                    };
                    let outcome = write_tx(&mut conn, |c| store::submit(c, &inv.id, &r));
                    assert!(matches!(outcome, Ok(store::Submitted::New)), "bare submit");
                }
            });
        }
    });
    invitations.len() as f64 / started.elapsed().as_secs_f64()
}

/// The app's submissions from `CLIENTS` clients in a closed loop; per
/// second and errors.
async fn app(base: &str, people: &[Respondent], keys: &[String]) -> (f64, usize) {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(CLIENTS)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("http client");
    let people = Arc::new(people.to_vec());
    let keys = Arc::new(keys.to_vec());
    let next = Arc::new(AtomicUsize::new(0));
    let url = format!("{base}/api/respond/submit");
    let started = Instant::now();
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (http, url) = (http.clone(), url.clone());
            let (people, keys, next) = (people.clone(), keys.clone(), next.clone());
            tokio::spawn(async move {
                let mut errors = 0;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((token, jwt)) = people.get(i) else { break };
                    let body = json!({"token": token, "receipt": format!("APP-{i:06}-RECEIPT-CODE"),
                                      "answers": answers(&keys, i), "research_consent": i.is_multiple_of(2)});
                    let ok = http
                        .post(&url)
                        .bearer_auth(jwt)
                        .json(&body)
                        .send()
                        .await
                        .map(|r| r.status().is_success())
                        .unwrap_or(false);
                    errors += usize::from(!ok);
                }
                errors
            })
        })
        .collect();
    let mut errors = 0;
    for t in tasks {
        errors += t.await.expect("client task");
    }
    (
        people.len() as f64 / started.elapsed().as_secs_f64(),
        errors,
    )
}

/// `READS / ROUNDS` pages of employees by `READERS` threads; seconds, errors.
fn reads(pool: &DbPool, inbox: Option<&Inbox>, agency: &AgencyId, audited: bool) -> (f64, usize) {
    let next = AtomicUsize::new(0);
    let errors = AtomicUsize::new(0);
    let actor = Actor {
        id: "bench-reader".into(),
        role: Role::ControllerAdmin,
    };
    let paging = Paging {
        page: 1,
        per_page: 50,
    };
    let started = Instant::now();
    std::thread::scope(|sc| {
        for _ in 0..READERS {
            sc.spawn(|| {
                let mut conn = pool.get().expect("connection");
                while next.fetch_add(1, Ordering::Relaxed) < READS / ROUNDS {
                    let page = if audited {
                        audited_read_on(
                            &mut conn,
                            inbox,
                            agency.clone(),
                            actor.clone(),
                            Action::EmployeeList,
                            None,
                            |tx| employees::store::page(tx, None, false, paging),
                        )
                    } else {
                        conn.transaction(|c| {
                            let mut tx = Tx::reading(c, agency.clone());
                            employees::store::page(&mut tx, None, false, paging)
                        })
                    };
                    match page {
                        Ok(p) => assert_eq!(p.items.len(), 50),
                        Err(e) => {
                            eprintln!("read failed (audited: {audited}): {e:?}");
                            errors.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            });
        }
    });
    (started.elapsed().as_secs_f64(), errors.into_inner())
}

fn unsealed(pool: &DbPool, inbox: Option<&Inbox>) -> i64 {
    let mut conn = pool.get().expect("connection");
    audit::unsealed(&mut conn, inbox, None).expect("count").0
}

async fn run(backend: &'static str) -> (String, String) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("http client");
    // The sealer runs in this process, beside the readers, as it runs in
    // the server beside the requests: two processes writing one SQLite file
    // would meet in SQLite's busy handler (1 ms sleeps), which one server
    // never does. The server's own background work is off meanwhile.
    let (server, people, keys) =
        respondents(&http, 2 * SUBMISSIONS, &[("TILLIT_TICKER", "off")]).await;
    let pool = db::connect(&server.database_url, (CLIENTS + 2) as u32).expect("pool");
    let inbox: Option<Arc<Inbox>> = {
        let mut conn = pool.get().expect("connection");
        Inbox::open(&server.database_url, &mut conn)
            .expect("read inbox")
            .map(Arc::new)
    };
    // TRAIL_BENCH_SEALER=off leaves the entries unsealed: the share of the
    // audited reads' cost that is the sealer's.
    let seal = std::env::var("TRAIL_BENCH_SEALER").as_deref() != Ok("off");
    let sealing = Arc::new(std::sync::atomic::AtomicBool::new(seal));
    let sealer = {
        let (pool, sealing, inbox) = (pool.clone(), sealing.clone(), inbox.clone());
        std::thread::spawn(move || {
            while sealing.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_secs(audit::SEAL_EVERY_SECS));
                if let Ok(mut conn) = pool.get() {
                    let _ = audit::seal_round(&mut conn, inbox.as_deref());
                }
            }
        })
    };
    let (for_app, for_bare) = people.split_at(SUBMISSIONS);
    let invitations: Vec<InvitationRow> = {
        let mut conn = pool.get().expect("connection");
        for_bare
            .iter()
            .map(|(t, _)| {
                store::invitation_by_token(&mut conn, t)
                    .expect("lookup")
                    .expect("invitation")
            })
            .collect()
    };
    let bare_rate = bare(&pool, &invitations, &keys);
    let (app_rate, errors) = app(&server.base, for_app, &keys).await;
    let agency: AgencyId = {
        let mut conn = pool.get().expect("connection");
        let id = &invitations[0].survey_id;
        db_run!(&mut *conn, |c| surveys::table
            .find(id)
            .select(surveys::agency_id)
            .first(c))
        .expect("agency")
    };
    eprintln!("{backend}: bare {bare_rate:.0}/s, app {app_rate:.0}/s; reads next");
    let (mut plain_secs, mut audited_secs, mut read_errors) = (0.0, 0.0, 0);
    // Each round's own cost too: the median of the pairs says more than
    // the totals on a machine whose other work comes and goes.
    let mut costs = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let (plain, errors) = reads(&pool, inbox.as_deref(), &agency, false);
        plain_secs += plain;
        read_errors += errors;
        let (audited, errors) = reads(&pool, inbox.as_deref(), &agency, true);
        audited_secs += audited;
        read_errors += errors;
        costs.push(100.0 * (1.0 - plain / audited));
    }
    costs.sort_by(f64::total_cmp);
    let median_cost = percentile(&costs, 0.5);
    let plain = READS as f64 / plain_secs;
    let audited = READS as f64 / audited_secs;
    let waiting = unsealed(&pool, inbox.as_deref());
    let t = Instant::now();
    while seal && unsealed(&pool, inbox.as_deref()) > 0 && t.elapsed() < Duration::from_secs(120) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let drained = t.elapsed().as_secs_f64();
    sealing.store(false, Ordering::Relaxed);
    let _ = sealer.join();
    (
        format!(
            "| {backend} | {bare_rate:.0} | {app_rate:.0} | {:.0} % | {errors} |",
            100.0 * app_rate / bare_rate
        ),
        format!(
            "| {backend} | {plain:.0} | {audited:.0} | {:.1} % | {median_cost:.1} % | {read_errors} | {waiting} | {drained:.2} |",
            100.0 * (1.0 - audited / plain)
        ),
    )
}

#[tokio::main]
async fn main() {
    // TRAIL_BENCH_ONLY=sqlite (or postgres) runs one backend.
    let only = std::env::var("TRAIL_BENCH_ONLY").ok();
    let backends: Vec<_> = backends()
        .into_iter()
        .filter(|(name, _)| only.as_deref().is_none_or(|o| o == *name))
        .collect();
    let mut subs = Vec::new();
    let mut reads = Vec::new();
    for (name, url) in &backends {
        use_backend(url);
        let (s, r) = run(name).await;
        subs.push(s);
        reads.push(r);
    }
    println!("\n(f) {SUBMISSIONS} submissions of 60 answers, {CLIENTS} clients: the bare transaction on the database, and the app over HTTP\n");
    println!("| backend | bare transaction /s | app /s | app of bare | app errors |");
    println!("|---|---:|---:|---:|---:|");
    for r in subs {
        println!("{r}");
    }
    println!("\n(g) {READS} reads of 50 employees, {READERS} threads, in {ROUNDS} alternating rounds: unaudited, and audited (one entry each, sealed meanwhile by a sealer in the same process)\n");
    println!("| backend | reads/s | audited reads/s | cost | median round | errors | unsealed at the end | sealed within s |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for r in reads {
        println!("{r}");
    }
}
