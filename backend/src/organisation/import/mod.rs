//! ORG-2: bulk HR import of units and employees, as JSON or CSV.

pub mod csv;
pub mod plan;
pub mod store;

use actix_web::{get, post, web, HttpRequest};
use tillit_api::{
    CsvImportQuery, EmployeeImport, EmployeeRow as EmployeeIn, FieldCode, FieldError, ImportCounts,
    ImportKind, ImportMode, ImportRecord, ImportSummary, ListQuery, MassDeactivation,
    OrganisationImport, OrganisationImportSummary, Page, ProblemCode, UnitImport,
    UnitRow as UnitIn,
};

use self::plan::{Counts, Ctx};
use self::store::ImportRow;
use crate::audit::{self, Event};
use crate::auth::identity::{Auth, HrData, Identity};
use crate::db::{paging, write_tx};
use crate::error::AppError;
use crate::extract::{BulkJson, CsvBody};
use crate::openapi::ProblemResponse;
use crate::organisation::{employees, units};
use crate::state::AppState;
use crate::util::{new_id, now, sha256_hex};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(import_units)
        .service(import_employees)
        .service(import_organisation)
        .service(import_units_csv)
        .service(import_employees_csv)
        .service(list_imports)
        .service(get_import);
}

pub enum Rows {
    Units(Vec<UnitIn>),
    Employees(Vec<EmployeeIn>),
    Organisation(Vec<UnitIn>, Vec<EmployeeIn>),
}

pub struct Request {
    pub rows: Rows,
    pub mode: ImportMode,
    pub dry_run: bool,
    /// How many rows the caller expects a mass deactivation to touch.
    pub confirm: Option<usize>,
    pub source: &'static str,
    pub first_row: usize,
    pub request_hash: String,
    pub idempotency_key: Option<String>,
}

impl Request {
    fn json(
        rows: Rows,
        mode: ImportMode,
        dry_run: bool,
        confirm: Option<usize>,
        req: &HttpRequest,
    ) -> Result<Request, AppError> {
        let body = match &rows {
            Rows::Units(r) => serde_json::to_vec(r),
            Rows::Employees(r) => serde_json::to_vec(r),
            Rows::Organisation(u, e) => serde_json::to_vec(&(u, e)),
        }
        .map_err(AppError::internal)?;
        Ok(Request {
            request_hash: sha256_hex(&[mode.as_str().as_bytes(), b"\x1f", &body].concat()),
            rows,
            mode,
            dry_run,
            confirm,
            source: "json",
            first_row: 1,
            idempotency_key: idempotency_key(req)?,
        })
    }

    fn csv(
        rows: Rows,
        q: &CsvImportQuery,
        text: &str,
        req: &HttpRequest,
    ) -> Result<Request, AppError> {
        let mode = q.mode.unwrap_or_default();
        Ok(Request {
            request_hash: sha256_hex(format!("{}\x1fcsv\x1f{text}", mode.as_str()).as_bytes()),
            rows,
            mode,
            dry_run: q.dry_run.unwrap_or(false),
            confirm: q.confirm_deactivations,
            source: "csv",
            first_row: csv::FIRST_ROW,
            idempotency_key: idempotency_key(req)?,
        })
    }

    fn kind(&self) -> ImportKind {
        match self.rows {
            Rows::Units(_) => ImportKind::Units,
            Rows::Employees(_) => ImportKind::Employees,
            Rows::Organisation(..) => ImportKind::Organisation,
        }
    }
}

fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, AppError> {
    match req.headers().get("Idempotency-Key") {
        None => Ok(None),
        Some(v) => {
            let s = v.to_str().unwrap_or("").trim().to_string();
            if s.is_empty() || s.len() > 200 {
                Err(AppError::invalid(
                    "Idempotency-Key",
                    FieldCode::InvalidHeader,
                    "must be 1 to 200 visible characters",
                ))
            } else {
                Ok(Some(s))
            }
        }
    }
}

fn counts(rows: usize, c: &Counts) -> ImportCounts {
    ImportCounts {
        rows,
        created: c.created,
        updated: c.updated,
        deactivated: c.deactivated,
        unchanged: c.unchanged,
    }
}

/// What one import did or would do, whatever its kind.
pub struct Outcome {
    pub import_id: Option<String>,
    pub kind: ImportKind,
    pub mode: ImportMode,
    pub dry_run: bool,
    pub units: ImportCounts,
    pub employees: ImportCounts,
    pub needs_confirmation: Option<MassDeactivation>,
    pub errors: Vec<FieldError>,
}

impl Outcome {
    fn empty(req: &Request) -> Outcome {
        Outcome {
            import_id: None,
            kind: req.kind(),
            mode: req.mode,
            dry_run: req.dry_run,
            units: ImportCounts::default(),
            employees: ImportCounts::default(),
            needs_confirmation: None,
            errors: vec![],
        }
    }

    /// The answer of a units or employees import.
    pub fn summary(self) -> ImportSummary {
        let c = match self.kind {
            ImportKind::Employees => self.employees,
            _ => self.units,
        };
        ImportSummary {
            applied: self.import_id.is_some(),
            import_id: self.import_id,
            kind: self.kind,
            mode: self.mode,
            dry_run: self.dry_run,
            rows: c.rows,
            created: c.created,
            updated: c.updated,
            deactivated: c.deactivated,
            unchanged: c.unchanged,
            needs_confirmation: self.needs_confirmation,
            errors: self.errors,
        }
    }

    pub fn organisation(self) -> OrganisationImportSummary {
        OrganisationImportSummary {
            applied: self.import_id.is_some(),
            import_id: self.import_id,
            mode: self.mode,
            dry_run: self.dry_run,
            units: self.units,
            employees: self.employees,
            needs_confirmation: self.needs_confirmation,
            errors: self.errors,
        }
    }
}

/// Errors of one list in a combined import name their list.
fn prefixed(errors: Vec<FieldError>, list: Option<&str>) -> Vec<FieldError> {
    match list {
        None => errors,
        Some(l) => errors
            .into_iter()
            .map(|mut e| {
                e.field = format!("{l}.{}", e.field);
                e
            })
            .collect(),
    }
}

/// The plans of one import, checked against each other, with the agency's
/// active rows before it (for the mass-deactivation guard).
struct Planned {
    units: Option<plan::UnitPlan>,
    employees: Option<plan::EmployeePlan>,
    active_units: usize,
    active_employees: usize,
}

/// Plans the request against the agency's current rows: every bad row, or
/// the exact changes. Pure apart from reading the current rows.
fn plan_request(
    conn: &mut crate::db::DbConn,
    agency: &str,
    req: &Request,
) -> Result<Result<Planned, Vec<FieldError>>, AppError> {
    let mut gen = new_id;
    let mut ctx = Ctx {
        agency,
        mode: req.mode,
        first_row: req.first_row,
        now: now(),
        new_id: &mut gen,
    };
    let existing_units = units::all(conn, agency)?;
    let existing_employees = employees::all(conn, agency)?;
    let active_units = existing_units.iter().filter(|u| u.active).count();
    let active_employees = existing_employees.iter().filter(|e| e.active).count();
    let (unit_rows, employee_rows, combined) = match &req.rows {
        Rows::Units(u) => (Some(u), None, false),
        Rows::Employees(e) => (None, Some(e), false),
        Rows::Organisation(u, e) => (Some(u), Some(e), true),
    };
    let mut errors = Vec::new();
    let unit_plan = match unit_rows {
        Some(rows) => match plan::plan_units(&mut ctx, rows, &existing_units) {
            Ok(p) => Some(p),
            Err(e) => {
                errors.extend(prefixed(e, combined.then_some("units")));
                None
            }
        },
        None => None,
    };
    // Employees are checked against the units as the batch leaves them.
    let units_after = match &unit_plan {
        Some(p) => p.after(&existing_units),
        None => existing_units.clone(),
    };
    let employee_plan = match employee_rows {
        Some(rows) if !(combined && unit_plan.is_none()) => {
            match plan::plan_employees(&mut ctx, rows, &existing_employees, &units_after) {
                Ok(p) => Some(p),
                Err(e) => {
                    errors.extend(prefixed(e, combined.then_some("employees")));
                    None
                }
            }
        }
        _ => None,
    };
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    if let Some(up) = &unit_plan {
        let employees_after = match &employee_plan {
            Some(ep) => ep.after(&existing_employees),
            None => existing_employees.clone(),
        };
        let (busy, held) = plan::units_in_use(up, &existing_units, &employees_after);
        if !busy.is_empty() {
            let ids: Vec<&str> = busy
                .iter()
                .take(20)
                .map(|u| u.external_id.as_str())
                .collect();
            return Err(AppError::conflict(
                ProblemCode::UnitInUse,
                format!(
                    "The sync would deactivate {} unit(s) that still hold {held} active employee(s) \
                     (first: {}); move or deactivate the employees in the same sync.",
                    busy.len(),
                    ids.join(", ")
                ),
            )
            .with("units", busy.len())
            .with("employees", held)
            .with("external_ids", ids));
        }
    }
    Ok(Ok(Planned {
        units: unit_plan,
        employees: employee_plan,
        active_units,
        active_employees,
    }))
}

/// Validates, plans and (unless a dry run) applies one import in one transaction.
pub async fn run(state: &AppState, who: &Identity, req: Request) -> Result<Outcome, AppError> {
    let agency = who.agency()?.to_string();
    let actor = who.actor();
    let outcome = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let mut out = Outcome::empty(&req);
                if let (Some(key), false) = (&req.idempotency_key, req.dry_run) {
                    if let Some(prev) = store::by_idempotency_key(conn, &agency, key)? {
                        if prev.request_hash != req.request_hash {
                            return Err(AppError::invalid(
                                "Idempotency-Key",
                                FieldCode::KeyReused,
                                "this key was used for a different request",
                            ));
                        }
                        audit::record(
                            conn,
                            &agency,
                            &actor,
                            Event::new("import.replay", "import", Some(&prev.id)),
                        )?;
                        return Ok(Err(store::replayed(prev)));
                    }
                }
                let (unit_n, employee_n) = match &req.rows {
                    Rows::Units(u) => (u.len(), 0),
                    Rows::Employees(e) => (0, e.len()),
                    Rows::Organisation(u, e) => (u.len(), e.len()),
                };
                let planned = plan_request(conn, &agency, &req)?;
                let check = Event::new("import.check", "import", None);
                let planned = match planned {
                    Ok(p) => p,
                    Err(errors) => {
                        audit::record(conn, &agency, &actor, check)?;
                        if req.dry_run {
                            out.errors = errors;
                            return Ok(Ok(out));
                        }
                        return Err(AppError::Invalid(errors));
                    }
                };
                let uc = planned
                    .units
                    .as_ref()
                    .map(|p| p.counts())
                    .unwrap_or_default();
                let ec = planned
                    .employees
                    .as_ref()
                    .map(|p| p.counts())
                    .unwrap_or_default();
                out.units = counts(unit_n, &uc);
                out.employees = counts(employee_n, &ec);
                let (active_units, active_employees) =
                    (planned.active_units, planned.active_employees);
                let mass = MassDeactivation::needed(uc.deactivated, active_units)
                    || MassDeactivation::needed(ec.deactivated, active_employees);
                let total = uc.deactivated + ec.deactivated;
                if mass && req.confirm != Some(total) {
                    let m = MassDeactivation {
                        would_deactivate: total,
                        active: active_units * usize::from(planned.units.is_some())
                            + active_employees * usize::from(planned.employees.is_some()),
                    };
                    if !req.dry_run {
                        audit::record(conn, &agency, &actor, check)?;
                        return Err(AppError::conflict(
                            ProblemCode::MassDeactivation,
                            format!(
                                "The full sync would deactivate {} of {} active rows; send \
                                 confirm_deactivations = {} if that is intended.",
                                m.would_deactivate, m.active, m.would_deactivate
                            ),
                        )
                        .with("would_deactivate", m.would_deactivate)
                        .with("active", m.active));
                    }
                    out.needs_confirmation = Some(m);
                }
                if req.dry_run {
                    audit::record(conn, &agency, &actor, check)?;
                    return Ok(Ok(out));
                }
                if let Some(p) = &planned.units {
                    store::apply_units(conn, p)?;
                }
                if let Some(p) = &planned.employees {
                    store::apply_employees(conn, p)?;
                }
                let record = ImportRow {
                    id: new_id(),
                    agency_id: agency.clone(),
                    kind: store::kind_name(out.kind).into(),
                    mode: req.mode.as_str().into(),
                    source: req.source.into(),
                    actor_id: actor.id.clone(),
                    actor_role: actor.role.as_str().into(),
                    created_at: now(),
                    rows_total: (unit_n + employee_n) as i64,
                    created: (uc.created + ec.created) as i64,
                    updated: (uc.updated + ec.updated) as i64,
                    deactivated: (uc.deactivated + ec.deactivated) as i64,
                    unchanged: (uc.unchanged + ec.unchanged) as i64,
                    idempotency_key: req.idempotency_key.clone(),
                    request_hash: req.request_hash.clone(),
                };
                store::insert_record(conn, &record)?;
                audit::record(
                    conn,
                    &agency,
                    &actor,
                    Event::new("import.apply", "import", Some(&record.id)),
                )?;
                out.import_id = Some(record.id);
                Ok(Ok(out))
            })
        })
        .await?;
    // A replay answers with the first import's record.
    Ok(outcome.unwrap_or_else(|prev| prev))
}

/// Import units (ORG-2) as JSON: `upsert` or `full_sync`, optionally a dry run.
///
/// All rows are checked first; any bad row rejects the whole batch (422 with
/// every bad row). A dry run answers 200 with the counts and every error and
/// changes nothing. Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(
    tag = "import",
    request_body = UnitImport,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request return the first result instead of applying twice")),
    security(("bearer" = ["controller_admin", "integration"])),
    responses(
        (status = 200, description = "Applied, or the dry run's report", body = ImportSummary),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 413, response = ProblemResponse),
        (status = 415, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
    )
)]
#[post("/imports/units")]
async fn import_units(
    state: web::Data<AppState>,
    auth: Auth<HrData>,
    req: HttpRequest,
    body: BulkJson<UnitImport>,
) -> Result<web::Json<ImportSummary>, AppError> {
    let b = body.0;
    let rows = Rows::Units(b.units);
    let request = Request::json(rows, b.mode, b.dry_run, b.confirm_deactivations, &req)?;
    Ok(web::Json(run(&state, &auth, request).await?.summary()))
}

/// Import employees (ORG-2) as JSON. Units are referred to by external id.
#[utoipa::path(
    tag = "import",
    request_body = EmployeeImport,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request return the first result instead of applying twice")),
    security(("bearer" = ["controller_admin", "integration"])),
    responses(
        (status = 200, description = "Applied, or the dry run's report", body = ImportSummary),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 413, response = ProblemResponse),
        (status = 415, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
    )
)]
#[post("/imports/employees")]
async fn import_employees(
    state: web::Data<AppState>,
    auth: Auth<HrData>,
    req: HttpRequest,
    body: BulkJson<EmployeeImport>,
) -> Result<web::Json<ImportSummary>, AppError> {
    let b = body.0;
    let rows = Rows::Employees(b.employees);
    let request = Request::json(rows, b.mode, b.dry_run, b.confirm_deactivations, &req)?;
    Ok(web::Json(run(&state, &auth, request).await?.summary()))
}

/// Import units and employees together (ORG-2): one check of both lists,
/// one dry run, applied whole or not at all.
///
/// Employees may name units of the same batch. A units full sync may not
/// deactivate a unit that keeps active employees (409 `unit_in_use`); a full
/// sync that would deactivate more than the allowed share needs
/// `confirm_deactivations` (409 `mass_deactivation`; the dry run shows the
/// count in `needs_confirmation`).
#[utoipa::path(
    tag = "import",
    request_body = OrganisationImport,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request return the first result instead of applying twice")),
    security(("bearer" = ["controller_admin", "integration"])),
    responses(
        (status = 200, description = "Applied, or the dry run's report", body = OrganisationImportSummary),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 409, response = ProblemResponse),
        (status = 413, response = ProblemResponse),
        (status = 415, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
    )
)]
#[post("/imports/organisation")]
async fn import_organisation(
    state: web::Data<AppState>,
    auth: Auth<HrData>,
    req: HttpRequest,
    body: BulkJson<OrganisationImport>,
) -> Result<web::Json<OrganisationImportSummary>, AppError> {
    let b = body.0;
    let rows = Rows::Organisation(b.units, b.employees);
    let request = Request::json(rows, b.mode, b.dry_run, b.confirm_deactivations, &req)?;
    Ok(web::Json(run(&state, &auth, request).await?.organisation()))
}

/// Import units from CSV: columns `external_id`, `name`, `parent_external_id`.
///
/// UTF-8 (byte-order mark tolerated), comma or semicolon separated, header row
/// first; row numbers in errors count the header as row 1.
#[utoipa::path(
    tag = "import",
    params(CsvImportQuery, ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request return the first result")),
    request_body(content = String, content_type = "text/csv"),
    security(("bearer" = ["controller_admin", "integration"])),
    responses(
        (status = 200, description = "Applied, or the dry run's report", body = ImportSummary),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 413, response = ProblemResponse),
        (status = 415, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
    )
)]
#[post("/imports/units/csv")]
async fn import_units_csv(
    state: web::Data<AppState>,
    auth: Auth<HrData>,
    req: HttpRequest,
    q: web::Query<CsvImportQuery>,
    body: CsvBody,
) -> Result<web::Json<ImportSummary>, AppError> {
    let rows = Rows::Units(csv::units(&body.0)?);
    let request = Request::csv(rows, &q, &body.0, &req)?;
    Ok(web::Json(run(&state, &auth, request).await?.summary()))
}

/// Import employees from CSV: columns `external_id`, `email`, `unit_external_id`, `language`.
#[utoipa::path(
    tag = "import",
    params(CsvImportQuery, ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request return the first result")),
    request_body(content = String, content_type = "text/csv"),
    security(("bearer" = ["controller_admin", "integration"])),
    responses(
        (status = 200, description = "Applied, or the dry run's report", body = ImportSummary),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 413, response = ProblemResponse),
        (status = 415, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
    )
)]
#[post("/imports/employees/csv")]
async fn import_employees_csv(
    state: web::Data<AppState>,
    auth: Auth<HrData>,
    req: HttpRequest,
    q: web::Query<CsvImportQuery>,
    body: CsvBody,
) -> Result<web::Json<ImportSummary>, AppError> {
    let rows = Rows::Employees(csv::employees(&body.0)?);
    let request = Request::csv(rows, &q, &body.0, &req)?;
    Ok(web::Json(run(&state, &auth, request).await?.summary()))
}

/// The agency's import history, newest first. An HR client sees the
/// imports it made itself.
#[utoipa::path(
    tag = "import",
    params(ListQuery),
    security(("bearer" = ["controller_admin", "integration"])),
    responses(
        (status = 200, description = "A page of import records", body = Page<ImportRecord>),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 422, response = ProblemResponse),
    )
)]
#[get("/imports")]
async fn list_imports(
    state: web::Data<AppState>,
    auth: Auth<HrData>,
    q: web::Query<ListQuery>,
) -> Result<web::Json<Page<ImportRecord>>, AppError> {
    let (page, per_page) = paging(&q, 200)?;
    let agency = auth.agency()?.to_string();
    let actor = auth.actor();
    let own = own_only(&auth);
    let out = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let (rows, total) = store::page(conn, &agency, own.as_deref(), page, per_page)?;
                let items = store::to_api(conn, rows)?;
                // Records name who imported: reading them is recorded.
                audit::record(
                    conn,
                    &agency,
                    &actor,
                    Event::new("import.list", "import", None),
                )?;
                Ok(Page {
                    items,
                    total,
                    page,
                    per_page,
                })
            })
        })
        .await?;
    Ok(web::Json(out))
}

/// One import record (an HR client's own only).
#[utoipa::path(
    tag = "import",
    params(("import_id" = String, Path, description = "Import id")),
    security(("bearer" = ["controller_admin", "integration"])),
    responses(
        (status = 200, description = "The import record", body = ImportRecord),
        (status = 401, response = ProblemResponse),
        (status = 403, response = ProblemResponse),
        (status = 404, response = ProblemResponse),
    )
)]
#[get("/imports/{import_id}")]
async fn get_import(
    state: web::Data<AppState>,
    auth: Auth<HrData>,
    path: web::Path<String>,
) -> Result<web::Json<ImportRecord>, AppError> {
    let agency = auth.agency()?.to_string();
    let actor = auth.actor();
    let own = own_only(&auth);
    let id = path.into_inner();
    let rec = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let row = store::get(conn, &agency, &id)?;
                if own.as_ref().is_some_and(|me| *me != row.actor_id) {
                    return Err(AppError::NotFound);
                }
                audit::record(
                    conn,
                    &agency,
                    &actor,
                    Event::new("import.read", "import", Some(&id)),
                )?;
                store::to_api(conn, vec![row])?
                    .pop()
                    .ok_or(AppError::NotFound)
            })
        })
        .await?;
    Ok(web::Json(rec))
}

/// An HR client reads back only the imports it made itself.
fn own_only(who: &Identity) -> Option<String> {
    (who.role == tillit_api::Role::Integration).then(|| who.subject.clone())
}

#[cfg(test)]
mod tests;
