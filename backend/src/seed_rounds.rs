//! Demo reports: two earlier, closed rounds of the demo agency's survey
//! with answers across its unit tree (so reports, small units' hidden
//! figures and the previous-round differences show), and two small
//! agencies that used the same questionnaire (so the benchmark has its 3).
//! Answers come from a fixed pseudo-random sequence: every installation
//! shows the same demo.

use std::collections::BTreeMap;

use diesel::prelude::*;
use tillit_api::{
    AgencyId, Direction, EmployeeRow as EmployeeIn, Language, Questionnaire, SurveyId, SurveyState,
    UnitRow as UnitIn,
};

use crate::agencies::store as agencies;
use crate::agencies::store::AgencyRow;
use crate::audit::Actor;
use crate::db::db_run;
use crate::db::schema::{invitations, responses, surveys as surveys_t};
use crate::db::types::TextList;
use crate::db::DbConn;
use crate::error::AppError;
use crate::surveys::store::{self as surveys, SurveyRow};
use crate::util::{new_id, now, sha256_hex};
use crate::work::Tx;

/// xorshift64*: small, fixed, good enough for demo answers.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in 0..n.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A stable number for a name, to give each unit its own climate.
fn hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// Seeds the rounds. `agency` is the demo agency, already with its units
/// and employees.
pub fn seed(conn: &mut DbConn, agency: &AgencyId, by: &tillit_api::UserId) -> Result<(), AppError> {
    let version = crate::questionnaire::store::all(conn)?
        .into_iter()
        .find(|v| v.is_published())
        .ok_or_else(|| AppError::internal("no published questionnaire"))?;
    let q = version.content()?;
    let year = chrono::Duration::days(365);
    let first = round(
        conn,
        agency,
        &version.id,
        &q,
        "Medarbeiderundersøkelsen 2024",
        year * 2,
        0,
    )?;
    for (name, org, lean) in [
        ("Tilsynet for eksempelsaker", "TE", 1),
        ("Etaten for prøvedrift", "EP", 2),
    ] {
        let other = small_agency(conn, name, org)?;
        round(
            conn,
            &other,
            &version.id,
            &q,
            "Medarbeiderundersøkelsen 2025",
            year,
            lean,
        )?;
    }
    let second = round(
        conn,
        agency,
        &version.id,
        &q,
        "Medarbeiderundersøkelsen 2025",
        year,
        1,
    )?;
    follow_ups(conn, agency, &first, &second, by)?;
    // The rounds are history: their leaders are not mailed about them.
    db_run!(conn, |c| diesel::update(
        crate::db::schema::account_mail::table
            .filter(crate::db::schema::account_mail::kind.eq("report_ready"))
    )
    .set(crate::db::schema::account_mail::status.eq("skipped"))
    .execute(c))?;
    Ok(())
}

/// Actions after each round: last year's done (the next round shows how
/// the topic moved), this year's under way, one overdue.
fn follow_ups(
    conn: &mut DbConn,
    agency: &AgencyId,
    first: &SurveyId,
    second: &SurveyId,
    by: &tillit_api::UserId,
) -> Result<(), AppError> {
    use crate::follow_up::store::{insert, Row};
    use tillit_api::{FollowUpId, FollowUpStatus, UnitId};
    let today = now().date();
    let days = chrono::Duration::days;
    let plan = [
        (
            first,
            "IT",
            "leadership",
            "Faste medarbeidersamtaler hvert halvår",
            "Lars Leder",
            today - days(300),
            FollowUpStatus::Done,
            true,
        ),
        (
            first,
            "KUN",
            "demands",
            "Bemanningsplan for telefontoppene",
            "Kari Nordmann",
            today - days(200),
            FollowUpStatus::Done,
            true,
        ),
        (
            second,
            "IT",
            "role",
            "Tydelige mål for hvert team",
            "Lars Leder",
            today + days(60),
            FollowUpStatus::InProgress,
            true,
        ),
        (
            second,
            "TILS",
            "social",
            "Felles samling for alle regionene",
            "Ola Nordmann",
            today - days(14),
            FollowUpStatus::Planned,
            false,
        ),
        (
            second,
            "ADM",
            "organisation",
            "Bedre verktøy for saksbehandling",
            "Anne Admin",
            today + days(120),
            FollowUpStatus::Planned,
            false,
        ),
    ];
    let ids: BTreeMap<String, String> = db_run!(conn, |c| crate::db::schema::units::table
        .filter(crate::db::schema::units::agency_id.eq(agency))
        .select((
            crate::db::schema::units::external_id,
            crate::db::schema::units::id
        ))
        .load::<(String, String)>(c))?
    .into_iter()
    .collect();
    let mut tx = Tx::new(conn, agency.clone(), Actor::system());
    for (survey, unit, topic, title, owner, due_on, status, together) in plan {
        let Some(unit_id) = ids.get(unit) else {
            continue;
        };
        let t = now();
        insert(
            &mut tx,
            &Row {
                id: FollowUpId(new_id()),
                agency_id: agency.clone(),
                survey_id: survey.clone(),
                unit_id: UnitId(unit_id.clone()),
                topic_key: topic.into(),
                title: title.into(),
                description: String::new(),
                owner: owner.into(),
                due_on,
                status,
                with_safety_rep: together,
                with_union_reps: together,
                with_employees: true,
                visible_to_employees: together,
                created_by: by.clone(),
                created_at: t,
                updated_at: t,
            },
        )?;
    }
    Ok(())
}

/// A survey that ran `ago` and closed 3 weeks later, answered by about
/// four in five, then frozen as the ticker would. `lean` shifts the
/// climate from round to round, so differences show.
fn round(
    conn: &mut DbConn,
    agency: &AgencyId,
    version: &tillit_api::QuestionnaireId,
    q: &Questionnaire,
    title: &str,
    ago: chrono::Duration,
    lean: i64,
) -> Result<SurveyId, AppError> {
    let opened = now() - ago;
    let closed = opened + chrono::Duration::days(21);
    let row = SurveyRow {
        id: SurveyId(new_id()),
        agency_id: agency.clone(),
        questionnaire_version_id: version.clone(),
        title: title.into(),
        modules: TextList(vec!["change".into()]),
        languages: TextList(Language::ALL.to_vec()),
        opens_at: opened,
        closes_at: closed,
        reminder_days: TextList(vec![7, 14]),
        state: SurveyState::Open,
        created_at: opened,
        launched_at: Some(opened),
        closed_at: None,
    };
    let mut tx = Tx::new(conn, agency.clone(), Actor::system());
    surveys::insert(&mut tx, &row)?;
    surveys::snapshot_roster(&mut tx, &row)?;
    let invited: Vec<(String, String)> = db_run!(conn, |c| invitations::table
        .filter(invitations::survey_id.eq(&row.id))
        .select((invitations::id, invitations::unit_id))
        .order(invitations::id)
        .load(c))?;
    let unit_ext: BTreeMap<String, String> = db_run!(conn, |c| crate::db::schema::units::table
        .filter(crate::db::schema::units::agency_id.eq(agency))
        .select((
            crate::db::schema::units::id,
            crate::db::schema::units::external_id
        ))
        .load::<(String, String)>(c))?
    .into_iter()
    .collect();
    let asked = crate::answering::check::topics_of(q, &row.modules.0);
    let mut dice = Dice(hash(title) ^ hash(agency.as_str()) | 1);
    let mut answered = Vec::new();
    let mut rows = Vec::new();
    for (invitation, unit) in &invited {
        if dice.below(100) >= 82 {
            continue;
        }
        let ext = unit_ext.get(unit).map_or("", String::as_str);
        let climate = (hash(ext) % 5) as i64 - 2 + lean; // -2..=3
        let mut answers: BTreeMap<String, u8> = BTreeMap::new();
        for t in &asked {
            // Each unit leans its own way on each topic.
            let topic_lean = (hash(&format!("{ext}{}", t.key)) % 3) as i64 - 1;
            for x in &t.questions {
                let Some(scale) = q.scales.get(&x.scale) else {
                    continue;
                };
                let steps = scale.labels.nb.len() as i64;
                let roll = dice.below(100);
                if roll < 2 {
                    continue; // skipped
                }
                if roll < 5 && scale.not_applicable.is_some() {
                    answers.insert(x.key.clone(), 0);
                    continue;
                }
                // Good-side step for this person, 1..=steps, then turned
                // for questions where high is bad. Bullying and unwanted
                // attention are rare.
                let noise = dice.below(5) as i64 - 2;
                let good = if t.flags.contains(&tillit_api::TopicFlag::Sensitive) {
                    if dice.below(100) < 88 {
                        steps
                    } else {
                        steps - 1 - dice.below(2) as i64
                    }
                } else {
                    (steps * 2 / 3 + (climate + topic_lean + noise) / 2).clamp(1, steps)
                };
                let v = match x.direction {
                    Some(Direction::HigherIsWorse) => steps + 1 - good,
                    _ => good,
                };
                answers.insert(x.key.clone(), v as u8);
            }
        }
        answered.push(invitation.clone());
        let text = serde_json::to_string(&answers).map_err(AppError::internal)?;
        rows.push((unit.clone(), text));
    }
    db_run!(conn, |c| {
        for chunk in answered.chunks(crate::db::INSERT_CHUNK) {
            diesel::update(invitations::table.filter(invitations::id.eq_any(chunk)))
                .set(invitations::answered.eq(true))
                .execute(c)?;
        }
        for (unit, answers) in &rows {
            diesel::insert_into(responses::table)
                .values((
                    responses::id.eq(new_id()),
                    responses::survey_id.eq(&row.id),
                    responses::unit_id.eq(unit),
                    responses::answers.eq(answers),
                    responses::research_consent.eq(false),
                    responses::receipt_hash.eq(sha256_hex(new_id().as_bytes())),
                ))
                .execute(c)?;
        }
        diesel::update(surveys_t::table.find(&row.id))
            .set((
                surveys_t::state.eq(SurveyState::Closed),
                surveys_t::closed_at.eq(Some(closed)),
            ))
            .execute(c)?;
    });
    crate::reports::freeze::freeze(conn, &row.id)?;
    Ok(row.id)
}

/// Another agency with 4 units and about 60 people.
fn small_agency(conn: &mut DbConn, name: &str, code: &str) -> Result<AgencyId, AppError> {
    let agency = AgencyRow {
        id: AgencyId(new_id()),
        name: name.into(),
        org_number: None,
        active: true,
        created_at: now(),
    };
    agencies::insert(conn, &agency)?;
    let mut unit_rows = vec![UnitIn {
        external_id: code.into(),
        name: name.into(),
        parent_external_id: None,
    }];
    let mut employees = Vec::new();
    for (i, (section, size)) in [
        ("Saksbehandling", 22),
        ("Stab", 9),
        ("Kontroll", 18),
        ("Drift", 11),
    ]
    .iter()
    .enumerate()
    {
        let ext = format!("{code}-{}", i + 1);
        unit_rows.push(UnitIn {
            external_id: ext.clone(),
            name: (*section).into(),
            parent_external_id: Some(code.into()),
        });
        for n in 0..*size {
            employees.push(EmployeeIn {
                external_id: format!("{ext}-{n}"),
                email: format!("{}{n}@{}.demo", ext.to_lowercase(), code.to_lowercase()),
                unit_external_id: ext.clone(),
                language: Some("nb".into()),
            });
        }
    }
    let mut tx = Tx::new(conn, agency.id.clone(), Actor::system());
    crate::seed::import_org(&mut tx, &unit_rows, &employees)?;
    Ok(agency.id)
}
