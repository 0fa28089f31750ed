//! The server as load balancers, browsers and careless clients meet it:
//! health and readiness, security headers, bad input refused cleanly,
//! reads that never write, lists that cost the same whatever their length.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::{problem, TestApp};

#[tokio::test]
async fn health_and_readiness_answer_without_a_token() {
    let app = TestApp::spawn().await;
    for path in ["/api/health", "/api/ready"] {
        let res = app.call(Method::GET, path, None, None).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(res.json::<Value>().await.unwrap()["status"], "ok");
    }
    // Both are in the spec, for whoever configures the load balancer.
    let spec = serde_json::to_value(tillit_backend::openapi()).unwrap();
    assert!(spec["paths"]["/api/health"]["get"].is_object());
    assert!(spec["paths"]["/api/ready"]["get"].is_object());
}

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_pages_and_the_api_carry_security_headers() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let page = app.call(Method::GET, "/units", None, None).await;
    let csp = header(&page, "content-security-policy");
    assert!(
        csp.contains("default-src 'self'") && csp.contains("'wasm-unsafe-eval'"),
        "{csp}"
    );
    assert!(
        !csp.contains("'unsafe-inline'"),
        "the web app needs no inline code: {csp}"
    );
    assert!(
        header(&page, "strict-transport-security").is_empty(),
        "plain http: no HSTS"
    );
    let docs = app.call(Method::GET, "/api/docs/", None, None).await;
    assert!(header(&docs, "content-security-policy").contains("style-src 'self' 'unsafe-inline'"));
    // Every API answer with personal data or a token is kept out of caches.
    for res in [
        app.get("/api/employees", &a.token).await,
        app.call(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({"email": a.admin_email, "password": crate::common::PASSWORD})),
        )
        .await,
        app.get("/api/employees/nope", &a.token).await,
    ] {
        assert_eq!(header(&res, "cache-control"), "no-store", "{}", res.url());
    }
}

#[tokio::test]
async fn hsts_when_the_public_address_is_https() {
    let app = TestApp::spawn_with(|c| c.public_url = "https://tillit.example".into()).await;
    let res = app.call(Method::GET, "/api/health", None, None).await;
    assert!(header(&res, "strict-transport-security").contains("max-age=31536000"));
}

#[tokio::test]
async fn cookie_routes_refuse_requests_from_other_sites() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    for path in ["/api/auth/refresh", "/api/auth/logout", "/api/auth/login"] {
        let res = app
            .client
            .post(app.url(path))
            .header("Origin", "https://evil.example")
            .json(&json!({"email": a.admin_email, "password": crate::common::PASSWORD}))
            .send()
            .await
            .unwrap();
        let (status, p) = problem(res).await;
        assert_eq!(
            (status, p["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("origin_refused")),
            "{path}"
        );
    }
    // The web app's own origin passes.
    let res = app
        .client
        .post(app.url("/api/auth/login"))
        .header("Origin", &app.base)
        .json(&json!({"email": a.admin_email, "password": crate::common::PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn bad_input_is_refused_with_the_field_and_a_code() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    // A page number that would overflow the offset.
    for q in ["page=9223372036854775807", "page=0", "per_page=100000"] {
        let (status, p) = problem(app.get(&format!("/api/employees?{q}"), &a.token).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{q}");
        assert_eq!(p["errors"][0]["code"], "out_of_range", "{q}");
    }
    let (status, p) = problem(
        app.get("/api/employees?page=99999999999999999999", &a.token)
            .await,
    )
    .await;
    assert_eq!(
        (status, p["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_input"))
    );
    // Names that would display in another order than they are stored.
    for name in ["Lønn\u{202E}gnp.exe", "Bell\u{7}", "Ola\u{2066}"] {
        let res = app
            .post(
                "/api/units",
                &a.token,
                json!({"external_id": "X", "name": name}),
            )
            .await;
        let (status, p) = problem(res).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name:?}");
        assert_eq!(
            (
                p["errors"][0]["field"].as_str(),
                p["errors"][0]["code"].as_str()
            ),
            (Some("name"), Some("invalid_characters"))
        );
    }
    let res = app
        .post(
            "/api/agencies",
            &app.processor_token,
            json!({"name": "Etat\u{202D}", "admin_email": "x@etat.no", "admin_name": "X"}),
        )
        .await;
    assert_eq!(problem(res).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    // Every problem carries a stable code, and field errors their parameters.
    let res = app
        .post(
            "/api/users",
            &a.token,
            json!({"email": "x@etat.no", "name": "", "role": "leader"}),
        )
        .await;
    let (_, p) = problem(res).await;
    assert_eq!(p["code"], "invalid_input");
    assert_eq!(p["errors"][0]["code"], "required");
}

#[tokio::test]
async fn an_import_over_the_row_limit_is_refused_as_it_is_read() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let mut csv = String::from("external_id,name\n");
    for i in 0..=tillit_api::MAX_IMPORT_ROWS {
        csv.push_str(&format!("U{i},Unit {i}\n"));
    }
    let res = app
        .client
        .post(app.url("/api/imports/units/csv"))
        .bearer_auth(&a.token)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    let (status, p) = problem(res).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(p["errors"][0]["code"], "too_many_rows");
    assert_eq!(p["errors"][0]["params"]["max"], tillit_api::MAX_IMPORT_ROWS);
}

#[test]
fn a_long_json_list_stops_being_read_at_the_limit() {
    // The list type refuses the row after the limit: the rest is never parsed.
    let mut json = String::from("{\"units\":[");
    for i in 0..=tillit_api::MAX_IMPORT_ROWS {
        json.push_str(&format!("{{\"external_id\":\"U{i}\",\"name\":\"x\"}},"));
    }
    json.push_str("this is not json at all");
    let err = tillit_backend::extract::parse_json::<tillit_api::UnitImport>(json.as_bytes())
        .err()
        .unwrap();
    let p = err.problem();
    assert_eq!(p.errors[0].code, tillit_api::FieldCode::TooManyRows);
    assert_eq!(p.errors[0].field, "units");
}

#[tokio::test]
async fn reading_a_survey_past_its_closing_time_writes_nothing() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    app.import_units(
        &a.token,
        "upsert",
        json!([{"external_id": "R", "name": "Root"}]),
    )
    .await;
    app.import_employees(
        &a.token,
        "upsert",
        json!([{"external_id": "E1", "email": "e1@etat.no", "unit_external_id": "R"}]),
    )
    .await;
    app.accept_terms(&a).await;
    let version = app.default_version(&a.token).await;
    let now = chrono::Utc::now();
    let s: Value = app
        .post(
            "/api/surveys",
            &a.token,
            json!({"title": "Kort", "questionnaire_version_id": version, "languages": ["nb"],
                   "opens_at": now - chrono::Duration::hours(1), "closes_at": now + chrono::Duration::seconds(1)}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = s["id"].as_str().unwrap().to_string();
    let res = app
        .call(
            Method::POST,
            &format!("/api/surveys/{id}/launch"),
            Some(&a.token),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let listed: Value = app
        .get("/api/surveys", &a.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed["items"][0]["state"], "closed",
        "readers see it closed"
    );
    app.get(&format!("/api/surveys/{id}"), &a.token).await;
    app.get(&format!("/api/surveys/{id}/rates"), &a.token).await;
    // ...but no read wrote it: closing is the ticker's (off in tests).
    use diesel::prelude::*;
    use tillit_backend::db::schema::surveys;
    let mut conn = app.state.pool.get().unwrap();
    let stored: String = tillit_backend::db::db_run!(&mut *conn, |c| surveys::table
        .find(&id)
        .select(surveys::state)
        .first(c))
    .unwrap();
    assert_eq!(stored, "open");
    assert_eq!(
        tillit_backend::surveys::store::close_due(&mut conn).unwrap(),
        1
    );
}

/// Statements one GET costs.
async fn cost(app: &TestApp, path: &str, token: &str) -> usize {
    let before = app.queries();
    let res = app.get(path, token).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    app.queries() - before
}

#[tokio::test]
async fn lists_cost_the_same_queries_for_one_row_as_for_thirty() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    app.import_units(
        &a.token,
        "upsert",
        json!([{"external_id": "R", "name": "Root"}]),
    )
    .await;
    app.draft_survey(&a).await;
    let surveys_1 = cost(&app, "/api/surveys", &a.token).await;
    let imports_1 = cost(&app, "/api/imports", &a.token).await;
    let agencies_1 = cost(&app, "/api/agencies", &app.processor_token).await;
    assert!(
        surveys_1 >= 3 && imports_1 >= 3 && agencies_1 >= 3,
        "the counter counts"
    );
    for i in 0..29 {
        app.draft_survey(&a).await;
        app.import_units(
            &a.token,
            "upsert",
            json!([{"external_id": format!("U{i}"), "name": "U"}]),
        )
        .await;
        app.post(
            "/api/agencies",
            &app.processor_token,
            json!({"name": format!("Etat {i}"), "admin_email": format!("a{i}@etat{i}.no"), "admin_name": "A"}),
        )
        .await;
    }
    assert_eq!(
        cost(&app, "/api/surveys", &a.token).await,
        surveys_1,
        "surveys"
    );
    assert_eq!(
        cost(&app, "/api/imports", &a.token).await,
        imports_1,
        "imports"
    );
    assert_eq!(
        cost(&app, "/api/agencies", &app.processor_token).await,
        agencies_1,
        "agencies"
    );
}

#[tokio::test]
async fn the_spec_is_served_in_3_1_and_3_0_and_the_docs_page_calls_no_one_else() {
    let app = TestApp::spawn().await;
    for (path, version) in [
        ("/api/openapi.json", "3.1.0"),
        ("/api/openapi-3.0.json", "3.0.3"),
    ] {
        let res = app.call(Method::GET, path, None, None).await;
        assert_eq!(res.status(), reqwest::StatusCode::OK, "{path}");
        let spec: serde_json::Value = res.json().await.unwrap();
        assert_eq!(spec["openapi"], version);
    }
    // Swagger UI would otherwise send the spec to validator.swagger.io.
    let init = app
        .call(Method::GET, "/api/docs/swagger-initializer.js", None, None)
        .await
        .text()
        .await
        .unwrap();
    assert!(init.contains(r#""validatorUrl": "none""#), "{init}");
}
