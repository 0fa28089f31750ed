//! Throttling that an attacker cannot turn against the real user: per
//! account and address, never a locked account; the client's address from
//! X-Forwarded-For only through a trusted proxy; machine clients on their
//! own budget; every route that checks a secret limited.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::{problem, TestApp, PASSWORD};

/// The app behind a load balancer at 127.0.0.1 (the test client's address).
async fn behind_proxy() -> TestApp {
    TestApp::spawn_with(|c| {
        c.trusted_proxies = tillit_backend::net::parse_proxies("127.0.0.1").unwrap();
    })
    .await
}

async fn login_from(
    app: &TestApp,
    client: &reqwest::Client,
    addr: &str,
    email: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(app.url("/api/auth/login"))
        .header("X-Forwarded-For", addr)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn role_1_wrong_passwords_slow_that_address_down_not_the_account() {
    let app = behind_proxy().await;
    let a = app.agency("Etat").await;
    let attacker = reqwest::Client::new();
    for i in 0..5 {
        let res = login_from(&app, &attacker, "203.0.113.66", &a.admin_email, "guess").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "guess {i}");
    }
    // The guesser now waits, even with the right password.
    let res = login_from(&app, &attacker, "203.0.113.66", &a.admin_email, PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&wait), "the first wait is short: {wait}");
    let (_, p) = problem(res).await;
    assert_eq!(p["code"], "too_many_requests");
    assert!(p["params"]["retry_after"].as_u64().is_some());
    // The real user, from the office, is not locked out.
    let res = login_from(
        &app,
        &reqwest::Client::new(),
        "198.51.100.7",
        &a.admin_email,
        PASSWORD,
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn role_1_forwarded_for_from_an_untrusted_peer_is_ignored() {
    // No trusted proxy: a client cannot buy new budgets by writing headers.
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let c = reqwest::Client::new();
    for i in 0..5 {
        let addr = format!("203.0.113.{i}");
        let res = login_from(&app, &c, &addr, &a.admin_email, "guess").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = login_from(&app, &c, "203.0.113.200", &a.admin_email, "guess").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn role_1_a_sprayer_behind_the_office_address_does_not_lock_out_colleagues() {
    let app = behind_proxy().await;
    let a = app.agency("Etat").await;
    // A colleague's browser has logged in before: it carries the cookie
    // that recognises it.
    let colleague = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let office = "198.51.100.7";
    assert_eq!(
        login_from(&app, &colleague, office, &a.admin_email, PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );
    // Someone at the same address sprays passwords over many accounts.
    let sprayer = reqwest::Client::new();
    for i in 0..tillit_backend::auth::throttle::MAX_PER_ADDRESS {
        let res = login_from(
            &app,
            &sprayer,
            office,
            &format!("victim{i}@etat.no"),
            "Sommer2026!",
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "try {i}");
    }
    let res = login_from(&app, &sprayer, office, "victim999@etat.no", "Sommer2026!").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    // The recognised browser still logs in from there.
    let res = login_from(&app, &colleague, office, &a.admin_email, PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn role_1_hr_clients_have_their_own_budget() {
    let app = behind_proxy().await;
    let a = app.agency("Etat").await;
    let org = app.small_org(&a).await;
    let c = reqwest::Client::new();
    let token = |secret: &str| {
        c.post(app.url("/api/auth/token"))
            .header("X-Forwarded-For", "192.0.2.10")
            .json(&json!({"client_id": org.client_id, "client_secret": secret}))
            .send()
    };
    for _ in 0..5 {
        assert_eq!(
            token("wrong").await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        token("wrong").await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // People logging in from the same address are not affected.
    let res = login_from(&app, &c, "192.0.2.10", &a.admin_email, PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn role_1_every_route_that_checks_a_secret_is_limited() {
    let app = behind_proxy().await;
    let c = reqwest::Client::new();
    let fake = "ThisIsNotARealTokenButLongEnough0123456789";
    let routes: [(&str, Value); 6] = [
        (
            "/api/auth/invitations/accept",
            json!({"token": fake, "password": "a fine long phrase 2026"}),
        ),
        (
            "/api/auth/password-reset/complete",
            json!({"token": fake, "password": "a fine long phrase 2026"}),
        ),
        ("/api/respond/session", json!({"token": fake})),
        ("/api/respond/opt-out/confirm", json!({"token": fake})),
        (
            "/api/research/withdraw",
            json!({"receipt": "NOT-A-RECEIPT-0000-0000"}),
        ),
        ("/api/auth/refresh", Value::Null),
    ];
    for (i, (path, body)) in routes.iter().enumerate() {
        let addr = format!("192.0.2.{}", 100 + i);
        let send = || {
            let mut rb = c.post(app.url(path)).header("X-Forwarded-For", &addr);
            if body.is_null() {
                rb = rb.header("cookie", format!("tillit_refresh={fake}"));
            } else {
                rb = rb.json(body);
            }
            rb.send()
        };
        for _ in 0..tillit_backend::auth::throttle::MAX_LINK_FAILURES_PER_ADDRESS {
            let status = send().await.unwrap().status();
            assert!(
                status == StatusCode::NOT_FOUND || status == StatusCode::UNAUTHORIZED,
                "{path}: {status}"
            );
        }
        assert_eq!(
            send().await.unwrap().status(),
            StatusCode::TOO_MANY_REQUESTS,
            "{path}"
        );
        // Another address is not affected.
        let other = c
            .post(app.url(path))
            .header("X-Forwarded-For", "192.0.2.250");
        let other = if body.is_null() {
            other.header("cookie", format!("tillit_refresh={fake}"))
        } else {
            other.json(body)
        };
        assert_ne!(
            other.send().await.unwrap().status(),
            StatusCode::TOO_MANY_REQUESTS,
            "{path}"
        );
    }
}

#[tokio::test]
async fn role_1_a_recognised_browser_has_its_own_budget() {
    let app = behind_proxy().await;
    let a = app.agency("Etat").await;
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    assert_eq!(
        login_from(&app, &browser, "198.51.100.9", &a.admin_email, PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );
    // A stolen device cookie is no key to unlimited guessing.
    for _ in 0..5 {
        login_from(&app, &browser, "198.51.100.9", &a.admin_email, "guess").await;
    }
    let res = login_from(&app, &browser, "198.51.100.10", &a.admin_email, "guess").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let res = app.call(Method::GET, "/api/health", None, None).await;
    assert_eq!(res.status(), StatusCode::OK);
}
