//! Follow-up actions (tiltak) through the API: a leader records them for
//! the units they lead, the admin follows progress, the next survey shows
//! whether the topic moved, and nothing reaches another leader's units.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tillit_api::{endpoints, FollowUp, FollowUpProgress, Page};

use crate::common::{self, problem, TestApp};
use crate::reports::{close, closed_survey, freeze, respond};

fn body(survey: &str, unit: &str, topic: &str, title: &str, due: &str) -> Value {
    json!({
        "survey_id": survey, "unit_id": unit, "topic_key": topic, "title": title,
        "description": "Ukentlige tavlemøter om prioriteringer.", "owner": "Kari Nordmann",
        "due_on": due, "status": "planned", "with_safety_rep": true, "with_union_reps": true,
        "with_employees": true, "visible_to_employees": true
    })
}

#[tokio::test]
async fn follow_up_a_leader_records_actions_for_their_units_and_sees_the_topic_move() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let id = closed_survey(&app, &a).await;
    let (a_unit, b_unit) = (app.unit_id(&a, "A").await, app.unit_id(&a, "B").await);
    for (email, unit) in [("leder.b@etat.no", &b_unit), ("leder.a@etat.no", &a_unit)] {
        let res = app
            .post(
                "/api/users",
                &a.token,
                json!({"email": email, "name": "Leder", "role": "leader", "unit_ids": [unit]}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let lead_b = app
        .accept_invitation("leder.b@etat.no", common::PASSWORD)
        .await;
    let lead_a = app
        .accept_invitation("leder.a@etat.no", common::PASSWORD)
        .await;
    let create = endpoints::CREATE_FOLLOW_UP.path;
    // Before the report: nothing to follow up.
    let (status, p) = problem(
        app.post(
            create,
            &lead_b,
            body(&id, &b_unit, "control", "Tavlemøter", "2030-01-31"),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("report_not_ready"))
    );
    close(&app, &a, &id).await;
    assert!(freeze(&app, &id));
    let res = app
        .post(
            create,
            &lead_b,
            body(&id, &b_unit, "control", "Tavlemøter", "2030-01-31"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let made: FollowUp = res.json().await.unwrap();
    assert_eq!(made.unit_name, "Unit B");
    assert_eq!(made.topic_title.nb, "Innflytelse og kontroll");
    assert!(made.fields.with_safety_rep && made.fields.visible_to_employees);
    assert!(!made.overdue);
    let then = made.score_then.expect("B's control score is in the report");
    assert_eq!(made.score_next, None);
    // Not for another leader's unit, not on health, not a made-up topic,
    // and the fields are checked.
    for (b, field) in [
        (
            body(&id, &a_unit, "control", "Tavlemøter", "2030-01-31"),
            "unit_id",
        ),
        (
            body(&id, &b_unit, "health", "Tavlemøter", "2030-01-31"),
            "topic_key",
        ),
        (
            body(&id, &b_unit, "nope", "Tavlemøter", "2030-01-31"),
            "topic_key",
        ),
        (body(&id, &b_unit, "control", "T", "2030-01-31"), "title"),
        (
            body(
                "not-a-survey",
                &b_unit,
                "control",
                "Tavlemøter",
                "2030-01-31",
            ),
            "survey_id",
        ),
    ] {
        let (status, p) = problem(app.post(create, &lead_b, b).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {p}");
        assert_eq!(p["errors"][0]["field"], field, "{p}");
    }
    // One overdue: it comes first, for the leader and the admin alike.
    let res = app
        .post(
            create,
            &lead_b,
            body(&id, &b_unit, "social", "Felles lunsj", "2020-01-01"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    for token in [&lead_b, &a.token] {
        let page: Page<FollowUp> = app
            .get(endpoints::FOLLOW_UPS.path, token)
            .await
            .json()
            .await
            .unwrap();
        let titles: Vec<(&str, bool)> = page
            .items
            .iter()
            .map(|f| (f.fields.title.as_str(), f.overdue))
            .collect();
        assert_eq!(titles, [("Felles lunsj", true), ("Tavlemøter", false)]);
    }
    // The other leader sees none of it, not even by id.
    let page: Page<FollowUp> = app
        .get(endpoints::FOLLOW_UPS.path, &lead_a)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page.total, 0);
    let one = endpoints::FOLLOW_UP
        .path
        .replace("{follow_up_id}", made.id.as_str());
    let (status, _) = problem(app.get(&one, &lead_a).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let mut fields = serde_json::to_value(&made.fields).unwrap();
    fields["status"] = json!("done");
    let res = app
        .call(Method::PUT, &one, Some(&lead_a), Some(fields.clone()))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app
        .call(Method::PUT, &one, Some(&lead_b), Some(fields))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    // The admin's overview: per unit, overdue first.
    let progress: Vec<FollowUpProgress> = app
        .get(endpoints::FOLLOW_UP_PROGRESS.path, &a.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(progress.len(), 1);
    assert_eq!(
        (progress[0].done, progress[0].planned, progress[0].overdue),
        (1, 1, 1)
    );
    // As CSV, for Excel.
    let res = app
        .get(
            &format!("{}?variant=excel", endpoints::FOLLOW_UPS_CSV.path),
            &a.token,
        )
        .await;
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
    let mut rows = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&bytes[3..]);
    let all: Vec<csv::StringRecord> = rows.records().map(|r| r.unwrap()).collect();
    assert_eq!(all.len(), 2);
    assert_eq!(&all[0][3], "Felles lunsj");
    assert_eq!(&all[1][7], "gjennomført");
    assert_eq!(&all[1][12], format!("{then:.1}").replace('.', ","));
    // The next survey: did control move for B?
    let next = app.draft_survey(&a).await;
    let next = next["id"].as_str().unwrap().to_string();
    let res = app
        .call(
            Method::POST,
            &format!("/api/surveys/{next}/launch"),
            Some(&a.token),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    respond(&app, &next, "A", 12, 4);
    respond(&app, &next, "B", 8, 4);
    respond(&app, &next, "C", 3, 4);
    respond(&app, &next, "D", 7, 4);
    close(&app, &a, &next).await;
    assert!(freeze(&app, &next));
    let moved: FollowUp = app.get(&one, &lead_b).await.json().await.unwrap();
    assert_eq!(moved.score_then, Some(then));
    assert!(moved.score_next.unwrap() > then, "{moved:?}");
}
