//! Starts the real `tillit` binary against a fresh database, and headless
//! Chromium through ChromeDriver. Everything is torn down on drop.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub struct Server {
    pub base: String,
    pub data_dir: PathBuf,
    pub database_url: String,
    child: Child,
    keep: bool,
    logs: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

fn bin_dir() -> PathBuf {
    // Test binaries live in target/<profile>/deps, other binaries in
    // target/<profile>; the server is in target/<profile>.
    let exe = std::env::current_exe().expect("current exe");
    let dir = exe.parent().expect("exe dir");
    if dir.ends_with("deps") {
        dir.parent().expect("profile dir").to_path_buf()
    } else {
        dir.to_path_buf()
    }
}

pub fn server_binary() -> PathBuf {
    std::env::var("TILLIT_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|_| bin_dir().join("tillit"))
}

/// The built SPA: `TILLIT_STATIC_DIR`, else `frontend/dist` of this checkout.
pub fn static_dir() -> PathBuf {
    std::env::var("TILLIT_STATIC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../frontend/dist"))
}

/// Where a server keeps its data, so a killed one can be started again.
#[derive(Clone)]
pub struct Place {
    pub data_dir: PathBuf,
    pub database_url: String,
}

impl Place {
    pub fn fresh() -> Place {
        let data_dir = std::env::temp_dir().join(format!("tillit-e2e-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&data_dir).expect("data dir");
        let database_url = tillit_backend::testing::fresh_database(&data_dir);
        Place {
            data_dir,
            database_url,
        }
    }
}

impl Server {
    /// Starts `tillit --demo` on port 0 and waits for it to listen.
    pub async fn start_demo() -> Server {
        Server::start(Place::fresh(), &[]).await
    }

    /// Starts the server on `place` with extra environment variables.
    pub async fn start(place: Place, env: &[(&str, &str)]) -> Server {
        let Place {
            data_dir,
            database_url,
        } = place;
        let bin = server_binary();
        assert!(
            bin.exists(),
            "server binary missing at {}: build it first (cargo build -p tillit-backend)",
            bin.display()
        );
        let mut cmd = Command::new(bin);
        cmd.arg("--demo")
            .env("TILLIT_DATA_DIR", &data_dir)
            .env("DATABASE_URL", &database_url)
            .env("TILLIT_BIND", "127.0.0.1:0")
            .env("TILLIT_STATIC_DIR", static_dir())
            .env("RUST_LOG", "warn");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start server");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let logs = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = logs.clone();
        let base = tokio::time::timeout(Duration::from_secs(60), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Ok(mut l) = sink.lock() {
                    l.push(line.clone());
                }
                if let Some(addr) = line.strip_prefix("Listening on ") {
                    return addr.trim().to_string();
                }
            }
            panic!("the server exited before listening");
        })
        .await
        .expect("server start timed out");
        // Keep draining stdout so the server never blocks on a full pipe;
        // everything it prints is kept for tests that read the logs.
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Ok(mut l) = sink.lock() {
                    l.push(line);
                }
            }
        });
        Server {
            base,
            data_dir,
            database_url,
            child,
            keep: false,
            logs,
        }
    }

    /// Everything the server has printed (its log stream, as a collector
    /// would receive it).
    pub fn logs(&self) -> String {
        self.logs.lock().map(|l| l.join("\n")).unwrap_or_default()
    }

    /// SIGKILL: no shutdown, no flushing. The data stays for a restart.
    pub async fn kill(mut self) -> Place {
        self.keep = true;
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
        Place {
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone(),
        }
    }

    /// A typed request through the endpoint catalogue: the answer as its
    /// type, or the status and the problem document.
    pub async fn send<Req: serde::Serialize, Res: serde::de::DeserializeOwned>(
        &self,
        http: &reqwest::Client,
        call: tillit_api::endpoints::Call<Req, Res>,
        token: Option<&str>,
        body: &Req,
    ) -> Result<Res, (reqwest::StatusCode, serde_json::Value)> {
        let method = reqwest::Method::from_bytes(call.method.as_str().as_bytes()).expect("method");
        let mut rb = http.request(method, self.url(&call.path));
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        let json = serde_json::to_value(body).expect("body");
        if !json.is_null() {
            rb = rb.json(&json);
        }
        let res = rb.send().await.expect("request");
        let status = res.status();
        let text = res.text().await.expect("answer");
        let text = if text.is_empty() { "null" } else { &text };
        if status.is_success() {
            Ok(serde_json::from_str(text).unwrap_or_else(|e| panic!("{}: {e}: {text}", call.path)))
        } else {
            Err((status, serde_json::from_str(text).unwrap_or_default()))
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Peak resident memory of the server process so far, in MiB (Linux).
    pub fn peak_rss_mib(&self) -> Option<f64> {
        let pid = self.child.id()?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let kb: f64 = status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()?;
        Some(kb / 1024.0)
    }

    /// `(email or client id, password or secret)` for a role, from demo-logins.txt.
    pub fn demo_login(&self, role: &str) -> (String, String) {
        let text =
            std::fs::read_to_string(self.data_dir.join("demo-logins.txt")).expect("demo logins");
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(role))
            .unwrap_or_else(|| panic!("no demo login for {role}"));
        let parts: Vec<&str> = line.split_whitespace().collect();
        (
            parts[1].trim_start_matches("client_id=").to_string(),
            parts[2].to_string(),
        )
    }
}

impl Server {
    /// The respondent link the demo prints at start.
    pub fn demo_respondent_link(&self) -> String {
        let text =
            std::fs::read_to_string(self.data_dir.join("demo-logins.txt")).expect("demo logins");
        let link = text
            .lines()
            .find(|l| l.contains("/s#t="))
            .expect("a respondent link")
            .trim();
        let fragment = link.split("/s#t=").nth(1).expect("token");
        self.url(&format!("/s#t={fragment}"))
    }
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    l.local_addr().expect("addr").port()
}

/// Starts a Python SMTP server (the venv's, with aiosmtpd) and waits until
/// it listens on `port`.
async fn python(port: u16, args: impl FnOnce(&mut Command)) -> Child {
    let python = std::env::var("TILLIT_SMTPD_PYTHON").unwrap_or_else(|_| "python3".into());
    let mut cmd = Command::new(python);
    args(&mut cmd);
    let child = cmd
        .kill_on_drop(true)
        .spawn()
        .expect("aiosmtpd (scripts/test installs it)");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    child
}

/// A real SMTP server (aiosmtpd, from PyPI) writing what it receives to a maildir.
pub struct SmtpSink {
    pub port: u16,
    pub maildir: PathBuf,
    child: Child,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        SmtpSink::start_with("aiosmtpd.handlers.Mailbox").await
    }

    /// A sink that accepts and discards, for benchmarks.
    pub async fn start_sink() -> SmtpSink {
        SmtpSink::start_with("aiosmtpd.handlers.Sink").await
    }

    /// A relay that requires STARTTLS and a login, with a certificate for
    /// `localhost` from a throwaway CA. Returns the relay and the CA file.
    pub async fn start_tls(user: &str, password: &str) -> (SmtpSink, PathBuf) {
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("tillit-tls-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("tls dir");
        let sh = |args: &[&str]| {
            let ok = std::process::Command::new("openssl")
                .args(args)
                .current_dir(&dir)
                .stderr(std::process::Stdio::null())
                .status()
                .expect("openssl (scripts/test installs it)")
                .success();
            assert!(ok, "openssl {args:?}");
        };
        sh(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=Tillit test CA",
        ]);
        sh(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "relay.key",
            "-out",
            "relay.csr",
            "-subj",
            "/CN=localhost",
        ]);
        std::fs::write(
            dir.join("san.ext"),
            "subjectAltName=DNS:localhost,IP:127.0.0.1\n",
        )
        .expect("ext");
        sh(&[
            "x509",
            "-req",
            "-in",
            "relay.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "relay.pem",
            "-days",
            "2",
            "-extfile",
            "san.ext",
        ]);
        let maildir = dir.join("mail");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("smtp/tls_relay.py");
        let child = python(port, |cmd| {
            cmd.arg(script)
                .arg(port.to_string())
                .arg(dir.join("relay.pem"))
                .arg(dir.join("relay.key"))
                .arg(&maildir)
                .args([user, password]);
        })
        .await;
        (
            SmtpSink {
                port,
                maildir,
                child,
            },
            dir.join("ca.pem"),
        )
    }

    async fn start_with(handler: &str) -> SmtpSink {
        let port = free_port();
        let maildir = std::env::temp_dir().join(format!("tillit-smtp-{}", uuid::Uuid::new_v4()));
        let listen = format!("127.0.0.1:{port}");
        let child = python(port, |cmd| {
            cmd.args(["-m", "aiosmtpd", "-n", "-l", &listen, "-c", handler]);
            if handler.ends_with("Mailbox") {
                cmd.arg(&maildir);
            }
        })
        .await;
        SmtpSink {
            port,
            maildir,
            child,
        }
    }

    /// Every message received so far, raw.
    /// How many mails arrived, without reading them.
    pub fn count(&self) -> usize {
        ["new", "cur"]
            .iter()
            .filter_map(|sub| std::fs::read_dir(self.maildir.join(sub)).ok())
            .map(|d| d.count())
            .sum()
    }

    pub fn messages(&self) -> Vec<String> {
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            if let Ok(dir) = std::fs::read_dir(self.maildir.join(sub)) {
                for e in dir.flatten() {
                    if let Ok(m) = std::fs::read_to_string(e.path()) {
                        out.push(m);
                    }
                }
            }
        }
        out
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        let _ = std::fs::remove_dir_all(&self.maildir);
    }
}

/// The token after `marker` (e.g. `/s#t=`) in a raw mail, with its
/// quoted-printable line breaks undone.
pub fn link_token(raw: &str, marker: &str) -> Option<String> {
    let text = raw
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=");
    let rest = text.split(marker).nth(1)?;
    let token: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    (!token.is_empty()).then_some(token)
}

/// Answer-link tokens from the survey mails the demo's sender wrote.
pub fn tokens_from_mail(data_dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(dir) = std::fs::read_dir(data_dir.join("mail")) {
        for e in dir.flatten() {
            let raw = std::fs::read_to_string(e.path()).unwrap_or_default();
            if let Some(t) = link_token(&raw, "/s#t=") {
                out.push(t);
            }
        }
    }
    out
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.data_dir);
        }
    }
}

/// ChromeDriver with headless Chromium; the session closes on drop.
pub struct Browser {
    pub client: fantoccini::Client,
    driver: Child,
    profile: PathBuf,
}

impl Browser {
    pub async fn start(width: u32, height: u32) -> Browser {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
            l.local_addr().expect("addr").port()
        };
        let driver =
            Command::new(std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()))
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .kill_on_drop(true)
                .spawn()
                .expect("chromedriver (install the Debian package chromium-driver)");
        let profile = std::env::temp_dir().join(format!("tillit-chrome-{}", uuid::Uuid::new_v4()));
        let args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--no-first-run".into(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", profile.display()),
        ];
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({"args": args, "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())}),
        );
        let url = format!("http://127.0.0.1:{port}");
        let mut last = None;
        for _ in 0..50 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match fantoccini::ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    // Headless windows ignore --window-size on some versions.
                    let _ = client.set_window_size(width, height).await;
                    return Browser {
                        client,
                        driver,
                        profile,
                    };
                }
                Err(e) => {
                    last = Some(e);
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
        panic!("could not start Chromium: {last:?}");
    }

    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.start_kill();
        // Chromium outlives its driver when a test fails before close();
        // its profile folder names it.
        let _ = std::process::Command::new("pkill")
            .arg("-f")
            .arg(&self.profile)
            .status();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Where screenshots go: e2e/artifacts (ignored by git).
pub fn artifacts() -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("artifacts");
    let _ = std::fs::create_dir_all(&p);
    p
}

/// Runs axe-core (npm, installed by scripts/test) against the page and
/// fails on any WCAG 2.1 A/AA violation.
pub async fn axe(c: &fantoccini::Client, page: &str) {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/axe-core/axe.min.js");
    let Ok(src) = std::fs::read_to_string(&path) else {
        assert!(
            std::env::var("CI").is_err(),
            "axe-core is missing: scripts/test installs it with npm"
        );
        return;
    };
    c.execute(&src, vec![]).await.expect("inject axe-core");
    let result = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})
                .then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))));",
            vec![],
        )
        .await
        .expect("run axe-core");
    let violations: Vec<String> = serde_json::from_value(result).unwrap_or_default();
    assert!(
        violations.is_empty(),
        "WCAG violations on {page}: {violations:#?}"
    );
}

/// WCAG 1.4.10: at 320 CSS px (a 1280 px screen at 400 % zoom, or a small
/// phone at 200 %) the page needs no sideways scrolling. Names the elements
/// whose content sticks out when it does.
pub async fn reflows_at_320(c: &fantoccini::Client) {
    c.set_window_size(320, 740).await.expect("resize");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let found = c
        .execute(
            "const d = document.documentElement; const over = d.scrollWidth - d.clientWidth;
             const wide = [...document.querySelectorAll('*')]
               .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible')
               .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + e.clientWidth + '<' + e.scrollWidth);
             return [over, wide.join(', ')];",
            vec![],
        )
        .await
        .expect("script");
    let overflow = found[0].as_i64().unwrap_or(1);
    assert!(
        overflow <= 0,
        "the page scrolls sideways at 320 px by {overflow} px: {}",
        found[1]
    );
    c.set_window_size(360, 740).await.expect("resize");
}

pub mod bench;

/// Browser steps the journeys share. Each waits up to 10 s and leaves a
/// screenshot in `artifacts/failure.png` when what it waits for never comes.
pub mod page {
    use std::time::Duration;

    use fantoccini::elements::Element;
    use fantoccini::{Client, Locator};

    use super::{artifacts, Server};

    async fn fail(c: &Client, what: String) -> ! {
        let shot = c.screenshot().await.unwrap_or_default();
        let _ = std::fs::write(artifacts().join("failure.png"), shot);
        panic!("{what}");
    }

    /// The first element matching `css`, once there is one.
    pub async fn wait_for(c: &Client, css: &str) -> Element {
        for _ in 0..100 {
            if let Ok(el) = c.find(Locator::Css(css)).await {
                return el;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        fail(c, format!("{css} never appeared")).await
    }

    /// The text of `css` once it contains `needle`.
    pub async fn wait_text(c: &Client, css: &str, needle: &str) -> String {
        for _ in 0..100 {
            if let Ok(el) = c.find(Locator::Css(css)).await {
                if let Ok(text) = el.text().await {
                    if text.contains(needle) {
                        return text;
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        fail(c, format!("'{needle}' never appeared in {css}")).await
    }

    pub async fn click(c: &Client, what: Locator<'_>) {
        c.find(what).await.unwrap().click().await.unwrap();
    }

    pub async fn shot(c: &Client, name: &str) {
        let png = c.screenshot().await.unwrap();
        std::fs::write(artifacts().join(format!("{name}.png")), png).unwrap();
    }

    /// Fills in the login form as one of the demo's people and waits for
    /// the overview (in Bokmål).
    pub async fn log_in(c: &Client, s: &Server, role: &str) {
        let (email, pw) = s.demo_login(role);
        wait_text(c, "h1", "Logg inn").await;
        c.find(Locator::Id("email"))
            .await
            .unwrap()
            .send_keys(&email)
            .await
            .unwrap();
        c.find(Locator::Id("password"))
            .await
            .unwrap()
            .send_keys(&pw)
            .await
            .unwrap();
        click(c, Locator::Css("button[type=submit]")).await;
        wait_text(c, "h1", "Oversikt").await;
    }
}
