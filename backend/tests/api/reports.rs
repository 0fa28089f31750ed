//! Reports through the API: frozen once at close (REP-1), read only from
//! the release, each reader seeing only their groups, every hidden figure
//! with its reason (REP-9).

use diesel::prelude::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tillit_api::{endpoints, GroupReport, ReportIndex, SurveyId};
use tillit_backend::db::db_run;
use tillit_backend::db::schema::{invitations, responses, units};

use crate::common::{self, problem, Agency, TestApp};

/// `n` people of unit `ext` answer every question of the default
/// questionnaire with `value` (as the answering route stores them).
pub(crate) fn respond(app: &TestApp, survey: &str, ext: &str, n: i64, value: u8) {
    let q: tillit_api::Questionnaire =
        serde_json::from_str(tillit_backend::questionnaire::DEFAULT).unwrap();
    let answers: serde_json::Map<String, Value> = q
        .topics
        .iter()
        .flat_map(|t| &t.questions)
        .map(|x| {
            let steps = q.scales[&x.scale].labels.nb.len() as u8;
            (x.key.clone(), json!(value.min(steps)))
        })
        .collect();
    let answers = Value::Object(answers).to_string();
    let mut conn = app.state.pool.get().unwrap();
    db_run!(&mut *conn, |c| {
        let agency: String = tillit_backend::db::schema::surveys::table
            .find(survey)
            .select(tillit_backend::db::schema::surveys::agency_id)
            .first(c)
            .unwrap();
        let unit: String = units::table
            .filter(units::agency_id.eq(&agency))
            .filter(units::external_id.eq(ext))
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
        assert_eq!(ids.len() as i64, n, "enough people in {ext}");
        diesel::update(invitations::table.filter(invitations::id.eq_any(&ids)))
            .set(invitations::answered.eq(true))
            .execute(c)
            .unwrap();
        for _ in 0..n {
            diesel::insert_into(responses::table)
                .values((
                    responses::id.eq(uuid::Uuid::new_v4().to_string()),
                    responses::survey_id.eq(survey),
                    responses::unit_id.eq(&unit),
                    responses::answers.eq(&answers),
                    responses::research_consent.eq(false),
                    responses::receipt_hash.eq(uuid::Uuid::new_v4().to_string()),
                ))
                .execute(c)
                .unwrap();
        }
    });
}

pub(crate) fn freeze(app: &TestApp, survey: &str) -> bool {
    let mut conn = app.state.pool.get().unwrap();
    tillit_backend::reports::freeze::freeze(&mut conn, &SurveyId(survey.into())).unwrap()
}

/// R → A(12), B(8), C(3), D(7): a survey answered by everyone, closed.
pub(crate) async fn closed_survey(app: &TestApp, a: &Agency) -> String {
    app.org_with_sizes(
        a,
        &[
            ("R", None, 0),
            ("A", Some("R"), 12),
            ("B", Some("R"), 8),
            ("C", Some("R"), 3),
            ("D", Some("R"), 7),
        ],
    )
    .await;
    app.accept_terms(a).await;
    let s = app.draft_survey(a).await;
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
    respond(app, &id, "A", 12, 4);
    respond(app, &id, "B", 8, 2);
    respond(app, &id, "C", 3, 1);
    respond(app, &id, "D", 7, 3);
    id
}

pub(crate) async fn close(app: &TestApp, a: &Agency, id: &str) {
    let res = app
        .call(
            Method::POST,
            &format!("/api/surveys/{id}/close"),
            Some(&a.token),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}

pub(crate) fn path(e: &str, survey: &str) -> String {
    e.replace("{survey_id}", survey)
}

#[tokio::test]
async fn rep_1_a_report_is_frozen_once_and_late_data_never_changes_it() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let id = closed_survey(&app, &a).await;
    let report = path(endpoints::REPORT.path, &id);
    // Open: no report yet.
    let (status, p) = problem(app.get(&report, &a.token).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(p["code"], "report_not_ready");
    close(&app, &a, &id).await;
    assert!(freeze(&app, &id));
    let survey: Value = app
        .get(&format!("/api/surveys/{id}"), &a.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(survey["state"], "reported");
    let group = path(endpoints::REPORT_GROUP.path, &id).replace("{group_key}", "agency");
    let before: Value = app.get(&group, &a.token).await.json().await.unwrap();
    assert_eq!(before["group"]["responses"], 30);
    // A second freeze (another instance, the ticker again) changes nothing.
    assert!(!freeze(&app, &id));
    {
        let mut conn = app.state.pool.get().unwrap();
        let due = tillit_backend::reports::freeze::freeze_due(&mut conn).unwrap();
        assert_eq!(due, 0);
    }
    // A response arriving late (a bug, a restore) is not in the report.
    let a_unit = app.unit_id(&a, "A").await;
    {
        let mut conn = app.state.pool.get().unwrap();
        db_run!(&mut *conn, |c| diesel::insert_into(responses::table)
            .values((
                responses::id.eq("late"),
                responses::survey_id.eq(&id),
                responses::unit_id.eq(&a_unit),
                responses::answers.eq("{\"control_pace\":1}"),
                responses::research_consent.eq(false),
                responses::receipt_hash.eq("late"),
            ))
            .execute(c)
            .unwrap());
    }
    assert!(!freeze(&app, &id));
    let after: Value = app.get(&group, &a.token).await.json().await.unwrap();
    assert_eq!(before, after);
    // And the stored figures cannot be changed in place.
    let mut conn = app.state.pool.get().unwrap();
    let changed = db_run!(&mut *conn, |c| diesel::sql_query(
        "UPDATE release_cells SET n = 1 WHERE group_key = 'agency'"
    )
    .execute(c));
    assert!(changed.is_err(), "the release is frozen");
}

#[tokio::test]
async fn rep_9_hidden_figures_say_why_and_leaders_see_only_their_groups() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let id = closed_survey(&app, &a).await;
    let b_id = app.unit_id(&a, "B").await;
    let res = app
        .post(
            "/api/users",
            &a.token,
            json!({"email": "leder@etat.no", "name": "Leder", "role": "leader", "unit_ids": [b_id]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let leader = app
        .accept_invitation("leder@etat.no", common::PASSWORD)
        .await;
    close(&app, &a, &id).await;
    assert!(freeze(&app, &id));
    let index: ReportIndex = app
        .get(&path(endpoints::REPORT.path, &id), &a.token)
        .await
        .json()
        .await
        .unwrap();
    let groups: Vec<(&str, Option<i64>, Option<&str>)> = index
        .groups
        .iter()
        .map(|g| (g.name.as_str(), g.responses, g.hidden.map(|h| h.as_str())))
        .collect();
    // R is the whole agency (same people): the agency's row stands for it.
    assert_eq!(
        groups,
        [
            ("", Some(30), None),
            ("Unit R", Some(30), None),
            ("Unit A", Some(12), None),
            ("Unit B", Some(8), None),
            ("Unit C", None, Some("too_few")),
            ("Unit D", Some(7), None),
        ]
    );
    let group = |key: &str| path(endpoints::REPORT_GROUP.path, &id).replace("{group_key}", key);
    // B: 8 people, means only; its distributions say why.
    let b: GroupReport = app
        .get(&group(&format!("u-{b_id}")), &a.token)
        .await
        .json()
        .await
        .unwrap();
    let pace = b
        .figures
        .iter()
        .find(|f| f.measure == "q:control_pace")
        .unwrap();
    assert_eq!((pace.n, pace.mean), (Some(8), Some(2.0)));
    assert!(pace.distribution.is_none());
    assert_eq!(
        pace.distribution_hidden.map(|h| h.as_str()),
        Some("means_only")
    );
    assert!(b.notes.contains(&tillit_api::ReportNote::Leadership));
    assert!(b.notes.contains(&tillit_api::ReportNote::AgencyOnlyTopics));
    assert!(b.figures.iter().all(|f| !f.measure.starts_with("q:bully")));
    // C: nothing at all, and why.
    let c_id = app.unit_id(&a, "C").await;
    let c: GroupReport = app
        .get(&group(&format!("u-{c_id}")), &a.token)
        .await
        .json()
        .await
        .unwrap();
    assert!(c.figures.is_empty());
    assert_eq!(c.group.hidden.map(|h| h.as_str()), Some("too_few"));
    // D would leave C (30 − 12 − 8 − 7 = 3): hidden, without naming C.
    let d_id = app.unit_id(&a, "D").await;
    let d: GroupReport = app
        .get(&group(&format!("u-{d_id}")), &a.token)
        .await
        .json()
        .await
        .unwrap();
    assert!(d
        .figures
        .iter()
        .all(|f| f.mean.is_none() && f.mean_hidden.map(|h| h.as_str()) == Some("protects_others")));
    assert!(!serde_json::to_string(&d).unwrap().contains(&c_id));
    // The same figures as CSV, in both variants (REP-9: ":" and the reason).
    let csv_url = |key: &str, q: &str| {
        path(endpoints::REPORT_GROUP_CSV.path, &id).replace("{group_key}", key) + q
    };
    let res = app.get(&csv_url(&format!("u-{d_id}"), ""), &a.token).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let text = res.text().await.unwrap();
    assert!(text.contains("\r\n"), "RFC 4180 ends lines with CRLF");
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let pace = rows
        .records()
        .map(|r| r.unwrap())
        .find(|r| &r[1] == "q:control_pace")
        .unwrap();
    assert_eq!(&pace[4], ":");
    assert_eq!(&pace[9], "Skjult for å beskytte en mindre gruppe");
    let res = app
        .get(
            &csv_url(&format!("u-{b_id}"), "?variant=excel&lang=en"),
            &a.token,
        )
        .await;
    let bytes = res.bytes().await.unwrap();
    assert!(
        bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
        "Excel needs the byte-order mark"
    );
    let mut rows = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&bytes[3..]);
    assert_eq!(&rows.headers().unwrap()[4], "mean");
    let pace = rows
        .records()
        .map(|r| r.unwrap())
        .find(|r| &r[1] == "q:control_pace")
        .unwrap();
    assert_eq!((&pace[3], &pace[4]), ("8", "2,0"));
    assert_eq!(&pace[8], ":");
    assert_eq!(&pace[9], "Distributions are shown from 10 answers");
    // The agency sees sensitive topics (30 ≥ 10); B's leader sees B only.
    let agency: GroupReport = app
        .get(&group("agency"), &a.token)
        .await
        .json()
        .await
        .unwrap();
    assert!(agency.figures.iter().any(|f| f.measure == "q:bully_self"));
    let mine: ReportIndex = app
        .get(&path(endpoints::REPORT.path, &id), &leader)
        .await
        .json()
        .await
        .unwrap();
    let keys: Vec<&str> = mine.groups.iter().map(|g| g.key.as_str()).collect();
    assert_eq!(keys, [format!("u-{b_id}")]);
    let a_id = app.unit_id(&a, "A").await;
    for other in [
        "agency".to_string(),
        format!("u-{a_id}"),
        format!("u-{c_id}"),
    ] {
        let (status, _) = problem(app.get(&group(&other), &leader).await).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{other}");
    }
    let res = app.get(&group(&format!("u-{b_id}")), &leader).await;
    assert_eq!(res.status(), StatusCode::OK);
    // The leader was told by mail, once, with a link to the report.
    assert!(!freeze(&app, &id));
    app.deliver_mail();
    let told: Vec<_> = app
        .mails()
        .into_iter()
        .filter(|m| m.to.contains("leder@etat.no") && m.subject.contains("Rapporten din er klar"))
        .collect();
    assert_eq!(told.len(), 1, "one mail per leader and survey");
    assert!(
        told[0].text.contains(&format!("/reports/{id}")),
        "{}",
        told[0].text
    );
    let heat: tillit_api::Heatmap = app
        .get(&path(endpoints::REPORT_HEATMAP.path, &id), &leader)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(heat.rows.len(), 1);
    assert!(heat
        .columns
        .iter()
        .all(|c| c != "t:bullying" && c != "t:health"));
    // Each read is recorded (GDPR-1).
    let before = app.audit_count(&a.id);
    let res = app.get(&path(endpoints::REPORT.path, &id), &a.token).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.audit_count(&a.id), before + 1);
}

/// A survey where everyone in A (12) and B (10) answers `value`.
async fn round(app: &TestApp, a: &Agency, value: u8) -> String {
    let s = app.draft_survey(a).await;
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
    respond(app, &id, "A", 12, value);
    respond(app, &id, "B", 10, value);
    close(app, a, &id).await;
    assert!(freeze(app, &id));
    id
}

async fn agency_figure(
    app: &TestApp,
    a: &Agency,
    survey: &str,
    measure: &str,
) -> (GroupReport, tillit_api::Figure) {
    let url = path(endpoints::REPORT_GROUP.path, survey).replace("{group_key}", "agency");
    let g: GroupReport = app.get(&url, &a.token).await.json().await.unwrap();
    let f = g
        .figures
        .iter()
        .find(|f| f.measure == measure)
        .unwrap()
        .clone();
    (g, f)
}

/// REP-8: comparisons are made of released figures only: the previous
/// round's own frozen figure, and a benchmark that needs 3 agencies.
#[tokio::test]
async fn rep_8_comparisons_use_released_figures_and_a_benchmark_needs_three_agencies() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    app.org_with_sizes(
        &a,
        &[("R", None, 0), ("A", Some("R"), 12), ("B", Some("R"), 10)],
    )
    .await;
    app.accept_terms(&a).await;
    let first = round(&app, &a, 3).await;
    let second = round(&app, &a, 4).await;
    let (_, f) = agency_figure(&app, &a, &first, "q:control_pace").await;
    assert_eq!(f.vs_previous, None, "nothing before the first round");
    let (g, f) = agency_figure(&app, &a, &second, "q:control_pace").await;
    let d = f.vs_previous.unwrap();
    assert_eq!(d.value, 1.0);
    assert!(d.meaningful, "a whole step on a 1–5 scale, from 22 answers");
    assert!(g.benchmark.is_empty(), "one agency is no benchmark");
    let index: ReportIndex = app
        .get(&path(endpoints::REPORT.path, &second), &a.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        index.previous_survey_id.as_ref().map(|s| s.as_str()),
        Some(first.as_str())
    );
    assert_eq!(index.benchmark_agencies, None);
    // Two more agencies on the same questionnaire: the third release has a
    // benchmark of all three agencies' released figures.
    let b = app.agency("Etat B").await;
    let c = app.agency("Etat C").await;
    // (Each accepts the terms just before launching: newer terms would
    // make an earlier acceptance stale.)
    let mut third = String::new();
    for (x, value) in [(&b, 2), (&c, 5)] {
        app.org_with_sizes(
            x,
            &[("R", None, 0), ("A", Some("R"), 12), ("B", Some("R"), 10)],
        )
        .await;
        app.accept_terms(x).await;
        third = round(&app, x, value).await;
    }
    let (g, f) = agency_figure(&app, &c, &third, "q:control_pace").await;
    let bench = g
        .benchmark
        .iter()
        .find(|x| x.measure == "q:control_pace")
        .unwrap();
    // a's latest (4), b (2), c (5), 22 answers each.
    assert_eq!(bench.mean, Some(3.667));
    assert_eq!(f.vs_benchmark.map(|d| d.value), Some(1.333));
    let index: ReportIndex = app
        .get(&path(endpoints::REPORT.path, &third), &c.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(index.benchmark_agencies, Some(3));
}

/// REP-8: a leader of two units has a group of its own (protected with
/// the rest); a leader named after the freeze sees what they lead now, and
/// no new figure is made for them.
#[tokio::test]
async fn rep_8_a_leaders_group_is_released_and_access_follows_who_leads_now() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let id = closed_survey(&app, &a).await;
    let (a_id, b_id) = (app.unit_id(&a, "A").await, app.unit_id(&a, "B").await);
    let lead = |email: &'static str, units: Vec<String>| {
        let app = &app;
        let token = a.token.clone();
        async move {
            let res = app
                .post(
                    "/api/users",
                    &token,
                    json!({"email": email, "name": "Leder", "role": "leader", "unit_ids": units}),
                )
                .await;
            assert_eq!(res.status(), StatusCode::CREATED);
            app.accept_invitation(email, common::PASSWORD).await
        }
    };
    let before = lead("to@etat.no", vec![a_id.clone(), b_id.clone()]).await;
    close(&app, &a, &id).await;
    assert!(freeze(&app, &id));
    let after = lead("senere@etat.no", vec![a_id.clone(), b_id.clone()]).await;
    let only_a = lead("a@etat.no", vec![a_id.clone()]).await;
    let keys = |token: String| {
        let app = &app;
        let url = path(endpoints::REPORT.path, &id);
        async move {
            let r: ReportIndex = app.get(&url, &token).await.json().await.unwrap();
            r.groups
                .into_iter()
                .map(|g| (g.kind, g.name, g.responses))
                .collect::<Vec<_>>()
        }
    };
    use tillit_api::GroupKind::{Leader, Unit};
    let both = vec![
        (Unit, "Unit A".to_string(), Some(12)),
        (Unit, "Unit B".to_string(), Some(8)),
        (Leader, "Unit A + Unit B".to_string(), Some(20)),
    ];
    assert_eq!(keys(before).await, both);
    assert_eq!(keys(after).await, both);
    assert_eq!(
        keys(only_a).await,
        vec![(Unit, "Unit A".to_string(), Some(12))]
    );
}
