//! Surveys over HTTP: lifecycle (SURV-1), the terms guard, rates (SURV-3),
//! frozen questionnaire versions.

use crate::common::{self, problem, Agency, TestApp};
use chrono::{Duration, Utc};
use diesel::prelude::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn launch(app: &TestApp, a: &Agency, id: &str) -> reqwest::Response {
    app.call(
        Method::POST,
        &format!("/api/surveys/{id}/launch"),
        Some(&a.token),
        None,
    )
    .await
}

#[tokio::test]
async fn surv_1_launch_needs_current_terms_and_snapshots_the_roster() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    app.org_with_sizes(&a, &[("R", None, 2), ("A", Some("R"), 8)])
        .await;
    let s = app.draft_survey(&a).await;
    let id = s["id"].as_str().unwrap();
    let (status, p) = problem(launch(&app, &a, id).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(p["detail"].as_str().unwrap().contains("terms"));
    app.accept_terms(&a).await;
    let res = launch(&app, &a, id).await;
    assert_eq!(res.status(), StatusCode::OK);
    let s: Value = res.json().await.unwrap();
    assert_eq!(
        (s["state"].as_str(), s["invitations"].as_i64()),
        (Some("open"), Some(10))
    );
    // The roster changes; the invitations do not.
    app.org_with_sizes(&a, &[("R", None, 5), ("A", Some("R"), 8)])
        .await;
    let s: Value = app
        .get(&format!("/api/surveys/{id}"), &a.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(s["invitations"], 10);
    assert_eq!(
        problem(launch(&app, &a, id).await).await.0,
        StatusCode::CONFLICT,
        "launch once"
    );
}

#[tokio::test]
async fn terms_2_a_new_version_blocks_launch_but_running_surveys_continue() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    app.org_with_sizes(&a, &[("R", None, 7)]).await;
    app.accept_terms(&a).await;
    let first = app.draft_survey(&a).await;
    assert_eq!(
        launch(&app, &a, first["id"].as_str().unwrap())
            .await
            .status(),
        StatusCode::OK
    );
    app.publish_terms().await;
    let second = app.draft_survey(&a).await;
    assert_eq!(
        problem(launch(&app, &a, second["id"].as_str().unwrap()).await)
            .await
            .0,
        StatusCode::CONFLICT
    );
    let s: Value = app
        .get(
            &format!("/api/surveys/{}", first["id"].as_str().unwrap()),
            &a.token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(s["state"], "open");
}

#[tokio::test]
async fn surv_1_an_open_survey_can_only_be_extended() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    app.org_with_sizes(&a, &[("R", None, 7)]).await;
    app.accept_terms(&a).await;
    let s = app.draft_survey(&a).await;
    let id = s["id"].as_str().unwrap();
    launch(&app, &a, id).await;
    let mut body = json!({
        "title": s["title"], "modules": s["modules"], "languages": s["languages"],
        "opens_at": s["opens_at"], "reminder_days": s["reminder_days"],
        "closes_at": Utc::now() + Duration::days(30)
    });
    let res = app
        .call(
            Method::PUT,
            &format!("/api/surveys/{id}"),
            Some(&a.token),
            Some(body.clone()),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "extending is allowed");
    body["closes_at"] = json!(Utc::now() + Duration::days(20));
    let res = app
        .call(
            Method::PUT,
            &format!("/api/surveys/{id}"),
            Some(&a.token),
            Some(body.clone()),
        )
        .await;
    assert_eq!(
        problem(res).await.0,
        StatusCode::CONFLICT,
        "shortening is not"
    );
    body["closes_at"] = json!(Utc::now() + Duration::days(40));
    body["title"] = json!("Another title");
    let res = app
        .call(
            Method::PUT,
            &format!("/api/surveys/{id}"),
            Some(&a.token),
            Some(body),
        )
        .await;
    assert_eq!(
        problem(res).await.0,
        StatusCode::CONFLICT,
        "nothing else changes while open"
    );
}

#[tokio::test]
async fn surv_1_a_survey_closes_by_itself_at_its_closing_time() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    app.org_with_sizes(&a, &[("R", None, 7)]).await;
    app.accept_terms(&a).await;
    let version = app.default_version(&a.token).await;
    let now = Utc::now();
    let s: Value = app
        .post(
            "/api/surveys",
            &a.token,
            json!({"title": "Kort", "questionnaire_version_id": version, "languages": ["nb"], "opens_at": now - Duration::hours(1), "closes_at": now + Duration::seconds(2)}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = s["id"].as_str().unwrap();
    assert_eq!(launch(&app, &a, id).await.status(), StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let s: Value = app
        .get(&format!("/api/surveys/{id}"), &a.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(s["state"], "closed");
    let res = app
        .call(
            Method::POST,
            &format!("/api/surveys/{id}/close"),
            Some(&a.token),
            None,
        )
        .await;
    assert_eq!(problem(res).await.0, StatusCode::CONFLICT);
}

#[tokio::test]
async fn surv_1_bad_settings_name_each_field() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let version = app.default_version(&a.token).await;
    let now = Utc::now();
    let res = app
        .post(
            "/api/surveys",
            &a.token,
            json!({"title": "X1", "questionnaire_version_id": version, "modules": ["core", "nope"], "languages": [],
                   "opens_at": now, "closes_at": now - Duration::days(1), "reminder_days": [30]}),
        )
        .await;
    let (status, p) = problem(res).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort();
    fields.dedup();
    assert_eq!(
        fields,
        [
            "closes_at",
            "languages",
            "modules[0]",
            "modules[1]",
            "reminder_days[0]"
        ]
    );
    let res = app
        .post(
            "/api/surveys",
            &a.token,
            json!({"title": "X2", "questionnaire_version_id": "missing", "languages": ["nb"], "opens_at": now, "closes_at": now + Duration::days(3)}),
        )
        .await;
    assert_eq!(
        problem(res).await.1["errors"][0]["field"],
        "questionnaire_version_id"
    );
}

#[tokio::test]
async fn q_4_a_published_version_is_frozen() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let org = app.small_org(&a).await;
    let v: Value = app
        .get(&format!("/api/questionnaires/{}", org.version_id), &a.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (v["used"].as_bool(), v["status"].as_str()),
        (Some(true), Some("published"))
    );
    let body = json!({"title": "Changed", "content": v["content"]});
    let res = app
        .call(
            Method::PUT,
            &format!("/api/questionnaires/{}", org.version_id),
            Some(&app.processor_token),
            Some(body.clone()),
        )
        .await;
    assert_eq!(problem(res).await.0, StatusCode::CONFLICT);
    // A new draft can be edited, published, and is then frozen too.
    let res = app
        .post("/api/questionnaires", &app.processor_token, body.clone())
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let draft: Value = res.json().await.unwrap();
    let id = draft["id"].as_str().unwrap();
    let res = app
        .call(
            Method::PUT,
            &format!("/api/questionnaires/{id}"),
            Some(&app.processor_token),
            Some(body.clone()),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    // Agencies do not see drafts.
    assert_eq!(
        app.get(&format!("/api/questionnaires/{id}"), &a.token)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let res = app
        .call(
            Method::POST,
            &format!("/api/questionnaires/{id}/publish"),
            Some(&app.processor_token),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .call(
            Method::PUT,
            &format!("/api/questionnaires/{id}"),
            Some(&app.processor_token),
            Some(body),
        )
        .await;
    assert_eq!(problem(res).await.0, StatusCode::CONFLICT);
}

/// Marks `n` invitations of a unit answered, as submissions will.
fn answer(app: &TestApp, survey: &str, unit_ext: &str, n: i64) {
    use tillit_backend::db::schema::{invitations, units};
    let pool = tillit_backend::db::connect(&app.db_url, 1).unwrap();
    let mut conn = pool.get().unwrap();
    tillit_backend::db::db_run!(&mut *conn, |c| {
        let unit: String = units::table
            .filter(units::external_id.eq(unit_ext))
            .select(units::id)
            .first(c)
            .unwrap();
        let ids: Vec<String> = invitations::table
            .filter(invitations::survey_id.eq(survey))
            .filter(invitations::unit_id.eq(&unit))
            .filter(invitations::answered.eq(false))
            .select(invitations::id)
            .limit(n)
            .load(c)
            .unwrap();
        diesel::update(invitations::table.filter(invitations::id.eq_any(&ids)))
            .set(invitations::answered.eq(true))
            .execute(c)
            .unwrap();
    });
}

#[tokio::test]
async fn surv_3_rep_9_rates_hide_small_units_and_say_why_and_leaders_see_their_own() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    // R(0) → A(10) → A1(3); R → B(8); R → C(7)
    app.org_with_sizes(
        &a,
        &[
            ("R", None, 0),
            ("A", Some("R"), 10),
            ("A1", Some("A"), 3),
            ("B", Some("R"), 8),
            ("C", Some("R"), 7),
        ],
    )
    .await;
    app.accept_terms(&a).await;
    let s = app.draft_survey(&a).await;
    let id = s["id"].as_str().unwrap();
    launch(&app, &a, id).await;
    answer(&app, id, "A", 5);
    answer(&app, id, "B", 2);
    answer(&app, id, "C", 4);
    let r: Value = app
        .get(&format!("/api/surveys/{id}/rates"), &a.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            r["agency"]["invited"].as_i64(),
            r["agency"]["answered"].as_i64()
        ),
        (Some(28), Some(11))
    );
    // In tree order, each unit with its depth; A1, under 6, is listed
    // with the reason and no figures (REP-9).
    let rows: Vec<(&str, i64, Option<i64>, &str)> = r["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["name"].as_str().unwrap(),
                u["depth"].as_i64().unwrap(),
                u["invited"].as_i64(),
                u["hidden"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("Unit R", 0, Some(28), ""),
            ("Unit A", 1, Some(13), ""),
            ("Unit A1", 2, None, "too_few"),
            ("Unit B", 1, Some(8), ""),
            ("Unit C", 1, Some(7), ""),
        ]
    );
    let hidden = &r["units"][2];
    assert!(hidden["answered"].is_null() && hidden["rate"].is_null());
    let a_row = r["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "Unit A")
        .unwrap();
    assert_eq!(a_row["invited"], 13, "A1 counts in A");
    // A leader of B sees B only, and not the agency.
    let leader = app
        .post("/api/users", &a.token, json!({"email": "leder@etat.no", "name": "Leder", "role": "leader", "unit_ids": [app.unit_id(&a, "B").await]}))
        .await;
    assert_eq!(leader.status(), StatusCode::CREATED);
    let token = app
        .accept_invitation("leder@etat.no", common::PASSWORD)
        .await;
    let r: Value = app
        .get(&format!("/api/surveys/{id}/rates"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert!(r["agency"].is_null());
    let names: Vec<&str> = r["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Unit B"]);
}

#[tokio::test]
async fn gdpr_2_the_agencys_instructions_are_recorded() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    app.org_with_sizes(&a, &[("R", None, 7)]).await;
    app.accept_terms(&a).await;
    let s = app.draft_survey(&a).await;
    let id = s["id"].as_str().unwrap();
    launch(&app, &a, id).await;
    use tillit_backend::db::schema::audit_entries;
    let pool = tillit_backend::db::connect(&app.db_url, 1).unwrap();
    let mut conn = pool.get().unwrap();
    let actions: Vec<(String, String)> =
        tillit_backend::db::db_run!(&mut *conn, |c| audit_entries::table
            .filter(audit_entries::chain.eq(&a.id))
            .select((audit_entries::action, audit_entries::actor_id))
            .load(c))
        .unwrap();
    for wanted in [
        "terms.accept",
        "survey.create",
        "survey.launch",
        "import.apply",
    ] {
        let by: Vec<&String> = actions
            .iter()
            .filter(|(act, _)| act == wanted)
            .map(|(_, who)| who)
            .collect();
        assert!(!by.is_empty(), "{wanted} is not recorded");
        assert!(
            by.iter().all(|w| **w == a.admin_id),
            "{wanted} names who gave it"
        );
    }
}
