//! Typed ids: a unit's id cannot be passed where a survey's is wanted. On
//! the wire and in the database each is the same text (a random UUID).

use serde::{Deserialize, Serialize};

/// Stores a type as text in both databases, through its `as_str` and a
/// parser that refuses what it does not know (nothing falls back silently
/// to a default).
#[cfg(feature = "server")]
#[macro_export]
macro_rules! text_sql {
    ($name:ty, $parse:expr) => {
        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::sqlite::Sqlite> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::sqlite::Sqlite>,
            ) -> diesel::serialize::Result {
                out.set_value(self.as_str());
                Ok(diesel::serialize::IsNull::No)
            }
        }
        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                use std::io::Write;
                out.write_all(self.as_str().as_bytes())?;
                Ok(diesel::serialize::IsNull::No)
            }
        }
        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::sqlite::Sqlite>
            for $name
        {
            fn from_sql(
                bytes: <diesel::sqlite::Sqlite as diesel::backend::Backend>::RawValue<'_>,
            ) -> diesel::deserialize::Result<Self> {
                let s = <String as diesel::deserialize::FromSql<
                    diesel::sql_types::Text,
                    diesel::sqlite::Sqlite,
                >>::from_sql(bytes)?;
                let parse: fn(&str) -> Option<$name> = $parse;
                parse(&s).ok_or_else(|| format!("unknown {}: {s:?}", stringify!($name)).into())
            }
        }
        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn from_sql(
                bytes: <diesel::pg::Pg as diesel::backend::Backend>::RawValue<'_>,
            ) -> diesel::deserialize::Result<Self> {
                let s = <String as diesel::deserialize::FromSql<
                    diesel::sql_types::Text,
                    diesel::pg::Pg,
                >>::from_sql(bytes)?;
                let parse: fn(&str) -> Option<$name> = $parse;
                parse(&s).ok_or_else(|| format!("unknown {}: {s:?}", stringify!($name)).into())
            }
        }
    };
}

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident,)+) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
        #[serde(transparent)]
        #[cfg_attr(feature = "server", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow, utoipa::ToSchema))]
        #[cfg_attr(feature = "server", diesel(sql_type = diesel::sql_types::Text))]
        #[cfg_attr(feature = "server", schema(value_type = String, format = "uuid", example = "0b8f2c1e-6f1d-4a57-9a4b-6d2f1c3e8a90"))]
        pub struct $name(pub String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name(s)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_string())
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        #[cfg(feature = "server")]
        text_sql!($name, |s| Some($name(s.to_string())));
    )+};
}

ids! {
    AgencyId,
    UnitId,
    EmployeeId,
    /// A person who logs in (admin, leader, the institute's people).
    UserId,
    /// An HR system's client: its row id, not its public `client_id`.
    ClientId,
    SurveyId,
    InvitationId,
    ImportId,
    QuestionnaireId,
    TermsVersionId,
    TermsAcceptanceId,
    SessionId,
    /// A follow-up action (tiltak) after a report.
    FollowUpId,
}
