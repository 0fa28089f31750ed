//! Follow-up actions (tiltak): what a unit does about a result of its
//! report, who owns it, by when, who took part, and whether the factor
//! moved by the next survey.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
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
pub enum FollowUpStatus {
    Planned,
    InProgress,
    Done,
    Cancelled,
}

impl FollowUpStatus {
    pub const ALL: [FollowUpStatus; 4] = [
        FollowUpStatus::Planned,
        FollowUpStatus::InProgress,
        FollowUpStatus::Done,
        FollowUpStatus::Cancelled,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            FollowUpStatus::Planned => "planned",
            FollowUpStatus::InProgress => "in_progress",
            FollowUpStatus::Done => "done",
            FollowUpStatus::Cancelled => "cancelled",
        }
    }
    pub fn parse(s: &str) -> Option<FollowUpStatus> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
    /// Still to be done: can be overdue.
    pub fn is_open(self) -> bool {
        matches!(self, FollowUpStatus::Planned | FollowUpStatus::InProgress)
    }
}

#[cfg(feature = "server")]
crate::text_sql!(FollowUpStatus, FollowUpStatus::parse);

/// What a follow-up says, as written and changed.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct FollowUpFields {
    /// The topic (factor) of the survey it answers.
    #[validate(length(min = 1, max = 100))]
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 100))]
    pub topic_key: String,
    #[validate(length(min = 2, max = 200))]
    #[cfg_attr(feature = "server", schema(min_length = 2, max_length = 200))]
    pub title: String,
    #[serde(default)]
    #[validate(length(max = 4000))]
    #[cfg_attr(feature = "server", schema(max_length = 4000))]
    pub description: String,
    /// Who sees to it (a name; not necessarily a user).
    #[validate(length(min = 2, max = 200))]
    #[cfg_attr(feature = "server", schema(min_length = 2, max_length = 200))]
    pub owner: String,
    pub due_on: NaiveDate,
    pub status: FollowUpStatus,
    /// The safety representative (verneombud) took part.
    #[serde(default)]
    pub with_safety_rep: bool,
    /// Union representatives (tillitsvalgte) took part.
    #[serde(default)]
    pub with_union_reps: bool,
    /// Employees of the unit took part.
    #[serde(default)]
    pub with_employees: bool,
    /// The unit's employees may see it.
    #[serde(default)]
    pub visible_to_employees: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewFollowUp {
    /// The reported survey whose result it follows up.
    pub survey_id: crate::SurveyId,
    pub unit_id: crate::UnitId,
    #[serde(flatten)]
    pub fields: FollowUpFields,
}

/// The fields are flattened on the wire, so their errors name them as the
/// client wrote them (`title`, not `fields.title`).
impl Validate for NewFollowUp {
    fn validate(&self) -> Result<(), validator::ValidationErrors> {
        self.fields.validate()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct FollowUp {
    pub id: crate::FollowUpId,
    pub survey_id: crate::SurveyId,
    pub survey_title: String,
    pub unit_id: crate::UnitId,
    pub unit_name: String,
    /// The topic's title in the survey's questionnaire.
    pub topic_title: crate::Texts,
    #[serde(flatten)]
    pub fields: FollowUpFields,
    /// Past its due date and not done or cancelled.
    pub overdue: bool,
    /// The topic's score (0–100) for the unit in the survey it follows up,
    /// when shown there.
    pub score_then: Option<f64>,
    /// The same in the agency's next reported survey, when there is one
    /// and it is shown: did the factor move?
    pub score_next: Option<f64>,
    #[serde(with = "crate::time::utc")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "crate::time::utc")]
    pub updated_at: DateTime<Utc>,
}

/// Follow-ups of one unit (with its sub-units' own), counted by status.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct FollowUpProgress {
    pub unit_id: crate::UnitId,
    pub unit_name: String,
    pub planned: i64,
    pub in_progress: i64,
    pub done: i64,
    pub cancelled: i64,
    pub overdue: i64,
}

/// Which follow-ups to list: overdue first, then by due date.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "server", into_params(parameter_in = Query))]
pub struct FollowUpQuery {
    pub survey_id: Option<crate::SurveyId>,
    pub unit_id: Option<crate::UnitId>,
    pub status: Option<FollowUpStatus>,
    /// 1-based page number (default 1).
    #[cfg_attr(feature = "server", param(minimum = 1, maximum = 1_000_000))]
    pub page: Option<i64>,
    /// Rows per page, 1..=200 (default 50).
    #[cfg_attr(feature = "server", param(minimum = 1, maximum = 200))]
    pub per_page: Option<i64>,
}
