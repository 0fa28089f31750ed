use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::{FieldError, Language, Role};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Unit {
    pub id: crate::UnitId,
    pub external_id: String,
    pub name: String,
    pub parent_id: Option<crate::UnitId>,
    pub active: bool,
    /// Active employees directly in this unit.
    pub employee_count: i64,
    /// Active employees in this unit and all its active sub-units.
    pub total_employee_count: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CreateUnit {
    #[cfg_attr(feature = "server", schema(value_type = crate::text::ExternalIdText))]
    pub external_id: String,
    #[cfg_attr(feature = "server", schema(value_type = crate::text::DisplayName))]
    pub name: String,
    /// None for a root unit.
    pub parent_id: Option<crate::UnitId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UpdateUnit {
    #[cfg_attr(feature = "server", schema(value_type = crate::text::DisplayName))]
    pub name: String,
    pub parent_id: Option<crate::UnitId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Employee {
    pub id: crate::EmployeeId,
    pub external_id: String,
    pub email: String,
    pub unit_id: crate::UnitId,
    pub unit_name: String,
    pub language: Language,
    pub active: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CreateEmployee {
    #[cfg_attr(feature = "server", schema(value_type = crate::text::ExternalIdText))]
    pub external_id: String,
    #[cfg_attr(feature = "server", schema(value_type = crate::text::EmailText))]
    pub email: String,
    pub unit_id: crate::UnitId,
    #[serde(default)]
    pub language: Language,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UpdateEmployee {
    #[cfg_attr(feature = "server", schema(value_type = crate::text::EmailText))]
    pub email: String,
    pub unit_id: crate::UnitId,
    pub language: Language,
}

/// A person who logs in: controller admins and leaders of an agency.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct User {
    pub id: crate::UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    /// Whether the user has set a password (accepted the invitation).
    pub activated: bool,
    pub language: Language,
    /// For leaders: the units they lead (with their sub-units).
    pub unit_ids: Vec<crate::UnitId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CreateUser {
    #[cfg_attr(feature = "server", schema(value_type = crate::text::EmailText))]
    pub email: String,
    #[cfg_attr(feature = "server", schema(value_type = crate::text::DisplayName))]
    pub name: String,
    /// `controller_admin` or `leader`.
    pub role: Role,
    #[serde(default)]
    pub unit_ids: Vec<crate::UnitId>,
    /// The language of the invitation mail (default `nb`).
    #[serde(default)]
    pub language: Language,
}

/// Renames a user, changes the units a leader leads, or changes the role.
/// A changed role ends all of the user's sessions.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UpdateUser {
    #[cfg_attr(feature = "server", schema(value_type = crate::text::DisplayName))]
    pub name: String,
    #[serde(default)]
    pub unit_ids: Vec<crate::UnitId>,
    /// `controller_admin` or `leader`; unchanged when absent.
    #[serde(default)]
    pub role: Option<Role>,
}

/// An HR system's machine login.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct IntegrationClient {
    pub id: crate::ClientId,
    pub name: String,
    pub client_id: String,
    pub active: bool,
    #[serde(with = "crate::time::utc")]
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CreateIntegrationClient {
    #[cfg_attr(feature = "server", schema(value_type = crate::text::DisplayName))]
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
#[cfg_attr(
    feature = "server",
    derive(
        utoipa::ToSchema,
        diesel::expression::AsExpression,
        diesel::deserialize::FromSqlRow
    )
)]
#[cfg_attr(feature = "server", diesel(sql_type = diesel::sql_types::Text))]
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
    pub fn parse(s: &str) -> Option<ImportMode> {
        [ImportMode::Upsert, ImportMode::FullSync]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}

#[cfg(feature = "server")]
crate::text_sql!(ImportMode, ImportMode::parse);

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UnitRow {
    #[cfg_attr(feature = "server", schema(value_type = crate::text::ExternalIdText))]
    pub external_id: String,
    #[cfg_attr(feature = "server", schema(value_type = crate::text::DisplayName))]
    pub name: String,
    /// The parent's external id; empty or absent for a root unit.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(value_type = Option<crate::text::ExternalIdText>))]
    pub parent_external_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EmployeeRow {
    #[cfg_attr(feature = "server", schema(value_type = crate::text::ExternalIdText))]
    pub external_id: String,
    #[cfg_attr(feature = "server", schema(value_type = crate::text::EmailText))]
    pub email: String,
    #[cfg_attr(feature = "server", schema(value_type = crate::text::ExternalIdText))]
    pub unit_external_id: String,
    /// `nb`, `nn` or `en`; `nb` when absent.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(value_type = Option<crate::Language>))]
    pub language: Option<String>,
}

/// Rows one import may carry; a longer list is refused as it is read,
/// before the rest of it is parsed.
pub const MAX_IMPORT_ROWS: usize = 100_000;

/// The message that marks a refused over-long list (the server maps it to
/// the field code `too_many_rows`).
pub const TOO_MANY_ROWS: &str = "too many rows";

/// Deserializes a list, refusing it as soon as it passes [`MAX_IMPORT_ROWS`].
pub fn bounded_rows<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Bounded<T>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Bounded<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            write!(f, "a list of at most {MAX_IMPORT_ROWS} rows")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(MAX_IMPORT_ROWS));
            while let Some(item) = seq.next_element()? {
                if out.len() == MAX_IMPORT_ROWS {
                    return Err(serde::de::Error::custom(format!(
                        "{TOO_MANY_ROWS}: at most {MAX_IMPORT_ROWS} per request"
                    )));
                }
                out.push(item);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(Bounded(std::marker::PhantomData))
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({"mode": "upsert", "dry_run": true, "units": [
    {"external_id": "DIR", "name": "Direktoratet"},
    {"external_id": "IT", "name": "IT-avdelingen", "parent_external_id": "DIR"}
]})))]
pub struct UnitImport {
    #[serde(default)]
    pub mode: ImportMode,
    /// Validate and count, change nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// A full sync that would deactivate more than the allowed share of the
    /// agency's active units is refused unless this states exactly how many
    /// it will deactivate (the dry run tells).
    #[serde(default)]
    pub confirm_deactivations: Option<usize>,
    /// Up to 100,000 rows.
    #[serde(deserialize_with = "bounded_rows")]
    pub units: Vec<UnitRow>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({"mode": "full_sync", "dry_run": false, "employees": [
    {"external_id": "EMP-10442", "email": "kari.nordmann@direktoratet.no", "unit_external_id": "IT", "language": "nn"}
]})))]
pub struct EmployeeImport {
    #[serde(default)]
    pub mode: ImportMode,
    #[serde(default)]
    pub dry_run: bool,
    /// See `UnitImport.confirm_deactivations`.
    #[serde(default)]
    pub confirm_deactivations: Option<usize>,
    /// Up to 100,000 rows.
    #[serde(deserialize_with = "bounded_rows")]
    pub employees: Vec<EmployeeRow>,
}

/// Units and employees in one request: checked together (employees may
/// name units of the same batch), applied together, with one dry run.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct OrganisationImport {
    #[serde(default)]
    pub mode: ImportMode,
    #[serde(default)]
    pub dry_run: bool,
    /// Units and employees the full sync will deactivate, together; needed
    /// when either goes past the allowed share.
    #[serde(default)]
    pub confirm_deactivations: Option<usize>,
    /// Up to 100,000 rows.
    #[serde(deserialize_with = "bounded_rows")]
    pub units: Vec<UnitRow>,
    /// Up to 100,000 rows.
    #[serde(deserialize_with = "bounded_rows")]
    pub employees: Vec<EmployeeRow>,
}

/// A CSV file sent as JSON, for clients that can only send JSON bodies.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CsvUpload {
    /// The file's text, header row first.
    #[cfg_attr(
        feature = "server",
        schema(
            example = "external_id,name,parent_external_id\nDIR,Direktoratet,\nIT,IT-avdelingen,DIR\n"
        )
    )]
    pub csv: String,
}

/// Query parameters of the CSV upload endpoints.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "server", into_params(parameter_in = Query))]
pub struct CsvImportQuery {
    pub mode: Option<ImportMode>,
    pub dry_run: Option<bool>,
    /// See `UnitImport.confirm_deactivations`.
    pub confirm_deactivations: Option<usize>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(
    feature = "server",
    derive(
        utoipa::ToSchema,
        diesel::expression::AsExpression,
        diesel::deserialize::FromSqlRow
    )
)]
#[cfg_attr(feature = "server", diesel(sql_type = diesel::sql_types::Text))]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Units,
    Employees,
    /// Units and employees together.
    Organisation,
}

impl ImportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Units => "units",
            ImportKind::Employees => "employees",
            ImportKind::Organisation => "organisation",
        }
    }
    pub fn parse(s: &str) -> Option<ImportKind> {
        [
            ImportKind::Units,
            ImportKind::Employees,
            ImportKind::Organisation,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

#[cfg(feature = "server")]
crate::text_sql!(ImportKind, ImportKind::parse);

/// A full sync that deactivates more than [`MassDeactivation::SHARE_PERCENT`]
/// percent of the active rows (and more than
/// [`MassDeactivation::FREE_ROWS`]) needs `confirm_deactivations`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MassDeactivation {
    /// Rows the sync would deactivate (units and employees together for an
    /// organisation import).
    pub would_deactivate: usize,
    /// Active rows before the sync.
    pub active: usize,
}

impl MassDeactivation {
    pub const SHARE_PERCENT: usize = 10;
    pub const FREE_ROWS: usize = 5;
    /// Whether deactivating `n` of `active` rows needs a confirmation.
    pub fn needed(n: usize, active: usize) -> bool {
        n > Self::FREE_ROWS && n * 100 > active * Self::SHARE_PERCENT
    }
}

/// What one kind of row an import changed, or would change.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ImportCounts {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub deactivated: usize,
    pub unchanged: usize,
}

/// What an organisation import did, or would do for a dry run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct OrganisationImportSummary {
    pub import_id: Option<crate::ImportId>,
    pub mode: ImportMode,
    pub dry_run: bool,
    pub applied: bool,
    pub units: ImportCounts,
    pub employees: ImportCounts,
    /// Present when the sync needs `confirm_deactivations` to be applied.
    pub needs_confirmation: Option<MassDeactivation>,
    /// Every bad row; fields are prefixed `units.` or `employees.`.
    pub errors: Vec<FieldError>,
}

/// What an import did, or would do for a dry run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ImportSummary {
    /// The import record, when the import was applied.
    pub import_id: Option<crate::ImportId>,
    pub kind: ImportKind,
    pub mode: ImportMode,
    pub dry_run: bool,
    pub applied: bool,
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub deactivated: usize,
    pub unchanged: usize,
    /// Present when the sync needs `confirm_deactivations` to be applied.
    pub needs_confirmation: Option<MassDeactivation>,
    /// Every bad row, with its row number, field and reason.
    pub errors: Vec<FieldError>,
}

/// The kept record of one applied import.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ImportRecord {
    pub id: crate::ImportId,
    pub kind: ImportKind,
    pub mode: ImportMode,
    /// `json` or `csv`.
    pub source: String,
    pub actor_role: Role,
    pub actor_name: String,
    #[serde(with = "crate::time::utc")]
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
    /// Entries in the chain (sealed).
    pub entries: i64,
    pub valid: bool,
    /// The first position whose seal does not match, if any.
    pub broken_at: Option<i64>,
    /// Entries appended and still waiting for their seal (seconds at most).
    pub unsealed: i64,
}
