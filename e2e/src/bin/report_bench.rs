//! Report benchmarks (issue 10), on SQLite and PostgreSQL
//! (`scripts/bench report`):
//!
//! (h) freezing a survey of 20,000 responses x 62 questions over 300 units
//!     in a tree 4 deep with 30 leaders each leading 2-3 units, against one
//!     plain SQL aggregate over the same answers (mean per unit and
//!     question, straight from the stored JSON) in the same run;
//! (i) reading a group's report over loopback HTTP: 200 readers each
//!     asking once a second (people reading, 200 requests a second in
//!     all), and 200 asking back to back (the server saturated); the
//!     latency percentiles.

use std::time::{Duration, Instant};

use diesel::prelude::*;
use tillit_api::{Questionnaire, SurveyId};
use tillit_backend::db::schema::{
    agencies, invitations, leader_units, responses, surveys, units, users,
};
use tillit_backend::db::{self, db_run, write_tx, DbConn};
use tillit_e2e::bench::{backends, percentile, use_backend};
use tillit_e2e::{Place, Server};

const RESPONSES: usize = 20_000;
const LEADERS: usize = 30;
const READERS: usize = 200;
const READS_EACH: usize = 10;
const PASSWORD: &str = "en lang og trygg benk-frase 2026";

/// xorshift64*, fixed: every run builds the same agency.
struct Dice(u64);
impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }
}

/// Root, 5 divisions, 6 departments each, 8-9 sections each: 300 units,
/// 4 levels. Sections hold the people (a few very small ones).
/// (unit, parent) for every unit; (section, people) for those with people.
type Tree = (Vec<(String, Option<String>)>, Vec<(String, usize)>);

fn tree() -> Tree {
    let mut units = vec![("u0".to_string(), None)];
    let mut sections = Vec::new();
    let mut dice = Dice(0x5eed);
    for d in 0..5 {
        let div = format!("u0-{d}");
        units.push((div.clone(), Some("u0".into())));
        for p in 0..6 {
            let dep = format!("{div}-{p}");
            units.push((dep.clone(), Some(div.clone())));
            let n = if (d * 6 + p) % 5 == 0 { 9 } else { 8 };
            for s in 0..n {
                let sec = format!("{dep}-{s}");
                units.push((sec.clone(), Some(dep.clone())));
                let size = if dice.below(10) == 0 {
                    2 + dice.below(4)
                } else {
                    40 + dice.below(70)
                };
                sections.push((sec, size as usize));
            }
        }
    }
    // Scale the sections to RESPONSES people in all.
    let total: usize = sections.iter().map(|s| s.1).sum();
    for s in sections.iter_mut() {
        if s.1 > 5 {
            s.1 = s.1 * RESPONSES / total;
        }
    }
    let now: usize = sections.iter().map(|s| s.1).sum();
    if let Some(last) = sections.last_mut() {
        last.1 += RESPONSES.saturating_sub(now);
    }
    (units, sections)
}

/// Builds the agency and its closed survey straight in the database.
/// Returns (survey, admin email, the unit ids).
fn build(conn: &mut DbConn) -> (SurveyId, String, Vec<String>) {
    let (tree, sections) = tree();
    let q: Questionnaire = serde_json::from_str(tillit_backend::questionnaire::DEFAULT).unwrap();
    let modules: Vec<String> = q
        .modules
        .iter()
        .filter(|(_, m)| m.optional)
        .map(|(k, _)| k.clone())
        .collect();
    let asked = tillit_backend::answering::check::topics_of(&q, &modules);
    let questions: Vec<(String, u8)> = asked
        .iter()
        .flat_map(|t| &t.questions)
        .map(|x| (x.key.clone(), q.scales[&x.scale].labels.nb.len() as u8))
        .collect();
    let now = chrono::Utc::now().naive_utc();
    let agency = uuid::Uuid::new_v4().to_string();
    let survey = uuid::Uuid::new_v4().to_string();
    let admin = format!("admin-{}@bench.no", &agency[..8]);
    let hash = tillit_backend::auth::password::hash_blocking(PASSWORD).unwrap();
    let version: String = db_run!(conn, |c| {
        tillit_backend::db::schema::questionnaire_versions::table
            .select(tillit_backend::db::schema::questionnaire_versions::id)
            .first(c)
    })
    .unwrap();
    let id_of = |ext: &str| format!("{}-{ext}", &agency[..8]);
    let mut dice = Dice(0xbe7c4);
    write_tx(conn, |conn| {
        db_run!(conn, |c| {
            diesel::insert_into(agencies::table)
                .values((
                    agencies::id.eq(&agency),
                    agencies::name.eq("Benkdirektoratet"),
                    agencies::active.eq(true),
                    agencies::created_at.eq(now),
                ))
                .execute(c)?;
            for chunk in tree.chunks(500) {
                let rows: Vec<_> = chunk
                    .iter()
                    .map(|(u, p)| {
                        (
                            units::id.eq(id_of(u)),
                            units::agency_id.eq(&agency),
                            units::external_id.eq(u.clone()),
                            units::name.eq(format!("Enhet {u}")),
                            units::parent_id.eq(p.as_deref().map(id_of)),
                            units::active.eq(true),
                            units::updated_at.eq(now),
                        )
                    })
                    .collect();
                diesel::insert_into(units::table).values(rows).execute(c)?;
            }
            diesel::insert_into(users::table)
                .values((
                    users::id.eq(format!("{agency}-admin")),
                    users::agency_id.eq(Some(&agency)),
                    users::email.eq(&admin),
                    users::name.eq("Benk Admin"),
                    users::role.eq("controller_admin"),
                    users::password_hash.eq(Some(&hash)),
                    users::active.eq(true),
                    users::created_at.eq(now),
                    users::language.eq("nb"),
                ))
                .execute(c)?;
            // Leaders of 2-3 departments or sections each, overlapping.
            for l in 0..LEADERS {
                let user = format!("{agency}-leader-{l}");
                diesel::insert_into(users::table)
                    .values((
                        users::id.eq(&user),
                        users::agency_id.eq(Some(&agency)),
                        users::email.eq(format!("leader{l}-{}@bench.no", &agency[..8])),
                        users::name.eq("Leder"),
                        users::role.eq("leader"),
                        users::password_hash.eq(None::<String>),
                        users::active.eq(true),
                        users::created_at.eq(now),
                        users::language.eq("nb"),
                    ))
                    .execute(c)?;
                let mut led = std::collections::BTreeSet::new();
                for _ in 0..2 + dice.below(2) {
                    led.insert(
                        tree[1 + dice.below(tree.len() as u64 - 1) as usize]
                            .0
                            .clone(),
                    );
                }
                for u in led {
                    diesel::insert_into(leader_units::table)
                        .values((
                            leader_units::user_id.eq(&user),
                            leader_units::unit_id.eq(id_of(&u)),
                        ))
                        .execute(c)?;
                }
            }
            diesel::insert_into(surveys::table)
                .values((
                    surveys::id.eq(&survey),
                    surveys::agency_id.eq(&agency),
                    surveys::questionnaire_version_id.eq(&version),
                    surveys::title.eq("Benk"),
                    surveys::modules.eq(modules.join(",")),
                    surveys::languages.eq("nb"),
                    surveys::opens_at.eq(now),
                    surveys::closes_at.eq(now),
                    surveys::reminder_days.eq(""),
                    surveys::state.eq("closed"),
                    surveys::created_at.eq(now),
                    surveys::launched_at.eq(Some(now)),
                    surveys::closed_at.eq(Some(now)),
                ))
                .execute(c)?;
            let mut n = 0;
            for (sec, size) in &sections {
                let mut inv = Vec::new();
                let mut resp = Vec::new();
                for _ in 0..*size {
                    n += 1;
                    inv.push((
                        invitations::id.eq(uuid::Uuid::new_v4().to_string()),
                        invitations::survey_id.eq(&survey),
                        invitations::employee_id.eq(None::<String>),
                        invitations::unit_id.eq(id_of(sec)),
                        invitations::language.eq("nb"),
                        invitations::answered.eq(true),
                        invitations::opted_out.eq(false),
                    ));
                    let answers: serde_json::Map<String, serde_json::Value> = questions
                        .iter()
                        .filter_map(|(k, steps)| {
                            let roll = dice.below(100);
                            (roll >= 2).then(|| {
                                (
                                    k.clone(),
                                    serde_json::json!(if roll < 5 {
                                        0
                                    } else {
                                        1 + dice.below(u64::from(*steps))
                                    }),
                                )
                            })
                        })
                        .collect();
                    resp.push((
                        responses::id.eq(uuid::Uuid::new_v4().to_string()),
                        responses::survey_id.eq(&survey),
                        responses::unit_id.eq(id_of(sec)),
                        responses::answers.eq(serde_json::Value::Object(answers).to_string()),
                        responses::research_consent.eq(false),
                        responses::receipt_hash.eq(format!("bench-{n}")),
                    ));
                }
                for chunk in inv.chunks(1000) {
                    diesel::insert_into(invitations::table)
                        .values(chunk.to_vec())
                        .execute(c)?;
                }
                for chunk in resp.chunks(1000) {
                    diesel::insert_into(responses::table)
                        .values(chunk.to_vec())
                        .execute(c)?;
                }
            }
            Ok::<_, diesel::result::Error>(())
        })?;
        Ok(())
    })
    .unwrap();
    (
        SurveyId(survey),
        admin,
        tree.iter().map(|(u, _)| id_of(u)).collect(),
    )
}

/// One plain aggregate: mean per unit and question, from the JSON.
fn plain_aggregate(conn: &mut DbConn, survey: &SurveyId) -> usize {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let rows: Vec<Row> = match conn {
        DbConn::Sqlite(c) => diesel::sql_query(
            "SELECT COUNT(*) AS n, AVG(j.value) AS m FROM responses r, json_each(r.answers) j \
             WHERE r.survey_id = ? AND j.value > 0 GROUP BY r.unit_id, j.key",
        )
        .bind::<diesel::sql_types::Text, _>(survey.as_str())
        .load(c)
        .unwrap(),
        DbConn::Postgresql(c) => diesel::sql_query(
            "SELECT COUNT(*) AS n, AVG(j.value::int) AS m FROM responses r, jsonb_each_text(r.answers::jsonb) j \
             WHERE r.survey_id = $1 AND j.value::int > 0 GROUP BY r.unit_id, j.key",
        )
        .bind::<diesel::sql_types::Text, _>(survey.as_str())
        .load(c)
        .unwrap(),
    };
    rows.iter().filter(|r| r.n > 0).count()
}

async fn run(backend: &'static str) -> Vec<String> {
    let s = Server::start(
        Place::fresh(),
        &[("TILLIT_TICKER", "off"), ("TILLIT_MAIL_SENDER", "off")],
    )
    .await;
    let pool = db::connect(&s.database_url, 4).unwrap();
    let mut conn = pool.get().unwrap();
    let (survey, admin, units) = build(&mut conn);
    // Warm the caches alike for both: one plain aggregate first.
    plain_aggregate(&mut conn, &survey);
    let t = Instant::now();
    let cells = plain_aggregate(&mut conn, &survey);
    let plain = t.elapsed().as_secs_f64();
    let t = Instant::now();
    assert!(tillit_backend::reports::freeze::freeze(&mut conn, &survey).unwrap());
    let freeze = t.elapsed().as_secs_f64();
    let stats: String = db_run!(&mut *conn, |c| tillit_backend::db::schema::releases::table
        .filter(tillit_backend::db::schema::releases::survey_id.eq(&survey))
        .select(tillit_backend::db::schema::releases::stats)
        .first(c))
    .unwrap();
    drop(conn);
    // Reads through the server.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(READERS)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let login: serde_json::Value = http
        .post(s.url("/api/auth/login"))
        .json(&serde_json::json!({"email": admin, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["access_token"].as_str().unwrap().to_string();
    let mut rows = Vec::new();
    for pace in [Some(Duration::from_secs(1)), None] {
        let (lat, errors, secs) = reads(&http, &s, &token, &survey, &units, pace).await;
        let shape = match pace {
            Some(_) => "each once a second",
            None => "back to back",
        };
        rows.push(format!(
            "| {backend} | reads, {READERS} readers {shape} | {} | {:.0}/s | p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms | errors {errors} | |",
            lat.len(),
            lat.len() as f64 / secs,
            percentile(&lat, 0.5),
            percentile(&lat, 0.95),
            percentile(&lat, 0.99)
        ));
    }
    let mut out = vec![format!(
        "| {backend} | freeze | {RESPONSES} | {freeze:.2} s | plain aggregate {plain:.2} s ({cells} unit x question means) | {:.1}x | {stats} |",
        freeze / plain
    )];
    out.extend(rows);
    out
}

/// `READERS` readers, each reading `READS_EACH` groups: with `pace`, one
/// read per `pace` from a random start within it; without, back to back.
async fn reads(
    http: &reqwest::Client,
    s: &Server,
    token: &str,
    survey: &SurveyId,
    units: &[String],
    pace: Option<Duration>,
) -> (Vec<f64>, usize, f64) {
    let started = Instant::now();
    let tasks: Vec<_> = (0..READERS)
        .map(|r| {
            let (http, token) = (http.clone(), token.to_string());
            let urls: Vec<String> = (0..READS_EACH)
                .map(|i| {
                    let unit = &units[(r * 7 + i * 13) % units.len()];
                    s.url(&format!("/api/surveys/{survey}/report/groups/u-{unit}"))
                })
                .collect();
            let offset = pace.map(|p| p.mul_f64((r as f64 * 0.618_034) % 1.0));
            tokio::spawn(async move {
                let mut lat = Vec::new();
                let mut errors = 0;
                for (i, url) in urls.into_iter().enumerate() {
                    if let (Some(p), Some(o)) = (pace, offset) {
                        tokio::time::sleep_until((started + o + p * i as u32).into()).await;
                    }
                    let t = Instant::now();
                    let ok = http
                        .get(url)
                        .bearer_auth(&token)
                        .send()
                        .await
                        .map(|r| r.status().is_success())
                        .unwrap_or(false);
                    lat.push(t.elapsed().as_secs_f64() * 1000.0);
                    errors += usize::from(!ok);
                }
                (lat, errors)
            })
        })
        .collect();
    let mut lat = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await.unwrap();
        lat.extend(l);
        errors += e;
    }
    lat.sort_by(|a, b| a.total_cmp(b));
    (lat, errors, started.elapsed().as_secs_f64())
}

#[tokio::main]
async fn main() {
    let mut rows = Vec::new();
    for (name, url) in backends() {
        if std::env::var("REPORT_BENCH_ONLY").is_ok_and(|o| o != name) {
            continue;
        }
        use_backend(&url);
        rows.extend(run(name).await);
    }
    println!("| backend | what | size | time / rate | against | ratio / errors | engine |");
    println!("|---|---|---|---|---|---|---|");
    for r in rows {
        println!("{r}");
    }
}
