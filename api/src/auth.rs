use serde::{Deserialize, Serialize};
use validator::Validate;

#[cfg(feature = "server")]
crate::text_sql!(Role, Role::parse);

/// The roles of DOMAIN.md; the JWT `role` claim.
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
pub enum Role {
    ProcessorAdmin,
    Researcher,
    ControllerAdmin,
    Leader,
    Respondent,
    Integration,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::ProcessorAdmin,
        Role::Researcher,
        Role::ControllerAdmin,
        Role::Leader,
        Role::Respondent,
        Role::Integration,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Role::ProcessorAdmin => "processor_admin",
            Role::Researcher => "researcher",
            Role::ControllerAdmin => "controller_admin",
            Role::Leader => "leader",
            Role::Respondent => "respondent",
            Role::Integration => "integration",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
    /// Roles that belong to one agency (the token carries its id).
    pub fn is_agency_scoped(self) -> bool {
        matches!(
            self,
            Role::ControllerAdmin | Role::Leader | Role::Respondent | Role::Integration
        )
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({"email": "kari.nordmann@direktoratet.no", "password": "correct horse battery staple"})))]
pub struct LoginRequest {
    #[validate(length(min = 3, max = 254))]
    #[cfg_attr(feature = "server", schema(min_length = 3, max_length = 254, format = Email))]
    pub email: String,
    #[validate(length(min = 1, max = 1024))]
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 1024))]
    pub password: String,
}

/// Machine login for an agency's HR system.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({"client_id": "hr-Xk3v9QaB2", "client_secret": "the secret shown once when the client was made"})))]
pub struct ClientCredentialsRequest {
    #[validate(length(min = 1, max = 100))]
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 100))]
    pub client_id: String,
    #[validate(length(min = 1, max = 200))]
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 200))]
    pub client_secret: String,
}

/// A short-lived access token. People also get a refresh cookie beside it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    pub me: Me,
}

/// Who the token belongs to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Me {
    pub id: String,
    pub role: Role,
    pub agency_id: Option<crate::AgencyId>,
    pub agency_name: Option<String>,
    pub name: String,
    pub email: Option<String>,
    /// The language of the person's mails (and the web app's first choice).
    #[serde(default)]
    pub language: crate::Language,
}

/// Sets the password of an invited user, using the one-time token from the
/// invitation mail. The password must pass the password policy.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AcceptInvitationRequest {
    #[validate(length(min = 20, max = 200))]
    #[cfg_attr(feature = "server", schema(min_length = 20, max_length = 200))]
    pub token: String,
    /// 12 to 1024 characters, not easy to guess, not containing the email address.
    #[validate(length(max = 1024))]
    #[cfg_attr(feature = "server", schema(max_length = 1024))]
    pub password: String,
}

/// Changes the logged-in person's password; every other session of theirs ends.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ChangePasswordRequest {
    #[validate(length(min = 1, max = 1024))]
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 1024))]
    pub current_password: String,
    /// 12 to 1024 characters, not easy to guess, not containing the email address.
    #[validate(length(max = 1024))]
    #[cfg_attr(feature = "server", schema(max_length = 1024))]
    pub new_password: String,
}

/// Asks for a password-reset link by email. The answer is the same whether
/// or not the address belongs to anyone.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PasswordResetRequest {
    #[validate(length(min = 3, max = 254))]
    #[cfg_attr(feature = "server", schema(min_length = 3, max_length = 254, format = Email))]
    pub email: String,
}

/// Sets a new password with the one-time token from the reset mail.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CompletePasswordReset {
    #[validate(length(min = 20, max = 200))]
    #[cfg_attr(feature = "server", schema(min_length = 20, max_length = 200))]
    pub token: String,
    #[validate(length(max = 1024))]
    #[cfg_attr(feature = "server", schema(max_length = 1024))]
    pub password: String,
}
