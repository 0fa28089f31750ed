//! The security suite, driven by the route table (the generated spec): a new
//! route is covered without anyone remembering to add it here.

use std::collections::HashMap;

use crate::common::{problem, TestApp};
use jsonwebtoken::{encode, EncodingKey, Header};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tillit_api::Role;

struct Op {
    method: Method,
    path: String,
    roles: Vec<Role>,
    has_body: bool,
}

fn operations() -> Vec<Op> {
    let spec = serde_json::to_value(tillit_backend::openapi()).unwrap();
    let mut ops = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let roles = op["security"]
                .as_array()
                .map(|reqs| {
                    reqs.iter()
                        .flat_map(|r| r["bearer"].as_array().cloned().unwrap_or_default())
                        .map(|s| Role::parse(s.as_str().unwrap()).expect("scope names a role"))
                        .collect()
                })
                .unwrap_or_default();
            ops.push(Op {
                method: Method::from_bytes(method.to_uppercase().as_bytes()).unwrap(),
                path: path.clone(),
                roles,
                has_body: op.get("requestBody").is_some(),
            });
        }
    }
    ops
}

/// Public operations: logging in needs no token.
const PUBLIC: &[&str] = &[
    "/api/auth/login",
    "/api/auth/refresh",
    "/api/auth/logout",
    "/api/auth/token",
    "/api/auth/invitations/accept",
    "/api/auth/password-reset",
    "/api/auth/password-reset/complete",
    "/api/respond/session",
    "/api/respond/opt-out",
    "/api/respond/opt-out/confirm",
    "/api/research/withdraw",
    "/api/health",
    "/api/ready",
    "/api/csp-report",
];

/// Operations that cannot fail, with the reason: they need not document errors.
const CANNOT_FAIL: &[(&str, &str)] = &[
    ("/api/health", "answers as long as the process runs"),
    ("/api/csp-report", "takes any report, and logs it"),
];

fn fill(path: &str, ids: &HashMap<&str, String>) -> String {
    let mut out = path.to_string();
    for (k, v) in ids {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    assert!(
        !out.contains('{'),
        "the security suite has no id for a parameter of {path}: add it to the id map"
    );
    out
}

#[tokio::test]
async fn role_1_every_route_refuses_missing_tokens_and_other_roles() {
    let app = TestApp::spawn().await;
    let a = app.agency("Agency A").await;
    let ops = operations();
    assert!(ops.len() > 20);
    let dummy: HashMap<&str, String> = [
        ("agency_id", a.id.clone()),
        ("unit_id", "x".into()),
        ("employee_id", "x".into()),
        ("user_id", "x".into()),
        ("integration_client_id", "x".into()),
        ("import_id", "x".into()),
        ("version_id", "x".into()),
        ("survey_id", "x".into()),
        ("group_key", "agency".into()),
        ("follow_up_id", "x".into()),
    ]
    .into();
    for op in &ops {
        if PUBLIC.contains(&op.path.as_str()) {
            assert!(
                op.roles.is_empty(),
                "{} is public but documents roles",
                op.path
            );
            continue;
        }
        assert!(
            !op.roles.is_empty(),
            "{} {} documents no roles",
            op.method,
            op.path
        );
        let path = fill(&op.path, &dummy);
        let body = op.has_body.then(|| json!({}));
        let res = app.call(op.method.clone(), &path, None, body.clone()).await;
        let (status, p) = problem(res).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{} {} without a token",
            op.method,
            op.path
        );
        assert_eq!(p["status"], 401);
        for role in Role::ALL {
            if op.roles.contains(&role) {
                continue;
            }
            let token = app.token_for(role, role.is_agency_scoped().then_some(a.id.as_str()));
            let res = app
                .call(op.method.clone(), &path, Some(&token), body.clone())
                .await;
            assert_eq!(
                res.status(),
                StatusCode::FORBIDDEN,
                "{} {} as {}",
                op.method,
                op.path,
                role.as_str()
            );
        }
        // An allowed role gets past the role check (the handler may still
        // refuse, e.g. 401 for a token whose subject no longer exists).
        for role in &op.roles {
            let token = app.token_for(*role, role.is_agency_scoped().then_some(a.id.as_str()));
            let res = app
                .call(op.method.clone(), &path, Some(&token), body.clone())
                .await;
            assert!(
                res.status() != StatusCode::FORBIDDEN,
                "{} {} as {} got {}",
                op.method,
                op.path,
                role.as_str(),
                res.status()
            );
        }
    }
}

#[tokio::test]
async fn role_1_no_id_of_another_agency_reaches_its_data() {
    let app = TestApp::spawn().await;
    let a = app.agency("Agency A").await;
    let b = app.agency("Agency B").await;
    app.small_org(&a).await;
    let org_b = app.small_org(&b).await;
    // B's survey reported, with a follow-up: every kind of id is real.
    app.accept_terms(&b).await;
    for step in ["launch", "close"] {
        let url = format!("/api/surveys/{}/{step}", org_b.survey_id);
        let res = app.call(Method::POST, &url, Some(&b.token), None).await;
        assert_eq!(res.status(), StatusCode::OK, "{step}");
    }
    {
        let mut conn = app.state.pool.get().unwrap();
        let survey = tillit_api::SurveyId(org_b.survey_id.clone());
        tillit_backend::reports::freeze::freeze(&mut conn, &survey).unwrap();
    }
    let res = app
        .post(
            "/api/follow-ups",
            &b.token,
            json!({"survey_id": org_b.survey_id, "unit_id": org_b.unit_id, "topic_key": "control",
                   "title": "Tavlemøter", "owner": "Kari", "due_on": "2030-01-31", "status": "planned"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let follow_up_b = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let ids: HashMap<&str, String> = [
        ("agency_id", b.id.clone()),
        ("unit_id", org_b.unit_id.clone()),
        ("employee_id", org_b.employee_id.clone()),
        ("user_id", org_b.user_id.clone()),
        ("integration_client_id", org_b.client_row_id.clone()),
        ("import_id", org_b.import_id.clone()),
        ("survey_id", org_b.survey_id.clone()),
        ("group_key", "agency".into()),
        ("follow_up_id", follow_up_b),
    ]
    .into();
    let before = app.audit_count(&b.id);
    let mut checked = 0;
    for op in operations() {
        if !op.path.contains('{') || PUBLIC.contains(&op.path.as_str()) {
            continue;
        }
        // The processor onboards every agency: agency ids are its to see.
        if op.roles.iter().all(|r| !r.is_agency_scoped()) {
            continue;
        }
        // The questionnaire bank is shared by all agencies: no agency owns a version.
        if op.path.starts_with("/api/questionnaires/") {
            continue;
        }
        let path = fill(&op.path, &ids);
        for role in op.roles.iter().filter(|r| r.is_agency_scoped()) {
            let token = if *role == Role::ControllerAdmin {
                a.token.clone()
            } else {
                app.token_for(*role, Some(&a.id))
            };
            let body = match op.method {
                Method::PUT => Some(
                    // Valid for every PUT, so only the id can be refused.
                    json!({"name": "Taken over", "email": "x@y.no", "unit_id": org_b.unit_id, "language": "nb", "unit_ids": [],
                           "title": "Taken over", "languages": ["nb"], "opens_at": chrono::Utc::now(),
                           "closes_at": chrono::Utc::now() + chrono::Duration::days(10),
                           "topic_key": "control", "owner": "Kari", "due_on": "2030-01-31", "status": "done"}),
                ),
                Method::POST => Some(json!({})),
                _ => None,
            };
            let res = app.call(op.method.clone(), &path, Some(&token), body).await;
            let (status, _) = problem(res).await;
            assert_eq!(
                status,
                StatusCode::NOT_FOUND,
                "{} {} as {} of agency A",
                op.method,
                path,
                role.as_str()
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} id routes checked");
    // Nothing of B's was read or changed on A's behalf.
    assert_eq!(app.audit_count(&b.id), before);
    let employees: Value = app
        .get("/api/employees", &b.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(employees["total"], 2);
    let units: Value = app
        .get(&format!("/api/units/{}", org_b.unit_id), &b.token)
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(units["name"], "Taken over");
}

#[tokio::test]
async fn role_1_lists_and_searches_never_show_another_agency() {
    let app = TestApp::spawn().await;
    let a = app.agency("Agency A").await;
    let b = app.agency("Agency B").await;
    app.small_org(&a).await;
    app.small_org(&b).await;
    let b_prefix = &b.id[..8];
    for path in [
        "/api/employees?per_page=200".to_string(),
        format!("/api/employees?q={b_prefix}"),
        "/api/units?per_page=200".into(),
        "/api/users".into(),
        "/api/imports".into(),
    ] {
        let body: Value = app.get(&path, &a.token).await.json().await.unwrap();
        let text = body.to_string();
        assert!(!text.contains(b_prefix), "{path} shows agency B's data");
    }
    let found: Value = app
        .get(&format!("/api/employees?q={b_prefix}"), &a.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["total"], 0);
}

fn forged(claims: Value, key: &[u8]) -> String {
    encode(&Header::default(), &claims, &EncodingKey::from_secret(key)).unwrap()
}

#[tokio::test]
async fn role_1_forged_and_stale_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let a = app.agency("Agency A").await;
    let now = chrono::Utc::now().timestamp();
    let sid = {
        use base64::Engine;
        let payload = a.token.split('.').nth(1).unwrap();
        let claims: Value = serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload)
                .unwrap(),
        )
        .unwrap();
        claims["sid"].clone()
    };
    let good = json!({"sub": a.admin_id, "role": "controller_admin", "agency": a.id, "sid": sid, "iss": "tillit", "aud": "tillit-api", "iat": now, "nbf": now, "exp": now + 600});
    // alg=none: header {"alg":"none"} and an empty signature.
    let b64 = |v: &Value| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT"})),
        b64(&good)
    );
    let wrong_key = forged(
        good.clone(),
        b"0123456789abcdef0123456789abcdef-not-the-key",
    );
    let mut expired = good.clone();
    expired["exp"] = json!(now - 3600);
    let mut wrong_aud = good.clone();
    wrong_aud["aud"] = json!("someone-else");
    let mut wrong_iss = good.clone();
    wrong_iss["iss"] = json!("evil");
    // Not valid yet, issued in the future, or without the times at all.
    let mut early = good.clone();
    early["nbf"] = json!(now + 600);
    let mut future = good.clone();
    future["iat"] = json!(now + 600);
    let mut no_nbf = good.clone();
    no_nbf.as_object_mut().unwrap().remove("nbf");
    let mut no_iat = good.clone();
    no_iat.as_object_mut().unwrap().remove("iat");
    // A real signature on a session that does not exist.
    let mut no_session = good.clone();
    no_session["sid"] = json!("00000000-0000-0000-0000-000000000000");
    let mut other_role = good.clone();
    other_role["role"] = json!("leader");
    let key = std::fs::read(&app.key_file).ok();
    let mut cases = vec![
        ("alg none", none),
        ("wrong key", wrong_key),
        ("garbage", "abc.def.ghi".to_string()),
    ];
    if let Some(key) = key {
        let key = String::from_utf8(key).unwrap();
        let key = key.trim().as_bytes().to_vec();
        cases.push(("expired", forged(expired, &key)));
        cases.push(("wrong audience", forged(wrong_aud, &key)));
        cases.push(("wrong issuer", forged(wrong_iss, &key)));
        cases.push(("not valid yet", forged(early, &key)));
        cases.push(("issued in the future", forged(future, &key)));
        cases.push(("no nbf", forged(no_nbf, &key)));
        cases.push(("no iat", forged(no_iat, &key)));
        cases.push(("no such session", forged(no_session, &key)));
        cases.push(("another role than the user has", forged(other_role, &key)));
        let hs512 = encode(
            &Header::new(jsonwebtoken::Algorithm::HS512),
            &good,
            &EncodingKey::from_secret(&key),
        )
        .unwrap();
        cases.push(("other algorithm", hs512));
        // The control: the same claims, properly signed, are accepted.
        let ok = forged(good.clone(), &key);
        assert_eq!(
            app.get("/api/employees", &ok).await.status(),
            StatusCode::OK
        );
    }
    assert!(cases.len() >= 13, "the signing key file was not found");
    for (what, token) in cases {
        let (status, _) = problem(app.get("/api/employees", &token).await).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}");
    }
}

#[tokio::test]
async fn openapi_every_operation_documents_errors_and_security() {
    let spec = serde_json::to_value(tillit_backend::openapi()).unwrap();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            let codes: Vec<&str> = responses.keys().map(String::as_str).collect();
            if CANNOT_FAIL.iter().any(|(p, _)| p == path) {
                continue;
            }
            assert!(
                codes
                    .iter()
                    .any(|c| c.starts_with('4') || c.starts_with('5')),
                "{method} {path} documents no error"
            );
            if !PUBLIC.contains(&path.as_str()) {
                for c in ["401", "403"] {
                    assert!(codes.contains(&c), "{method} {path} does not document {c}");
                }
                assert!(op["security"].is_array(), "{method} {path} has no security");
            }
            if op.get("requestBody").is_some() {
                assert!(
                    codes.contains(&"422"),
                    "{method} {path} does not document 422"
                );
            }
            if path.contains('{') {
                assert!(
                    codes.contains(&"404"),
                    "{method} {path} does not document 404"
                );
            }
            for (code, r) in responses {
                if code.starts_with('4') || code.starts_with('5') || code == "default" {
                    // A token's absence says how to authenticate; a
                    // throttle says when to try again; the rest is a
                    // plain problem document.
                    let expected = match code.as_str() {
                        "401" if op["security"].is_array() => "Unauthorized",
                        "429" => "TooManyRequests",
                        _ => "Problem",
                    };
                    assert_eq!(
                        r["$ref"],
                        format!("#/components/responses/{expected}"),
                        "{method} {path} {code}"
                    );
                }
            }
            assert!(
                CANNOT_FAIL.iter().any(|(p, _)| p == path) || codes.contains(&"default"),
                "{method} {path} documents no default problem"
            );
        }
    }
}
