//! The import routes: JSON and CSV in, one [`super::run`] for all of them,
//! and the import history.

use actix_web::{get, post, web, HttpRequest};
use tillit_api::{
    CsvImportQuery, CsvUpload, EmployeeImport, ImportRecord, ImportSummary, ListQuery,
    OrganisationImport, OrganisationImportSummary, Page, UnitImport,
};

use super::{csv, own_only, run, store, Request, Rows};
use crate::audit::Action;
use crate::auth::identity::{Auth, HrData};
use crate::db::paging;
use crate::error::AppError;
use crate::extract::{BulkJson, CsvBody};
use crate::openapi::{Authed, Body, Conflict, NotFound, Query};
use crate::params::{IdempotencyKey, ImportPath};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(import_units)
        .service(import_employees)
        .service(import_organisation)
        .service(import_units_csv)
        .service(import_employees_csv)
        .service(list_imports)
        .service(get_import);
}

/// Import units (ORG-2) as JSON: `upsert` or `full_sync`, optionally a dry run.
///
/// All rows are checked first; any bad row rejects the whole batch (422 with
/// every bad row). A dry run answers 200 with the counts and every error and
/// changes nothing. Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(
    tag = "import",
    request_body = UnitImport,
    params(IdempotencyKey),
    security(("bearer" = ["controller_admin", "integration"])),
    responses(
        (status = 200, description = "Applied, or the dry run's report", body = ImportSummary),
        Authed, Body,
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
    params(IdempotencyKey),
    security(("bearer" = ["controller_admin", "integration"])),
    responses(
        (status = 200, description = "Applied, or the dry run's report", body = ImportSummary),
        Authed, Body,
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
    params(IdempotencyKey),
    security(("bearer" = ["controller_admin", "integration"])),
    responses(
        (status = 200, description = "Applied, or the dry run's report", body = OrganisationImportSummary),
        Authed, Body, Conflict,
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
    params(CsvImportQuery, IdempotencyKey),
    request_body(content(
        (String = "text/csv"),
        (CsvUpload = "application/json"),
    ), description = "The CSV file, or the same text as `{\"csv\": ..}` for clients that only send JSON"),
    security(("bearer" = ["controller_admin", "integration"])),
    responses(
        (status = 200, description = "Applied, or the dry run's report", body = ImportSummary),
        Authed, Body,
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
    params(CsvImportQuery, IdempotencyKey),
    request_body(content(
        (String = "text/csv"),
        (CsvUpload = "application/json"),
    ), description = "The CSV file, or the same text as `{\"csv\": ..}` for clients that only send JSON"),
    security(("bearer" = ["controller_admin", "integration"])),
    responses(
        (status = 200, description = "Applied, or the dry run's report", body = ImportSummary),
        Authed, Body,
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
        Authed, Query,
    )
)]
#[get("/imports")]
async fn list_imports(
    state: web::Data<AppState>,
    auth: Auth<HrData>,
    q: web::Query<ListQuery>,
) -> Result<web::Json<Page<ImportRecord>>, AppError> {
    let paging = paging(&q, 200)?;
    let own = own_only(&auth);
    let out = state
        .audited_read(&auth, Action::ImportList, None, move |tx| {
            let mut page = store::page(tx, own.as_deref(), paging)?;
            let items = store::to_api(tx, std::mem::take(&mut page.items))?;
            // Records name who imported: reading them is recorded.
            Ok(page.with(items))
        })
        .await?;
    Ok(web::Json(out))
}

/// One import record (an HR client's own only).
#[utoipa::path(
    tag = "import",
    params(ImportPath),
    security(("bearer" = ["controller_admin", "integration"])),
    responses(
        (status = 200, description = "The import record", body = ImportRecord),
        Authed, NotFound,
    )
)]
#[get("/imports/{import_id}")]
async fn get_import(
    state: web::Data<AppState>,
    auth: Auth<HrData>,
    path: web::Path<ImportPath>,
) -> Result<web::Json<ImportRecord>, AppError> {
    let own = own_only(&auth);
    let id = path.into_inner().import_id;
    let rec = state
        .audited_read(&auth, Action::ImportRead, Some(id.to_string()), move |tx| {
            let row = store::get(tx, &id)?;
            if own.as_ref().is_some_and(|me| *me != row.actor_id) {
                return Err(AppError::NotFound);
            }
            store::to_api(tx, vec![row])?
                .pop()
                .ok_or(AppError::NotFound)
        })
        .await?;
    Ok(web::Json(rec))
}
