use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// An RFC 9457 problem document (`application/problem+json`), the body of
/// every failed request.
///
/// `code` is stable: clients branch on it and translate it; `title` and
/// `detail` are English for people reading the raw answer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI naming the kind of problem, e.g. `https://tillit.no/problems/validation`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// What went wrong, as a stable machine code (see the `ProblemCode` schema).
    pub code: ProblemCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Values the problem refers to, e.g. `retry_after` in seconds.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "server", schema(value_type = Object))]
    pub params: BTreeMap<String, serde_json::Value>,
    /// Every invalid field, when the problem is invalid input.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// One invalid input value: which field and why. Import rows also name the row.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// 1-based row number, for bulk imports (CSV rows count the header as row 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// The field's name as sent, e.g. `email` or `units[3].parent_external_id`.
    pub field: String,
    /// Why, as a stable machine code (see the `FieldCode` schema).
    pub code: FieldCode,
    /// Values the reason refers to, e.g. `min` and `max` for a length.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "server", schema(value_type = Object))]
    pub params: BTreeMap<String, serde_json::Value>,
    /// A human-readable explanation in English.
    pub reason: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: FieldCode, reason: impl Into<String>) -> Self {
        FieldError {
            row: None,
            field: field.into(),
            code,
            params: BTreeMap::new(),
            reason: reason.into(),
        }
    }
    pub fn at_row(mut self, row: usize) -> Self {
        self.row = Some(row);
        self
    }
    pub fn with(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.params.insert(key.to_string(), value.into());
        self
    }
    /// A parameter as a number, for messages such as "at most {max}".
    pub fn param(&self, key: &str) -> Option<i64> {
        self.params.get(key).and_then(serde_json::Value::as_i64)
    }
}

impl Problem {
    pub fn param(&self, key: &str) -> Option<i64> {
        self.params.get(key).and_then(serde_json::Value::as_i64)
    }
}

/// Declares a code enum with its wire names, so the list lives in one place.
macro_rules! codes {
    ($(#[$meta:meta])* $name:ident { $($(#[doc = $doc:literal])* $variant:ident = $wire:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[doc = $doc])* #[serde(rename = $wire)] $variant,)+
            /// A code this client does not know yet (a newer server).
            #[serde(rename = "unknown")]
            Unknown,
        }

        // Read by hand through `ALL`: serde's derive matches the names three
        // times over (as text, as bytes, by index), which the web apps
        // download for every code.
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let wire = std::borrow::Cow::<'de, str>::deserialize(d)?;
                Ok(Self::ALL
                    .iter()
                    .copied()
                    .find(|c| c.as_str() == wire)
                    .unwrap_or($name::Unknown))
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $wire,)+
                    $name::Unknown => "unknown",
                }
            }
            /// What the code means, as its doc comment says (for the spec).
            pub fn doc(self) -> &'static str {
                match self {
                    $($name::$variant => concat!($($doc, " ",)* ""),)+
                    $name::Unknown => "",
                }
            }
        }

        // Written out rather than derived: the derive cannot read the wire
        // names through the macro, and would list the variants' names.
        #[cfg(feature = "server")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($wire),+]))
                    .into()
            }
        }

        #[cfg(feature = "server")]
        impl utoipa::ToSchema for $name {}
    };
}

codes! {
    /// What went wrong with a request. Stable: documented in `docs/errors.md`.
    ProblemCode {
        // Generic
        /// Nothing this caller can see is at this path.
        NotFound = "not_found",
        /// The path exists; the `Allow` header lists its methods.
        MethodNotAllowed = "method_not_allowed",
        /// One or more fields are invalid: see `errors`.
        InvalidInput = "invalid_input",
        /// The request could not be read.
        BadRequest = "bad_request",
        /// The body is larger than `params.limit` bytes.
        PayloadTooLarge = "payload_too_large",
        /// The body is not of a media type the route reads.
        UnsupportedMediaType = "unsupported_media_type",
        /// Slow down: `params.retry_after` seconds.
        TooManyRequests = "too_many_requests",
        /// Overloaded or starting: try again shortly.
        Unavailable = "unavailable",
        /// A fault on the server side; it has been logged.
        Internal = "internal",
        /// The caller's role may not do this.
        Forbidden = "forbidden",
        /// A cookie-authenticated request from another site.
        OriginRefused = "origin_refused",
        // Authentication
        /// No access token was sent.
        TokenMissing = "token_missing",
        /// The access token is malformed, expired or not this server's.
        TokenInvalid = "token_invalid",
        /// The session was ended (logout, password change, deactivation,
        /// role change) or the account or client is no longer active.
        SessionEnded = "session_ended",
        /// Wrong email or password.
        WrongCredentials = "wrong_credentials",
        /// Unknown client id or wrong secret.
        WrongClientCredentials = "wrong_client_credentials",
        /// An invitation or password link that is unknown, used or expired.
        LinkInvalid = "link_invalid",
        // People and organisation
        /// Another active person in the agency has this email.
        EmailTaken = "email_taken",
        /// Another row in the agency has this external id.
        ExternalIdTaken = "external_id_taken",
        /// Another row has the same key.
        Duplicate = "duplicate",
        /// An admin cannot deactivate themselves.
        SelfDeactivation = "self_deactivation",
        /// An admin cannot change their own role.
        SelfRoleChange = "self_role_change",
        /// The account was activated already; log in instead.
        AlreadyActivated = "already_activated",
        /// The account is deactivated.
        UserInactive = "user_inactive",
        /// `params.units` active sub-units and `params.employees` active employees remain.
        UnitInUse = "unit_in_use",
        /// A full sync would deactivate more than the allowed share; see `params`.
        MassDeactivation = "mass_deactivation",
        // Terms
        /// The institute has not published terms yet.
        TermsNotPublished = "terms_not_published",
        /// These are not the current terms.
        TermsNotCurrent = "terms_not_current",
        /// The agency has accepted these terms already.
        TermsAlreadyAccepted = "terms_already_accepted",
        /// The agency must accept the current terms first.
        TermsNotAccepted = "terms_not_accepted",
        // Questionnaires
        /// A published questionnaire version cannot change.
        QuestionnaireFrozen = "questionnaire_frozen",
        /// This version is published already.
        QuestionnaireAlreadyPublished = "questionnaire_already_published",
        // Surveys and answering
        /// An open survey can only have its closing moved later.
        SurveyOpenExtendOnly = "survey_open_extend_only",
        /// The survey has closed.
        SurveyClosed = "survey_closed",
        /// The survey was launched already.
        SurveyAlreadyLaunched = "survey_already_launched",
        /// The closing time has passed.
        SurveyClosingPassed = "survey_closing_passed",
        /// The survey is not open for answers.
        SurveyNotOpen = "survey_not_open",
        /// No active employees to invite.
        NoEmployees = "no_employees",
        /// This invitation has been answered.
        AlreadyAnswered = "already_answered",
        // Reports
        /// The report is made about a minute after the survey closes.
        ReportNotReady = "report_not_ready",
    }
}

codes! {
    /// Why one field is invalid. Stable: documented in `docs/errors.md`.
    FieldCode {
        Required = "required",
        /// `params.min` and/or `params.max` characters (or `params.equal`).
        Length = "length",
        /// At most `params.max` characters.
        TooLong = "too_long",
        /// Outside `params.min`..`params.max`.
        OutOfRange = "out_of_range",
        InvalidEmail = "invalid_email",
        /// Control characters or bidirectional overrides.
        InvalidCharacters = "invalid_characters",
        InvalidType = "invalid_type",
        MalformedJson = "malformed_json",
        MalformedCsv = "malformed_csv",
        MissingColumn = "missing_column",
        InvalidEncoding = "invalid_encoding",
        /// More than `params.max` rows.
        TooManyRows = "too_many_rows",
        Duplicate = "duplicate",
        Cycle = "cycle",
        UnknownParent = "unknown_parent",
        UnknownUnit = "unknown_unit",
        EmailTaken = "email_taken",
        InvalidLanguage = "invalid_language",
        InvalidHeader = "invalid_header",
        KeyReused = "key_reused",
        InvalidOrgNumber = "invalid_org_number",
        MustConfirm = "must_confirm",
        NotALeader = "not_a_leader",
        InvalidRole = "invalid_role",
        UnknownVersion = "unknown_version",
        UnknownModule = "unknown_module",
        NotOptional = "not_optional",
        BeforeOpening = "before_opening",
        InThePast = "in_the_past",
        /// Reminder day outside the survey's period.
        OutsidePeriod = "outside_period",
        InvalidScale = "invalid_scale",
        UnknownScale = "unknown_scale",
        UnknownQuestion = "unknown_question",
        UnknownTopic = "unknown_topic",
        /// No such survey in this agency.
        UnknownSurvey = "unknown_survey",
        /// A sensitive or health topic where only the agency report may
        /// show it (REP-6, REP-7).
        AgencyOnlyTopic = "agency_only_topic",
        InvalidReceipt = "invalid_receipt",
        InvalidQuery = "invalid_query",
        InvalidPath = "invalid_path",
        /// Too easy to guess (a common password or a simple pattern).
        WeakPassword = "weak_password",
        /// Contains the email address or its name part.
        PasswordContainsEmail = "password_contains_email",
        /// The current password given to change it is wrong.
        WrongPassword = "wrong_password",
        /// The new password is the current one.
        PasswordUnchanged = "password_unchanged",
        Invalid = "invalid",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_as_itself_and_a_new_one_as_unknown() {
        for code in ProblemCode::ALL {
            let wire = serde_json::to_string(code).unwrap();
            assert_eq!(serde_json::from_str::<ProblemCode>(&wire).unwrap(), *code);
        }
        for code in FieldCode::ALL {
            let wire = serde_json::to_string(code).unwrap();
            assert_eq!(serde_json::from_str::<FieldCode>(&wire).unwrap(), *code);
        }
        // A newer server's code, and one written with an escape.
        let later: ProblemCode = serde_json::from_str("\"quota_exceeded\"").unwrap();
        assert_eq!(later, ProblemCode::Unknown);
        let escaped: FieldCode = serde_json::from_str("\"require\\u0064\"").unwrap();
        assert_eq!(escaped, FieldCode::Required);
        assert!(serde_json::from_str::<ProblemCode>("7").is_err());
    }
}
