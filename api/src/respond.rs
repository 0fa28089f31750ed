//! Answering a survey: the respondent's side.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::{Language, Scale, Texts, Topic, TopicFlag};

/// Exchanges the link's token for a respondent session.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct StartSession {
    #[validate(length(min = 22, max = 200))]
    #[cfg_attr(feature = "server", schema(min_length = 22, max_length = 200))]
    pub token: String,
}

/// RESP-1: what the respondent is told before the first question.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PrivacyNotice {
    /// The agency: the controller.
    pub controller: String,
    /// The survey institute: the processor.
    pub processor: String,
    pub purposes: Texts,
    pub legal_basis: Texts,
    pub retention: Texts,
    pub rights: Texts,
    /// What research use means; consent is separate and optional.
    pub research: Texts,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RespondentSurvey {
    pub title: String,
    pub languages: Vec<Language>,
    #[serde(with = "crate::time::utc")]
    pub closes_at: DateTime<Utc>,
    pub notice: PrivacyNotice,
    pub scales: BTreeMap<String, Scale>,
    /// The core topics and the modules the agency chose, in order.
    pub topics: Vec<AskedTopic>,
}

/// A topic as the respondent gets it: its questions, without what only
/// reports use (a question's direction, a topic's factor), which also
/// keeps that out of the answering page's download.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AskedTopic {
    pub key: String,
    pub module: String,
    #[serde(default)]
    pub flags: Vec<TopicFlag>,
    pub title: Texts,
    pub questions: Vec<AskedQuestion>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AskedQuestion {
    pub key: String,
    pub scale: String,
    pub text: Texts,
}

impl From<&Topic> for AskedTopic {
    fn from(t: &Topic) -> AskedTopic {
        AskedTopic {
            key: t.key.clone(),
            module: t.module.clone(),
            flags: t.flags.clone(),
            title: t.title.clone(),
            questions: t
                .questions
                .iter()
                .map(|q| AskedQuestion {
                    key: q.key.clone(),
                    scale: q.scale.clone(),
                    text: q.text.clone(),
                })
                .collect(),
        }
    }
}

/// ROLE-2: the access token names the survey and the unit, never a person.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RespondentSession {
    pub access_token: String,
    pub expires_in: i64,
    /// The invitation's language, to start in.
    pub language: Language,
    pub survey: RespondentSurvey,
}

/// One submitted response. `answers` maps question keys to a scale step
/// (1 = the lowest label) or 0 for "not relevant / don't know"; questions
/// left out were skipped.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Submission {
    /// The link's token: marks the invitation answered, and is not stored with the answers.
    #[validate(length(min = 22, max = 200))]
    #[cfg_attr(feature = "server", schema(min_length = 22, max_length = 200))]
    pub token: String,
    /// A receipt code the app made at random (RES-3); sending the same one
    /// again returns the same receipt instead of counting twice.
    #[validate(length(min = 20, max = 64))]
    #[cfg_attr(feature = "server", schema(min_length = 20, max_length = 64))]
    pub receipt: String,
    pub answers: BTreeMap<String, u8>,
    #[serde(default)]
    pub research_consent: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Receipt {
    pub receipt: String,
}

/// RES-3: withdraw research consent with the receipt code alone.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct WithdrawConsent {
    #[validate(length(min = 20, max = 64))]
    #[cfg_attr(feature = "server", schema(min_length = 20, max_length = 64))]
    pub receipt: String,
}

/// The one-click opt-out link's query (DSR-4): the opt-out token, which
/// is not the answer link's token.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams))]
pub struct OptOutQuery {
    pub t: String,
}

/// Opt out from the web app's page, with the opt-out token from the mail.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct OptOut {
    #[validate(length(min = 22, max = 200))]
    #[cfg_attr(feature = "server", schema(min_length = 22, max_length = 200))]
    pub token: String,
}
