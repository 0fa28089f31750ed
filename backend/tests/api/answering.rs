//! Answering over HTTP, and what the database holds afterwards (ANON-*).

use crate::common::{problem, Agency, TestApp};
use base64::Engine;
use diesel::prelude::*;
use diesel::sql_types::Text;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tillit_backend::db::schema::{employees, invitations};

struct Launched {
    a: Agency,
    survey_id: String,
    /// Each invitation's answer-link token.
    tokens: Vec<String>,
    /// Each invitation's opt-out token, in the same order.
    opt_outs: Vec<String>,
}

/// An agency of 8 employees with a launched survey and a link token for each.
async fn launched(app: &TestApp) -> Launched {
    let a = app.agency("Etat").await;
    let units = json!([{"external_id": "R", "name": "Root"}, {"external_id": "A", "name": "Avdeling A", "parent_external_id": "R"}]);
    app.import_units(&a.token, "upsert", units).await;
    let emps: Vec<Value> = (0..8)
        .map(|i| json!({"external_id": format!("E{i}"), "email": format!("person{i}@etat.no"), "unit_external_id": "A"}))
        .collect();
    app.import_employees(&a.token, "upsert", Value::Array(emps))
        .await;
    app.accept_terms(&a).await;
    let s = app.draft_survey(&a).await;
    let survey_id = s["id"].as_str().unwrap().to_string();
    let res = app
        .call(
            Method::POST,
            &format!("/api/surveys/{survey_id}/launch"),
            Some(&a.token),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let pool = tillit_backend::db::connect(&app.db_url, 1).unwrap();
    let mut conn = pool.get().unwrap();
    let ids: Vec<tillit_api::InvitationId> =
        tillit_backend::db::db_run!(&mut *conn, |c| invitations::table
            .filter(invitations::survey_id.eq(&survey_id))
            .select(invitations::id)
            .load(c))
        .unwrap();
    let tokens = ids
        .iter()
        .map(|id| tillit_backend::answering::store::issue_token(&mut conn, id).unwrap())
        .collect();
    let opt_outs = ids
        .iter()
        .map(|id| tillit_backend::answering::store::issue_opt_out_token(&mut conn, id).unwrap())
        .collect();
    Launched {
        a,
        survey_id,
        tokens,
        opt_outs,
    }
}

async fn session(app: &TestApp, token: &str) -> reqwest::Response {
    app.call(
        Method::POST,
        "/api/respond/session",
        None,
        Some(json!({"token": token})),
    )
    .await
}

async fn start(app: &TestApp, token: &str) -> (String, Value) {
    let res = session(app, token).await;
    assert_eq!(res.status(), StatusCode::OK);
    let s: Value = res.json().await.unwrap();
    (s["access_token"].as_str().unwrap().to_string(), s)
}

fn receipt(i: usize) -> String {
    format!("TEST-RECEIPT-{i:04}-ABCDEFGH")
}

async fn submit(
    app: &TestApp,
    jwt: &str,
    token: &str,
    receipt: &str,
    answers: Value,
) -> reqwest::Response {
    app.post(
        "/api/respond/submit",
        jwt,
        json!({"token": token, "receipt": receipt, "answers": answers, "research_consent": true}),
    )
    .await
}

fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

#[tokio::test]
async fn role_2_the_respondent_token_names_survey_and_unit_not_a_person() {
    let app = TestApp::spawn().await;
    let l = launched(&app).await;
    let (jwt, _) = start(&app, &l.tokens[0]).await;
    let c = claims(&jwt);
    assert_eq!(c["role"], "respondent");
    assert_eq!(c["survey"], l.survey_id.as_str());
    assert!(c["unit"].is_string());
    let pool = tillit_backend::db::connect(&app.db_url, 1).unwrap();
    let mut conn = pool.get().unwrap();
    let people: Vec<(String, Option<String>)> =
        tillit_backend::db::db_run!(&mut *conn, |c| invitations::table
            .select((invitations::id, invitations::employee_id))
            .load(c))
        .unwrap();
    let text = c.to_string();
    for (inv, emp) in people {
        assert!(
            !text.contains(&inv) && !text.contains(&emp.unwrap()),
            "the token names a person"
        );
    }
    assert!(!text.contains('@'));
    // It opens the respondent's endpoints and nothing else.
    assert_eq!(
        app.get("/api/employees", &jwt).await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn resp_1_the_notice_comes_first_and_only_chosen_modules_are_asked() {
    let app = TestApp::spawn().await;
    let l = launched(&app).await;
    let (_, s) = start(&app, &l.tokens[0]).await;
    let n = &s["survey"]["notice"];
    assert_eq!(n["controller"], "Etat");
    for key in ["purposes", "legal_basis", "retention", "rights", "research"] {
        for lang in ["nb", "nn", "en"] {
            assert!(n[key][lang].as_str().unwrap().len() > 20, "{key}.{lang}");
        }
    }
    assert!(n["legal_basis"]["nb"].as_str().unwrap().contains("§ 3-1"));
    let modules: Vec<&str> = s["survey"]["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["module"].as_str().unwrap())
        .collect();
    assert!(modules.contains(&"core") && modules.contains(&"change"));
    assert!(
        !modules.contains(&"user_focus"),
        "a module the agency did not choose is not asked"
    );
}

#[tokio::test]
async fn resp_2_a_retried_submit_returns_the_same_receipt_and_counts_once() {
    let app = TestApp::spawn().await;
    let l = launched(&app).await;
    let (jwt, _) = start(&app, &l.tokens[0]).await;
    let answers = json!({"demands_pace": 3, "lead_trust": 5, "bully_self": 0});
    let first = submit(&app, &jwt, &l.tokens[0], &receipt(1), answers.clone()).await;
    assert_eq!(first.status(), StatusCode::OK);
    let again = submit(&app, &jwt, &l.tokens[0], &receipt(1), answers.clone()).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(
        again.json::<Value>().await.unwrap()["receipt"],
        receipt(1).as_str()
    );
    let other = submit(&app, &jwt, &l.tokens[0], &receipt(2), answers).await;
    assert_eq!(problem(other).await.0, StatusCode::CONFLICT);
    assert_eq!(response_count(&app), 1);
    // The used link now gets a friendly conflict, not a new session.
    assert_eq!(
        problem(session(&app, &l.tokens[0]).await).await.0,
        StatusCode::CONFLICT
    );
    let rates: Value = app
        .get(&format!("/api/surveys/{}/rates", l.survey_id), &l.a.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rates["agency"]["answered"], 1);
}

#[tokio::test]
async fn resp_2_racing_submits_of_one_link_count_once() {
    let app = TestApp::spawn().await;
    let l = launched(&app).await;
    let (jwt, _) = start(&app, &l.tokens[0]).await;
    // Six tabs submit the same link at once, each with its own receipt.
    let tasks: Vec<_> = (0..6)
        .map(|i| {
            let (client, url, jwt) = (app.client.clone(), app.url("/api/respond/submit"), jwt.clone());
            let body = json!({"token": l.tokens[0], "receipt": receipt(i), "answers": {"demands_pace": 2}});
            tokio::spawn(async move { client.post(url).bearer_auth(jwt).json(&body).send().await.unwrap().status() })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(response_count(&app), 1);
}

fn response_count(app: &TestApp) -> i64 {
    use tillit_backend::db::schema::responses;
    let pool = tillit_backend::db::connect(&app.db_url, 1).unwrap();
    let mut conn = pool.get().unwrap();
    tillit_backend::db::db_run!(&mut *conn, |c| responses::table.count().get_result(c)).unwrap()
}

#[tokio::test]
async fn resp_2_answers_are_checked_against_the_survey() {
    let app = TestApp::spawn().await;
    let l = launched(&app).await;
    let (jwt, _) = start(&app, &l.tokens[0]).await;
    let bad = json!({"demands_pace": 9, "no_such_question": 1, "user_needs": 3});
    let (status, p) = problem(submit(&app, &jwt, &l.tokens[0], &receipt(1), bad).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "answers.demands_pace",
            "answers.no_such_question",
            "answers.user_needs"
        ]
    );
    assert_eq!(response_count(&app), 0, "nothing half-applied");
}

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    name: String,
}

/// The `name` column of a query written for each backend.
fn names(app: &TestApp, sqlite: &str, postgres: &str) -> Vec<String> {
    let pool = tillit_backend::db::connect(&app.db_url, 1).unwrap();
    let mut conn = pool.get().unwrap();
    match &mut *conn {
        tillit_backend::db::DbConn::Sqlite(c) => diesel::sql_query(sqlite).load::<Column>(c),
        tillit_backend::db::DbConn::Postgresql(c) => diesel::sql_query(postgres).load::<Column>(c),
    }
    .unwrap()
    .into_iter()
    .map(|c| c.name)
    .collect()
}

fn columns(app: &TestApp, table: &str) -> Vec<String> {
    let mut cols = names(
        app,
        &format!("SELECT name FROM pragma_table_info('{table}')"),
        &format!("SELECT column_name::text AS name FROM information_schema.columns WHERE table_name = '{table}'"),
    );
    cols.sort();
    cols
}

#[tokio::test]
async fn anon_1_anon_2_no_response_row_carries_an_invitation_employee_token_or_time() {
    let app = TestApp::spawn().await;
    let l = launched(&app).await;
    for (i, t) in l.tokens.iter().enumerate().take(6) {
        let (jwt, _) = start(&app, t).await;
        assert_eq!(
            submit(
                &app,
                &jwt,
                t,
                &receipt(i),
                json!({"demands_pace": (i % 5) + 1})
            )
            .await
            .status(),
            StatusCode::OK
        );
    }
    assert_eq!(
        columns(&app, "responses"),
        [
            "answers",
            "id",
            "receipt_hash",
            "research_consent",
            "survey_id",
            "unit_id"
        ]
    );
    // ANON-2: an invitation records whether it was answered, and no time.
    assert_eq!(
        columns(&app, "invitations"),
        [
            "answered",
            "employee_id",
            "id",
            "language",
            "opted_out",
            "survey_id",
            "unit_id"
        ]
    );
    // The stored values hold no id of an invitation, employee or token, and no time.
    let pool = tillit_backend::db::connect(&app.db_url, 1).unwrap();
    let mut conn = pool.get().unwrap();
    use tillit_backend::db::schema::{invitation_tokens, responses};
    type Row = (String, String, String, String, bool, String);
    let rows: Vec<Row> = tillit_backend::db::db_run!(&mut *conn, |c| responses::table
        .select((
            responses::id,
            responses::survey_id,
            responses::unit_id,
            responses::answers,
            responses::research_consent,
            responses::receipt_hash,
        ))
        .load(c))
    .unwrap();
    assert_eq!(rows.len(), 6);
    let secrets: Vec<String> = tillit_backend::db::db_run!(&mut *conn, |c| {
        let mut v: Vec<String> = invitations::table.select(invitations::id).load(c).unwrap();
        v.extend(
            employees::table
                .select(employees::id)
                .load::<String>(c)
                .unwrap(),
        );
        v.extend(
            employees::table
                .select(employees::email)
                .load::<String>(c)
                .unwrap(),
        );
        v.extend(
            invitation_tokens::table
                .select(invitation_tokens::token_hash)
                .load::<String>(c)
                .unwrap(),
        );
        v
    });
    let all = format!("{rows:?}");
    for s in secrets.iter().chain(&l.tokens) {
        assert!(!all.contains(s.as_str()), "a response row holds {s}");
    }
    // Response ids are random: sorting them says nothing about the order of answers.
    let ids: Vec<&String> = rows.iter().map(|r| &r.0).collect();
    assert!(ids.iter().all(|id| id.len() == 36));
}

/// The answering entries of the audit trail: (action, object type, object
/// id, quantity), in chain order.
fn answering_entries(app: &TestApp) -> Vec<(String, String, Option<String>, Option<i64>)> {
    use tillit_backend::db::schema::audit_entries;
    let mut conn = app.state.pool.get().unwrap();
    tillit_backend::db::db_run!(&mut *conn, |c| audit_entries::table
        .filter(audit_entries::action.eq_any(["respondent.session", "response.submit"]))
        .order(audit_entries::id.asc())
        .select((
            audit_entries::action,
            audit_entries::object_type,
            audit_entries::object_id,
            audit_entries::quantity,
        ))
        .load(c))
    .unwrap()
}

/// The ticker's hourly step, as if the hour had turned.
fn count_the_hour(app: &TestApp) {
    let mut conn = app.state.pool.get().unwrap();
    tillit_backend::answering::tally::record_due(&mut conn, true).unwrap();
}

#[tokio::test]
async fn anon_1_the_audit_trail_counts_answering_per_survey_and_hour() {
    let app = TestApp::spawn().await;
    let l = launched(&app).await;
    for i in 0..3 {
        let (jwt, _) = start(&app, &l.tokens[i]).await;
        let res = submit(
            &app,
            &jwt,
            &l.tokens[i],
            &receipt(i),
            json!({"demands_pace": 1}),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    // No entry per session or submission: nothing gives a response its time.
    assert!(answering_entries(&app).is_empty());
    count_the_hour(&app);
    let survey = Some(l.survey_id.clone());
    assert_eq!(
        answering_entries(&app),
        [
            (
                "respondent.session".into(),
                "survey".into(),
                survey.clone(),
                Some(3)
            ),
            (
                "response.submit".into(),
                "survey".into(),
                survey.clone(),
                Some(3)
            ),
        ]
    );
    // The same hour counted again (another instance's ticker) adds nothing.
    let mut conn = app.state.pool.get().unwrap();
    tillit_backend::answering::tally::record_due(&mut conn, false).unwrap();
    assert_eq!(answering_entries(&app).len(), 2);
    // The chain with counts in it still verifies.
    let v: Value = app
        .get("/api/audit/verify", &l.a.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["valid"], true, "{v}");
}

#[tokio::test]
async fn anon_1_a_reminder_cannot_date_the_responses_of_a_small_unit() {
    // The attack: in a unit of 8, three answer before the reminder and
    // three after. The reminder rows say whose invitations were still
    // unanswered; if anything stored dated the responses (a day on the
    // row, an audit entry per submit), the three early answers would pair
    // with the three people who got no reminder.
    let app = TestApp::spawn().await;
    let l = launched(&app).await;
    for i in 0..3 {
        let (jwt, _) = start(&app, &l.tokens[i]).await;
        submit(
            &app,
            &jwt,
            &l.tokens[i],
            &receipt(i),
            json!({"demands_pace": 1}),
        )
        .await;
    }
    let mut conn = app.state.pool.get().unwrap();
    use tillit_backend::db::schema::mail_outbox;
    tillit_backend::db::db_run!(&mut *conn, |c| diesel::sql_query(
        "UPDATE surveys SET opens_at = opens_at - INTERVAL '4 days'"
    )
    .execute(c)
    .or_else(|_| diesel::sql_query(
        "UPDATE surveys SET opens_at = datetime(opens_at, '-4 days')"
    )
    .execute(c)))
    .unwrap();
    tillit_backend::mail::outbox::queue_reminders(&mut conn).unwrap();
    let reminded: i64 = tillit_backend::db::db_run!(&mut *conn, |c| mail_outbox::table
        .filter(mail_outbox::round.eq(1))
        .count()
        .get_result(c))
    .unwrap();
    assert_eq!(
        reminded, 5,
        "the reminder went to the five who had not answered"
    );
    for i in 3..6 {
        let (jwt, _) = start(&app, &l.tokens[i]).await;
        submit(
            &app,
            &jwt,
            &l.tokens[i],
            &receipt(i),
            json!({"demands_pace": 5}),
        )
        .await;
    }
    count_the_hour(&app);
    // Every column of every response, as text: nothing that is a time.
    let cols = columns(&app, "responses");
    for col in &cols {
        let clock = col.ends_with("_at")
            || col.ends_with("_on")
            || ["time", "date", "day"].iter().any(|w| col.contains(w));
        assert!(!clock, "responses.{col} looks like a clock");
    }
    // The audit trail saw six responses in one count, not three and three.
    let submits: Vec<Option<i64>> = answering_entries(&app)
        .into_iter()
        .filter(|e| e.0 == "response.submit")
        .map(|e| e.3)
        .collect();
    assert_eq!(submits, [Some(6)]);
    // And the nightly rewrite leaves no storage order to split them by
    // (`anon_1_the_nightly_rewrite_unpairs_responses_from_their_invitations`).
}

#[tokio::test]
async fn resp_2_closed_unknown_and_used_links_get_distinct_answers() {
    let app = TestApp::spawn().await;
    let l = launched(&app).await;
    assert_eq!(
        problem(session(&app, "this-token-does-not-exist-at-all").await)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let res = app
        .call(
            Method::POST,
            &format!("/api/surveys/{}/close", l.survey_id),
            Some(&l.a.token),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        problem(session(&app, &l.tokens[1]).await).await.0,
        StatusCode::GONE
    );
}

#[tokio::test]
async fn res_3_the_receipt_alone_withdraws_research_consent() {
    let app = TestApp::spawn().await;
    let l = launched(&app).await;
    let (jwt, _) = start(&app, &l.tokens[0]).await;
    submit(
        &app,
        &jwt,
        &l.tokens[0],
        &receipt(7),
        json!({"demands_pace": 4}),
    )
    .await;
    let res = app
        .call(
            Method::POST,
            "/api/research/withdraw",
            None,
            Some(json!({"receipt": receipt(7)})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = app
        .call(
            Method::POST,
            "/api/research/withdraw",
            None,
            Some(json!({"receipt": receipt(8)})),
        )
        .await;
    assert_eq!(problem(res).await.0, StatusCode::NOT_FOUND);
}

fn opted_out(app: &TestApp) -> i64 {
    let mut conn = app.state.pool.get().unwrap();
    tillit_backend::db::db_run!(&mut *conn, |c| invitations::table
        .filter(invitations::opted_out.eq(true))
        .count()
        .get_result(c))
    .unwrap()
}

async fn one_click(app: &TestApp, token: &str) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/respond/opt-out?t={token}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn dsr_4_one_click_opt_out_marks_the_invitation() {
    let app = TestApp::spawn().await;
    let l = launched(&app).await;
    let res = one_click(&app, &l.opt_outs[2]).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(opted_out(&app), 1);
    // The web app's page confirms with the same token in a JSON body.
    let res = app
        .call(
            Method::POST,
            "/api/respond/opt-out/confirm",
            None,
            Some(json!({"token": l.opt_outs[3]})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(opted_out(&app), 2);
}

#[tokio::test]
async fn dsr_4_the_opt_out_token_cannot_answer_and_the_answer_token_cannot_opt_out() {
    let app = TestApp::spawn().await;
    let l = launched(&app).await;
    // Whoever sees the List-Unsubscribe URL (a gateway, a proxy log) holds
    // the opt-out token: it must not open the survey.
    assert_eq!(
        problem(session(&app, &l.opt_outs[0]).await).await.0,
        StatusCode::NOT_FOUND
    );
    // And the answer token in a query string does nothing.
    assert_eq!(
        problem(one_click(&app, &l.tokens[0]).await).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(opted_out(&app), 0);
    assert_ne!(l.tokens[0], l.opt_outs[0]);
}

/// Where each response sits in storage: PostgreSQL's `xmin` or SQLite's rowid
/// order, and the `xmin`s of answered invitations (empty on SQLite).
fn storage_traces(app: &TestApp) -> (Vec<String>, Vec<String>) {
    (
        names(
            app,
            "SELECT receipt_hash AS name FROM responses ORDER BY rowid",
            "SELECT xmin::text AS name FROM responses",
        ),
        names(
            app,
            "SELECT '' AS name WHERE 0",
            "SELECT xmin::text AS name FROM invitations WHERE answered",
        ),
    )
}

#[tokio::test]
async fn anon_1_the_nightly_rewrite_unpairs_responses_from_their_invitations() {
    let app = TestApp::spawn().await;
    let l = launched(&app).await;
    for (i, t) in l.tokens.iter().enumerate() {
        let (jwt, _) = start(&app, t).await;
        let res = submit(&app, &jwt, t, &receipt(i), json!({"demands_pace": 3})).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    let (before, answered) = storage_traces(&app);
    assert_eq!(before.len(), 8);
    let pg = crate::common::backend_name() == "postgres";
    if pg {
        // The weakness the rewrite exists for: each response shares its
        // transaction id with the invitation it answered.
        assert!(before.iter().all(|x| answered.contains(x)));
    }

    let pool = tillit_backend::db::connect(&app.db_url, 1).unwrap();
    let mut conn = pool.get().unwrap();
    let n = tillit_backend::answering::reshuffle::rewrite_recent(&mut conn).unwrap();
    assert_eq!(n, 8);

    let (after, answered) = storage_traces(&app);
    assert_eq!(after.len(), 8, "every response is still there");
    if pg {
        assert!(
            after.iter().all(|x| !answered.contains(x)),
            "a response still shares a transaction id with an invitation"
        );
        assert!(
            after.windows(2).all(|w| w[0] == w[1]),
            "one rewrite, one xmin"
        );
    } else {
        let mut a = after.clone();
        let mut b = before.clone();
        a.sort();
        b.sort();
        assert_eq!(a, b, "the same responses");
        // 1 in 40,320 that a true shuffle keeps the order of 8.
        assert_ne!(
            after, before,
            "the storage order still follows the answering order"
        );
    }
    // Receipts still work on the rewritten rows (RES-3).
    let res = app
        .call(
            Method::POST,
            "/api/research/withdraw",
            None,
            Some(json!({"receipt": receipt(3)})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
}
