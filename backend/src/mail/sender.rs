//! Sends what the outbox holds, through SMTP or, without SMTP configured,
//! into `.eml` files in the data folder (the demo).

use lettre::message::Mailbox;
use lettre::transport::smtp::SmtpTransport;
use lettre::{FileTransport, Transport};

use super::compose::{self, Links};
use super::outbox::{self, Job};
use crate::answering::store::issue_token;
use crate::config::Config;
use crate::error::AppError;
use crate::state::AppState;

/// Mails in flight at once from one sender.
const SENDERS: usize = 16;

pub enum Mailer {
    Smtp(SmtpTransport),
    Files(FileTransport),
}

/// What came of one attempt.
pub enum Sent {
    Ok,
    /// The server may accept it later (4xx, connection trouble).
    Transient(String),
    /// The server refused it for good (5xx).
    Permanent(String),
}

impl Mailer {
    pub fn from_config(config: &Config) -> Result<Mailer, AppError> {
        match &config.smtp_url {
            Some(url) => SmtpTransport::from_url(url)
                .map(|b| {
                    let pool = lettre::transport::smtp::PoolConfig::new().max_size(SENDERS as u32);
                    Mailer::Smtp(b.pool_config(pool).build())
                })
                .map_err(|e| AppError::internal(format!("TILLIT_SMTP_URL is not usable: {e}"))),
            None => {
                let dir = config.data_dir.join("mail");
                std::fs::create_dir_all(&dir).map_err(AppError::internal)?;
                Ok(Mailer::Files(FileTransport::new(dir)))
            }
        }
    }

    fn send(&self, msg: &lettre::Message) -> Sent {
        match self {
            Mailer::Smtp(t) => match t.send(msg) {
                Ok(_) => Sent::Ok,
                Err(e) if e.is_permanent() => Sent::Permanent(e.to_string()),
                Err(e) => Sent::Transient(e.to_string()),
            },
            Mailer::Files(t) => match t.send(msg) {
                Ok(_) => Sent::Ok,
                Err(e) => Sent::Transient(e.to_string()),
            },
        }
    }
}

fn from_address(config: &Config) -> Result<Mailbox, AppError> {
    config
        .mail_from
        .parse()
        .map_err(|e| AppError::internal(format!("TILLIT_MAIL_FROM is not an address: {e}")))
}

/// One mail: a fresh link token, the message, the attempt, the outcome.
fn deliver(state: &AppState, mailer: &Mailer, from: &Mailbox, job: &Job) -> Result<(), AppError> {
    let (ctx, token) = {
        // The connection goes back to the pool while SMTP talks.
        let mut conn = state.pool.get()?;
        let Some(ctx) = outbox::context(&mut conn, job)? else {
            return outbox::finish(&mut conn, &job.id, "skipped", None);
        };
        if !outbox::start(&mut conn, job, state.config.mail_lease_secs)? {
            return Ok(());
        }
        (ctx, issue_token(&mut conn, &job.invitation_id)?)
    };
    let base = &state.config.public_url;
    let links = Links {
        // The token travels in the fragment: it never reaches a server log.
        answer: format!("{base}/s#t={token}"),
        opt_out: format!("{base}/api/respond/opt-out?t={token}"),
    };
    let msg = compose::message(from, &ctx, job.round > 0, &links)?;
    let outcome = mailer.send(&msg);
    let mut conn = state.pool.get()?;
    match outcome {
        Sent::Ok => outbox::finish(&mut conn, &job.id, "sent", None),
        Sent::Permanent(e) => outbox::finish(&mut conn, &job.id, "failed", Some(&e)),
        Sent::Transient(e) => outbox::retry(&mut conn, job, &e),
    }
}

/// Claims and sends one batch; returns how many were claimed.
pub fn run_once(state: &AppState, mailer: &Mailer, batch: i64) -> Result<usize, AppError> {
    let from = from_address(&state.config)?;
    let jobs = {
        let mut conn = state.pool.get()?;
        outbox::queue_reminders(&mut conn)?;
        outbox::claim(&mut conn, batch, state.config.mail_lease_secs)?
    };
    // SMTP is a conversation of round trips: several at once keep the line busy.
    let workers = SENDERS.min(jobs.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(job) = jobs.get(i) else { break };
                if let Err(e) = deliver(state, mailer, &from, job) {
                    // Left `sending`: after its lease runs out it turns `uncertain`.
                    tracing::warn!(error = %e, outbox = %job.id, "mail not delivered");
                }
            });
        }
    });
    Ok(jobs.len())
}
