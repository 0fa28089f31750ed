//! ORG-2: the HR import over HTTP, on the database under test.

mod common;

use common::{problem, TestApp};
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
    // Its token opens the import endpoints and nothing else.
    assert_eq!(
        app.get("/api/employees", &token).await.status(),
        StatusCode::FORBIDDEN
    );
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
