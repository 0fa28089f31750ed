//! Path parameters, one struct each, so a handler's signature and its spec
//! entry name the same typed id.

use serde::Deserialize;
use tillit_api::{
    AgencyId, ClientId, EmployeeId, FollowUpId, ImportId, QuestionnaireId, SurveyId, UnitId, UserId,
};
use utoipa::IntoParams;

macro_rules! path_params {
    ($($name:ident { $field:ident: $ty:ty, $doc:literal })+) => {$(
        #[derive(Debug, Deserialize, IntoParams)]
        #[into_params(parameter_in = Path)]
        pub struct $name {
            #[doc = $doc]
            pub $field: $ty,
        }
    )+};
}

path_params! {
    AgencyPath { agency_id: AgencyId, "The agency's id" }
    UnitPath { unit_id: UnitId, "The unit's id" }
    EmployeePath { employee_id: EmployeeId, "The employee's id" }
    UserPath { user_id: UserId, "The user's id" }
    ClientPath { integration_client_id: ClientId, "The HR client's id (not its `client_id`)" }
    ImportPath { import_id: ImportId, "The import's id" }
    SurveyPath { survey_id: SurveyId, "The survey's id" }
    FollowUpPath { follow_up_id: FollowUpId, "The follow-up's id" }
    VersionPath { version_id: QuestionnaireId, "The questionnaire version's id" }
}

/// The header that makes an import safe to retry; documented once for
/// every import route (read and checked by `organisation::import`).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IdempotencyKey {
    /// Makes a retried request return the first result instead of applying twice
    #[serde(rename = "Idempotency-Key")]
    #[param(min_length = 1, max_length = 200)]
    pub idempotency_key: Option<String>,
}

/// One group of a survey's report.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ReportGroupPath {
    /// The survey's id
    pub survey_id: SurveyId,
    /// The group's key from the report (`agency`, `u-…`, `l-…`)
    #[param(max_length = 80)]
    pub group_key: String,
}
