//! Invitation links go to the invitee alone, by email through the outbox;
//! no API answer holds one, and a resend replaces the old link.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::{problem, TestApp, PASSWORD};

async fn accept(app: &TestApp, token: &str) -> reqwest::Response {
    app.call(
        Method::POST,
        "/api/auth/invitations/accept",
        None,
        Some(json!({"token": token, "password": PASSWORD})),
    )
    .await
}

#[tokio::test]
async fn role_1_invitation_links_reach_the_invitee_only() {
    let app = TestApp::spawn().await;
    // The institute onboards an agency: the answer holds no link, so the
    // institute cannot accept the terms "as the agency".
    let res = app
        .post(
            "/api/agencies",
            &app.processor_token,
            json!({"name": "Etat", "admin_email": "sjef@etat.no", "admin_name": "Sjef", "admin_language": "nn"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let text = res.text().await.unwrap();
    assert!(
        !text.contains("token") && !text.contains("invitation"),
        "{text}"
    );
    // The mail goes to the admin, in their language, with the link.
    app.deliver_mail();
    let mail = app
        .mails()
        .into_iter()
        .find(|m| m.to.contains("sjef@etat.no"))
        .expect("an invitation mail");
    assert!(mail.text.contains("lang=\"nn\"") && mail.text.contains("Vel passord"));
    let token = mail.link_token("/invitation#token=").unwrap();
    let res = accept(&app, &token).await;
    assert_eq!(res.status(), StatusCode::OK);
    let admin = res.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    // An admin invites a leader: again no link in the answer.
    let res = app
        .post(
            "/api/users",
            &admin,
            json!({"email": "leder@etat.no", "name": "Leder", "role": "leader"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let text = res.text().await.unwrap();
    assert!(
        !text.contains("token") && !text.contains("invitation"),
        "{text}"
    );
    // Used once, the link is spent.
    assert_eq!(
        problem(accept(&app, &token).await).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn role_1_a_resent_invitation_replaces_the_old_link() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let res = app
        .post(
            "/api/users",
            &a.token,
            json!({"email": "leder@etat.no", "name": "Leder", "role": "leader"}),
        )
        .await;
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let old = app
        .link_token("leder@etat.no", "/invitation#token=")
        .unwrap();
    let res = app
        .post(&format!("/api/users/{id}/invitation"), &a.token, json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    // The old link stops working at once, before the new mail is even sent.
    assert_eq!(
        problem(accept(&app, &old).await).await.0,
        StatusCode::NOT_FOUND
    );
    let new = app
        .link_token("leder@etat.no", "/invitation#token=")
        .unwrap();
    assert_ne!(old, new);
    assert_eq!(accept(&app, &new).await.status(), StatusCode::OK);
    // An activated user's invitation cannot be sent again.
    let res = app
        .post(&format!("/api/users/{id}/invitation"), &a.token, json!({}))
        .await;
    let (status, p) = problem(res).await;
    assert_eq!(
        (status, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("already_activated"))
    );
}

#[tokio::test]
async fn role_1_the_institute_resends_an_agency_admins_invitation() {
    let app = TestApp::spawn().await;
    let res = app
        .post(
            "/api/agencies",
            &app.processor_token,
            json!({"name": "Etat", "admin_email": "sjef@etat.no", "admin_name": "Sjef"}),
        )
        .await;
    let agency: Value = res.json().await.unwrap();
    let id = agency["agency"]["id"].as_str().unwrap();
    assert_eq!(agency["agency"]["awaiting_admin"], true);
    let old = app
        .link_token("sjef@etat.no", "/invitation#token=")
        .unwrap();
    let res = app
        .post(
            &format!("/api/agencies/{id}/invitation"),
            &app.processor_token,
            json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    assert_eq!(
        problem(accept(&app, &old).await).await.0,
        StatusCode::NOT_FOUND
    );
    let new = app
        .link_token("sjef@etat.no", "/invitation#token=")
        .unwrap();
    assert_eq!(accept(&app, &new).await.status(), StatusCode::OK);
    let listed: Value = app
        .get(&format!("/api/agencies/{id}"), &app.processor_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["awaiting_admin"], false);
}
