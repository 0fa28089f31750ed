//! The running product over HTTP, as an HR system and an admin use it.

use reqwest::StatusCode;
use serde_json::{json, Value};
use tillit_api::endpoints;
use tillit_api::{ClientCredentialsRequest, LoginRequest};
use tillit_e2e::Server;

#[tokio::test]
async fn org_2_an_hr_system_syncs_the_demo_agency_over_http() {
    let s = Server::start_demo().await;
    let http = reqwest::Client::new();
    let (client_id, secret) = s.demo_login("integration");
    let credentials = ClientCredentialsRequest {
        client_id,
        client_secret: secret,
    };
    let hr = s
        .send(&http, endpoints::CLIENT_TOKEN.call(), None, &credentials)
        .await
        .unwrap()
        .access_token;
    let units: Vec<Value> = std::iter::once(json!({"external_id": "DIR", "name": "Direktoratet"}))
        .chain((0..20).map(|i| json!({"external_id": format!("S{i}"), "name": format!("Seksjon {i}"), "parent_external_id": "DIR"})))
        .collect();
    let employees: Vec<Value> = (0..200)
        .map(|i| json!({"external_id": format!("P{i}"), "email": format!("p{i}@direktoratet.demo"), "unit_external_id": format!("S{}", i % 20)}))
        .collect();
    let post = |path: &'static str, body: Value| {
        http.post(s.url(path)).bearer_auth(&hr).json(&body).send()
    };
    // A reorganisation: new units and new staff replace the old. The dry
    // run says what would go, and the sync names that count to proceed.
    let sync =
        json!({"mode": "full_sync", "dry_run": true, "units": units, "employees": employees});
    let dry: Value = post("/api/imports/organisation", sync)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            dry["units"]["deactivated"].as_u64(),
            dry["employees"]["deactivated"].as_u64()
        ),
        (Some(30), Some(300))
    );
    assert_eq!(dry["needs_confirmation"]["would_deactivate"], 330);
    let sync = json!({"mode": "full_sync", "units": units, "employees": employees});
    let refused = post("/api/imports/organisation", sync.clone())
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let mut confirmed = sync;
    confirmed["confirm_deactivations"] = json!(330);
    let r: Value = post("/api/imports/organisation", confirmed)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            r["units"]["created"].as_u64(),
            r["employees"]["created"].as_u64(),
            r["applied"].as_bool()
        ),
        (Some(20), Some(200), Some(true))
    );
    let again: Value = post(
        "/api/imports/employees",
        json!({"mode": "full_sync", "employees": employees}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(
        (
            again["created"].as_u64(),
            again["updated"].as_u64(),
            again["unchanged"].as_u64()
        ),
        (Some(0), Some(0), Some(200))
    );
    // The HR system reads back what it pushed.
    let mine: Value = http
        .get(s.url("/api/units?per_page=100"))
        .bearer_auth(&hr)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(mine["total"], 21);

    let (email, pw) = s.demo_login("controller_admin");
    let login = LoginRequest {
        email,
        password: pw,
    };
    let admin = s
        .send(&http, endpoints::LOGIN.call(), None, &login)
        .await
        .unwrap()
        .access_token;
    let page = s
        .send(&http, endpoints::EMPLOYEES.call(), Some(&admin), &())
        .await
        .unwrap();
    assert_eq!(page.total, 200);
}

#[tokio::test]
async fn the_server_serves_spa_spec_and_docs() {
    let s = Server::start_demo().await;
    let http = reqwest::Client::new();
    let spec: Value = http
        .get(s.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(spec["openapi"], "3.1.0");
    // The address printed at start, without the slash, leads there too.
    let docs = http.get(s.url("/api/docs")).send().await.unwrap();
    assert_eq!(docs.status(), StatusCode::OK);
    let html = docs.text().await.unwrap();
    assert!(html.contains("swagger"), "the docs page is Swagger UI");
    assert!(
        !html.contains("https://"),
        "the docs page loads nothing from a CDN"
    );
    for (path, app) in [
        ("/", "staff"),
        ("/employees", "staff"),
        ("/surveys", "staff"),
        ("/agencies", "institute"),
        ("/questionnaires/", "institute"),
        ("/reports", "reports"),
        ("/reports/some-survey/u-some-unit", "reports"),
        ("/reportsx", "staff"),
        ("/follow-up", "followup"),
        ("/login", "entry"),
        ("/invitation", "entry"),
        ("/reset-password/", "entry"),
        ("/s", "respond"),
        ("/opt-out", "respond"),
        ("/withdraw", "respond"),
    ] {
        let res = http.get(s.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(res.headers()["cache-control"], "no-cache", "{path}");
        let html = res.text().await.unwrap();
        assert!(
            html.contains(&format!("/assets/boot-{app}-")),
            "{path} serves the {app} app"
        );
        // Something to see before the web app has arrived.
        assert!(
            html.contains("id=\"boot\"") && (html.contains("Laster") || html.contains("Henter")),
            "{path}: {html}"
        );
    }
    let res = http.get(s.url("/api/nothing")).send().await.unwrap();
    assert_eq!(res.headers()["content-type"], "application/problem+json");
}

/// The name in `html` of the asset that starts with `prefix`.
fn asset(html: &str, prefix: &str) -> String {
    let start = html.find(prefix).expect(prefix);
    let end = html[start..].find('"').unwrap();
    html[start..start + end].to_string()
}

#[tokio::test]
async fn web_app_files_are_sent_precompressed_and_cached_for_good() {
    let s = Server::start_demo().await;
    let http = reqwest::Client::new();
    let html = http
        .get(s.url("/s"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let wasm = asset(&html, "/assets/respond_bg-");
    let plain = http.get(s.url(&wasm)).send().await.unwrap();
    assert_eq!(plain.headers()["content-type"], "application/wasm");
    assert_eq!(plain.headers()["content-encoding"], "identity");
    let raw = plain.bytes().await.unwrap();
    assert_eq!(&raw[..4], b"\0asm");
    for (accept, coding) in [
        ("gzip, deflate, br", "br"),
        ("br;q=0.5, gzip", "gzip"),
        ("gzip", "gzip"),
        ("br;q=0, gzip;q=0", "identity"),
    ] {
        let res = http
            .get(s.url(&wasm))
            .header("accept-encoding", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{accept}");
        let h = res.headers().clone();
        assert_eq!(h["content-encoding"], coding, "{accept}");
        assert_eq!(h["cache-control"], "public, max-age=31536000, immutable");
        assert_eq!(h["vary"], "accept-encoding");
        let body = res.bytes().await.unwrap();
        if coding != "identity" {
            assert!(body.len() < raw.len() / 2, "{coding} is much smaller");
        }
        // The same copy again costs nothing.
        let again = http
            .get(s.url(&wasm))
            .header("accept-encoding", accept)
            .header("if-none-match", h["etag"].clone())
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{accept}");
    }
    // A name that is not a built file is a 404, never the page (which a
    // browser would then keep for a year).
    for missing in [
        "/assets/nothing-0123456789abcdef.js",
        "/assets/index.html",
        "/assets/..%2Findex.html",
        &format!("{wasm}.br"),
    ] {
        let res = http.get(s.url(missing)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{missing}");
    }
}

#[tokio::test]
async fn the_data_folder_is_private_and_demo_passwords_stay_out_of_the_log_stream() {
    use std::os::unix::fs::PermissionsExt;
    let s = Server::start_demo().await;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&s.data_dir), 0o700, "the data folder");
    // Give the sender a moment to write the demo's invitation mails.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let mut files = vec![
        s.data_dir.join("demo-logins.txt"),
        s.data_dir.join("signing.key"),
        s.data_dir.join("tillit.db"),
    ];
    if let Ok(dir) = std::fs::read_dir(s.data_dir.join("mail")) {
        files.extend(dir.flatten().take(5).map(|e| e.path()));
    }
    for f in files.iter().filter(|f| f.exists()) {
        assert_eq!(mode(f) & 0o077, 0, "{} is readable by others", f.display());
    }
    // Started as a service (stdout is a pipe), the demo says where the
    // logins are, and prints no password.
    let (_, password) = s.demo_login("controller_admin");
    let logs = s.logs();
    assert!(
        !logs.contains(&password),
        "a password reached the log stream"
    );
    assert!(logs.contains("demo-logins.txt"), "{logs}");
}

#[tokio::test]
async fn a_content_security_policy_violation_is_reported_and_logged() {
    let s = Server::start_demo().await;
    let report = json!({"csp-report": {"document-uri": "http://x/s#t=secret", "violated-directive": "script-src", "blocked-uri": "inline"}});
    let res = reqwest::Client::new()
        .post(s.url("/api/csp-report"))
        .header("content-type", "application/csp-report")
        .body(report.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let logs = s.logs();
    assert!(logs.contains("csp violation"), "{logs}");
    assert!(
        !logs.contains("secret"),
        "the page's fragment is not logged"
    );
}
