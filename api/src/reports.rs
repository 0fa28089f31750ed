//! Reports (REP-*): what a closed survey's frozen release shows. Every
//! figure here was computed once when the survey closed; a hidden figure
//! comes with its reason and never its value.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::surveys::{HiddenReason, Questionnaire};

/// What a report group is.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    /// The whole agency.
    Agency,
    /// A unit with all its sub-units.
    Unit,
    /// The units one leader leads, taken together.
    Leader,
    /// Other agencies on the same questionnaire, summed (3 or more).
    Benchmark,
}

impl GroupKind {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupKind::Agency => "agency",
            GroupKind::Unit => "unit",
            GroupKind::Leader => "leader",
            GroupKind::Benchmark => "benchmark",
        }
    }
    pub fn parse(s: &str) -> Option<GroupKind> {
        [
            GroupKind::Agency,
            GroupKind::Unit,
            GroupKind::Leader,
            GroupKind::Benchmark,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// One group of a report, with its size and response rate.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ReportGroup {
    /// `agency`, `u-<unit id>` or `l-<…>`: stable within the release.
    pub key: String,
    pub kind: GroupKind,
    pub unit_id: Option<crate::UnitId>,
    /// The parent group in the unit tree as it stood at close.
    pub parent: Option<String>,
    /// The unit's name at close; for a leader's group, its units' names.
    pub name: String,
    pub depth: u32,
    /// Responses; None when the group shows nothing.
    pub responses: Option<i64>,
    pub hidden: Option<HiddenReason>,
    pub invited: Option<i64>,
    pub answered: Option<i64>,
    /// Percent answered; None when hidden.
    pub rate: Option<f64>,
    pub rate_hidden: Option<HiddenReason>,
}

/// A difference between two released means.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Delta {
    /// This group's mean minus the other's, on the figure's own scale.
    pub value: f64,
    /// Large enough to act on: at least 7.5 % of the scale's range (0.3 on
    /// a 1–5 question, 5 points on a 0–100 score), with 10 or more answers.
    pub meaningful: bool,
}

/// One figure of one group.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Figure {
    /// `q:<question>`, `t:<topic>`, `i:<index>`, or `h:<topic>:<low|middle|high>`
    /// (the mean complaint level 0–100 of those who scored the topic so).
    pub measure: String,
    /// Valid answers (respondents with a score, for topics and indices).
    pub n: Option<i64>,
    /// On the question's own scale (1 = its first step); 0–100, higher
    /// better, for topics and indices.
    pub mean: Option<f64>,
    /// Answers per step (questions) or per band low, middle, high (topics,
    /// indices: below 40, 40–60, above 60).
    pub distribution: Option<Vec<i64>>,
    pub mean_hidden: Option<HiddenReason>,
    pub distribution_hidden: Option<HiddenReason>,
    pub vs_agency: Option<Delta>,
    pub vs_benchmark: Option<Delta>,
    pub vs_previous: Option<Delta>,
    /// Everyone who answered gave the same answer (shown: see the docs).
    pub unanimous: bool,
}

/// A note a report carries (REP-9).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportNote {
    /// Leadership results describe the unit's leaders, who can be
    /// identified by their role.
    Leadership,
    /// Bullying, unwanted sexual attention and health complaints appear
    /// only in the whole agency's report.
    AgencyOnlyTopics,
}

/// A closed survey's report: its questions and the groups the reader may
/// open.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ReportIndex {
    pub survey_id: crate::SurveyId,
    pub title: String,
    #[serde(with = "crate::time::utc")]
    pub frozen_at: DateTime<Utc>,
    /// The topics and questions this survey asked, with scales and indices.
    pub questionnaire: Questionnaire,
    /// In tree order: the agency (admins only), units, then leaders' groups.
    pub groups: Vec<ReportGroup>,
    /// Agencies in the benchmark; None when there is none.
    pub benchmark_agencies: Option<i32>,
    /// The survey the previous-round differences compare with.
    pub previous_survey_id: Option<crate::SurveyId>,
}

/// Every figure of one group.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct GroupReport {
    pub group: ReportGroup,
    pub figures: Vec<Figure>,
    /// The benchmark's means for the same measures, when there is one.
    pub benchmark: Vec<Figure>,
    pub notes: Vec<ReportNote>,
}

/// Topic and index scores for every group the reader may see.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Heatmap {
    /// Measure keys, in column order.
    pub columns: Vec<String>,
    pub rows: Vec<HeatmapRow>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct HeatmapRow {
    pub group: ReportGroup,
    /// One per column, in the same order.
    pub figures: Vec<Figure>,
}

/// Which CSV a download is.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CsvVariant {
    /// RFC 4180: comma-separated, decimal point, CRLF line ends.
    #[default]
    Rfc4180,
    /// Opens as columns in Excel set to Norwegian: a byte-order mark,
    /// semicolon-separated, decimal comma.
    Excel,
}

/// How a report is exported.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "server", into_params(parameter_in = Query))]
pub struct ExportQuery {
    /// `rfc4180` (default) or `excel`.
    pub variant: Option<CsvVariant>,
    /// The language of titles and notes (default `nb`).
    pub lang: Option<crate::Language>,
}
