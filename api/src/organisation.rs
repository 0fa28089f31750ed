use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::{FieldError, Language, Role};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Unit {
    pub id: String,
    pub external_id: String,
    pub name: String,
    pub parent_id: Option<String>,
    pub active: bool,
    /// Active employees directly in this unit.
    pub employee_count: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CreateUnit {
    pub external_id: String,
    pub name: String,
    /// None for a root unit.
    pub parent_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UpdateUnit {
    pub name: String,
    pub parent_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Employee {
    pub id: String,
    pub external_id: String,
    pub email: String,
    pub unit_id: String,
    pub unit_name: String,
    pub language: Language,
    pub active: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CreateEmployee {
    pub external_id: String,
    pub email: String,
    pub unit_id: String,
    #[serde(default)]
    pub language: Language,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UpdateEmployee {
    pub email: String,
    pub unit_id: String,
    pub language: Language,
}

/// A person who logs in: controller admins and leaders of an agency.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    /// Whether the user has set a password (accepted the invitation).
    pub activated: bool,
    /// For leaders: the units they lead (with their sub-units).
    pub unit_ids: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CreateUser {
    pub email: String,
    pub name: String,
    /// `controller_admin` or `leader`.
    pub role: Role,
    #[serde(default)]
    pub unit_ids: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UpdateUser {
    pub name: String,
    #[serde(default)]
    pub unit_ids: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UserInvited {
    pub user: User,
    /// One-time link for the user to choose a password (valid 7 days).
    pub invitation_url: String,
}

/// An HR system's machine login.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct IntegrationClient {
    pub id: String,
    pub name: String,
    pub client_id: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CreateIntegrationClient {
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct IntegrationClientCreated {
    pub client: IntegrationClient,
    /// Shown once; only its hash is kept.
    pub client_secret: String,
}

/// ORG-2: `upsert` creates and updates; `full_sync` also deactivates every
/// active row that the payload leaves out.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    #[default]
    Upsert,
    FullSync,
}

impl ImportMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportMode::Upsert => "upsert",
            ImportMode::FullSync => "full_sync",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UnitRow {
    pub external_id: String,
    pub name: String,
    /// The parent's external id; empty or absent for a root unit.
    #[serde(default)]
    pub parent_external_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EmployeeRow {
    pub external_id: String,
    pub email: String,
    pub unit_external_id: String,
    /// `nb`, `nn` or `en`; `nb` when absent.
    #[serde(default)]
    pub language: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UnitImport {
    #[serde(default)]
    pub mode: ImportMode,
    /// Validate and count, change nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// Up to 100,000 rows.
    pub units: Vec<UnitRow>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EmployeeImport {
    #[serde(default)]
    pub mode: ImportMode,
    #[serde(default)]
    pub dry_run: bool,
    /// Up to 100,000 rows.
    pub employees: Vec<EmployeeRow>,
}

/// Query parameters of the CSV upload endpoints.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams))]
pub struct CsvImportQuery {
    pub mode: Option<ImportMode>,
    pub dry_run: Option<bool>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Units,
    Employees,
}

/// What an import did, or would do for a dry run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ImportSummary {
    /// The import record, when the import was applied.
    pub import_id: Option<String>,
    pub kind: ImportKind,
    pub mode: ImportMode,
    pub dry_run: bool,
    pub applied: bool,
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub deactivated: usize,
    pub unchanged: usize,
    /// Every bad row, with its row number, field and reason.
    pub errors: Vec<FieldError>,
}

/// The kept record of one applied import.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ImportRecord {
    pub id: String,
    pub kind: ImportKind,
    pub mode: ImportMode,
    /// `json` or `csv`.
    pub source: String,
    pub actor_role: Role,
    pub actor_name: String,
    pub created_at: DateTime<Utc>,
    pub rows: i64,
    pub created: i64,
    pub updated: i64,
    pub deactivated: i64,
    pub unchanged: i64,
}

/// Result of checking the audit trail's hash chain (GDPR-1).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AuditVerification {
    pub entries: i64,
    pub valid: bool,
    /// The first entry whose hash does not match, if any.
    pub broken_at: Option<i64>,
}
