//! ORG-2: the HR import over HTTP, on the database under test.

use crate::common::{problem, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn units(n: usize) -> Value {
    let mut v = vec![json!({"external_id": "ROOT", "name": "Root"})];
    for i in 0..n {
        v.push(json!({"external_id": format!("U{i}"), "name": format!("Unit {i}"), "parent_external_id": "ROOT"}));
    }
    Value::Array(v)
}

fn employees(n: usize, units: usize) -> Value {
    Value::Array(
        (0..n)
            .map(|i| json!({"external_id": format!("E{i}"), "email": format!("Person.{i}@Etat.no"), "unit_external_id": format!("U{}", i % units)}))
            .collect(),
    )
}

async fn summary(res: reqwest::Response) -> Value {
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

#[tokio::test]
async fn org_2_import_is_idempotent_and_counts_changes() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let s = summary(app.import_units(&a.token, "full_sync", units(5)).await).await;
    assert_eq!(
        (s["created"].as_u64(), s["applied"].as_bool()),
        (Some(6), Some(true))
    );
    let s = summary(app.import_units(&a.token, "full_sync", units(5)).await).await;
    assert_eq!(
        (
            s["created"].as_u64(),
            s["updated"].as_u64(),
            s["unchanged"].as_u64()
        ),
        (Some(0), Some(0), Some(6))
    );

    let s = summary(
        app.import_employees(&a.token, "full_sync", employees(40, 5))
            .await,
    )
    .await;
    assert_eq!(s["created"], 40);
    let s = summary(
        app.import_employees(&a.token, "full_sync", employees(40, 5))
            .await,
    )
    .await;
    assert_eq!(
        (
            s["created"].as_u64(),
            s["updated"].as_u64(),
            s["unchanged"].as_u64()
        ),
        (Some(0), Some(0), Some(40))
    );
    // Emails were normalised on the way in.
    let page: Value = app
        .get("/api/employees?q=person.1%40etat.no", &a.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"][0]["email"], "person.1@etat.no");
    // Every applied import is kept as a record.
    let rec: Value = app
        .get("/api/imports", &a.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rec["total"], 4);
    assert_eq!(rec["items"][0]["actor_role"], "controller_admin");
}

#[tokio::test]
async fn org_2_full_sync_deactivates_the_absent_and_upsert_does_not() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    summary(app.import_units(&a.token, "upsert", units(3)).await).await;
    summary(
        app.import_employees(&a.token, "upsert", employees(10, 3))
            .await,
    )
    .await;
    let fewer = Value::Array(employees(10, 3).as_array().unwrap()[..7].to_vec());
    let s = summary(
        app.import_employees(&a.token, "upsert", fewer.clone())
            .await,
    )
    .await;
    assert_eq!(s["deactivated"], 0);
    let s = summary(app.import_employees(&a.token, "full_sync", fewer).await).await;
    assert_eq!(
        (s["deactivated"].as_u64(), s["unchanged"].as_u64()),
        (Some(3), Some(7))
    );
    let page: Value = app
        .get("/api/employees", &a.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 7);
    // Coming back reactivates rather than duplicating (ORG-1).
    let s = summary(
        app.import_employees(&a.token, "upsert", employees(10, 3))
            .await,
    )
    .await;
    assert_eq!(
        (s["created"].as_u64(), s["updated"].as_u64()),
        (Some(0), Some(3))
    );
}

#[tokio::test]
async fn org_2_one_bad_row_applies_nothing_and_names_every_bad_row() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    summary(app.import_units(&a.token, "upsert", units(2)).await).await;
    let mut rows = employees(20, 2).as_array().unwrap().clone();
    rows[4]["email"] = json!("not an email");
    rows[9]["unit_external_id"] = json!("NOPE");
    rows[15]["external_id"] = json!("E0");
    let res = app
        .import_employees(&a.token, "upsert", Value::Array(rows.clone()))
        .await;
    let (status, p) = problem(res).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let errs: Vec<(u64, String)> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["field"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        errs,
        vec![
            (5, "email".into()),
            (10, "unit_external_id".into()),
            (16, "external_id".into())
        ]
    );
    let page: Value = app
        .get("/api/employees", &a.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 0, "nothing half-applied");
    // The dry run reports the same rows and changes nothing either.
    let res = app
        .post(
            "/api/imports/employees",
            &a.token,
            json!({"mode": "upsert", "dry_run": true, "employees": rows}),
        )
        .await;
    let s = summary(res).await;
    assert_eq!(
        (
            s["applied"].as_bool(),
            s["errors"].as_array().unwrap().len()
        ),
        (Some(false), 3)
    );
}

#[tokio::test]
async fn org_2_dry_run_counts_without_changing_anything() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let res = app
        .post(
            "/api/imports/units",
            &a.token,
            json!({"dry_run": true, "units": units(4)}),
        )
        .await;
    let s = summary(res).await;
    assert_eq!(
        (
            s["created"].as_u64(),
            s["applied"].as_bool(),
            s["import_id"].clone()
        ),
        (Some(5), Some(false), Value::Null)
    );
    let page: Value = app.get("/api/units", &a.token).await.json().await.unwrap();
    assert_eq!(page["total"], 0);
}

#[tokio::test]
async fn org_2_unknown_parents_and_cycles_are_rejected() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let rows = json!([
        {"external_id": "A", "name": "A", "parent_external_id": "B"},
        {"external_id": "B", "name": "B", "parent_external_id": "A"},
        {"external_id": "C", "name": "C", "parent_external_id": "ZZ"}
    ]);
    let (status, p) = problem(app.import_units(&a.token, "upsert", rows).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let codes: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["cycle", "cycle", "unknown_parent"]);
}

#[tokio::test]
async fn org_2_idempotency_key_replays_the_first_result() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let send = |body: Value, key: &'static str| {
        app.client
            .post(app.url("/api/imports/units"))
            .bearer_auth(&a.token)
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
    };
    let first = summary(send(json!({"units": units(3)}), "k-1").await.unwrap()).await;
    let again = summary(send(json!({"units": units(3)}), "k-1").await.unwrap()).await;
    assert_eq!(
        first, again,
        "a retry returns the first result, not a second run"
    );
    let (status, p) = problem(send(json!({"units": units(4)}), "k-1").await.unwrap()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(p["errors"][0]["field"], "Idempotency-Key");
    let rec: Value = app
        .get("/api/imports", &a.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rec["total"], 1);
}

#[tokio::test]
async fn org_2_csv_with_bom_and_semicolons_imports_like_json() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let csv_units = "\u{feff}external_id;name;parent_external_id\r\nR;Rot;\r\nA;Avdeling A;R\r\n";
    let res = app
        .client
        .post(app.url("/api/imports/units/csv?mode=full_sync"))
        .bearer_auth(&a.token)
        .header("content-type", "text/csv; charset=utf-8")
        .body(csv_units)
        .send()
        .await
        .unwrap();
    let s = summary(res).await;
    assert_eq!(s["created"], 2);
    let csv_emp = "external_id,email,unit_external_id,language\nE1,Kari@Etat.no,A,nn\nE2,bad-email,A,nb\nE3,ola@etat.no,X,nb\n";
    let res = app
        .client
        .post(app.url("/api/imports/employees/csv?dry_run=true"))
        .bearer_auth(&a.token)
        .header("content-type", "text/csv")
        .body(csv_emp)
        .send()
        .await
        .unwrap();
    let s = summary(res).await;
    let rows: Vec<u64> = s["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["row"].as_u64().unwrap())
        .collect();
    assert_eq!(rows, vec![3, 4], "CSV rows count the header as row 1");
    let res = app
        .client
        .post(app.url("/api/imports/employees/csv"))
        .bearer_auth(&a.token)
        .header("content-type", "text/csv")
        .body("external_id,email,unit_external_id,language\nE1,Kari@Etat.no,A,nn\n")
        .send()
        .await
        .unwrap();
    assert_eq!(summary(res).await["created"], 1);
    let page: Value = app
        .get("/api/employees", &a.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            page["items"][0]["email"].as_str(),
            page["items"][0]["language"].as_str()
        ),
        (Some("kari@etat.no"), Some("nn"))
    );
}

#[tokio::test]
async fn org_2_csv_can_come_wrapped_in_json_for_clients_that_only_send_json() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let res = app
        .call(
            reqwest::Method::POST,
            "/api/imports/units/csv?mode=full_sync",
            Some(&a.token),
            Some(json!({"csv": "\u{feff}external_id;name;parent_external_id\nR;Rot;\nA;Avdeling A;R\n"})),
        )
        .await;
    assert_eq!(summary(res).await["created"], 2);
    // A JSON body that is not the wrapper is refused with the field named.
    let res = app
        .call(
            reqwest::Method::POST,
            "/api/imports/units/csv",
            Some(&a.token),
            Some(json!({"file": "R;Rot;"})),
        )
        .await;
    let (status, body) = problem(res).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["field"], "csv", "{body}");
}

#[tokio::test]
async fn org_2_hr_system_client_imports_for_its_own_agency_only() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let org = app.small_org(&a).await;
    let res = app
        .call(
            reqwest::Method::POST,
            "/api/auth/token",
            None,
            Some(json!({"client_id": org.client_id, "client_secret": org.client_secret})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let token = res.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let s = summary(app.import_units(&token, "upsert", units(2)).await).await;
    assert_eq!(s["created"], 3);
    // Its token opens the HR endpoints and nothing else.
    for path in ["/api/users", "/api/surveys", "/api/integration-clients"] {
        assert_eq!(
            app.get(path, &token).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let rec: Value = app
        .get("/api/imports", &a.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rec["items"][0]["actor_role"], "integration");
    assert_eq!(rec["items"][0]["actor_name"], "HR");
    // A wrong secret is refused.
    let res = app
        .call(
            reqwest::Method::POST,
            "/api/auth/token",
            None,
            Some(json!({"client_id": org.client_id, "client_secret": "nope"})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn org_2_too_many_rows_are_refused_before_any_work() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let rows: Vec<Value> = (0..100_001)
        .map(|i| json!({"external_id": format!("U{i}"), "name": "x"}))
        .collect();
    let (status, p) = problem(
        app.import_units(&a.token, "upsert", Value::Array(rows))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(p["errors"][0]["code"], "too_many_rows");
}

/// The HR client's token, from its id and secret.
async fn hr_token(app: &TestApp, org: &crate::common::Org) -> String {
    let res = app
        .call(
            reqwest::Method::POST,
            "/api/auth/token",
            None,
            Some(json!({"client_id": org.client_id, "client_secret": org.client_secret})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn org_2_the_hr_client_reads_back_what_it_pushed() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let org = app.small_org(&a).await;
    let token = hr_token(&app, &org).await;
    let s = summary(app.import_units(&token, "upsert", units(2)).await).await;
    let mine = s["import_id"].as_str().unwrap().to_string();
    let list = |path: &'static str| {
        let token = token.clone();
        let app = &app;
        async move {
            let res = app.get(path, &token).await;
            assert_eq!(res.status(), StatusCode::OK, "{path}");
            res.json::<Value>().await.unwrap()
        }
    };
    assert!(
        list("/api/units?per_page=100").await["total"]
            .as_i64()
            .unwrap()
            >= 3
    );
    let employees = list("/api/employees").await;
    assert_eq!(employees["total"], 2);
    let id = employees["items"][0]["id"].as_str().unwrap();
    assert_eq!(
        app.get(&format!("/api/employees/{id}"), &token)
            .await
            .status(),
        StatusCode::OK
    );
    // Its own import records: the one it made, not the admin's.
    let imports = list("/api/imports").await;
    let ids: Vec<&str> = imports["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [mine.as_str()]);
    assert_eq!(
        app.get(&format!("/api/imports/{mine}"), &token)
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        problem(
            app.get(&format!("/api/imports/{}", org.import_id), &token)
                .await
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
}

fn staff(n: usize, unit: &str) -> Value {
    Value::Array(
        (0..n)
            .map(|i| json!({"external_id": format!("E{i}"), "email": format!("e{i}@etat.no"), "unit_external_id": unit}))
            .collect(),
    )
}

#[tokio::test]
async fn org_2_a_full_sync_cannot_wipe_the_agency_by_mistake() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    app.import_units(
        &a.token,
        "upsert",
        json!([{"external_id": "R", "name": "Root"}]),
    )
    .await;
    assert_eq!(
        app.import_employees(&a.token, "upsert", staff(100, "R"))
            .await
            .status(),
        StatusCode::OK
    );
    // A 20-row file sent as a full sync would deactivate 80 of 100.
    let short = staff(20, "R");
    let (status, p) = problem(
        app.import_employees(&a.token, "full_sync", short.clone())
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(p["code"], "mass_deactivation");
    assert_eq!(
        (
            p["params"]["would_deactivate"].as_i64(),
            p["params"]["active"].as_i64()
        ),
        (Some(80), Some(100))
    );
    // The dry run shows the count and that a confirmation is needed.
    let dry = app
        .post(
            "/api/imports/employees",
            &a.token,
            json!({"mode": "full_sync", "dry_run": true, "employees": short}),
        )
        .await;
    let dry = summary(dry).await;
    assert_eq!(dry["deactivated"], 80);
    assert_eq!(dry["needs_confirmation"]["would_deactivate"], 80);
    // A confirmation of another number is no confirmation.
    let res = app
        .post(
            "/api/imports/employees",
            &a.token,
            json!({"mode": "full_sync", "confirm_deactivations": 79, "employees": short}),
        )
        .await;
    assert_eq!(problem(res).await.0, StatusCode::CONFLICT);
    let page: Value = app
        .get("/api/employees", &a.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 100, "nothing was deactivated");
    // Stated exactly, it goes through.
    let res = app
        .post(
            "/api/imports/employees",
            &a.token,
            json!({"mode": "full_sync", "confirm_deactivations": 80, "employees": short}),
        )
        .await;
    assert_eq!(summary(res).await["deactivated"], 80);
    // A small sync (a few leavers) needs no confirmation.
    let res = app
        .import_employees(&a.token, "full_sync", staff(17, "R"))
        .await;
    assert_eq!(summary(res).await["deactivated"], 3);
}

#[tokio::test]
async fn org_2_a_units_full_sync_keeps_units_with_active_employees() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    app.import_units(
        &a.token,
        "upsert",
        json!([{"external_id": "R", "name": "Root"}, {"external_id": "A", "name": "A", "parent_external_id": "R"}]),
    )
    .await;
    app.import_employees(&a.token, "upsert", staff(3, "A"))
        .await;
    let (status, p) = problem(
        app.import_units(
            &a.token,
            "full_sync",
            json!([{"external_id": "R", "name": "Root"}]),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(p["code"], "unit_in_use");
    assert_eq!(p["params"]["external_ids"], json!(["A"]));
    assert_eq!(p["params"]["employees"], 3);
    // Moving the employees in the same combined sync makes it fine.
    let res = app
        .post(
            "/api/imports/organisation",
            &a.token,
            json!({"mode": "full_sync", "units": [{"external_id": "R", "name": "Root"}], "employees": staff(3, "R")}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let s: Value = res.json().await.unwrap();
    assert_eq!(
        (
            s["units"]["deactivated"].as_i64(),
            s["employees"]["updated"].as_i64()
        ),
        (Some(1), Some(3))
    );
}

#[tokio::test]
async fn org_2_one_dry_run_checks_units_and_employees_together() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    // Employees name units of the same batch; one bad row in each list.
    let body = json!({
        "dry_run": true,
        "units": [{"external_id": "R", "name": "Root"}, {"external_id": "A", "name": "", "parent_external_id": "R"}],
        "employees": [
            {"external_id": "E1", "email": "e1@etat.no", "unit_external_id": "R"},
            {"external_id": "E2", "email": "not-an-email", "unit_external_id": "R"}
        ]
    });
    let res = app.post("/api/imports/organisation", &a.token, body).await;
    assert_eq!(res.status(), StatusCode::OK);
    let s: Value = res.json().await.unwrap();
    let fields: Vec<(&str, i64)> = s["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["row"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        fields,
        [("units.name", 2)],
        "employees are checked once the units are good"
    );
    // Good units, then the employees' own errors show.
    let body = json!({
        "dry_run": true,
        "units": [{"external_id": "R", "name": "Root"}],
        "employees": [
            {"external_id": "E1", "email": "e1@etat.no", "unit_external_id": "R"},
            {"external_id": "E2", "email": "not-an-email", "unit_external_id": "R"}
        ]
    });
    let s: Value = app
        .post("/api/imports/organisation", &a.token, body.clone())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(s["errors"][0]["field"], "employees.email");
    assert_eq!(s["applied"], false);
    let fixed = json!({
        "units": [{"external_id": "R", "name": "Root"}],
        "employees": [{"external_id": "E1", "email": "e1@etat.no", "unit_external_id": "R"}]
    });
    let s: Value = app
        .post("/api/imports/organisation", &a.token, fixed)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            s["units"]["created"].as_i64(),
            s["employees"]["created"].as_i64(),
            s["applied"].as_bool()
        ),
        (Some(1), Some(1), Some(true))
    );
}
