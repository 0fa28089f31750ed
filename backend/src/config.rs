//! One typed configuration, read from the environment with safe defaults.

use std::path::PathBuf;

use crate::startup::StartupError;

#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://path/to/file.db` (default) or `postgres://...`.
    pub database_url: String,
    pub bind: String,
    /// Base URL used in links sent to people (invitations).
    pub public_url: String,
    pub data_dir: PathBuf,
    pub signing_key_file: PathBuf,
    /// Whether the key file may be created when missing (dev only).
    pub generate_signing_key: bool,
    pub smtp_url: Option<String>,
    /// A PEM file of the CA that signed the relay's certificate, for relays
    /// on an internal CA; public CAs are trusted without it.
    pub smtp_ca_file: Option<PathBuf>,
    pub log: String,
    /// Folder holding the built SPA (`index.html` and its assets).
    pub static_dir: PathBuf,
    pub db_pool_size: u32,
    /// The survey institute's name, shown to respondents as the processor.
    pub processor_name: String,
    /// The sender of invitation mails.
    pub mail_from: String,
    /// Whether this instance runs the background mail sender.
    pub mail_sender: bool,
    /// Whether this instance runs the ticker (closing due surveys, counting
    /// answering for the audit trail, the nightly rewrite).
    pub ticker: bool,
    /// How long a sender holds a batch of mail before others may take it.
    pub mail_lease_secs: i64,
    /// Proxies whose `X-Forwarded-For` names the client (the load balancer).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// How long an access token lives, in seconds (refreshing is silent).
    pub access_ttl_secs: i64,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl Config {
    pub fn from_env() -> Result<Config, StartupError> {
        let data_dir = PathBuf::from(var("TILLIT_DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = var("DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("tillit.db").display()));
        let bind = var("TILLIT_BIND").unwrap_or_else(|| "127.0.0.1:8080".into());
        let public_url = var("TILLIT_PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{}", bind.replace("0.0.0.0", "localhost")));
        let (signing_key_file, generate_signing_key) = match var("TILLIT_SIGNING_KEY_FILE") {
            Some(p) => (PathBuf::from(p), false),
            None => (data_dir.join("signing.key"), true),
        };
        let db_pool_size = match var("TILLIT_DB_POOL_SIZE") {
            Some(v) => v.parse().map_err(|_| {
                StartupError::Config("TILLIT_DB_POOL_SIZE must be a positive number".into())
            })?,
            None => 8,
        };
        Ok(Config {
            database_url,
            bind,
            public_url: public_url.trim_end_matches('/').to_string(),
            data_dir,
            signing_key_file,
            generate_signing_key,
            smtp_url: var("TILLIT_SMTP_URL"),
            smtp_ca_file: var("TILLIT_SMTP_CA_FILE").map(PathBuf::from),
            log: var("RUST_LOG").unwrap_or_else(|| "info".into()),
            static_dir: PathBuf::from(
                var("TILLIT_STATIC_DIR").unwrap_or_else(|| "frontend/dist".into()),
            ),
            db_pool_size,
            processor_name: var("TILLIT_PROCESSOR_NAME").unwrap_or_else(|| "Tillit".into()),
            mail_from: var("TILLIT_MAIL_FROM")
                .unwrap_or_else(|| "Tillit <noreply@tillit.invalid>".into()),
            mail_sender: var("TILLIT_MAIL_SENDER").is_none_or(|v| v != "off"),
            ticker: var("TILLIT_TICKER").is_none_or(|v| v != "off"),
            mail_lease_secs: match var("TILLIT_MAIL_LEASE_SECS") {
                Some(v) => v.parse().map_err(|_| {
                    StartupError::Config("TILLIT_MAIL_LEASE_SECS must be a number".into())
                })?,
                None => crate::mail::outbox::LEASE_SECS,
            },
            access_ttl_secs: match var("TILLIT_ACCESS_TTL_SECS") {
                Some(v) => v
                    .parse()
                    .ok()
                    .filter(|n| (1..=3600).contains(n))
                    .ok_or_else(|| {
                        StartupError::Config(
                            "TILLIT_ACCESS_TTL_SECS must be 1 to 3600 seconds".into(),
                        )
                    })?,
                None => crate::auth::jwt::ACCESS_TTL_SECS,
            },
            trusted_proxies: match var("TILLIT_TRUSTED_PROXIES") {
                Some(v) => crate::net::parse_proxies(&v)
                    .map_err(|e| StartupError::Config(format!("TILLIT_TRUSTED_PROXIES: {e}")))?,
                None => Vec::new(),
            },
        })
    }

    /// Whether people reach the server over HTTPS (then browsers are told
    /// to keep to it: HSTS).
    pub fn https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// Safe to print: the database password is masked.
    pub fn describe(&self) -> String {
        let db = mask_password(&self.database_url);
        format!(
            "database={db} bind={} public_url={} data_dir={} signing_key_file={} smtp={} static_dir={} trusted_proxies={}",
            self.bind,
            self.public_url,
            self.data_dir.display(),
            self.signing_key_file.display(),
            self.smtp_url.as_deref().map(mask_password).unwrap_or_else(|| "none (mail to .eml files)".into()),
            self.static_dir.display(),
            self.trusted_proxies.len()
        )
    }
}

fn mask_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::mask_password;

    #[test]
    fn masks_database_password() {
        assert_eq!(
            mask_password("postgres://tillit:s3cret@db:5432/tillit"),
            "postgres://tillit:***@db:5432/tillit"
        );
        assert_eq!(mask_password("sqlite://data/t.db"), "sqlite://data/t.db");
    }
}
