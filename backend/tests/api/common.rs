//! Each test owns its world: the real app on port 0 with a fresh database —
//! a new SQLite file, or a new database in the PostgreSQL cluster named by
//! `TILLIT_TEST_PG` (CI runs the whole suite once for each).
#![allow(dead_code)]

use std::net::TcpListener;

use diesel::prelude::*;
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{json, Value};
use tillit_api::endpoints::{self, Call};
use tillit_api::Role;
use tillit_backend::auth::jwt::Keys;
use tillit_backend::config::Config;

pub struct TestApp {
    pub base: String,
    pub client: Client,
    pub keys: Keys,
    pub db_url: String,
    pub processor_token: String,
    pub key_file: std::path::PathBuf,
    pub config: Config,
    /// A second handle on the same database and folder, for what tests do
    /// beside the server (sending the mail queue, reading rows).
    pub state: tillit_backend::state::AppState,
    _dir: tempdir::TempDir,
}

/// Counts the SQL statements each database receives, through diesel's
/// instrumentation, so a test can show that a list costs the same number of
/// queries whatever its length.
pub mod queries {
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex, Once};

    use diesel::connection::{set_default_instrumentation, Instrumentation, InstrumentationEvent};

    static COUNTS: LazyLock<Mutex<HashMap<String, usize>>> = LazyLock::new(Default::default);

    struct Counter(Option<String>);

    impl Instrumentation for Counter {
        fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
            match event {
                InstrumentationEvent::StartEstablishConnection { url, .. } => {
                    self.0 = Some(url.to_string())
                }
                InstrumentationEvent::StartQuery { .. } => {
                    if let (Some(url), Ok(mut c)) = (&self.0, COUNTS.lock()) {
                        *c.entry(url.clone()).or_default() += 1;
                    }
                }
                _ => {}
            }
        }
    }

    pub fn count_them() {
        static ONCE: Once = Once::new();
        ONCE.call_once(|| {
            set_default_instrumentation(|| Some(Box::new(Counter(None)))).unwrap();
        });
    }

    /// Statements sent so far to the database whose URL ends with `db`.
    pub fn sent_to(db: &str) -> usize {
        let db = db.trim_start_matches("sqlite://");
        COUNTS
            .lock()
            .unwrap()
            .iter()
            .filter(|(url, _)| url.ends_with(db))
            .map(|(_, n)| n)
            .sum()
    }
}

pub mod tempdir {
    /// A folder removed when dropped.
    pub struct TempDir(pub std::path::PathBuf);
    impl TempDir {
        pub fn new() -> TempDir {
            let p = std::env::temp_dir().join(format!("tillit-test-{}", uuid::Uuid::new_v4()));
            std::fs::create_dir_all(&p).unwrap();
            TempDir(p)
        }
    }
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

use tillit_backend::testing::fresh_database;

pub fn backend_name() -> &'static str {
    tillit_backend::testing::backend_name()
}

pub const PASSWORD: &str = "a long test password";

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(|_| {}).await
    }

    /// The app with some settings changed (trusted proxies, https, ...).
    pub async fn spawn_with(change: impl FnOnce(&mut Config)) -> TestApp {
        queries::count_them();
        let dir = tempdir::TempDir::new();
        let db_url = fresh_database(&dir.0);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let config = Config {
            database_url: db_url.clone(),
            bind: format!("127.0.0.1:{port}"),
            public_url: format!("http://127.0.0.1:{port}"),
            data_dir: dir.0.clone(),
            signing_key_file: dir.0.join("signing.key"),
            generate_signing_key: true,
            smtp_url: None,
            smtp_ca_file: None,
            log: "warn".into(),
            static_dir: dir.0.join("static"),
            db_pool_size: 4,
            processor_name: "Tillit".into(),
            mail_from: "Tillit <noreply@tillit.test>".into(),
            // Tests send mail and run the ticker's steps themselves.
            mail_sender: false,
            ticker: false,
            mail_lease_secs: 60,
            trusted_proxies: Vec::new(),
            access_ttl_secs: 900,
        };
        let mut config = config;
        change(&mut config);
        let state = tillit_backend::prepare(config.clone()).expect("prepare app");
        let keys = state.keys.clone();
        let state_config = state.config.clone();
        // The processor's admin exists from installation; create one directly.
        {
            let mut conn = state.pool.get().unwrap();
            tillit_backend::seed::processor_admin(&mut conn, "processor@test.no", PASSWORD)
                .unwrap();
        }
        let server = tillit_backend::start(state, listener).unwrap();
        tokio::spawn(server);
        let client = Client::builder().cookie_store(true).build().unwrap();
        let mut config = state_config.clone();
        config.db_pool_size = 2;
        let beside = tillit_backend::prepare(config).expect("second handle");
        let mut app = TestApp {
            base: format!("http://127.0.0.1:{port}"),
            client,
            keys,
            db_url,
            processor_token: String::new(),
            key_file: dir.0.join("signing.key"),
            config: state_config,
            state: beside,
            _dir: dir,
        };
        app.processor_token = app.login("processor@test.no", PASSWORD).await;
        app
    }

    /// Another server instance on the same database and signing key, as
    /// behind a load balancer; returns its base URL.
    pub async fn second_instance(&self) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut config = self.config.clone();
        config.bind = format!("127.0.0.1:{port}");
        let state = tillit_backend::prepare(config).expect("second instance");
        tokio::spawn(tillit_backend::start(state, listener).unwrap());
        format!("http://127.0.0.1:{port}")
    }

    /// SQL statements the app's database has received so far.
    pub fn queries(&self) -> usize {
        queries::sent_to(&self.db_url)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut rb = self.client.request(method, self.url(path));
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        rb.send().await.unwrap()
    }

    /// A typed request through the endpoint catalogue: the answer as its
    /// type, or the status and the problem document.
    pub async fn send<Req: serde::Serialize, Res: serde::de::DeserializeOwned>(
        &self,
        call: Call<Req, Res>,
        token: Option<&str>,
        body: &Req,
    ) -> Result<Res, (StatusCode, Value)> {
        let method = Method::from_bytes(call.method.as_str().as_bytes()).unwrap();
        let json = serde_json::to_value(body).unwrap();
        let res = self
            .call(method, &call.path, token, (!json.is_null()).then_some(json))
            .await;
        let status = res.status();
        let text = res.text().await.unwrap();
        let text = if text.is_empty() { "null" } else { &text };
        if status.is_success() {
            Ok(serde_json::from_str(text).unwrap_or_else(|e| panic!("{}: {e}: {text}", call.path)))
        } else {
            Err((status, serde_json::from_str(text).unwrap_or(Value::Null)))
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.call(Method::GET, path, Some(token), None).await
    }
    pub async fn post(&self, path: &str, token: &str, body: Value) -> Response {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    /// The answer to a login, whatever it is.
    pub async fn try_login(&self, email: &str, password: &str) -> Response {
        self.call(
            Method::POST,
            endpoints::LOGIN.path,
            None,
            Some(json!({"email": email, "password": password})),
        )
        .await
    }

    /// Logs in; returns the access token.
    pub async fn login(&self, email: &str, password: &str) -> String {
        self.login_session(email, password).await.0
    }

    /// Logs in; returns the access token and the refresh cookie.
    pub async fn login_session(&self, email: &str, password: &str) -> (String, String) {
        let res = self.try_login(email, password).await;
        assert_eq!(res.status(), StatusCode::OK, "login as {email}");
        let cookie = refresh_cookie(&res);
        let token = res.json::<Value>().await.unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_string();
        (token, cookie)
    }

    /// Swaps a refresh cookie (`tillit_refresh=...`) for a new session answer.
    pub async fn refresh(&self, cookie: &str) -> Response {
        Client::new()
            .post(self.url("/api/auth/refresh"))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap()
    }

    /// Sends what the mail queues hold, into `.eml` files in the data folder.
    pub fn deliver_mail(&self) -> usize {
        use tillit_backend::mail::sender::{run_account_once, run_once, Mailer};
        let mailer = Mailer::from_config(&self.config).unwrap();
        run_account_once(&self.state, &mailer, 100).unwrap()
            + run_once(&self.state, &mailer, 500).unwrap()
    }

    /// Every mail written so far, decoded enough to read links and text.
    pub fn mails(&self) -> Vec<SentMail> {
        let dir = self.config.data_dir.join("mail");
        let mut out = Vec::new();
        let Ok(entries) = std::fs::read_dir(dir) else {
            return out;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let raw = std::fs::read_to_string(&path).unwrap();
            let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
            out.push(SentMail::parse(&raw, modified));
        }
        out.sort_by_key(|m| m.at);
        out
    }

    /// The link token in the newest mail to `to` whose link contains `marker`
    /// (`/invitation#token=`, `/reset-password#token=`, `/s#t=`).
    pub fn link_token(&self, to: &str, marker: &str) -> Option<String> {
        self.deliver_mail();
        self.mails()
            .into_iter()
            .rev()
            .filter(|m| m.to.contains(to))
            .find_map(|m| m.link_token(marker))
    }

    /// Accepts the invitation mailed to `email`; returns the session's access token.
    pub async fn accept_invitation(&self, email: &str, password: &str) -> String {
        let token = self
            .link_token(email, "/invitation#token=")
            .unwrap_or_else(|| panic!("no invitation mail to {email}"));
        let body = tillit_api::AcceptInvitationRequest {
            token,
            password: password.into(),
        };
        self.send(endpoints::ACCEPT_INVITATION.call(), None, &body)
            .await
            .unwrap_or_else(|e| panic!("accepting the invitation of {email}: {e:?}"))
            .access_token
    }

    /// Onboards an agency through the API; its admin accepts the invitation
    /// mail. Returns the admin's token.
    pub async fn agency(&self, name: &str) -> Agency {
        let slug = name.to_lowercase().replace(' ', "");
        let admin_email = format!("admin@{slug}.no");
        let res = self
            .post(
                endpoints::CREATE_AGENCY.path,
                &self.processor_token,
                json!({"name": name, "admin_email": admin_email, "admin_name": format!("Admin of {name}")}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let body: Value = res.json().await.unwrap();
        assert!(
            body.get("invitation_url").is_none(),
            "no link in the answer"
        );
        let created: tillit_api::AgencyCreated = serde_json::from_value(body).unwrap();
        let token = self.accept_invitation(&admin_email, PASSWORD).await;
        Agency {
            id: created.agency.id.to_string(),
            admin_id: created.admin.id.to_string(),
            admin_email,
            token,
        }
    }

    /// A token for any role (for the role matrix): a real principal made in
    /// the database (a user with a live session, or an HR client), since
    /// every request is checked against the current state.
    pub fn token_for(&self, role: Role, agency: Option<&str>) -> String {
        use tillit_backend::db::schema::{integration_clients, users};
        let mut conn = self.state.pool.get().unwrap();
        let id = uuid::Uuid::new_v4().to_string();
        match role {
            Role::Respondent => self.keys.issue(&id, role, agency, None).unwrap(),
            Role::Integration => {
                let agency = agency.expect("an HR client belongs to an agency");
                tillit_backend::db::db_run!(&mut *conn, |c| diesel::insert_into(
                    integration_clients::table
                )
                .values((
                    integration_clients::id.eq(&id),
                    integration_clients::agency_id.eq(agency),
                    integration_clients::name.eq("test client"),
                    integration_clients::client_id.eq(format!("hr-{id}")),
                    integration_clients::secret_hash.eq("x"),
                    integration_clients::active.eq(true),
                    integration_clients::created_at.eq(chrono::Utc::now().naive_utc()),
                ))
                .execute(c))
                .unwrap();
                self.keys.issue(&id, role, Some(agency), None).unwrap()
            }
            _ => {
                tillit_backend::db::db_run!(&mut *conn, |c| diesel::insert_into(users::table)
                    .values((
                        users::id.eq(&id),
                        users::agency_id.eq(agency),
                        users::email.eq(format!("{id}@test.no")),
                        users::name.eq("Test person"),
                        users::role.eq(role.as_str()),
                        users::active.eq(true),
                        users::created_at.eq(chrono::Utc::now().naive_utc()),
                    ))
                    .execute(c))
                .unwrap();
                let sid = tillit_backend::auth::sessions::start(
                    &mut conn,
                    &tillit_api::UserId::from(id.as_str()),
                )
                .unwrap();
                self.keys.issue(&id, role, agency, Some(&sid)).unwrap()
            }
        }
    }

    pub async fn import_units(&self, token: &str, mode: &str, units: Value) -> Response {
        self.post(
            "/api/imports/units",
            token,
            json!({"mode": mode, "units": units}),
        )
        .await
    }

    pub async fn import_employees(&self, token: &str, mode: &str, employees: Value) -> Response {
        self.post(
            "/api/imports/employees",
            token,
            json!({"mode": mode, "employees": employees}),
        )
        .await
    }

    /// A small organisation: root R with children A and B; one employee in each.
    /// Units (external id, parent, people), each person an employee of
    /// their unit, by a full sync.
    pub async fn org_with_sizes(&self, a: &Agency, sizes: &[(&str, Option<&str>, usize)]) {
        let units: Vec<Value> = sizes
            .iter()
            .map(|(u, p, _)| json!({"external_id": u, "name": format!("Unit {u}"), "parent_external_id": p}))
            .collect();
        let res = self
            .import_units(&a.token, "full_sync", Value::Array(units))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let mut employees = Vec::new();
        for (u, _, n) in sizes {
            for i in 0..*n {
                employees.push(json!({"external_id": format!("{u}-{i}"), "email": format!("{u}.{i}@etat.no").to_lowercase(), "unit_external_id": u}));
            }
        }
        let res = self
            .import_employees(&a.token, "full_sync", Value::Array(employees))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
    }

    /// The id of the agency's unit with external id `ext`.
    pub async fn unit_id(&self, a: &Agency, ext: &str) -> String {
        let page: Value = self
            .get(&format!("/api/units?q={ext}&per_page=100"), &a.token)
            .await
            .json()
            .await
            .unwrap();
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["external_id"] == ext)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub async fn small_org(&self, a: &Agency) -> Org {
        let res = self
            .import_units(
                &a.token,
                "upsert",
                json!([
                    {"external_id": "R", "name": "Root"},
                    {"external_id": "A", "name": "Unit A", "parent_external_id": "R"},
                    {"external_id": "B", "name": "Unit B", "parent_external_id": "R"}
                ]),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let res = self
            .import_employees(
                &a.token,
                "upsert",
                json!([
                    {"external_id": "E1", "email": format!("e1@{}.no", &a.id[..8]), "unit_external_id": "A"},
                    {"external_id": "E2", "email": format!("e2@{}.no", &a.id[..8]), "unit_external_id": "B", "language": "en"}
                ]),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let units: Value = self
            .get("/api/units?per_page=100", &a.token)
            .await
            .json()
            .await
            .unwrap();
        let employees: Value = self
            .get("/api/employees", &a.token)
            .await
            .json()
            .await
            .unwrap();
        let unit_id = units["items"][0]["id"].as_str().unwrap().to_string();
        let employee_id = employees["items"][0]["id"].as_str().unwrap().to_string();
        // A leader and an HR client, so every kind of id exists.
        let res = self
            .post(
                "/api/users",
                &a.token,
                json!({"email": format!("leader@{}.no", &a.id[..8]), "name": "Leader", "role": "leader", "unit_ids": [unit_id]}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let user_id = res.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let res = self
            .post("/api/integration-clients", &a.token, json!({"name": "HR"}))
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let client: Value = res.json().await.unwrap();
        let imports: Value = self
            .get("/api/imports", &a.token)
            .await
            .json()
            .await
            .unwrap();
        let survey = self.draft_survey(a).await;
        Org {
            survey_id: survey["id"].as_str().unwrap().to_string(),
            version_id: survey["questionnaire_version_id"]
                .as_str()
                .unwrap()
                .to_string(),
            unit_id,
            employee_id,
            user_id,
            client_row_id: client["client"]["id"].as_str().unwrap().to_string(),
            client_id: client["client"]["client_id"].as_str().unwrap().to_string(),
            client_secret: client["client_secret"].as_str().unwrap().to_string(),
            import_id: imports["items"][0]["id"].as_str().unwrap().to_string(),
        }
    }

    /// Audit entries recorded in an agency's chain (sealed or waiting, the
    /// read inbox's included).
    pub fn audit_count(&self, chain: &str) -> i64 {
        let mut conn = self.state.pool.get().unwrap();
        let inbox = self.state.read_inbox.as_deref();
        tillit_backend::audit::recorded(&mut conn, inbox, chain).unwrap()
    }

    /// The id of the published default questionnaire.
    pub async fn default_version(&self, token: &str) -> String {
        let list = self
            .send(endpoints::QUESTIONNAIRES.call(), Some(token), &())
            .await
            .unwrap();
        list[0].id.to_string()
    }

    /// A draft survey open from now for 14 days.
    pub async fn draft_survey(&self, a: &Agency) -> Value {
        let version = self.default_version(&a.token).await;
        let now = chrono::Utc::now();
        let res = self
            .post(
                endpoints::CREATE_SURVEY.path,
                &a.token,
                json!({
                    "title": "Medarbeiderundersøkelse",
                    "questionnaire_version_id": version,
                    "modules": ["change"],
                    "languages": ["nb", "nn", "en"],
                    "opens_at": now,
                    "closes_at": now + chrono::Duration::days(14),
                    "reminder_days": [3, 7]
                }),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        res.json().await.unwrap()
    }

    /// Publishes terms and has the agency accept them.
    pub async fn accept_terms(&self, a: &Agency) {
        let v = self.publish_terms().await;
        let body = tillit_api::AcceptTerms {
            terms_version_id: tillit_api::TermsVersionId(v),
            confirm_responsible: true,
            confirm_authority: true,
        };
        self.send(endpoints::ACCEPT_TERMS.call(), Some(&a.token), &body)
            .await
            .unwrap();
    }

    pub async fn publish_terms(&self) -> String {
        let body = tillit_api::PublishTerms {
            title: "Terms".into(),
            body_nb: "Vilkårene gjelder.".into(),
            body_nn: "Vilkåra gjeld no.".into(),
            body_en: "The terms apply.".into(),
        };
        let v = self
            .send(
                endpoints::PUBLISH_TERMS.call(),
                Some(&self.processor_token),
                &body,
            )
            .await
            .unwrap();
        v.id.to_string()
    }
}

pub struct Agency {
    pub id: String,
    pub admin_id: String,
    pub admin_email: String,
    pub token: String,
}

pub struct Org {
    pub survey_id: String,
    pub version_id: String,
    pub unit_id: String,
    pub employee_id: String,
    pub user_id: String,
    pub client_row_id: String,
    pub client_id: String,
    pub client_secret: String,
    pub import_id: String,
}

/// A mail the server wrote, as a test reads it.
pub struct SentMail {
    pub to: String,
    pub subject: String,
    pub headers: String,
    /// The decoded text (quoted-printable soft breaks and `=3D` undone).
    pub text: String,
    pub at: std::time::SystemTime,
}

impl SentMail {
    fn parse(raw: &str, at: std::time::SystemTime) -> SentMail {
        let text = raw
            .replace("=\r\n", "")
            .replace("=\n", "")
            .replace("=3D", "=");
        let headers = raw.split("\r\n\r\n").next().unwrap_or("").to_string();
        let header = |name: &str| {
            raw.lines()
                .find(|l| l.starts_with(&format!("{name}: ")))
                .map(|l| l[name.len() + 2..].trim().to_string())
                .unwrap_or_default()
        };
        SentMail {
            to: header("To"),
            subject: header("Subject"),
            headers,
            text,
            at,
        }
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .lines()
            .find(|l| l.starts_with(&format!("{name}: ")))
            .map(|l| l[name.len() + 2..].trim().to_string())
    }
    /// The token after `marker` in the mail's text.
    pub fn link_token(&self, marker: &str) -> Option<String> {
        let rest = self.text.split(marker).nth(1)?;
        let token: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        (!token.is_empty()).then_some(token)
    }
}

/// The refresh cookie an answer sets, checked for its attributes, as
/// `name=value` to send back.
pub fn refresh_cookie(res: &Response) -> String {
    let set = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("tillit_refresh="))
        .expect("a refresh cookie");
    for attr in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/api/auth"] {
        assert!(set.contains(attr), "refresh cookie lacks {attr}: {set}");
    }
    set.split(';').next().unwrap().to_string()
}

pub async fn problem(res: Response) -> (StatusCode, Value) {
    let status = res.status();
    let ct = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    assert_eq!(ct, "application/problem+json", "status {status}");
    (status, res.json().await.unwrap())
}
