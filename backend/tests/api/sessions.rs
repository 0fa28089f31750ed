//! ROLE-1 on every request: access is decided against the current state. A
//! deactivated person, a deleted HR client, an ended session or a changed
//! role is refused on its next request, on every instance, not when its
//! token expires.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::{problem, TestApp, PASSWORD};

async fn login(app: &TestApp, email: &str, password: &str) -> (String, String) {
    app.login_session(email, password).await
}

async fn refresh(app: &TestApp, cookie: &str) -> StatusCode {
    app.refresh(cookie).await.status()
}

async fn refused(res: reqwest::Response) -> bool {
    let (status, p) = problem(res).await;
    status == StatusCode::UNAUTHORIZED && p["code"] == "session_ended"
}

/// A second admin of agency `a`, invited by mail and logged in.
async fn second_admin(app: &TestApp, admin_token: &str, email: &str) -> (String, String) {
    let res = app
        .post(
            "/api/users",
            admin_token,
            json!({"email": email, "name": "Second Admin", "role": "controller_admin"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    (id, app.accept_invitation(email, PASSWORD).await)
}

#[tokio::test]
async fn role_1_a_deactivated_admin_cannot_keep_themselves_in() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let (b_id, b_token) = second_admin(&app, &a.token, "b@etat.no").await;
    let (b_login, b_cookie) = login(&app, "b@etat.no", PASSWORD).await;
    let other = app.second_instance().await;
    let res = app
        .call(
            Method::DELETE,
            &format!("/api/users/{b_id}"),
            Some(&a.token),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    // The removed admin tries to create an accomplice, with each token, on
    // each instance: refused at once.
    for token in [&b_token, &b_login] {
        for base in [app.base.clone(), other.clone()] {
            let res = app
                .client
                .post(format!("{base}/api/users"))
                .bearer_auth(token)
                .json(&json!({"email": "accomplice@etat.no", "name": "A", "role": "controller_admin"}))
                .send()
                .await
                .unwrap();
            assert!(refused(res).await, "a removed admin acted on {base}");
        }
    }
    assert_eq!(refresh(&app, &b_cookie).await, StatusCode::UNAUTHORIZED);
    let res = app
        .call(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({"email": "b@etat.no", "password": PASSWORD})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let users: Value = app.get("/api/users", &a.token).await.json().await.unwrap();
    assert!(!users.to_string().contains("accomplice"));
}

#[tokio::test]
async fn role_1_a_deactivated_leader_and_a_deleted_hr_client_are_refused_at_once() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let org = app.small_org(&a).await;
    let leader_email = format!("leader@{}.no", &a.id[..8]);
    let leader = app.accept_invitation(&leader_email, PASSWORD).await;
    assert_eq!(
        app.get("/api/units", &leader).await.status(),
        StatusCode::OK
    );
    let res = app
        .call(
            Method::POST,
            "/api/auth/token",
            None,
            Some(json!({"client_id": org.client_id, "client_secret": org.client_secret})),
        )
        .await;
    let hr = res.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(app.get("/api/units", &hr).await.status(), StatusCode::OK);
    for path in [
        format!("/api/users/{}", org.user_id),
        format!("/api/integration-clients/{}", org.client_row_id),
    ] {
        let res = app.call(Method::DELETE, &path, Some(&a.token), None).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
    }
    assert!(refused(app.get("/api/units", &leader).await).await);
    assert!(refused(app.import_units(&hr, "upsert", json!([])).await).await);
}

#[tokio::test]
async fn role_1_logout_ends_every_session_of_the_person() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let (phone, phone_cookie) = login(&app, &a.admin_email, PASSWORD).await;
    let (laptop, laptop_cookie) = login(&app, &a.admin_email, PASSWORD).await;
    let res = reqwest::Client::new()
        .post(app.url("/api/auth/logout"))
        .header("cookie", &phone_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    for token in [&phone, &laptop, &a.token] {
        assert!(refused(app.get("/api/employees", token).await).await);
    }
    for cookie in [&phone_cookie, &laptop_cookie] {
        assert_eq!(refresh(&app, cookie).await, StatusCode::UNAUTHORIZED);
    }
    // Logging in again works.
    let (fresh, _) = login(&app, &a.admin_email, PASSWORD).await;
    assert_eq!(
        app.get("/api/employees", &fresh).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn role_1_a_changed_role_ends_the_sessions_of_the_old_one() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let org = app.small_org(&a).await;
    let leader_email = format!("leader@{}.no", &a.id[..8]);
    let leader = app.accept_invitation(&leader_email, PASSWORD).await;
    let res = app
        .call(
            Method::PUT,
            &format!("/api/users/{}", org.user_id),
            Some(&a.token),
            Some(json!({"name": "Now Admin", "role": "controller_admin"})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.json::<Value>().await.unwrap()["role"],
        "controller_admin"
    );
    // The token says leader; the person no longer is one.
    assert!(refused(app.get("/api/units", &leader).await).await);
    let (admin, _) = login(&app, &leader_email, PASSWORD).await;
    assert_eq!(
        app.get("/api/employees", &admin).await.status(),
        StatusCode::OK
    );
    // Nobody changes their own role.
    let res = app
        .call(
            Method::PUT,
            &format!("/api/users/{}", a.admin_id),
            Some(&a.token),
            Some(json!({"name": "Me", "role": "leader"})),
        )
        .await;
    let (status, p) = problem(res).await;
    assert_eq!(
        (status, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("self_role_change"))
    );
}

#[tokio::test]
async fn role_1_a_deactivated_users_invitation_cannot_be_accepted() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let res = app
        .post(
            "/api/users",
            &a.token,
            json!({"email": "gone@etat.no", "name": "Gone", "role": "controller_admin"}),
        )
        .await;
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let token = app
        .link_token("gone@etat.no", "/invitation#token=")
        .expect("an invitation mail");
    let res = app
        .call(
            Method::DELETE,
            &format!("/api/users/{id}"),
            Some(&a.token),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = app
        .call(
            Method::POST,
            "/api/auth/invitations/accept",
            None,
            Some(json!({"token": token, "password": PASSWORD})),
        )
        .await;
    let (status, body) = problem(res).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.get("access_token").is_none());
}

#[tokio::test]
async fn role_1_refreshing_twice_at_once_keeps_the_session() {
    // Two tabs, or two requests that expired together, refresh with the
    // same cookie at the same moment: both go on, nobody is logged out.
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let (_, cookie) = login(&app, &a.admin_email, PASSWORD).await;
    let (x, y) = tokio::join!(refresh(&app, &cookie), refresh(&app, &cookie));
    assert_eq!((x, y), (StatusCode::OK, StatusCode::OK));
    assert_eq!(
        refresh(&app, &cookie).await,
        StatusCode::OK,
        "still within the grace"
    );
}

#[tokio::test]
async fn role_1_a_browser_without_a_session_is_told_so_without_an_error() {
    // Every page load asks to resume a session; a first visit has no
    // cookie, and that is an answer (204), not a failure in the console.
    let app = TestApp::spawn().await;
    let res = reqwest::Client::new()
        .post(app.url("/api/auth/refresh"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert!(res.headers().get("set-cookie").is_none());
    // A cookie that is not a session's is still refused.
    assert_eq!(
        refresh(&app, "tillit_refresh=not-a-session").await,
        StatusCode::UNAUTHORIZED
    );
}
