//! Sends what the outbox holds, through SMTP or, without SMTP configured,
//! into `.eml` files in the data folder (the demo).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use lettre::message::Mailbox;
use lettre::transport::smtp::client::SmtpConnection;
use lettre::{FileTransport, Transport};

use super::account;
use super::compose::{self, Links};
use super::outbox::{self, Context, Job, Outcome};
use super::smtp::{self, Relay};
use crate::config::Config;
use crate::error::AppError;
use crate::state::AppState;

/// Mails in flight at once from one sender, each on its own connection.
const SENDERS: usize = 16;
/// A worker writes what came of its attempts after this many mails.
const RECORD_EVERY: usize = 25;

pub enum Mailer {
    Smtp(Relay),
    Files(FileTransport),
}

impl Mailer {
    pub fn from_config(config: &Config) -> Result<Mailer, AppError> {
        match &config.smtp_url {
            Some(url) => {
                let ca = match &config.smtp_ca_file {
                    Some(path) => Some(std::fs::read(path).map_err(|e| {
                        AppError::internal(format!("TILLIT_SMTP_CA_FILE {}: {e}", path.display()))
                    })?),
                    None => None,
                };
                Relay::from_url(url, ca.as_deref())
                    .map(Mailer::Smtp)
                    .map_err(|e| AppError::internal(format!("TILLIT_SMTP_URL is not usable: {e}")))
            }
            None => {
                let dir = config.data_dir.join("mail");
                std::fs::create_dir_all(&dir).map_err(AppError::internal)?;
                Ok(Mailer::Files(FileTransport::new(dir)))
            }
        }
    }
}

/// One worker's line to the relay, kept from mail to mail.
struct Line<'a> {
    mailer: &'a Mailer,
    conn: Option<SmtpConnection>,
    /// Set by any worker that could not reach or log in to the relay: the
    /// batch stops there rather than knock on a closed door for every mail.
    relay_down: &'a AtomicBool,
}

impl Line<'_> {
    fn send(&mut self, msg: &lettre::Message) -> Outcome {
        let relay = match self.mailer {
            Mailer::Files(t) => {
                return match t.send(msg) {
                    Ok(_) => Outcome::Sent,
                    Err(e) => Outcome::Retry(e.to_string()),
                }
            }
            Mailer::Smtp(relay) => relay,
        };
        let mut conn = match self.conn.take().map_or_else(|| relay.checkout(), Ok) {
            Ok(c) => c,
            Err(e) => {
                if !self.relay_down.swap(true, Ordering::Relaxed) {
                    tracing::warn!(error = %e, "mail relay unavailable; the batch waits for a retry");
                }
                return Outcome::Retry(e.to_string());
            }
        };
        match smtp::send(&mut conn, msg) {
            Ok(()) => {
                self.conn = Some(conn);
                Outcome::Sent
            }
            Err(e) => {
                conn.abort();
                if e.is_permanent() {
                    Outcome::Failed(e.to_string())
                } else {
                    Outcome::Retry(e.to_string())
                }
            }
        }
    }
}

impl Drop for Line<'_> {
    fn drop(&mut self) {
        if let (Mailer::Smtp(relay), Some(conn)) = (self.mailer, self.conn.take()) {
            relay.checkin(conn);
        }
    }
}

fn from_address(config: &Config) -> Result<Mailbox, AppError> {
    config
        .mail_from
        .parse()
        .map_err(|e| AppError::internal(format!("TILLIT_MAIL_FROM is not an address: {e}")))
}

/// One mail: `sending` and a fresh link token committed, then the attempt.
/// None when another sender took the row over.
fn deliver(
    state: &AppState,
    line: &mut Line<'_>,
    from: &Mailbox,
    job: &Job,
    ctx: &Context,
) -> Result<Option<Outcome>, AppError> {
    let tokens = {
        // The connection goes back to the pool while SMTP talks.
        let mut conn = state.pool.get()?;
        match outbox::start(&mut conn, job, state.config.mail_lease_secs)? {
            Some(t) => t,
            None => return Ok(None),
        }
    };
    let base = &state.config.public_url;
    let links = Links {
        // The answer token travels in the fragment: it never reaches a
        // server, a proxy or a log.
        answer: format!("{base}/s#t={}", tokens.answer),
        opt_out_page: format!("{base}/opt-out#t={}", tokens.opt_out),
        one_click: format!("{base}/api/respond/opt-out?t={}", tokens.opt_out),
    };
    let msg = compose::message(from, ctx, job.round > 0, &links)?;
    Ok(Some(line.send(&msg)))
}

fn record(state: &AppState, done: &mut Vec<(Job, Outcome)>) {
    let written = state
        .pool
        .get()
        .map_err(AppError::from)
        .and_then(|mut conn| outbox::record(&mut conn, done));
    if let Err(e) = written {
        // Left `sending`: after its lease runs out it turns `uncertain`.
        tracing::warn!(error = %e, mails = done.len(), "mail outcomes not recorded");
    }
    done.clear();
}

/// Sends the due mails to people who log in (invitations, resets): few,
/// and someone may be waiting for each, so they go before survey mail.
pub fn run_account_once(state: &AppState, mailer: &Mailer, batch: i64) -> Result<usize, AppError> {
    let from = from_address(&state.config)?;
    let jobs = {
        let mut conn = state.pool.get()?;
        account::claim(&mut conn, batch, state.config.mail_lease_secs)?
    };
    let relay_down = AtomicBool::new(false);
    let mut line = Line {
        mailer,
        conn: None,
        relay_down: &relay_down,
    };
    for job in &jobs {
        if relay_down.load(Ordering::Relaxed) {
            break;
        }
        let ready = {
            let mut conn = state.pool.get()?;
            account::start(&mut conn, job, state.config.mail_lease_secs)?
        };
        let Some(ready) = ready else { continue };
        let msg = account::message(
            &from,
            &ready,
            &state.config.public_url,
            &state.config.processor_name,
        )?;
        let outcome = line.send(&msg);
        let mut conn = state.pool.get()?;
        account::record(&mut conn, job, &outcome)?;
    }
    Ok(jobs.len())
}

/// Claims and sends one batch; returns how many were claimed, or 0 when
/// the relay could not be reached, so that the caller pauses.
pub fn run_once(state: &AppState, mailer: &Mailer, batch: i64) -> Result<usize, AppError> {
    let from = from_address(&state.config)?;
    let (jobs, contexts): (Vec<Job>, HashMap<tillit_api::InvitationId, Context>) = {
        let mut conn = state.pool.get()?;
        outbox::queue_reminders(&mut conn)?;
        let jobs = outbox::claim(&mut conn, batch, state.config.mail_lease_secs)?;
        let contexts = outbox::contexts(&mut conn, &jobs)?;
        (jobs, contexts)
    };
    // SMTP is a conversation of round trips: several at once keep the line busy.
    let workers = SENDERS.min(jobs.len().max(1));
    let next = AtomicUsize::new(0);
    let relay_down = AtomicBool::new(false);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                let mut line = Line {
                    mailer,
                    conn: None,
                    relay_down: &relay_down,
                };
                let mut done = Vec::with_capacity(RECORD_EVERY);
                // Rows left untouched stay leased and are claimed again later.
                while !relay_down.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    let ctx = contexts.get(&job.invitation_id).filter(|c| c.wants(job));
                    let outcome = match ctx {
                        None => Some(Outcome::Skipped),
                        Some(ctx) => {
                            deliver(state, &mut line, &from, job, ctx).unwrap_or_else(|e| {
                                tracing::warn!(error = %e, outbox = %job.id, "mail not delivered");
                                None
                            })
                        }
                    };
                    if let Some(o) = outcome {
                        done.push((job.clone(), o));
                    }
                    if done.len() >= RECORD_EVERY {
                        record(state, &mut done);
                    }
                }
                record(state, &mut done);
            });
        }
    });
    if relay_down.load(Ordering::Relaxed) {
        return Ok(0);
    }
    Ok(jobs.len())
}
