//! Auth, terms, organisation CRUD, errors and the audit trail over HTTP.

use crate::common::{problem, refresh_cookie, TestApp, PASSWORD};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn refresh(app: &TestApp, cookie: &str) -> reqwest::Response {
    app.refresh(cookie).await
}

#[tokio::test]
async fn auth_refresh_rotates_and_a_replayed_token_ends_the_session() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let res = app
        .call(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({"email": a.admin_email, "password": PASSWORD})),
        )
        .await;
    let body_check = res
        .headers()
        .get("cache-control")
        .map(|v| v.to_str().unwrap().to_string());
    assert_eq!(body_check.as_deref(), Some("no-store"));
    let first = refresh_cookie(&res);
    let res = refresh(&app, &first).await;
    assert_eq!(res.status(), StatusCode::OK);
    let second = refresh_cookie(&res);
    assert_ne!(first, second, "the refresh token rotates");
    // The old token again at once: a second tab or a retried request, not a
    // thief. It gets a token of its own, and the session goes on.
    let res = refresh(&app, &first).await;
    assert_eq!(res.status(), StatusCode::OK);
    let sibling = refresh_cookie(&res);
    // Later than the grace: a replay. The whole session ends.
    let mut conn = app.state.pool.get().unwrap();
    use diesel::RunQueryDsl;
    tillit_backend::db::db_run!(&mut *conn, |c| diesel::sql_query(
        "UPDATE refresh_tokens SET rotated_at = '2000-01-01 00:00:00' WHERE rotated_at IS NOT NULL"
    )
    .execute(c))
    .unwrap();
    assert_eq!(
        refresh(&app, &first).await.status(),
        StatusCode::UNAUTHORIZED
    );
    for live in [&second, &sibling] {
        assert_eq!(refresh(&app, live).await.status(), StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn auth_logout_revokes_the_refresh_token() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let res = app
        .call(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({"email": a.admin_email, "password": PASSWORD})),
        )
        .await;
    let cookie = refresh_cookie(&res);
    let out = reqwest::Client::new()
        .post(app.url("/api/auth/logout"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        refresh(&app, &cookie).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn auth_unknown_account_and_wrong_password_look_the_same() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let (s1, p1) = problem(
        app.call(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({"email": "nobody@etat.no", "password": "x"})),
        )
        .await,
    )
    .await;
    let (s2, p2) = problem(
        app.call(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({"email": a.admin_email, "password": "x"})),
        )
        .await,
    )
    .await;
    assert_eq!((s1, p1), (s2, p2));
}

#[tokio::test]
async fn terms_1_acceptance_needs_both_confirmations_and_is_kept() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let v1 = app.publish_terms().await;
    let (status, p) = problem(
        app.post(
            "/api/agency/terms/accept",
            &a.token,
            json!({"terms_version_id": v1, "confirm_responsible": false, "confirm_authority": false}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["confirm_responsible", "confirm_authority"]);
    let res = app
        .post(
            "/api/agency/terms/accept",
            &a.token,
            json!({"terms_version_id": v1, "confirm_responsible": true, "confirm_authority": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let status: Value = app
        .get("/api/agency/terms", &a.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["accepted_current"], true);
    let h = &status["history"][0];
    assert_eq!(
        (h["accepted_by_email"].as_str(), h["version"].as_i64()),
        (Some(a.admin_email.as_str()), Some(1))
    );
    assert_eq!(
        (
            h["confirm_responsible"].as_bool(),
            h["confirm_authority"].as_bool()
        ),
        (Some(true), Some(true))
    );
}

#[tokio::test]
async fn terms_2_a_new_version_blocks_launch_until_accepted_again() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let pool = tillit_backend::db::connect(&app.db_url, 1).unwrap();
    let guard = |agency: &str| {
        let mut conn = pool.get().unwrap();
        tillit_backend::agencies::terms::require_current_accepted(&mut conn, &agency.into())
    };
    assert!(guard(&a.id).is_err(), "no terms accepted yet");
    let v1 = app.publish_terms().await;
    let accept = |v: String| {
        app.post(
            "/api/agency/terms/accept",
            &a.token,
            json!({"terms_version_id": v, "confirm_responsible": true, "confirm_authority": true}),
        )
    };
    assert_eq!(accept(v1.clone()).await.status(), StatusCode::CREATED);
    assert!(guard(&a.id).is_ok());
    let v2 = app.publish_terms().await;
    let err = guard(&a.id).unwrap_err();
    assert!(matches!(
        err,
        tillit_backend::error::AppError::Conflict(tillit_api::ProblemCode::TermsNotAccepted, ..)
    ));
    // An old version can no longer be accepted; the new one can.
    assert_eq!(accept(v1).await.status(), StatusCode::CONFLICT);
    assert_eq!(accept(v2).await.status(), StatusCode::CREATED);
    assert!(guard(&a.id).is_ok());
    let status: Value = app
        .get("/api/agency/terms", &a.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        status["history"].as_array().unwrap().len(),
        2,
        "every acceptance is kept"
    );
}

#[tokio::test]
async fn org_1_units_and_employees_crud_with_clear_errors() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let root: Value = app
        .post(
            "/api/units",
            &a.token,
            json!({"external_id": "R", "name": "Root"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let child: Value = app
        .post(
            "/api/units",
            &a.token,
            json!({"external_id": "C", "name": "Child", "parent_id": root["id"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    // Moving the root under its own child closes a loop.
    let res = app
        .call(
            Method::PUT,
            &format!("/api/units/{}", root["id"].as_str().unwrap()),
            Some(&a.token),
            Some(json!({"name": "Root", "parent_id": child["id"]})),
        )
        .await;
    let (status, p) = problem(res).await;
    assert_eq!(
        (status, p["errors"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("cycle"))
    );
    let dup = app
        .post(
            "/api/units",
            &a.token,
            json!({"external_id": "R", "name": "Again"}),
        )
        .await;
    assert_eq!(problem(dup).await.0, StatusCode::CONFLICT);

    let bad = app
        .post(
            "/api/employees",
            &a.token,
            json!({"external_id": "", "email": "nope", "unit_id": child["id"]}),
        )
        .await;
    let (status, p) = problem(bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(p["errors"].as_array().unwrap().len(), 2);
    let emp: Value = app
        .post("/api/employees", &a.token, json!({"external_id": "E1", "email": "Kari@Etat.no", "unit_id": child["id"], "language": "nn"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(emp["email"], "kari@etat.no");
    // A unit with people cannot be deactivated; an employee can.
    let res = app
        .call(
            Method::DELETE,
            &format!("/api/units/{}", child["id"].as_str().unwrap()),
            Some(&a.token),
            None,
        )
        .await;
    assert_eq!(problem(res).await.0, StatusCode::CONFLICT);
    let res = app
        .call(
            Method::DELETE,
            &format!("/api/employees/{}", emp["id"].as_str().unwrap()),
            Some(&a.token),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let page: Value = app
        .get("/api/employees?include_inactive=true", &a.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"][0]["active"], false);
}

#[tokio::test]
async fn org_3_employees_hold_only_what_the_survey_needs() {
    let spec = serde_json::to_value(tillit_backend::openapi()).unwrap();
    let mut fields: Vec<String> = spec["components"]["schemas"]["Employee"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "active",
            "email",
            "external_id",
            "id",
            "language",
            "unit_id",
            "unit_name"
        ]
    );
}

#[tokio::test]
async fn errors_are_problem_documents_never_500() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let (s, _) = problem(app.get("/api/no-such-route", &a.token).await).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let res = app
        .call(Method::PATCH, "/api/units", Some(&a.token), None)
        .await;
    assert_eq!(res.headers()["allow"], "GET, POST");
    assert_eq!(problem(res).await.0, StatusCode::METHOD_NOT_ALLOWED);
    let res = app
        .client
        .post(app.url("/api/units"))
        .bearer_auth(&a.token)
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(problem(res).await.0, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let res = app
        .client
        .post(app.url("/api/units"))
        .bearer_auth(&a.token)
        .header("content-type", "application/json")
        .body("{\"external_id\": ")
        .send()
        .await
        .unwrap();
    let (s, p) = problem(res).await;
    assert_eq!(
        (s, p["errors"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("malformed_json"))
    );
    let res = app
        .post("/api/units", &a.token, json!({"name": "No id"}))
        .await;
    let (s, p) = problem(res).await;
    assert_eq!(
        (s, p["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("external_id"))
    );
    let big = "x".repeat(300 * 1024);
    let res = app
        .post(
            "/api/units",
            &a.token,
            json!({"external_id": "X", "name": big}),
        )
        .await;
    assert_eq!(problem(res).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    let res = app.get("/api/employees?per_page=100000", &a.token).await;
    let (s, p) = problem(res).await;
    assert_eq!(
        (s, p["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("per_page"))
    );
    let res = app.get("/api/employees?page=abc", &a.token).await;
    assert_eq!(problem(res).await.0, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn gdpr_1_audit_chain_verifies_and_rejects_edits() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    app.small_org(&a).await;
    let v: Value = app
        .get("/api/audit/verify", &a.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["valid"], true);
    assert!(v["entries"].as_i64().unwrap() >= 5);
    // The table itself refuses edits and deletions.
    let pool = tillit_backend::db::connect(&app.db_url, 1).unwrap();
    let mut conn = pool.get().unwrap();
    use diesel::RunQueryDsl;
    let upd = tillit_backend::db::db_run!(&mut *conn, |c| diesel::sql_query(
        "UPDATE audit_entries SET actor_id = 'x'"
    )
    .execute(c));
    assert!(upd.is_err(), "audit_entries must be append-only");
    let del = tillit_backend::db::db_run!(&mut *conn, |c| diesel::sql_query(
        "DELETE FROM audit_entries"
    )
    .execute(c));
    assert!(del.is_err(), "audit_entries must be append-only");
}
