use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Agency {
    pub id: crate::AgencyId,
    pub name: String,
    pub org_number: Option<String>,
    pub active: bool,
    #[serde(with = "crate::time::utc")]
    pub created_at: DateTime<Utc>,
    /// Whether the agency has accepted the current terms version.
    pub terms_accepted: bool,
    /// Whether a controller admin has yet to choose a password (their
    /// invitation can be sent again).
    pub awaiting_admin: bool,
}

/// Onboards an agency and invites its first controller admin.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CreateAgency {
    #[validate(length(min = 2, max = 200))]
    #[cfg_attr(feature = "server", schema(min_length = 2, max_length = 200))]
    pub name: String,
    /// The nine-digit Norwegian organisation number, if known.
    #[validate(length(equal = 9))]
    #[cfg_attr(feature = "server", schema(min_length = 9, max_length = 9))]
    pub org_number: Option<String>,
    #[cfg_attr(feature = "server", schema(value_type = crate::text::EmailText))]
    pub admin_email: String,
    #[validate(length(min = 1, max = 200))]
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 200))]
    pub admin_name: String,
    /// The language of the admin's invitation mail (default `nb`).
    #[serde(default)]
    pub admin_language: crate::Language,
}

/// The agency and its first admin. The admin's invitation link goes to
/// them alone, by email: it is never in an API answer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AgencyCreated {
    pub agency: Agency,
    pub admin: crate::User,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TermsVersion {
    pub id: crate::TermsVersionId,
    pub version: i32,
    pub title: String,
    pub body_nb: String,
    pub body_nn: String,
    pub body_en: String,
    #[serde(with = "crate::time::utc")]
    pub published_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PublishTerms {
    #[validate(length(min = 2, max = 200))]
    #[cfg_attr(feature = "server", schema(min_length = 2, max_length = 200))]
    pub title: String,
    #[validate(length(min = 10, max = 200000))]
    #[cfg_attr(feature = "server", schema(min_length = 10, max_length = 200000))]
    pub body_nb: String,
    #[validate(length(min = 10, max = 200000))]
    #[cfg_attr(feature = "server", schema(min_length = 10, max_length = 200000))]
    pub body_nn: String,
    #[validate(length(min = 10, max = 200000))]
    #[cfg_attr(feature = "server", schema(min_length = 10, max_length = 200000))]
    pub body_en: String,
}

/// TERMS-1: both confirmations are required.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AcceptTerms {
    pub terms_version_id: crate::TermsVersionId,
    /// I am the responsible leader, or have been delegated the responsibility.
    pub confirm_responsible: bool,
    /// I can bind the agency.
    pub confirm_authority: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TermsAcceptance {
    pub id: crate::TermsAcceptanceId,
    pub terms_version_id: crate::TermsVersionId,
    pub version: i32,
    pub accepted_by_name: String,
    pub accepted_by_email: String,
    #[serde(with = "crate::time::utc")]
    pub accepted_at: DateTime<Utc>,
    pub confirm_responsible: bool,
    pub confirm_authority: bool,
}

/// The agency's standing towards the terms, and its acceptance history.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TermsStatus {
    pub current: Option<TermsVersion>,
    pub accepted_current: bool,
    pub history: Vec<TermsAcceptance>,
}
