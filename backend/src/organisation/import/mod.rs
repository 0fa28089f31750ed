//! ORG-2: bulk HR import of units and employees, as JSON or CSV.

pub mod csv;
pub mod plan;
mod routes;
pub mod store;

use actix_web::HttpRequest;
use tillit_api::{
    CsvImportQuery, EmployeeRow as EmployeeIn, FieldCode, FieldError, ImportCounts, ImportId,
    ImportKind, ImportMode, ImportSummary, MassDeactivation, OrganisationImportSummary,
    ProblemCode, UnitRow as UnitIn,
};

use self::plan::{Counts, Ctx};
use self::store::ImportRow;
use crate::audit::Action;
use crate::auth::identity::Identity;
use crate::error::AppError;
use crate::organisation::{employees, units};
use crate::state::AppState;
use crate::util::{new_id, now, sha256_hex};
use crate::work::Tx;

pub use routes::configure;

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
    pub import_id: Option<ImportId>,
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
    tx: &mut Tx<'_>,
    req: &Request,
) -> Result<Result<Planned, Vec<FieldError>>, AppError> {
    let existing_units = units::all(tx)?;
    let existing_employees = employees::all(tx)?;
    let agency = tx.agency().clone();
    let mut gen = new_id;
    let mut ctx = Ctx {
        agency: &agency,
        mode: req.mode,
        first_row: req.first_row,
        now: now(),
        new_id: &mut gen,
    };
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
    let outcome = state
        .in_agency(who, move |tx| {
            let mut out = Outcome::empty(&req);
            if let (Some(key), false) = (&req.idempotency_key, req.dry_run) {
                if let Some(prev) = store::by_idempotency_key(tx, key)? {
                    if prev.request_hash != req.request_hash {
                        return Err(AppError::invalid(
                            "Idempotency-Key",
                            FieldCode::KeyReused,
                            "this key was used for a different request",
                        ));
                    }
                    tx.audit(Action::ImportReplay, Some(prev.id.as_str()))?;
                    return Ok(Err(store::replayed(prev)));
                }
            }
            let (unit_n, employee_n) = match &req.rows {
                Rows::Units(u) => (u.len(), 0),
                Rows::Employees(e) => (0, e.len()),
                Rows::Organisation(u, e) => (u.len(), e.len()),
            };
            let planned = plan_request(tx, &req)?;
            let check = Action::ImportCheck;
            let planned = match planned {
                Ok(p) => p,
                Err(errors) => {
                    tx.audit(check, None)?;
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
            let (active_units, active_employees) = (planned.active_units, planned.active_employees);
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
                    tx.audit(check, None)?;
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
                tx.audit(check, None)?;
                return Ok(Ok(out));
            }
            if let Some(p) = &planned.units {
                store::apply_units(tx, p)?;
            }
            if let Some(p) = &planned.employees {
                store::apply_employees(tx, p)?;
            }
            let record = ImportRow {
                id: ImportId(new_id()),
                agency_id: tx.agency().clone(),
                kind: out.kind,
                mode: req.mode,
                source: req.source.into(),
                actor_id: tx.actor().id.clone(),
                actor_role: tx.actor().role,
                created_at: now(),
                rows_total: (unit_n + employee_n) as i64,
                created: (uc.created + ec.created) as i64,
                updated: (uc.updated + ec.updated) as i64,
                deactivated: (uc.deactivated + ec.deactivated) as i64,
                unchanged: (uc.unchanged + ec.unchanged) as i64,
                idempotency_key: req.idempotency_key.clone(),
                request_hash: req.request_hash.clone(),
            };
            store::insert_record(tx, &record)?;
            tx.audit(Action::ImportApply, Some(record.id.as_str()))?;
            out.import_id = Some(record.id);
            Ok(Ok(out))
        })
        .await?;
    // A replay answers with the first import's record.
    Ok(outcome.unwrap_or_else(|prev| prev))
}

/// An HR client reads back only the imports it made itself.
fn own_only(who: &Identity) -> Option<String> {
    (who.role == tillit_api::Role::Integration).then(|| who.subject.clone())
}

#[cfg(test)]
mod tests;
