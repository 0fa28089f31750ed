//! Passwords: change (needs the current one), reset by a mailed one-time
//! link (the same answer whether or not the address exists), a policy that
//! refuses guessable passwords and ones holding the email address, and
//! both end every other session.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::{problem, TestApp, PASSWORD};

async fn login_status(app: &TestApp, email: &str, password: &str) -> StatusCode {
    app.try_login(email, password).await.status()
}

async fn login(app: &TestApp, email: &str, password: &str) -> String {
    app.login(email, password).await
}

const NEW: &str = "kaffekopp fjellvann solsikke 77";

#[tokio::test]
async fn role_1_changing_the_password_needs_the_current_one_and_ends_other_sessions() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let other = login(&app, &a.admin_email, PASSWORD).await;
    let change = |current: &str, new: &str| {
        app.post(
            "/api/auth/password",
            &a.token,
            json!({"current_password": current, "new_password": new}),
        )
    };
    let (status, p) = problem(change("not my password", NEW).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        (
            p["errors"][0]["field"].as_str(),
            p["errors"][0]["code"].as_str()
        ),
        (Some("current_password"), Some("wrong_password"))
    );
    let (_, p) = problem(change(PASSWORD, PASSWORD).await).await;
    assert_eq!(p["errors"][0]["code"], "password_unchanged");
    assert_eq!(change(PASSWORD, NEW).await.status(), StatusCode::NO_CONTENT);
    // This session goes on; the other one ended; the old password is gone.
    assert_eq!(
        app.get("/api/employees", &a.token).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        problem(app.get("/api/employees", &other).await).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login_status(&app, &a.admin_email, PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login_status(&app, &a.admin_email, NEW).await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn role_1_the_password_policy_refuses_guessable_and_personal_passwords() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    for (password, code) in [
        ("password1234", "weak_password"),
        ("Password123!", "weak_password"),
        ("admin@etat.no-is-my-password", "password_contains_email"),
        ("short", "length"),
    ] {
        let res = app
            .post(
                "/api/auth/password",
                &a.token,
                json!({"current_password": PASSWORD, "new_password": password}),
            )
            .await;
        let (status, p) = problem(res).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{password}");
        assert_eq!(
            (
                p["errors"][0]["field"].as_str(),
                p["errors"][0]["code"].as_str()
            ),
            (Some("new_password"), Some(code)),
            "{password}"
        );
    }
    // The same policy when an invitation is accepted; the link survives a refusal.
    app.post(
        "/api/users",
        &a.token,
        json!({"email": "leder@etat.no", "name": "Leder", "role": "leader"}),
    )
    .await;
    let token = app
        .link_token("leder@etat.no", "/invitation#token=")
        .unwrap();
    let accept = |password: &'static str| {
        app.call(
            Method::POST,
            "/api/auth/invitations/accept",
            None,
            Some(json!({"token": token, "password": password})),
        )
    };
    let (_, p) = problem(accept("123456789012").await).await;
    assert_eq!(p["errors"][0]["code"], "weak_password");
    assert_eq!(accept(NEW).await.status(), StatusCode::OK);
}

async fn ask_reset(app: &TestApp, email: &str) -> StatusCode {
    app.call(
        Method::POST,
        "/api/auth/password-reset",
        None,
        Some(json!({"email": email})),
    )
    .await
    .status()
}

#[tokio::test]
async fn role_1_a_reset_link_by_mail_sets_a_new_password_once() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let other = login(&app, &a.admin_email, PASSWORD).await;
    // Known or not, the answer is the same.
    assert_eq!(
        ask_reset(&app, "nobody@etat.no").await,
        StatusCode::ACCEPTED
    );
    assert_eq!(ask_reset(&app, &a.admin_email).await, StatusCode::ACCEPTED);
    app.deliver_mail();
    assert!(app.mails().iter().all(|m| !m.to.contains("nobody@")));
    let token = app
        .link_token(&a.admin_email, "/reset-password#token=")
        .expect("a reset mail");
    // Asking for a reset changes nothing by itself.
    assert_eq!(
        app.get("/api/employees", &a.token).await.status(),
        StatusCode::OK
    );
    let complete = |password: &'static str| {
        app.call(
            Method::POST,
            "/api/auth/password-reset/complete",
            None,
            Some(json!({"token": token, "password": password})),
        )
    };
    let res = complete(NEW).await;
    assert_eq!(res.status(), StatusCode::OK);
    let fresh = res.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        app.get("/api/employees", &fresh).await.status(),
        StatusCode::OK
    );
    for ended in [&a.token, &other] {
        assert_eq!(
            problem(app.get("/api/employees", ended).await).await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        problem(complete("another fine phrase 1234").await).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        login_status(&app, &a.admin_email, NEW).await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn role_1_reset_mails_are_rate_limited_per_account_without_telling() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    for _ in 0..6 {
        assert_eq!(ask_reset(&app, &a.admin_email).await, StatusCode::ACCEPTED);
    }
    app.deliver_mail();
    let resets = app
        .mails()
        .iter()
        .filter(|m| {
            m.to.contains(&a.admin_email) && m.link_token("/reset-password#token=").is_some()
        })
        .count();
    // Three requests count; later ones in the window are dropped silently
    // (and a newer request replaces an unsent older one).
    assert!((1..=3).contains(&resets), "{resets} reset mails");
}
