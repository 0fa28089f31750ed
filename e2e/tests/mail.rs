//! SURV-2 against a real SMTP server process: every invitation once, and
//! never twice even when the sender is killed mid-batch; through a relay
//! that requires STARTTLS and a login, as agencies run them.

use std::collections::HashMap;
use std::time::Duration;

use tillit_e2e::{Server, SmtpSink};

fn recipients(msgs: &[String]) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for m in msgs {
        let to = m
            .lines()
            .find(|l| l.starts_with("To: "))
            .map(|l| l[4..].trim().to_string())
            .unwrap_or_default();
        *out.entry(to).or_default() += 1;
    }
    out
}

async fn wait_until(sink: &SmtpSink, n: usize, secs: u64) -> usize {
    let mut last = 0;
    // Polled often: the sender takes about a millisecond a mail, and the
    // kill test must land while the batch is still going out.
    for _ in 0..secs * 100 {
        last = sink.count();
        if last >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    last
}

#[tokio::test]
async fn surv_2_the_demo_survey_mails_everyone_once_over_smtp() {
    let sink = SmtpSink::start().await;
    let url = format!("smtp://127.0.0.1:{}", sink.port);
    let s = Server::start(
        tillit_e2e::Place::fresh(),
        &[("TILLIT_SMTP_URL", url.as_str())],
    )
    .await;
    assert_eq!(wait_until(&sink, 300, 60).await, 300);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let msgs = sink.messages();
    assert_eq!(msgs.len(), 300, "no extra mail");
    let per = recipients(&msgs);
    assert_eq!(per.len(), 300);
    assert!(per.values().all(|n| *n == 1));
    let one = &msgs[0];
    assert!(
        one.contains("List-Unsubscribe: <")
            && one.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click")
    );
    assert!(
        one.contains("multipart/alternative")
            && one.contains("text/html")
            && one.contains("text/plain")
    );
    drop(s);
}

#[tokio::test]
async fn surv_2_a_sender_killed_mid_batch_never_sends_twice() {
    let sink = SmtpSink::start().await;
    let url = format!("smtp://127.0.0.1:{}", sink.port);
    let env = [
        ("TILLIT_SMTP_URL", url.as_str()),
        ("TILLIT_MAIL_LEASE_SECS", "2"),
    ];
    let s = Server::start(tillit_e2e::Place::fresh(), &env).await;
    // Kill it hard somewhere in the middle of the first batch.
    let before = wait_until(&sink, 40, 60).await;
    assert!(before >= 40);
    let place = s.kill().await;
    let at_kill = sink.messages().len();
    assert!(
        at_kill < 300,
        "the kill came too late to test anything ({at_kill} sent)"
    );
    // Restart on the same data: the rest of the batch is leased again.
    let s = Server::start(place, &env).await;
    let total = wait_until(&sink, 300 - 16, 60).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let msgs = sink.messages();
    let per = recipients(&msgs);
    assert!(per.values().all(|n| *n == 1), "someone got a mail twice");
    // At most the mails in flight at the kill (one per sending worker, 16)
    // are left uncertain; the rest of the batch goes out after the restart.
    assert!(msgs.len() >= 300 - 16, "only {total} of 300 mails went out");
    drop(s);
}

#[tokio::test]
async fn surv_2_mail_goes_through_a_relay_that_requires_starttls_and_a_login() {
    let (sink, ca) = SmtpSink::start_tls("tillit", "s3cret pass").await;
    // `localhost`: the name on the relay's certificate, which must verify.
    let url = format!(
        "smtp://tillit:s3cret%20pass@localhost:{}?tls=required",
        sink.port
    );
    let env = [
        ("TILLIT_SMTP_URL", url.as_str()),
        ("TILLIT_SMTP_CA_FILE", ca.to_str().unwrap()),
    ];
    let s = Server::start(tillit_e2e::Place::fresh(), &env).await;
    assert_eq!(wait_until(&sink, 300, 60).await, 300);
    let per = recipients(&sink.messages());
    assert!(per.values().all(|n| *n == 1));
    drop(s);
}

#[tokio::test]
async fn surv_2_a_wrong_relay_password_sends_nothing_and_keeps_the_mail_queued() {
    let (sink, ca) = SmtpSink::start_tls("tillit", "s3cret pass").await;
    let url = format!("smtp://tillit:wrong@localhost:{}?tls=required", sink.port);
    let env = [
        ("TILLIT_SMTP_URL", url.as_str()),
        ("TILLIT_SMTP_CA_FILE", ca.to_str().unwrap()),
    ];
    let place = tillit_e2e::Place::fresh();
    let db = place.database_url.clone();
    let s = Server::start(place, &env).await;
    // Refused logins are the relay's set-up, not the recipients': the mails
    // that met the refusal wait for a retry (with back-off), the rest of the
    // batch is not even tried, and nothing fails for good.
    let mut retried = 0;
    for _ in 0..100 {
        retried = outbox_count(&db, "pending", 1);
        if retried > 0 && outbox_count(&db, "sending", 0) == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!((1..=16).contains(&retried), "{retried} mails tried");
    assert_eq!(outbox_count(&db, "pending", 0), 300, "all still to send");
    assert_eq!(sink.count(), 0);
    drop(s);
}

/// Outbox rows in `status` tried at least `attempts` times.
fn outbox_count(database_url: &str, status: &str, attempts: i32) -> i64 {
    use diesel::prelude::*;
    use tillit_backend::db::schema::mail_outbox;
    let pool = tillit_backend::db::connect(database_url, 1).unwrap();
    let mut conn = pool.get().unwrap();
    tillit_backend::db::db_run!(&mut *conn, |c| mail_outbox::table
        .filter(mail_outbox::status.eq(status))
        .filter(mail_outbox::attempts.ge(attempts))
        .count()
        .get_result(c))
    .unwrap()
}

#[tokio::test]
async fn surv_2_two_instances_on_one_database_send_each_mail_once() {
    let sink = SmtpSink::start().await;
    let url = format!("smtp://127.0.0.1:{}", sink.port);
    // Seed and queue the demo's 300 invitations with no sender running, so
    // both instances start on a full outbox.
    let first = Server::start(
        tillit_e2e::Place::fresh(),
        &[
            ("TILLIT_SMTP_URL", url.as_str()),
            ("TILLIT_MAIL_SENDER", "off"),
        ],
    )
    .await;
    let place = first.kill().await;
    let twin = tillit_e2e::Place {
        data_dir: place.data_dir.clone(),
        database_url: place.database_url.clone(),
    };
    let env_a = [
        ("TILLIT_SMTP_URL", url.as_str()),
        ("TILLIT_MAIL_FROM", "Instance A <a@tillit.invalid>"),
    ];
    let env_b = [
        ("TILLIT_SMTP_URL", url.as_str()),
        ("TILLIT_MAIL_FROM", "Instance B <b@tillit.invalid>"),
    ];
    let (a, b) = tokio::join!(Server::start(place, &env_a), Server::start(twin, &env_b));
    assert_eq!(wait_until(&sink, 300, 60).await, 300);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let msgs = sink.messages();
    let per = recipients(&msgs);
    assert_eq!(msgs.len(), 300, "no mail twice");
    assert!(per.values().all(|n| *n == 1), "someone got a mail twice");
    let from = |who: &str| msgs.iter().filter(|m| m.contains(who)).count();
    let (by_a, by_b) = (from("<a@tillit.invalid>"), from("<b@tillit.invalid>"));
    assert_eq!(by_a + by_b, 300);
    assert!(
        by_a > 0 && by_b > 0,
        "both instances sent: A {by_a}, B {by_b}"
    );
    drop((a, b));
}
