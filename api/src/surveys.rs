use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

/// A text in the three languages of the product.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Texts {
    pub nb: String,
    pub nn: String,
    pub en: String,
}

impl Texts {
    pub fn get(&self, lang: crate::Language) -> &str {
        match lang {
            crate::Language::Nb => &self.nb,
            crate::Language::Nn => &self.nn,
            crate::Language::En => &self.en,
        }
    }
}

/// Labels of an ordinal scale, lowest first, in each language.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ScaleLabels {
    pub nb: Vec<String>,
    pub nn: Vec<String>,
    pub en: Vec<String>,
}

impl ScaleLabels {
    pub fn get(&self, lang: crate::Language) -> &[String] {
        match lang {
            crate::Language::Nb => &self.nb,
            crate::Language::Nn => &self.nn,
            crate::Language::En => &self.en,
        }
    }
}

/// A labelled answer scale. Answers are 1..=labels; the optional
/// "not relevant / don't know" answer is kept out of means.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Scale {
    pub labels: ScaleLabels,
    #[serde(default)]
    pub not_applicable: Option<Texts>,
}

/// topic flags that limit where results may appear.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TopicFlag {
    /// Bullying, unwanted sexual attention: whole-agency report only (REP-6).
    Sensitive,
    /// Health complaints: associations in the agency report only (REP-7).
    Health,
    /// Results describe a role and so its holder (REP-9).
    Leadership,
}

/// whether a high answer is good or bad for the work environment.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// "My manager supports me": the higher, the better.
    HigherIsBetter,
    /// "Do you have to work at a fast pace?": the higher, the worse.
    HigherIsWorse,
}

/// what a topic is for the work environment.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Factor {
    /// Strengthens the work environment (support, clarity, influence).
    Protective,
    /// Wears it down (demands, bullying, health complaints).
    Risk,
}

/// One question: always answered on a scale. There is no free text: in
/// small units free text identifies people.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Question {
    pub key: String,
    pub scale: String,
    pub text: Texts,
    /// Required in new versions; versions published before it have
    /// none, and their reports show figures without orienting them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Topic {
    pub key: String,
    /// `core`, or an optional module an agency picks per survey.
    pub module: String,
    #[serde(default)]
    pub flags: Vec<TopicFlag>,
    pub title: Texts,
    pub questions: Vec<Question>,
    /// Required in new versions, as a question's direction is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factor: Option<Factor>,
}

/// a score over several topics, each question turned so that higher
/// means better. Never over sensitive or health topics, whose figures are
/// for the agency report only (REP-6, REP-7).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Index {
    pub key: String,
    pub title: Texts,
    /// Topic keys.
    pub topics: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Module {
    pub nb: String,
    pub nn: String,
    pub en: String,
    /// False for `core`, which every survey includes.
    pub optional: bool,
}

impl Module {
    pub fn name(&self, lang: crate::Language) -> &str {
        match lang {
            crate::Language::Nb => &self.nb,
            crate::Language::Nn => &self.nn,
            crate::Language::En => &self.en,
        }
    }
}

/// A questionnaire: scales, modules and topics with their questions.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Questionnaire {
    pub modules: BTreeMap<String, Module>,
    pub scales: BTreeMap<String, Scale>,
    pub topics: Vec<Topic>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indices: Vec<Index>,
}

impl Questionnaire {
    pub fn item_count(&self) -> usize {
        self.topics.iter().map(|t| t.questions.len()).sum()
    }
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
pub enum VersionStatus {
    Draft,
    Published,
}

impl VersionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            VersionStatus::Draft => "draft",
            VersionStatus::Published => "published",
        }
    }
    pub fn parse(s: &str) -> Option<VersionStatus> {
        [VersionStatus::Draft, VersionStatus::Published]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

#[cfg(feature = "server")]
crate::text_sql!(VersionStatus, VersionStatus::parse);

/// A questionnaire version without its content.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct QuestionnaireSummary {
    pub id: crate::QuestionnaireId,
    pub version: i32,
    pub title: String,
    pub status: VersionStatus,
    pub items: usize,
    /// Used by a survey: frozen for good.
    pub used: bool,
    #[serde(default, with = "crate::time::utc_opt")]
    pub published_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct QuestionnaireVersion {
    #[serde(flatten)]
    pub summary: QuestionnaireSummary,
    pub content: Questionnaire,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct QuestionnaireDraft {
    #[validate(length(min = 2, max = 200))]
    #[cfg_attr(feature = "server", schema(min_length = 2, max_length = 200))]
    pub title: String,
    pub content: Questionnaire,
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
pub enum SurveyState {
    Draft,
    Open,
    Closed,
    Reported,
}

impl SurveyState {
    pub fn as_str(self) -> &'static str {
        match self {
            SurveyState::Draft => "draft",
            SurveyState::Open => "open",
            SurveyState::Closed => "closed",
            SurveyState::Reported => "reported",
        }
    }
    pub fn parse(s: &str) -> Option<SurveyState> {
        [
            SurveyState::Draft,
            SurveyState::Open,
            SurveyState::Closed,
            SurveyState::Reported,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

#[cfg(feature = "server")]
crate::text_sql!(SurveyState, SurveyState::parse);

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Survey {
    pub id: crate::SurveyId,
    pub title: String,
    pub questionnaire_version_id: crate::QuestionnaireId,
    /// Optional modules picked for this survey (core is always in).
    pub modules: Vec<String>,
    pub languages: Vec<crate::Language>,
    #[serde(with = "crate::time::utc")]
    pub opens_at: DateTime<Utc>,
    #[serde(with = "crate::time::utc")]
    pub closes_at: DateTime<Utc>,
    /// Days after opening when reminders go to those who have not answered.
    pub reminder_days: Vec<u32>,
    pub state: SurveyState,
    pub invitations: i64,
    #[serde(default, with = "crate::time::utc_opt")]
    pub launched_at: Option<DateTime<Utc>>,
    #[serde(default, with = "crate::time::utc_opt")]
    pub closed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CreateSurvey {
    #[validate(length(min = 2, max = 200))]
    #[cfg_attr(feature = "server", schema(min_length = 2, max_length = 200))]
    pub title: String,
    pub questionnaire_version_id: crate::QuestionnaireId,
    #[serde(default)]
    pub modules: Vec<String>,
    pub languages: Vec<crate::Language>,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    #[serde(default)]
    pub reminder_days: Vec<u32>,
}

/// Changes a survey: anything while a draft; once open, only a later `closes_at`.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UpdateSurvey {
    #[validate(length(min = 2, max = 200))]
    #[cfg_attr(feature = "server", schema(min_length = 2, max_length = 200))]
    pub title: String,
    #[serde(default)]
    pub modules: Vec<String>,
    pub languages: Vec<crate::Language>,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    #[serde(default)]
    pub reminder_days: Vec<u32>,
}

/// Why a group's figures are not shown (REP-9).
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
pub enum HiddenReason {
    /// The group has fewer than 6 people (REP-2).
    TooFew,
    /// Shown, it would let a small group elsewhere be worked out by
    /// subtraction (REP-8). Which group is not said.
    ProtectsOthers,
    /// The question's own count of valid answers is below the threshold
    /// (REP-5): under 6 for a mean, under 10 for a distribution.
    TooFewAnswers,
    /// 6 to 9 answers: the mean is shown, the distribution is not (REP-3).
    MeansOnly,
    /// A score over several questions, hidden because one of them is: the
    /// score could give the hidden one back.
    PartHidden,
}

impl HiddenReason {
    pub fn as_str(self) -> &'static str {
        match self {
            HiddenReason::TooFew => "too_few",
            HiddenReason::ProtectsOthers => "protects_others",
            HiddenReason::TooFewAnswers => "too_few_answers",
            HiddenReason::MeansOnly => "means_only",
            HiddenReason::PartHidden => "part_hidden",
        }
    }
    pub fn parse(s: &str) -> Option<HiddenReason> {
        [
            HiddenReason::TooFew,
            HiddenReason::ProtectsOthers,
            HiddenReason::TooFewAnswers,
            HiddenReason::MeansOnly,
            HiddenReason::PartHidden,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

#[cfg(feature = "server")]
crate::text_sql!(HiddenReason, HiddenReason::parse);

/// SURV-3: how many were invited and answered in one group (a unit with
/// all its sub-units). Rows come in the order of the unit tree.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RateRow {
    /// None for the whole agency.
    pub unit_id: Option<crate::UnitId>,
    pub name: String,
    pub parent_id: Option<crate::UnitId>,
    /// 0 for top-level units, 1 for their sub-units, and so on.
    pub depth: u32,
    /// Invitations in the group; None when hidden.
    pub invited: Option<i64>,
    pub answered: Option<i64>,
    /// Percent answered; None when hidden.
    pub rate: Option<f64>,
    /// Why the figures are not shown, when they are not.
    pub hidden: Option<HiddenReason>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ResponseRates {
    pub survey_id: crate::SurveyId,
    /// The survey's title, so a table of rates names its survey.
    pub title: String,
    pub state: SurveyState,
    /// The whole agency; absent for leaders, who see their own units only.
    pub agency: Option<RateRow>,
    pub units: Vec<RateRow>,
}
