//! ORG-2: bulk HR import of units and employees, as JSON or CSV.

pub mod csv;
pub mod plan;
pub mod store;

use actix_web::{get, post, web, HttpRequest};
use tillit_api::{
    CsvImportQuery, EmployeeImport, EmployeeRow as EmployeeIn, FieldError, ImportKind, ImportMode,
    ImportRecord, ImportSummary, ListQuery, Page, UnitImport, UnitRow as UnitIn,
};

use self::plan::{Counts, Ctx};
use self::store::ImportRow;
use crate::audit::{self, Event};
use crate::auth::identity::{Auth, ControllerAdmin, HrWriter, Identity};
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
        .service(import_units_csv)
        .service(import_employees_csv)
        .service(list_imports)
        .service(get_import);
}

pub enum Rows {
    Units(Vec<UnitIn>),
    Employees(Vec<EmployeeIn>),
}

pub struct Request {
    pub rows: Rows,
    pub mode: ImportMode,
    pub dry_run: bool,
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
        req: &HttpRequest,
    ) -> Result<Request, AppError> {
        let body = match &rows {
            Rows::Units(r) => serde_json::to_vec(r),
            Rows::Employees(r) => serde_json::to_vec(r),
        }
        .map_err(AppError::internal)?;
        Ok(Request {
            request_hash: sha256_hex(&[mode.as_str().as_bytes(), b"\x1f", &body].concat()),
            rows,
            mode,
            dry_run,
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
            source: "csv",
            first_row: csv::FIRST_ROW,
            idempotency_key: idempotency_key(req)?,
        })
    }

    fn kind(&self) -> ImportKind {
        match self.rows {
            Rows::Units(_) => ImportKind::Units,
            Rows::Employees(_) => ImportKind::Employees,
        }
    }
    fn len(&self) -> usize {
        match &self.rows {
            Rows::Units(r) => r.len(),
            Rows::Employees(r) => r.len(),
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
                    "invalid_header",
                    "must be 1 to 200 visible characters",
                ))
            } else {
                Ok(Some(s))
            }
        }
    }
}

fn summary(
    kind: ImportKind,
    req_mode: ImportMode,
    dry_run: bool,
    rows: usize,
    c: &Counts,
    id: Option<String>,
    errors: Vec<FieldError>,
) -> ImportSummary {
    ImportSummary {
        applied: id.is_some(),
        import_id: id,
        kind,
        mode: req_mode,
        dry_run,
        rows,
        created: c.created,
        updated: c.updated,
        deactivated: c.deactivated,
        unchanged: c.unchanged,
        errors,
    }
}

enum Outcome {
    Done(ImportSummary),
    Rejected(Vec<FieldError>),
}

/// Validates, plans and (unless a dry run) applies one import in one transaction.
pub async fn run(
    state: &AppState,
    who: &Identity,
    req: Request,
) -> Result<ImportSummary, AppError> {
    let agency = who.agency()?.to_string();
    let actor = who.actor();
    let outcome = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let kind = req.kind();
                let rows_n = req.len();
                if let (Some(key), false) = (&req.idempotency_key, req.dry_run) {
                    if let Some(prev) = store::by_idempotency_key(conn, &agency, key)? {
                        if prev.request_hash != req.request_hash {
                            return Err(AppError::invalid(
                                "Idempotency-Key",
                                "key_reused",
                                "this key was used for a different request",
                            ));
                        }
                        audit::record(
                            conn,
                            &agency,
                            &actor,
                            Event::new("import.replay", "import", Some(&prev.id)),
                        )?;
                        let c = prev.counts();
                        return Ok(Outcome::Done(summary(
                            prev.kind(),
                            prev.mode(),
                            false,
                            prev.rows_total as usize,
                            &c,
                            Some(prev.id),
                            vec![],
                        )));
                    }
                }
                let mut gen = new_id;
                let mut ctx = Ctx {
                    agency: &agency,
                    mode: req.mode,
                    first_row: req.first_row,
                    now: now(),
                    new_id: &mut gen,
                };
                let planned = match &req.rows {
                    Rows::Units(rows) => {
                        let existing = units::all(conn, &agency)?;
                        plan::plan_units(&mut ctx, rows, &existing).map(Planned::Units)
                    }
                    Rows::Employees(rows) => {
                        let existing = employees::all(conn, &agency)?;
                        let all_units = units::all(conn, &agency)?;
                        plan::plan_employees(&mut ctx, rows, &existing, &all_units)
                            .map(Planned::Employees)
                    }
                };
                let planned = match planned {
                    Ok(p) => p,
                    Err(errors) => {
                        audit::record(
                            conn,
                            &agency,
                            &actor,
                            Event::new("import.check", "import", None),
                        )?;
                        if req.dry_run {
                            return Ok(Outcome::Done(summary(
                                kind,
                                req.mode,
                                true,
                                rows_n,
                                &Counts::default(),
                                None,
                                errors,
                            )));
                        }
                        return Ok(Outcome::Rejected(errors));
                    }
                };
                let counts = planned.counts();
                if req.dry_run {
                    audit::record(
                        conn,
                        &agency,
                        &actor,
                        Event::new("import.check", "import", None),
                    )?;
                    return Ok(Outcome::Done(summary(
                        kind,
                        req.mode,
                        true,
                        rows_n,
                        &counts,
                        None,
                        vec![],
                    )));
                }
                match &planned {
                    Planned::Units(p) => store::apply_units(conn, p)?,
                    Planned::Employees(p) => store::apply_employees(conn, p)?,
                }
                let record = ImportRow {
                    id: new_id(),
                    agency_id: agency.clone(),
                    kind: match kind {
                        ImportKind::Units => "units".into(),
                        ImportKind::Employees => "employees".into(),
                    },
                    mode: req.mode.as_str().into(),
                    source: req.source.into(),
                    actor_id: actor.id.clone(),
                    actor_role: actor.role.as_str().into(),
                    created_at: now(),
                    rows_total: rows_n as i64,
                    created: counts.created as i64,
                    updated: counts.updated as i64,
                    deactivated: counts.deactivated as i64,
                    unchanged: counts.unchanged as i64,
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
                Ok(Outcome::Done(summary(
                    kind,
                    req.mode,
                    false,
                    rows_n,
                    &counts,
                    Some(record.id),
                    vec![],
                )))
            })
        })
        .await?;
    match outcome {
        Outcome::Done(s) => Ok(s),
        // Nothing was applied; the audit entry of the check was kept.
        Outcome::Rejected(errors) => Err(AppError::Invalid(errors)),
    }
}

enum Planned {
    Units(plan::UnitPlan),
    Employees(plan::EmployeePlan),
}

impl Planned {
    fn counts(&self) -> Counts {
        match self {
            Planned::Units(p) => p.counts(),
            Planned::Employees(p) => p.counts(),
        }
    }
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
    auth: Auth<HrWriter>,
    req: HttpRequest,
    body: BulkJson<UnitImport>,
) -> Result<web::Json<ImportSummary>, AppError> {
    let b = body.0;
    let request = Request::json(Rows::Units(b.units), b.mode, b.dry_run, &req)?;
    Ok(web::Json(run(&state, &auth, request).await?))
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
    auth: Auth<HrWriter>,
    req: HttpRequest,
    body: BulkJson<EmployeeImport>,
) -> Result<web::Json<ImportSummary>, AppError> {
    let b = body.0;
    let request = Request::json(Rows::Employees(b.employees), b.mode, b.dry_run, &req)?;
    Ok(web::Json(run(&state, &auth, request).await?))
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
    auth: Auth<HrWriter>,
    req: HttpRequest,
    q: web::Query<CsvImportQuery>,
    body: CsvBody,
) -> Result<web::Json<ImportSummary>, AppError> {
    let rows = Rows::Units(csv::units(&body.0)?);
    let request = Request::csv(rows, &q, &body.0, &req)?;
    Ok(web::Json(run(&state, &auth, request).await?))
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
    auth: Auth<HrWriter>,
    req: HttpRequest,
    q: web::Query<CsvImportQuery>,
    body: CsvBody,
) -> Result<web::Json<ImportSummary>, AppError> {
    let rows = Rows::Employees(csv::employees(&body.0)?);
    let request = Request::csv(rows, &q, &body.0, &req)?;
    Ok(web::Json(run(&state, &auth, request).await?))
}

/// The agency's import history, newest first.
#[utoipa::path(
    tag = "import",
    params(ListQuery),
    security(("bearer" = ["controller_admin"])),
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
    auth: Auth<ControllerAdmin>,
    q: web::Query<ListQuery>,
) -> Result<web::Json<Page<ImportRecord>>, AppError> {
    let (page, per_page) = paging(&q, 200)?;
    let agency = auth.agency()?.to_string();
    let actor = auth.actor();
    let out = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let (rows, total) = store::page(conn, &agency, page, per_page)?;
                let items = rows
                    .into_iter()
                    .map(|r| store::to_api(conn, r))
                    .collect::<Result<_, _>>()?;
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

/// One import record.
#[utoipa::path(
    tag = "import",
    params(("import_id" = String, Path, description = "Import id")),
    security(("bearer" = ["controller_admin"])),
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
    auth: Auth<ControllerAdmin>,
    path: web::Path<String>,
) -> Result<web::Json<ImportRecord>, AppError> {
    let agency = auth.agency()?.to_string();
    let actor = auth.actor();
    let id = path.into_inner();
    let rec = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let row = store::get(conn, &agency, &id)?;
                audit::record(
                    conn,
                    &agency,
                    &actor,
                    Event::new("import.read", "import", Some(&id)),
                )?;
                store::to_api(conn, row)
            })
        })
        .await?;
    Ok(web::Json(rec))
}

#[cfg(test)]
mod tests;
