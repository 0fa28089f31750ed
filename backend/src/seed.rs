//! Demo data for the first start: one agency with a unit tree of about 30
//! units and about 300 employees, terms to accept, and a login for every role.
//! Passwords are random per installation and kept in `demo-logins.txt` in the
//! data folder, so nothing secret is written into the code.

use std::path::Path;

use diesel::prelude::*;
use tillit_api::{
    AgencyId, ClientId, EmployeeRow as EmployeeIn, ImportMode, InvitationId, Language,
    PublishTerms, Role, SurveyId, SurveyState, TermsVersionId, UnitRow as UnitIn, UserId,
};

use crate::agencies::store::AgencyRow;
use crate::agencies::{store as agencies, terms};
use crate::audit::{self, Action, Actor};
use crate::auth::password;
use crate::auth::store::{ClientRow, UserRow};
use crate::db::db_run;
use crate::db::schema::{integration_clients, leader_units, users};
use crate::db::{write_tx, DbConn};
use crate::error::AppError;
use crate::organisation::import::{plan, store as import_store};
use crate::organisation::units;
use crate::util::{new_id, now, random_token, sha256_hex};
use crate::work::Tx;

pub const PROCESSOR_EMAIL: &str = "prosessor@tillit.demo";
pub const FILE: &str = "demo-logins.txt";

const TERMS_NB: &str = "Vilkår for bruk av Tillit (demo)\n\nVirksomheten er behandlingsansvarlig og Tillit er databehandler. \
Tillit behandler personopplysninger bare etter virksomhetens dokumenterte instrukser, holder dem konfidensielle, \
sikrer dem, bruker underleverandører bare etter varsel, bistår ved innsyn og andre rettigheter, varsler brudd uten \
ugrunnet opphold, og sletter eller tilbakeleverer alt når avtalen opphører.\n\nResultater vises aldri for grupper med \
færre enn 6 svar. Temaer om mobbing, uønsket seksuell oppmerksomhet og helseplager vises bare for hele virksomheten \
og bare ved minst 10 svar.";
const TERMS_NN: &str = "Vilkår for bruk av Tillit (demo)\n\nVerksemda er behandlingsansvarleg og Tillit er databehandlar. \
Tillit behandlar personopplysningar berre etter dei dokumenterte instruksane frå verksemda, held dei konfidensielle, \
sikrar dei, brukar underleverandørar berre etter varsel, hjelper til ved innsyn og andre rettar, varslar brot utan \
ugrunna opphald, og slettar eller leverer tilbake alt når avtalen tek slutt.\n\nResultat blir aldri viste for grupper med \
færre enn 6 svar. Tema om mobbing, uønskt seksuell merksemd og helseplager blir berre viste for heile verksemda \
og berre ved minst 10 svar.";
const TERMS_EN: &str = "Terms of use for Tillit (demo)\n\nThe agency is the controller and Tillit the processor. \
Tillit processes personal data only on the agency's documented instructions, keeps it confidential and secure, \
uses sub-processors only after notice, assists with data-subject rights, reports breaches without undue delay, and \
deletes or returns everything when the agreement ends.\n\nResults are never shown for groups of fewer than 6 \
responses. Bullying, unwanted sexual attention and health complaints are shown only for the whole agency and only \
with at least 10 responses.";

/// Seeds the demo once; afterwards returns the saved logins.
pub fn demo(conn: &mut DbConn, data_dir: &Path, public_url: &str) -> Result<String, AppError> {
    let file = data_dir.join(FILE);
    let exists: i64 = db_run!(conn, |c| users::table
        .filter(users::email.eq(PROCESSOR_EMAIL))
        .count()
        .get_result(c))?;
    if exists > 0 {
        return std::fs::read_to_string(&file).map_err(|e| {
            AppError::internal(format!(
                "demo data exists but {} cannot be read: {e}",
                file.display()
            ))
        });
    }
    let text = write_tx(conn, |conn| seed(conn, public_url))?;
    std::fs::write(&file, &text).map_err(AppError::internal)?;
    crate::util::make_private(&file)?;
    Ok(text)
}

fn seed(conn: &mut DbConn, public_url: &str) -> Result<String, AppError> {
    let system = Actor::system();
    let mut logins = Vec::new();
    let mut person = |conn: &mut DbConn,
                      agency: Option<&AgencyId>,
                      email: &str,
                      name: &str,
                      role: Role|
     -> Result<UserId, AppError> {
        let pw = random_token(12)?;
        let row = UserRow {
            id: UserId(new_id()),
            agency_id: agency.cloned(),
            email: email.into(),
            name: name.into(),
            role,
            password_hash: Some(password::hash_blocking(&pw)?),
            active: true,
            created_at: now(),
            language: Language::Nb,
        };
        db_run!(conn, |c| diesel::insert_into(users::table)
            .values(&row)
            .execute(c))?;
        logins.push(format!("  {:<17} {:<32} {}", role.as_str(), email, pw));
        Ok(row.id)
    };
    person(
        conn,
        None,
        PROCESSOR_EMAIL,
        "Pia Prosessor",
        Role::ProcessorAdmin,
    )?;
    person(
        conn,
        None,
        "forsker@tillit.demo",
        "Frida Forsker",
        Role::Researcher,
    )?;
    let terms = terms::publish(
        conn,
        &PublishTerms {
            title: "Vilkår for bruk / Terms of use, v1".into(),
            body_nb: TERMS_NB.into(),
            body_nn: TERMS_NN.into(),
            body_en: TERMS_EN.into(),
        },
        "seed",
    )?;
    audit::record(
        conn,
        audit::PROCESSOR_CHAIN,
        &system,
        Action::TermsPublish,
        Some(terms.id.as_str()),
        None,
    )?;

    let agency = AgencyRow {
        id: AgencyId(new_id()),
        name: "Direktoratet for demonstrasjon".into(),
        org_number: Some("999888777".into()),
        active: true,
        created_at: now(),
    };
    agencies::insert(conn, &agency)?;
    audit::record(
        conn,
        agency.id.as_str(),
        &system,
        Action::AgencyCreate,
        Some(agency.id.as_str()),
        None,
    )?;
    let admin = person(
        conn,
        Some(&agency.id),
        "admin@direktoratet.demo",
        "Anne Admin",
        Role::ControllerAdmin,
    )?;
    let leader = person(
        conn,
        Some(&agency.id),
        "leder@direktoratet.demo",
        "Lars Leder",
        Role::Leader,
    )?;
    // Leads two sections together: a leader's group that is no unit.
    let second = person(
        conn,
        Some(&agency.id),
        "leder2@direktoratet.demo",
        "Liv Leder",
        Role::Leader,
    )?;

    let (unit_rows, employee_rows) = demo_org();
    let mut tx = Tx::new(conn, agency.id.clone(), system.clone());
    let all_units = import_org(&mut tx, &unit_rows, &employee_rows)?;
    tx.audit(Action::ImportApply, None)?;
    for (who, unit) in [(&leader, "IT"), (&second, "TILS-1"), (&second, "TILS-2")] {
        if let Some(u) = all_units.iter().find(|u| u.external_id == unit) {
            db_run!(conn, |c| diesel::insert_into(leader_units::table)
                .values((
                    leader_units::user_id.eq(who),
                    leader_units::unit_id.eq(&u.id)
                ))
                .execute(c))?;
        }
    }
    let secret = random_token(32)?;
    let client = ClientRow {
        id: ClientId(new_id()),
        agency_id: agency.id.clone(),
        name: "Demo HR system".into(),
        client_id: "hr-demo".into(),
        secret_hash: sha256_hex(secret.as_bytes()),
        active: true,
        created_at: now(),
    };
    db_run!(conn, |c| diesel::insert_into(integration_clients::table)
        .values(&client)
        .execute(c))?;
    logins.push(format!(
        "  {:<17} {:<32} {}",
        "integration", "client_id=hr-demo", secret
    ));
    let mut tx = Tx::new(conn, agency.id.clone(), system);
    let link = demo_survey(&mut tx, &admin, &terms.id)?;
    crate::seed_rounds::seed(conn, &agency.id, &leader)?;
    Ok(format!(
        "Demo logins (role, email, password), saved in {FILE} in the data folder:\n{}\n\n\
         A respondent's link to the open demo survey (one use):\n  {public_url}/s#t={link}\n\
         Invitation mails are written to the data folder's mail/ as .eml files.\n",
        logins.join("\n")
    ))
}

/// The agency accepts the terms and launches a survey open for 30 days;
/// returns a link token for one of its invitations.
fn demo_survey(
    tx: &mut Tx<'_>,
    admin: &UserId,
    terms_id: &TermsVersionId,
) -> Result<String, AppError> {
    use crate::db::types::TextList;
    use crate::surveys::store::{self as surveys, SurveyRow};
    let agency = tx.agency().clone();
    terms::accept(tx.conn(), &agency, admin, terms_id, true, true)?;
    let version = crate::questionnaire::store::all(tx.conn())?
        .into_iter()
        .find(|v| v.is_published())
        .ok_or_else(|| AppError::internal("no published questionnaire"))?;
    let row = SurveyRow {
        id: SurveyId(new_id()),
        agency_id: agency,
        questionnaire_version_id: version.id,
        title: "Medarbeiderundersøkelsen 2026".into(),
        modules: TextList(vec!["change".into()]),
        languages: TextList(Language::ALL.to_vec()),
        opens_at: now(),
        closes_at: now() + chrono::Duration::days(30),
        reminder_days: TextList(vec![7, 14]),
        state: SurveyState::Open,
        created_at: now(),
        launched_at: Some(now()),
        closed_at: None,
    };
    surveys::insert(tx, &row)?;
    surveys::snapshot_roster(tx, &row)?;
    crate::mail::outbox::queue_invitations(tx.conn(), &row.id, row.opens_at)?;
    let first: InvitationId = db_run!(tx.conn(), |c| crate::db::schema::invitations::table
        .filter(crate::db::schema::invitations::survey_id.eq(&row.id))
        .select(crate::db::schema::invitations::id)
        .first(c))?;
    crate::answering::store::issue_token(tx.conn(), &first)
}

/// Imports units and employees into the agency of `tx`, as the HR import
/// would (full sync), and returns the units.
pub fn import_org(
    tx: &mut Tx<'_>,
    unit_rows: &[UnitIn],
    employee_rows: &[EmployeeIn],
) -> Result<Vec<units::UnitRow>, AppError> {
    let agency = tx.agency().clone();
    let mut gen = new_id;
    let mut ctx = plan::Ctx {
        agency: &agency,
        mode: ImportMode::FullSync,
        first_row: 1,
        now: now(),
        new_id: &mut gen,
    };
    let unit_plan = plan::plan_units(&mut ctx, unit_rows, &[])
        .map_err(|e| AppError::internal(format!("demo units invalid: {e:?}")))?;
    import_store::apply_units(tx, &unit_plan)?;
    let all_units = units::all(tx)?;
    let emp_plan = plan::plan_employees(&mut ctx, employee_rows, &[], &all_units)
        .map_err(|e| AppError::internal(format!("demo employees invalid: {e:?}")))?;
    import_store::apply_employees(tx, &emp_plan)?;
    Ok(all_units)
}

/// A plausible directorate: 5 departments, 5 sections each, ~10 people a section.
pub fn demo_org() -> (Vec<UnitIn>, Vec<EmployeeIn>) {
    let departments = [
        (
            "ADM",
            "Administrasjon",
            ["Økonomi", "HR", "Arkiv", "Innkjøp", "Kommunikasjon"],
        ),
        (
            "IT",
            "Digitalisering",
            ["Drift", "Utvikling", "Sikkerhet", "Data", "Brukerstøtte"],
        ),
        ("TILS", "Tilsyn", ["Nord", "Midt", "Vest", "Sør", "Øst"]),
        (
            "FAG",
            "Fag og regelverk",
            [
                "Regelverk",
                "Analyse",
                "Veiledning",
                "Internasjonalt",
                "Statistikk",
            ],
        ),
        (
            "KUN",
            "Kundesenter",
            ["Telefon", "Chat", "Skranke", "Klager", "Kvalitet"],
        ),
    ];
    let mut units = vec![UnitIn {
        external_id: "DIR".into(),
        name: "Direktoratet".into(),
        parent_external_id: None,
    }];
    let mut employees = Vec::new();
    let langs = ["nb", "nb", "nb", "nn", "en"];
    let mut n = 0;
    for (code, name, sections) in departments {
        units.push(UnitIn {
            external_id: code.into(),
            name: name.into(),
            parent_external_id: Some("DIR".into()),
        });
        for (i, section) in sections.iter().enumerate() {
            let ext = format!("{code}-{}", i + 1);
            units.push(UnitIn {
                external_id: ext.clone(),
                name: (*section).into(),
                parent_external_id: Some(code.into()),
            });
            // Some sections are small on purpose: they show the thresholds.
            let size = [14, 9, 4, 13, 20][i];
            for _ in 0..size {
                n += 1;
                employees.push(EmployeeIn {
                    external_id: format!("A{n:05}"),
                    email: format!("ansatt{n:03}@direktoratet.demo"),
                    unit_external_id: ext.clone(),
                    language: Some(langs[n % langs.len()].into()),
                });
            }
        }
    }
    (units, employees)
}

/// The processor's first administrator, as an installation creates it.
pub fn processor_admin(conn: &mut DbConn, email: &str, pw: &str) -> Result<(), AppError> {
    let row = UserRow {
        id: UserId(new_id()),
        agency_id: None,
        email: email.to_lowercase(),
        name: "Processor admin".into(),
        role: Role::ProcessorAdmin,
        password_hash: Some(password::hash_blocking(pw)?),
        active: true,
        created_at: now(),
        language: Language::Nb,
    };
    db_run!(conn, |c| diesel::insert_into(users::table)
        .values(&row)
        .execute(c))?;
    Ok(())
}
