//! GDPR-1: every route that touches an agency's personal data records through
//! the audit trail. Driven by the route table: a new route fails this test
//! until it has a case here (and records) or a stated reason not to.

use std::collections::HashMap;

use crate::common::{TestApp, PASSWORD};
use reqwest::Method;
use serde_json::{json, Value};

/// Routes that touch no personal data of an agency, and why.
const EXEMPT: &[(&str, &str, &str)] = &[
    (
        "POST",
        "/api/auth/login",
        "a person authenticating themselves",
    ),
    ("POST", "/api/auth/refresh", "a person's own session"),
    ("POST", "/api/auth/logout", "a person's own session"),
    ("POST", "/api/auth/token", "a machine client authenticating"),
    (
        "POST",
        "/api/auth/invitations/accept",
        "a person setting their own password",
    ),
    ("GET", "/api/auth/me", "a person reading their own login"),
    ("GET", "/api/agencies", "agency names and numbers only"),
    (
        "GET",
        "/api/agencies/{agency_id}",
        "agency names and numbers only",
    ),
    ("GET", "/api/terms", "the terms texts"),
    (
        "POST",
        "/api/terms",
        "the terms texts; recorded in the processor's chain",
    ),
    ("GET", "/api/units", "the unit tree, with head counts"),
    (
        "GET",
        "/api/follow-ups/progress",
        "counts of follow-ups per unit, no names",
    ),
    (
        "GET",
        "/api/units/{unit_id}",
        "one unit, with its head count",
    ),
    (
        "GET",
        "/api/integration-clients",
        "machine clients, no people",
    ),
    ("GET", "/api/audit/verify", "hashes only"),
    ("GET", "/api/questionnaires", "the questionnaire bank"),
    (
        "GET",
        "/api/questionnaires/{version_id}",
        "the questionnaire bank",
    ),
    (
        "POST",
        "/api/questionnaires",
        "the questionnaire bank; recorded in the processor's chain",
    ),
    (
        "PUT",
        "/api/questionnaires/{version_id}",
        "the questionnaire bank; recorded in the processor's chain",
    ),
    (
        "POST",
        "/api/questionnaires/{version_id}/publish",
        "the questionnaire bank; recorded in the processor's chain",
    ),
    ("GET", "/api/surveys", "survey settings, no people"),
    (
        "GET",
        "/api/surveys/{survey_id}",
        "survey settings, no people",
    ),
    (
        "GET",
        "/api/surveys/{survey_id}/rates",
        "counts of groups of at least 6",
    ),
    (
        "POST",
        "/api/respond/session",
        "counted per survey and hour by the ticker (ANON-1); proven in answering.rs",
    ),
    ("GET", "/api/respond/survey", "the questionnaire only"),
    (
        "POST",
        "/api/respond/submit",
        "counted per survey and hour by the ticker (ANON-1); proven in answering.rs",
    ),
    (
        "POST",
        "/api/respond/opt-out",
        "recorded; proven in answering.rs",
    ),
    (
        "POST",
        "/api/respond/opt-out/confirm",
        "recorded; proven in answering.rs",
    ),
    ("POST", "/api/research/withdraw", "anonymous data only"),
    (
        "POST",
        "/api/auth/password-reset",
        "a person asking for their own link; recorded when the address is known (passwords.rs)",
    ),
    (
        "POST",
        "/api/auth/password-reset/complete",
        "a person setting their own password; recorded (passwords.rs)",
    ),
    ("GET", "/api/health", "no data at all"),
    ("GET", "/api/ready", "no data at all"),
    ("POST", "/api/csp-report", "a browser's report about a page"),
];

#[tokio::test]
async fn gdpr_1_every_personal_data_route_records_an_audit_entry() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    let org = app.small_org(&a).await;
    let terms = app.publish_terms().await;
    let ids: HashMap<&str, String> = [
        ("unit_id", org.unit_id.clone()),
        ("employee_id", org.employee_id.clone()),
        ("user_id", org.user_id.clone()),
        ("integration_client_id", org.client_row_id.clone()),
        ("import_id", org.import_id.clone()),
        ("survey_id", org.survey_id.clone()),
        ("group_key", "agency".into()),
    ]
    .into();
    let now = chrono::Utc::now();
    let csv_units = "external_id,name,parent_external_id\nR,Root,\n";
    let csv_employees = "external_id,email,unit_external_id\nE9,e9@etat.no,R\n";
    // (method, path, body or CSV text, which chain records it)
    let cases: Vec<(&str, &str, Option<Value>, Option<&str>)> = vec![
        ("GET", "/api/employees", None, None),
        (
            "POST",
            "/api/employees",
            Some(json!({"external_id": "N1", "email": "n1@etat.no", "unit_id": org.unit_id})),
            None,
        ),
        ("GET", "/api/employees/{employee_id}", None, None),
        (
            "PUT",
            "/api/employees/{employee_id}",
            Some(json!({"email": "moved@etat.no", "unit_id": org.unit_id, "language": "en"})),
            None,
        ),
        ("GET", "/api/users", None, None),
        (
            "POST",
            "/api/users",
            Some(json!({"email": "l2@etat.no", "name": "L2", "role": "leader"})),
            None,
        ),
        ("GET", "/api/users/{user_id}", None, None),
        (
            "PUT",
            "/api/users/{user_id}",
            Some(json!({"name": "Renamed", "unit_ids": []})),
            None,
        ),
        (
            "POST",
            "/api/units",
            Some(json!({"external_id": "NEW", "name": "New"})),
            None,
        ),
        (
            "PUT",
            "/api/units/{unit_id}",
            Some(json!({"name": "Renamed"})),
            None,
        ),
        (
            "POST",
            "/api/imports/units",
            Some(json!({"units": [{"external_id": "R", "name": "Root"}]})),
            None,
        ),
        (
            "POST",
            "/api/imports/employees",
            Some(json!({"dry_run": true, "employees": []})),
            None,
        ),
        ("POST", "/api/imports/units/csv", None, Some(csv_units)),
        (
            "POST",
            "/api/imports/employees/csv",
            None,
            Some(csv_employees),
        ),
        ("GET", "/api/imports", None, None),
        ("GET", "/api/imports/{import_id}", None, None),
        ("GET", "/api/agency/terms", None, None),
        (
            "POST",
            "/api/agency/terms/accept",
            Some(
                json!({"terms_version_id": terms, "confirm_responsible": true, "confirm_authority": true}),
            ),
            None,
        ),
        (
            "POST",
            "/api/integration-clients",
            Some(json!({"name": "HR 2"})),
            None,
        ),
        (
            "DELETE",
            "/api/integration-clients/{integration_client_id}",
            None,
            None,
        ),
        (
            "PUT",
            "/api/surveys/{survey_id}",
            Some(
                json!({"title": "Renamed", "languages": ["nb"], "opens_at": now, "closes_at": now + chrono::Duration::days(10)}),
            ),
            None,
        ),
        (
            "POST",
            "/api/surveys",
            Some(
                json!({"title": "Second", "questionnaire_version_id": org.version_id, "languages": ["nb"], "opens_at": now, "closes_at": now + chrono::Duration::days(10)}),
            ),
            None,
        ),
        ("POST", "/api/surveys/{survey_id}/launch", None, None),
        ("POST", "/api/surveys/{survey_id}/close", None, None),
        // Reports, once the closed survey is frozen (below).
        ("GET", "/api/surveys/{survey_id}/report", None, None),
        (
            "GET",
            "/api/surveys/{survey_id}/report/groups/{group_key}",
            None,
            None,
        ),
        ("GET", "/api/surveys/{survey_id}/report/heatmap", None, None),
        (
            "POST",
            "/api/follow-ups",
            Some(
                json!({"survey_id": org.survey_id, "unit_id": org.unit_id, "topic_key": "control", "title": "Tavlemøter",
                       "owner": "Kari Nordmann", "due_on": "2030-01-31", "status": "planned"}),
            ),
            None,
        ),
        ("GET", "/api/follow-ups", None, None),
        ("GET", "/api/follow-ups/{follow_up_id}", None, None),
        (
            "PUT",
            "/api/follow-ups/{follow_up_id}",
            Some(
                json!({"topic_key": "control", "title": "Tavlemøter", "owner": "Kari Nordmann",
                       "due_on": "2030-01-31", "status": "done"}),
            ),
            None,
        ),
        ("GET", "/api/follow-ups/csv", None, None),
        (
            "GET",
            "/api/surveys/{survey_id}/report/groups/{group_key}/csv",
            None,
            None,
        ),
        (
            "POST",
            "/api/imports/organisation",
            Some(json!({"dry_run": true, "units": [], "employees": []})),
            None,
        ),
        ("POST", "/api/users/{user_id}/invitation", None, None),
        (
            "POST",
            "/api/auth/password",
            Some(
                json!({"current_password": PASSWORD, "new_password": "en helt annen lang frase 2026"}),
            ),
            None,
        ),
        ("DELETE", "/api/employees/{employee_id}", None, None),
        ("DELETE", "/api/users/{user_id}", None, None),
        ("DELETE", "/api/units/{unit_id}", None, None),
    ];
    let spec = serde_json::to_value(tillit_backend::openapi()).unwrap();
    let mut missing = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let m = method.to_uppercase();
            let exempt = EXEMPT.iter().any(|(em, ep, _)| *em == m && ep == path);
            // Onboarding records in the new agency's chain: checked at the end.
            let covered = cases.iter().any(|(cm, cp, _, _)| *cm == m && cp == path)
                || (m == "POST" && path == "/api/agencies")
                || (m == "POST" && path == "/api/agencies/{agency_id}/invitation");
            if !exempt && !covered {
                missing.push(format!("{m} {path}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "routes with neither an audit case nor an exemption: {missing:?}"
    );

    // POST /api/agencies records in the new agency's chain.
    let before = app.audit_count(&a.id);
    for (method, path, body, csv) in cases {
        let mut url = path.to_string();
        for (k, v) in &ids {
            url = url.replace(&format!("{{{k}}}"), v);
        }
        if path.contains("{follow_up_id}") {
            // The follow-up the POST case made.
            let page: Value = app
                .get("/api/follow-ups", &a.token)
                .await
                .json()
                .await
                .unwrap();
            let id = page["items"][0]["id"].as_str().unwrap().to_string();
            url = url.replace("{follow_up_id}", &id);
        }
        if path == "/api/units/{unit_id}" && method == "DELETE" {
            // Only an empty unit can be deactivated.
            let res = app
                .post(
                    "/api/units",
                    &a.token,
                    json!({"external_id": "EMPTY", "name": "Empty"}),
                )
                .await;
            let id = res.json::<Value>().await.unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string();
            url = format!("/api/units/{id}");
        }
        if path.contains("/report") {
            let mut conn = app.state.pool.get().unwrap();
            let survey = tillit_api::SurveyId(org.survey_id.clone());
            tillit_backend::reports::freeze::freeze(&mut conn, &survey).unwrap();
        }
        let before_call = app.audit_count(&a.id);
        let res = match csv {
            Some(text) => app
                .client
                .post(app.url(&url))
                .bearer_auth(&a.token)
                .header("content-type", "text/csv")
                .body(text)
                .send()
                .await
                .unwrap(),
            None => {
                app.call(
                    Method::from_bytes(method.as_bytes()).unwrap(),
                    &url,
                    Some(&a.token),
                    body,
                )
                .await
            }
        };
        assert!(
            res.status().is_success(),
            "{method} {url}: {}",
            res.status()
        );
        let after = app.audit_count(&a.id);
        assert!(
            after > before_call,
            "{method} {path} did not record an audit entry"
        );
    }
    assert!(app.audit_count(&a.id) > before);
    let res = app
        .post(
            "/api/agencies",
            &app.processor_token,
            json!({"name": "Ny etat", "admin_email": "ny@etat.no", "admin_name": "Ny"}),
        )
        .await;
    let created: Value = res.json().await.unwrap();
    let new_id = created["agency"]["id"].as_str().unwrap();
    let onboarded = app.audit_count(new_id);
    assert!(onboarded >= 2);
    let res = app
        .post(
            &format!("/api/agencies/{new_id}/invitation"),
            &app.processor_token,
            json!({}),
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    assert!(app.audit_count(new_id) > onboarded);
}

#[tokio::test]
async fn gdpr_1_audit_entries_hold_no_personal_data() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    app.small_org(&a).await;
    use diesel::prelude::*;
    use tillit_backend::db::schema::audit_entries;
    let pool = tillit_backend::db::connect(&app.db_url, 1).unwrap();
    let mut conn = pool.get().unwrap();
    let rows: Vec<(String, String, String, Option<String>)> =
        tillit_backend::db::db_run!(&mut *conn, |c| audit_entries::table
            .select((
                audit_entries::actor_id,
                audit_entries::action,
                audit_entries::object_type,
                audit_entries::object_id
            ))
            .load(c))
        .unwrap();
    assert!(rows.len() > 5);
    for row in rows {
        let text = format!("{row:?}");
        assert!(!text.contains('@'), "an audit entry holds an email: {text}");
    }
}

/// Audited reads at once: every read that answered has exactly its own
/// entry, sealed into the chain, and the chain verifies.
#[tokio::test]
async fn gdpr_1_concurrent_audited_reads_each_leave_one_entry() {
    let app = TestApp::spawn().await;
    let a = app.agency("Etat").await;
    // Each read's entry is there (in the trail or the read inbox) by the
    // time it is answered.
    let count = || app.audit_count(&a.id);
    let before = count();
    let mut reads = tokio::task::JoinSet::new();
    for _ in 0..24 {
        let (client, url, token) = (
            app.client.clone(),
            app.url("/api/employees"),
            a.token.clone(),
        );
        reads.spawn(async move {
            client
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    while let Some(status) = reads.join_next().await {
        assert!(status.unwrap().is_success());
    }
    assert_eq!(count() - before, 24);
    let verified: Value = app
        .get("/api/audit/verify", &a.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(verified["valid"], true, "{verified}");
}

/// GDPR-1: entries appended to several chains in turn are each sealed once,
/// in the order they were appended, however the backend finds them (a work
/// list on PostgreSQL, the ids above the last seal on SQLite).
#[tokio::test]
async fn gdpr_1_interleaved_chains_are_sealed_once_in_append_order() {
    use diesel::prelude::*;
    use tillit_backend::audit::{self, Action, Actor};
    use tillit_backend::db::schema::{audit_entries, audit_seals};
    let app = TestApp::spawn().await;
    let mut conn = app.state.pool.get().unwrap();
    let chains = ["chain-a", "chain-b", "chain-c"];
    for i in 0..60 {
        let object = i.to_string();
        audit::record(
            &mut conn,
            chains[i % 3],
            &Actor::system(),
            Action::EmployeeList,
            Some(&object),
            None,
        )
        .unwrap();
    }
    // The background sealer may be at it too: seal until nothing waits.
    let inbox = app.state.read_inbox.as_deref();
    for _ in 0..10 {
        audit::seal(&mut conn, inbox).unwrap();
        if audit::unsealed(&mut conn, inbox, None).unwrap().0 == 0 {
            break;
        }
    }
    for (n, chain) in chains.iter().enumerate() {
        assert_eq!(
            audit::unsealed(&mut conn, inbox, Some(chain)).unwrap(),
            (0, 0)
        );
        let v = audit::verify(&mut conn, inbox, chain).unwrap();
        assert!(v.valid && v.entries == 20, "{chain}: {v:?}");
        let objects: Vec<Option<String>> = tillit_backend::db::db_run!(&mut *conn, |c| {
            audit_seals::table
                .inner_join(audit_entries::table)
                .filter(audit_seals::chain.eq(*chain))
                .order(audit_seals::seq.asc())
                .select(audit_entries::object_id)
                .load(c)
        })
        .unwrap();
        let expected: Vec<Option<String>> =
            (0..20).map(|k| Some((k * 3 + n).to_string())).collect();
        assert_eq!(objects, expected, "{chain} in append order");
    }
}

/// Reads recorded at the same moment from several connections (as the
/// server's workers do after their read transactions), beside writes'
/// entries on the same chain: each entry stored exactly once, none lost,
/// all sealed into a chain that verifies. On SQLite the reads go through
/// the read inbox, so this also proves its entries are moved into the
/// trail alongside the writes' entries.
#[tokio::test(flavor = "multi_thread")]
async fn gdpr_1_reads_recorded_at_once_are_each_stored_once_and_sealed() {
    use diesel::prelude::*;
    use tillit_backend::audit::{self, Action, Actor};
    use tillit_backend::db::schema::audit_entries;
    let app = TestApp::spawn().await;
    let chain = "chain-reads";
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let pool = app.state.pool.clone();
            let inbox = app.state.read_inbox.clone();
            std::thread::spawn(move || {
                let mut conn = pool.get().unwrap();
                for i in 0..25 {
                    let object = format!("t{t}-{i}");
                    let (actor, action) = (Actor::system(), Action::EmployeeList);
                    if t % 2 == 0 {
                        let inbox = inbox.as_deref();
                        audit::record_read(&mut conn, inbox, chain, &actor, action, Some(&object))
                    } else {
                        audit::record(&mut conn, chain, &actor, action, Some(&object), None)
                    }
                    .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let mut conn = app.state.pool.get().unwrap();
    let inbox = app.state.read_inbox.as_deref();
    assert_eq!(audit::recorded(&mut conn, inbox, chain).unwrap(), 100);
    for _ in 0..10 {
        audit::seal(&mut conn, inbox).unwrap();
        if audit::unsealed(&mut conn, inbox, Some(chain)).unwrap().0 == 0 {
            break;
        }
    }
    assert_eq!(
        audit::unsealed(&mut conn, inbox, Some(chain)).unwrap(),
        (0, 0)
    );
    let v = audit::verify(&mut conn, inbox, chain).unwrap();
    assert!(v.valid && v.entries == 100, "{v:?}");
    let mut objects: Vec<Option<String>> = tillit_backend::db::db_run!(&mut *conn, |c| {
        audit_entries::table
            .filter(audit_entries::chain.eq(chain))
            .select(audit_entries::object_id)
            .load(c)
    })
    .unwrap();
    objects.sort();
    let mut expected: Vec<Option<String>> = (0..4)
        .flat_map(|t| (0..25).map(move |i| Some(format!("t{t}-{i}"))))
        .collect();
    expected.sort();
    assert_eq!(objects, expected);
}

/// The read inbox (SQLite) across a crash: entries the trail took but the
/// inbox had not yet forgotten are not taken twice; and an inbox file made
/// anew (lost, or deleted by hand) never hands out an id the trail already
/// took, which would make its entries look moved and be skipped.
#[tokio::test]
async fn gdpr_1_read_inbox_moves_each_entry_once_across_a_crash_and_a_new_file() {
    use tillit_backend::audit::{self, Action, Actor, Inbox};
    use tillit_backend::db::{write_tx, DbConn};
    let app = TestApp::spawn_with(|c| c.ticker = false).await;
    let mut conn = app.state.pool.get().unwrap();
    let Some(inbox) = app.state.read_inbox.as_deref() else {
        return; // PostgreSQL records reads in the trail itself.
    };
    let chain = "chain-inbox";
    let read = |conn: &mut DbConn, inbox: &Inbox, n: usize| {
        for i in 0..n {
            let object = i.to_string();
            let actor = Actor::system();
            audit::record_read(
                conn,
                Some(inbox),
                chain,
                &actor,
                Action::EmployeeList,
                Some(&object),
            )
            .unwrap();
        }
    };
    read(&mut conn, inbox, 3);
    // Moved, committed, then "crashed" before forgetting.
    write_tx(&mut conn, |c| match c {
        DbConn::Sqlite(c) => inbox.move_into(c),
        DbConn::Postgresql(_) => unreachable!(),
    })
    .unwrap();
    assert_eq!(
        audit::unsealed(&mut conn, Some(inbox), Some(chain))
            .unwrap()
            .0,
        3
    );
    audit::seal(&mut conn, Some(inbox)).unwrap();
    assert_eq!(audit::recorded(&mut conn, Some(inbox), chain).unwrap(), 3);
    let v = audit::verify(&mut conn, Some(inbox), chain).unwrap();
    assert!(v.valid && v.entries == 3 && v.unsealed == 0, "{v:?}");

    // The inbox file is gone; a new one starts above the ids already taken.
    let path = app.db_url.strip_prefix("sqlite://").unwrap().to_string();
    for suffix in ["-reads", "-reads-wal", "-reads-shm"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }
    let fresh = Inbox::open(&app.db_url, &mut conn).unwrap().unwrap();
    read(&mut conn, &fresh, 2);
    assert_eq!(audit::recorded(&mut conn, Some(&fresh), chain).unwrap(), 5);
    audit::seal(&mut conn, Some(&fresh)).unwrap();
    let v = audit::verify(&mut conn, Some(&fresh), chain).unwrap();
    assert!(v.valid && v.entries == 5 && v.unsealed == 0, "{v:?}");
}

/// An inbox left from a database that was deleted and made anew belongs to
/// that old database: its entries are dropped, not moved into the new
/// trail under chains the new database never had.
#[tokio::test]
async fn gdpr_1_a_read_inbox_left_from_a_deleted_database_is_not_moved_in() {
    use tillit_backend::audit::{self, Action, Actor, Inbox};
    if tillit_backend::testing::backend_name() != "sqlite" {
        return; // PostgreSQL records reads in the trail itself.
    }
    let dir = crate::common::tempdir::TempDir::new();
    let url = tillit_backend::testing::fresh_database(&dir.0);
    let chain = "chain-old";
    // `n` reads recorded on the database at `url`; sealed if `seal`.
    let read = |n: usize, seal: bool| {
        let pool = tillit_backend::db::connect(&url, 1).unwrap();
        let mut conn = pool.get().unwrap();
        let inbox = Inbox::open(&url, &mut conn).unwrap().unwrap();
        let actor = Actor::system();
        for _ in 0..n {
            let action = Action::EmployeeList;
            audit::record_read(&mut conn, Some(&inbox), chain, &actor, action, None).unwrap();
        }
        let recorded = audit::recorded(&mut conn, Some(&inbox), chain).unwrap();
        seal.then(|| {
            audit::seal(&mut conn, Some(&inbox)).unwrap();
            let v = audit::verify(&mut conn, Some(&inbox), chain).unwrap();
            (recorded, v)
        })
    };
    // Recorded, never sealed: the old database goes before its sealer ran.
    read(2, false);
    let path = url.strip_prefix("sqlite://").unwrap().to_string();
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }
    let (recorded, v) = read(1, true).unwrap();
    assert_eq!(recorded, 1, "only the new database's read");
    assert!(v.valid && v.entries == 1 && v.unsealed == 0, "{v:?}");
}
