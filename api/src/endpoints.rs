//! Every operation of the API as a typed descriptor: method, path, the body
//! it takes and the answer it gives. The web apps call through these, the
//! backend's and the end-to-end tests too, and a backend test checks each
//! one against the generated spec (same method and path, the body and the
//! answer named as these types), so a moved route or a changed body fails
//! a build or that test instead of a user.
//!
//! `()` as the body means none is sent; `()` as the answer means none comes
//! back (204 or 202).

use std::fmt::Display;
use std::marker::PhantomData;

use crate::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// One operation: `Req` is what it takes, `Res` what it answers.
pub struct Endpoint<Req, Res> {
    pub method: Method,
    /// The path as the spec writes it, with `{name}` for each parameter.
    pub path: &'static str,
    types: PhantomData<fn(Req) -> Res>,
}

impl<Req, Res> Clone for Endpoint<Req, Res> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Req, Res> Copy for Endpoint<Req, Res> {}

impl<Req, Res> Endpoint<Req, Res> {
    const fn new(method: Method, path: &'static str) -> Self {
        Endpoint {
            method,
            path,
            types: PhantomData,
        }
    }

    /// The request to make: the path's parameters filled in order
    /// (percent-encoded).
    pub fn to(self, args: &[&str]) -> Call<Req, Res> {
        let mut path = String::new();
        let mut args = args.iter();
        for (i, segment) in self.path.split('/').enumerate() {
            if i > 0 {
                path.push('/');
            }
            if segment.starts_with('{') {
                path.push_str(&encode(args.next().copied().unwrap_or_default()));
            } else {
                path.push_str(segment);
            }
        }
        Call {
            method: self.method,
            path,
            query: false,
            types: PhantomData,
        }
    }

    /// The request to make, for a path without parameters.
    pub fn call(self) -> Call<Req, Res> {
        self.to(&[])
    }
}

/// A request ready to send: an endpoint with its path filled in.
pub struct Call<Req, Res> {
    pub method: Method,
    /// Path and query, e.g. `/api/units/4f…?per_page=50`.
    pub path: String,
    query: bool,
    types: PhantomData<fn(Req) -> Res>,
}

impl<Req, Res> Clone for Call<Req, Res> {
    fn clone(&self) -> Self {
        Call {
            method: self.method,
            path: self.path.clone(),
            query: self.query,
            types: PhantomData,
        }
    }
}

impl<Req, Res> Call<Req, Res> {
    /// Adds `key=value` to the query (the value percent-encoded).
    pub fn query(mut self, key: &str, value: impl Display) -> Self {
        self.path.push(if self.query { '&' } else { '?' });
        self.query = true;
        self.path.push_str(key);
        self.path.push('=');
        self.path.push_str(&encode(&value.to_string()));
        self
    }

    /// Adds `key=value` when there is a value.
    pub fn query_opt(self, key: &str, value: Option<impl Display>) -> Self {
        match value {
            Some(v) => self.query(key, v),
            None => self,
        }
    }
}

/// Percent-encodes everything but the unreserved characters (RFC 3986).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 15)] as char);
            }
        }
    }
    out
}

/// One row of [`ALL`]: an endpoint with its types' names as written here,
/// for the test that holds the catalogue and the spec together.
#[derive(Debug)]
pub struct Operation {
    pub name: &'static str,
    pub method: Method,
    pub path: &'static str,
    pub request: &'static str,
    pub response: &'static str,
}

macro_rules! endpoints {
    ($( $(#[$doc:meta])* $name:ident: $method:ident $path:literal, $req:ty => $res:ty; )*) => {
        $( $(#[$doc])* pub const $name: Endpoint<$req, $res> = Endpoint::new(Method::$method, $path); )*

        /// Every endpoint, for the check against the spec.
        pub const ALL: &[Operation] = &[$(Operation {
            name: stringify!($name),
            method: Method::$method,
            path: $path,
            request: stringify!($req),
            response: stringify!($res),
        }),*];
    };
}

endpoints! {
    // Accounts and sessions.
    LOGIN: Post "/api/auth/login", LoginRequest => TokenResponse;
    CLIENT_TOKEN: Post "/api/auth/token", ClientCredentialsRequest => TokenResponse;
    /// The refresh cookie for a new access token (204 without a cookie).
    REFRESH: Post "/api/auth/refresh", () => Option<TokenResponse>;
    LOGOUT: Post "/api/auth/logout", () => ();
    ME: Get "/api/auth/me", () => Me;
    ACCEPT_INVITATION: Post "/api/auth/invitations/accept", AcceptInvitationRequest => TokenResponse;
    CHANGE_PASSWORD: Post "/api/auth/password", ChangePasswordRequest => ();
    REQUEST_PASSWORD_RESET: Post "/api/auth/password-reset", PasswordResetRequest => ();
    COMPLETE_PASSWORD_RESET: Post "/api/auth/password-reset/complete", CompletePasswordReset => TokenResponse;

    // The institute: agencies, terms, questionnaires.
    AGENCIES: Get "/api/agencies", () => Page<Agency>;
    CREATE_AGENCY: Post "/api/agencies", CreateAgency => AgencyCreated;
    AGENCY: Get "/api/agencies/{agency_id}", () => Agency;
    RESEND_AGENCY_INVITATION: Post "/api/agencies/{agency_id}/invitation", () => ();
    TERMS_VERSIONS: Get "/api/terms", () => Vec<TermsVersion>;
    PUBLISH_TERMS: Post "/api/terms", PublishTerms => TermsVersion;
    QUESTIONNAIRES: Get "/api/questionnaires", () => Vec<QuestionnaireSummary>;
    CREATE_QUESTIONNAIRE: Post "/api/questionnaires", QuestionnaireDraft => QuestionnaireVersion;
    QUESTIONNAIRE: Get "/api/questionnaires/{version_id}", () => QuestionnaireVersion;
    UPDATE_QUESTIONNAIRE: Put "/api/questionnaires/{version_id}", QuestionnaireDraft => QuestionnaireVersion;
    PUBLISH_QUESTIONNAIRE: Post "/api/questionnaires/{version_id}/publish", () => QuestionnaireSummary;

    // The agency's terms and audit trail.
    AGENCY_TERMS: Get "/api/agency/terms", () => TermsStatus;
    ACCEPT_TERMS: Post "/api/agency/terms/accept", AcceptTerms => TermsAcceptance;
    VERIFY_AUDIT: Get "/api/audit/verify", () => AuditVerification;

    // Organisation.
    UNITS: Get "/api/units", () => Page<Unit>;
    CREATE_UNIT: Post "/api/units", CreateUnit => Unit;
    UNIT: Get "/api/units/{unit_id}", () => Unit;
    UPDATE_UNIT: Put "/api/units/{unit_id}", UpdateUnit => Unit;
    DEACTIVATE_UNIT: Delete "/api/units/{unit_id}", () => ();
    EMPLOYEES: Get "/api/employees", () => Page<Employee>;
    CREATE_EMPLOYEE: Post "/api/employees", CreateEmployee => Employee;
    EMPLOYEE: Get "/api/employees/{employee_id}", () => Employee;
    UPDATE_EMPLOYEE: Put "/api/employees/{employee_id}", UpdateEmployee => Employee;
    DEACTIVATE_EMPLOYEE: Delete "/api/employees/{employee_id}", () => ();
    USERS: Get "/api/users", () => Page<User>;
    CREATE_USER: Post "/api/users", CreateUser => User;
    USER: Get "/api/users/{user_id}", () => User;
    UPDATE_USER: Put "/api/users/{user_id}", UpdateUser => User;
    DEACTIVATE_USER: Delete "/api/users/{user_id}", () => ();
    RESEND_USER_INVITATION: Post "/api/users/{user_id}/invitation", () => ();
    INTEGRATION_CLIENTS: Get "/api/integration-clients", () => Vec<IntegrationClient>;
    CREATE_INTEGRATION_CLIENT: Post "/api/integration-clients", CreateIntegrationClient => IntegrationClientCreated;
    DELETE_INTEGRATION_CLIENT: Delete "/api/integration-clients/{integration_client_id}", () => ();

    // The HR system's imports.
    IMPORTS: Get "/api/imports", () => Page<ImportRecord>;
    IMPORT: Get "/api/imports/{import_id}", () => ImportRecord;
    IMPORT_UNITS: Post "/api/imports/units", UnitImport => ImportSummary;
    IMPORT_EMPLOYEES: Post "/api/imports/employees", EmployeeImport => ImportSummary;
    IMPORT_ORGANISATION: Post "/api/imports/organisation", OrganisationImport => OrganisationImportSummary;
    /// Also takes the file as `text/csv`.
    IMPORT_UNITS_CSV: Post "/api/imports/units/csv", CsvUpload => ImportSummary;
    /// Also takes the file as `text/csv`.
    IMPORT_EMPLOYEES_CSV: Post "/api/imports/employees/csv", CsvUpload => ImportSummary;

    // Surveys.
    SURVEYS: Get "/api/surveys", () => Page<Survey>;
    CREATE_SURVEY: Post "/api/surveys", CreateSurvey => Survey;
    SURVEY: Get "/api/surveys/{survey_id}", () => Survey;
    UPDATE_SURVEY: Put "/api/surveys/{survey_id}", UpdateSurvey => Survey;
    LAUNCH_SURVEY: Post "/api/surveys/{survey_id}/launch", () => Survey;
    CLOSE_SURVEY: Post "/api/surveys/{survey_id}/close", () => Survey;
    RESPONSE_RATES: Get "/api/surveys/{survey_id}/rates", () => ResponseRates;

    // Reports of closed surveys.
    REPORT: Get "/api/surveys/{survey_id}/report", () => ReportIndex;
    REPORT_GROUP: Get "/api/surveys/{survey_id}/report/groups/{group_key}", () => GroupReport;
    REPORT_HEATMAP: Get "/api/surveys/{survey_id}/report/heatmap", () => Heatmap;
    /// `text/csv`: add `variant` (`rfc4180`, `excel`) and `lang`.
    REPORT_GROUP_CSV: Get "/api/surveys/{survey_id}/report/groups/{group_key}/csv", () => String;

    // Follow-up actions after a report.
    FOLLOW_UPS: Get "/api/follow-ups", () => Page<FollowUp>;
    CREATE_FOLLOW_UP: Post "/api/follow-ups", NewFollowUp => FollowUp;
    FOLLOW_UP: Get "/api/follow-ups/{follow_up_id}", () => FollowUp;
    UPDATE_FOLLOW_UP: Put "/api/follow-ups/{follow_up_id}", FollowUpFields => FollowUp;
    FOLLOW_UP_PROGRESS: Get "/api/follow-ups/progress", () => Vec<FollowUpProgress>;
    /// `text/csv`: add `survey_id`, `variant` (`rfc4180`, `excel`) and `lang`.
    FOLLOW_UPS_CSV: Get "/api/follow-ups/csv", () => String;

    // Employees answering.
    START_SESSION: Post "/api/respond/session", StartSession => RespondentSession;
    RESPONDENT_SURVEY: Get "/api/respond/survey", () => RespondentSurvey;
    SUBMIT: Post "/api/respond/submit", Submission => Receipt;
    /// One-click opt-out from the mail (the token in the query, `t`).
    OPT_OUT_ONE_CLICK: Post "/api/respond/opt-out", () => ();
    OPT_OUT: Post "/api/respond/opt-out/confirm", OptOut => ();
    WITHDRAW_CONSENT: Post "/api/research/withdraw", WithdrawConsent => ();
}

/// Operations that are the server's own business, not a client's: probes
/// for load balancers and the browser's CSP reports.
pub const OPERATIONAL: &[(Method, &str)] = &[
    (Method::Get, "/api/health"),
    (Method::Get, "/api/ready"),
    (Method::Post, "/api/csp-report"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_filled_in_order_and_encoded() {
        let c = UNIT.to(&["a b/c"]);
        assert_eq!(c.path, "/api/units/a%20b%2Fc");
        assert_eq!(c.method, Method::Get);
        let c = UNITS.call().query("per_page", 50).query("q", "Ås");
        assert_eq!(c.path, "/api/units?per_page=50&q=%C3%85s");
        assert_eq!(
            SURVEYS.call().query_opt("page", None::<i64>).path,
            "/api/surveys"
        );
    }

    #[test]
    fn every_endpoint_is_listed_once() {
        let mut seen = std::collections::HashSet::new();
        for op in ALL {
            assert!(seen.insert((op.method, op.path)), "{op:?} twice");
        }
    }
}
