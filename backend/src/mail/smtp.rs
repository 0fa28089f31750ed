//! SMTP delivery over connections that the sending workers keep open.
//!
//! lettre's transport writes a mail's body and its closing `.` in two
//! writes on a socket with Nagle's algorithm on, so the closing dot waits
//! for the relay's delayed ACK: 40 ms on every mail, whatever the line
//! (lettre PR #1159 fixes it; no release has it yet). Here the body and
//! the dot leave in one write, through lettre's public connection API, and
//! a kept connection is reused without a NOOP before every mail.

use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, SmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use lettre::transport::smtp::Error;
use lettre::Message;

/// A kept connection idle longer than this is checked with NOOP first.
const FRESH: Duration = Duration::from_secs(10);
const TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Security {
    Plain,
    /// STARTTLS, required (`?tls=required`) or taken when offered.
    StartTls {
        required: bool,
    },
    /// TLS from the first byte (`smtps://`).
    Wrapper,
}

/// The relay named by `TILLIT_SMTP_URL`, with the same URL forms as
/// lettre's `SmtpTransport::from_url`.
pub struct Relay {
    host: String,
    port: u16,
    security: Security,
    credentials: Option<Credentials>,
    hello: ClientId,
    /// An extra trusted root, for a relay on an internal CA.
    ca: Option<Certificate>,
    idle: Mutex<Vec<(SmtpConnection, Instant)>>,
}

impl Relay {
    pub fn from_url(raw: &str, ca_pem: Option<&[u8]>) -> Result<Relay, String> {
        let ca = match ca_pem {
            // lettre accepts a PEM without certificates; a wrong file should not pass.
            Some(pem) if !String::from_utf8_lossy(pem).contains("-----BEGIN CERTIFICATE-----") => {
                return Err("the CA file holds no PEM certificate".into())
            }
            Some(pem) => Some(
                Certificate::from_pem(pem)
                    .map_err(|e| format!("the CA file is not a PEM certificate: {e}"))?,
            ),
            None => None,
        };
        let url = url::Url::parse(raw).map_err(|e| e.to_string())?;
        let host = url.host_str().ok_or("the URL names no host")?.to_string();
        let tls = url
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let (security, default_port) = match (url.scheme(), tls.as_deref()) {
            ("smtp", None) => (Security::Plain, 25),
            ("smtp", Some("required")) => (Security::StartTls { required: true }, 587),
            ("smtp", Some("opportunistic")) => (Security::StartTls { required: false }, 587),
            ("smtps", _) => (Security::Wrapper, 465),
            (scheme, tls) => {
                return Err(format!(
                    "unknown scheme {scheme:?} with tls={tls:?} (use smtp://, smtp://…?tls=required or smtps://)"
                ))
            }
        };
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let credentials = (!url.username().is_empty()).then(|| {
            Credentials::new(
                decode(url.username()),
                decode(url.password().unwrap_or_default()),
            )
        });
        Ok(Relay {
            port: url.port().unwrap_or(default_port),
            host,
            security,
            credentials,
            hello: ClientId::default(),
            ca,
            idle: Mutex::new(Vec::new()),
        })
    }

    fn connect(&self) -> Result<SmtpConnection, Error> {
        let tls = || {
            let mut b = TlsParameters::builder(self.host.clone());
            if let Some(ca) = &self.ca {
                b = b.add_root_certificate(ca.clone());
            }
            b.build()
        };
        let wrapper = match self.security {
            Security::Wrapper => Some(tls()?),
            _ => None,
        };
        let mut conn = SmtpConnection::connect(
            (self.host.as_str(), self.port),
            Some(TIMEOUT),
            &self.hello,
            wrapper.as_ref(),
            None,
        )?;
        if let Security::StartTls { required } = self.security {
            if required || conn.can_starttls() {
                conn.starttls(&tls()?, &self.hello)?;
            }
        }
        if let Some(c) = &self.credentials {
            conn.auth(&[Mechanism::Plain, Mechanism::Login], c)?;
        }
        Ok(conn)
    }

    /// A kept connection that still answers, or a new one.
    pub fn checkout(&self) -> Result<SmtpConnection, Error> {
        loop {
            let kept = self.idle.lock().ok().and_then(|mut v| v.pop());
            match kept {
                Some((conn, since)) if since.elapsed() < FRESH => return Ok(conn),
                Some((mut conn, _)) => {
                    if conn.test_connected() {
                        return Ok(conn);
                    }
                    conn.abort();
                }
                None => return self.connect(),
            }
        }
    }

    /// Keeps a connection that ended its last mail cleanly.
    pub fn checkin(&self, conn: SmtpConnection) {
        if let Ok(mut v) = self.idle.lock() {
            v.push((conn, Instant::now()));
        }
    }
}

/// One mail on `conn`. On any error the connection should be dropped (with
/// `abort`): the relay may be in the middle of a transaction.
pub fn send(conn: &mut SmtpConnection, msg: &Message) -> Result<(), Error> {
    let envelope = msg.envelope();
    let body = msg.formatted();
    let mut params = Vec::new();
    let non_ascii_address = envelope
        .to()
        .iter()
        .chain(envelope.from())
        .any(|a| !AsRef::<str>::as_ref(a).is_ascii());
    if non_ascii_address && conn.server_info().supports_feature(Extension::SmtpUtfEight) {
        params.push(MailParameter::SmtpUtfEight);
    }
    if !body.is_ascii() && conn.server_info().supports_feature(Extension::EightBitMime) {
        params.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    conn.command(Mail::new(envelope.from().cloned(), params))?;
    for to in envelope.to() {
        conn.command(Rcpt::new(to.clone(), vec![]))?;
    }
    conn.command(Data)?;
    conn.command(DataBlock(&data_block(&body)))?;
    Ok(())
}

/// The message as the DATA phase carries it: lines starting with a dot get
/// a second one (RFC 5321 4.5.2), and the closing `.` line follows.
fn data_block(message: &[u8]) -> String {
    let text = String::from_utf8_lossy(message);
    let mut out = String::with_capacity(text.len() + 8);
    for line in text.split_inclusive('\n') {
        if line.starts_with('.') {
            out.push('.');
        }
        out.push_str(line);
    }
    if !out.ends_with("\r\n") {
        out.push_str("\r\n");
    }
    out.push_str(".\r\n");
    out
}

/// Sent as one write by `SmtpConnection::command`.
struct DataBlock<'a>(&'a str);

impl fmt::Display for DataBlock<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surv_2_data_block_stuffs_dots_and_ends_with_one() {
        let block = data_block(b"Subject: x\r\n\r\n.hidden\r\nok\r\n..two\r\n");
        assert_eq!(block, "Subject: x\r\n\r\n..hidden\r\nok\r\n...two\r\n.\r\n");
        assert_eq!(data_block(b"no newline"), "no newline\r\n.\r\n");
    }

    #[test]
    fn surv_2_relay_urls_read_like_lettres() -> Result<(), String> {
        let r = Relay::from_url("smtp://127.0.0.1:2525", None)?;
        assert_eq!((r.port, r.security), (2525, Security::Plain));
        assert!(r.credentials.is_none());
        let r = Relay::from_url("smtp://u%40x:p%2Fw@mail.example?tls=required", None)?;
        assert_eq!(
            (r.port, r.security),
            (587, Security::StartTls { required: true })
        );
        assert!(r.credentials.is_some());
        let r = Relay::from_url("smtps://mail.example", None)?;
        assert_eq!((r.port, r.security), (465, Security::Wrapper));
        assert!(Relay::from_url("http://mail.example", None).is_err());
        assert!(Relay::from_url("not a url", None).is_err());
        assert!(Relay::from_url("smtp://mail.example", Some(b"not pem")).is_err());
        Ok(())
    }
}
