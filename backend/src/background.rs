//! Work that runs beside the requests: the ticker (surveys closing at their
//! time, the hourly answering counts, the nightly rewrite) and the mail
//! sender. Each runs under a supervisor that restarts it after a panic.
//! Every instance may run them: each step is idempotent or claims its rows.

use std::sync::Arc;

use actix_web::web;

use crate::error::AppError;
use crate::state::AppState;
use crate::{answering, audit, mail, reports, surveys};

/// Runs a background task for as long as the server runs: when it panics,
/// the panic is logged and the task starts again after a pause, so one bad
/// row cannot stop mail or closing for good.
fn supervise<F, Fut>(name: &'static str, make: F)
where
    F: Fn() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    supervise_with_pause(name, std::time::Duration::from_secs(5), make)
}

fn supervise_with_pause<F, Fut>(name: &'static str, pause: std::time::Duration, make: F)
where
    F: Fn() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let inner = runtime.clone();
    runtime.spawn(async move {
        loop {
            match inner.spawn(make()).await {
                Ok(()) => return,
                Err(e) if e.is_panic() => {
                    tracing::error!(task = name, "background task panicked; restarting it")
                }
                Err(_) => return,
            }
            tokio::time::sleep(pause).await;
        }
    });
}

/// Work that falls due with time: surveys closing at `closes_at`, the
/// hourly count of answering for the audit trail, and the nightly rewrite
/// of recent responses. Every instance runs it; each step is idempotent.
pub fn spawn_ticker(state: web::Data<AppState>) {
    supervise("ticker", move || {
        let state = state.clone();
        async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(15));
            let mut rewritten_on = None;
            loop {
                every.tick().await;
                if let Err(e) = state.db(surveys::store::close_due).await {
                    tracing::warn!(error = %e, "closing due surveys failed");
                }
                if let Err(e) = state.db(reports::freeze::freeze_due).await {
                    tracing::warn!(error = %e, "freezing reports failed");
                }
                if let Err(e) = state.db(|c| answering::tally::record_due(c, false)).await {
                    tracing::warn!(error = %e, "recording answering counts failed");
                }
                // 01:00–05:00 UTC is night in Norway (UTC+1/+2): the table
                // lock and vacuum of the rewrite go unnoticed.
                let now = chrono::Utc::now();
                let night = (1..5).contains(&chrono::Timelike::hour(&now));
                if night && rewritten_on != Some(now.date_naive()) {
                    rewritten_on = Some(now.date_naive());
                    match state.db(answering::reshuffle::rewrite_recent).await {
                        Ok(n) => tracing::info!(
                            responses = n,
                            "recent responses rewritten in random order"
                        ),
                        Err(e) => tracing::warn!(error = %e, "rewriting recent responses failed"),
                    }
                }
            }
        }
    });
}

/// Seals new audit entries into their chains about once a second
/// (GDPR-1). Actions only append their entry, so they never wait for one
/// another on a chain's head; the sealer orders and hashes them after.
pub fn spawn_sealer(state: web::Data<AppState>) {
    supervise("audit sealer", move || {
        let state = state.clone();
        async move {
            let mut every =
                tokio::time::interval(std::time::Duration::from_secs(audit::SEAL_EVERY_SECS));
            loop {
                every.tick().await;
                let inbox = state.read_inbox.clone();
                let round = state.db(move |conn| audit::seal_round(conn, inbox.as_deref()));
                if let Err(e) = round.await {
                    tracing::warn!(error = %e, "sealing audit entries failed");
                }
            }
        }
    });
}

/// Sends queued mail in the background. Safe on several instances: rows are
/// claimed before they are sent.
pub fn spawn_mail_sender(state: web::Data<AppState>) -> Result<(), AppError> {
    let mailer = Arc::new(mail::sender::Mailer::from_config(&state.config)?);
    supervise("mail sender", move || {
        let (state, mailer) = (state.clone(), mailer.clone());
        async move {
            loop {
                let (s, m) = (state.clone(), mailer.clone());
                let sent = tokio::task::spawn_blocking(move || {
                    let people = mail::sender::run_account_once(&s, &m, 50)?;
                    let surveys = mail::sender::run_once(&s, &m, 200)?;
                    Ok::<_, AppError>(people + surveys)
                })
                .await;
                match sent {
                    Ok(Ok(n)) if n > 0 => continue,
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => tracing::warn!(error = %e, "mail sender"),
                    // A panic in the batch: let the supervisor log and restart.
                    Err(e) => std::panic::resume_unwind(e.into_panic()),
                }
                tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            }
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    #[tokio::test]
    async fn a_background_task_that_panics_is_started_again() {
        let runs = Arc::new(AtomicUsize::new(0));
        let seen = runs.clone();
        super::supervise_with_pause("test", Duration::from_millis(5), move || {
            let runs = runs.clone();
            async move {
                if runs.fetch_add(1, Ordering::SeqCst) == 0 {
                    panic!("a bad row");
                }
            }
        });
        for _ in 0..200 {
            if seen.load(Ordering::SeqCst) >= 2 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the task was not started again after its panic");
    }
}
