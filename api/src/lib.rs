//! The wire contract: every request and response body of the Tillit API.
//!
//! Shared by the server, the SPA (compiled to wasm) and the end-to-end tests,
//! so a renamed field breaks the build instead of a user.

pub mod agencies;
pub mod auth;
pub mod endpoints;
pub mod follow_up;
pub mod ids;
pub mod organisation;
pub mod problem;
pub mod reports;
pub mod respond;
pub mod surveys;
pub mod text;
pub mod time;

pub use agencies::*;
pub use auth::*;
pub use follow_up::*;
pub use ids::*;
pub use organisation::*;
pub use problem::*;
pub use reports::*;
pub use respond::*;
pub use surveys::*;

use serde::{Deserialize, Serialize};

/// The web pages employees reach from their mail: served the small
/// respondent app, never the staff app (and never a staff menu or login).
pub const RESPONDENT_PATHS: [&str; 3] = ["/s", "/opt-out", "/withdraw"];

/// The staff's way in, served the small entry app (logging in, choosing a
/// password from a mailed link); every other page is the staff app's.
pub const ENTRY_PATHS: [&str; 4] = [
    "/login",
    "/forgot-password",
    "/invitation",
    "/reset-password",
];

/// The institute's (the processor's) pages, served its own staff app; every
/// other page is the agency's staff app.
pub const INSTITUTE_PATHS: [&str; 3] = ["/agencies", "/terms-versions", "/questionnaires"];

/// The reports' pages (`/reports`, `/reports/<survey>`, ...): their own
/// app, so the agency's everyday app stays small.
pub const REPORTS_PATH: &str = "/reports";

/// The follow-up actions' page: an app of its own too.
pub const FOLLOW_UP_PATH: &str = "/follow-up";

fn under(path: &str, base: &str) -> bool {
    path == base
        || path
            .strip_prefix(base)
            .is_some_and(|rest| rest.starts_with('/'))
}

pub fn is_reports_path(path: &str) -> bool {
    under(path, REPORTS_PATH)
}

pub fn is_follow_up_path(path: &str) -> bool {
    under(path, FOLLOW_UP_PATH)
}

/// One page of a list. Every list endpoint answers with this shape.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Total number of matching rows, over all pages.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl<T> Page<T> {
    /// The same page with other items (the rows turned into API types).
    pub fn with<U>(self, items: Vec<U>) -> Page<U> {
        Page {
            items,
            total: self.total,
            page: self.page,
            per_page: self.per_page,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        let Page {
            items,
            total,
            page,
            per_page,
        } = self;
        Page {
            items: items.into_iter().map(f).collect(),
            total,
            page,
            per_page,
        }
    }
}

/// Query parameters shared by every paged list.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "server", into_params(parameter_in = Query))]
pub struct ListQuery {
    /// 1-based page number (default 1).
    #[cfg_attr(feature = "server", param(minimum = 1, maximum = 1_000_000))]
    pub page: Option<i64>,
    /// Rows per page, 1..=200 (default 50).
    #[cfg_attr(feature = "server", param(minimum = 1, maximum = 200))]
    pub per_page: Option<i64>,
    /// Case-insensitive search in names, emails and external ids.
    pub q: Option<String>,
    /// Include deactivated rows (default false).
    pub include_inactive: Option<bool>,
}

/// The units list's parameters: as [`ListQuery`], with pages large enough
/// to load a whole tree at once.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "server", into_params(parameter_in = Query))]
pub struct UnitListQuery {
    /// 1-based page number (default 1).
    #[cfg_attr(feature = "server", param(minimum = 1, maximum = 1_000_000))]
    pub page: Option<i64>,
    /// Rows per page, 1..=5000 (default 50).
    #[cfg_attr(feature = "server", param(minimum = 1, maximum = 5000))]
    pub per_page: Option<i64>,
    /// Case-insensitive search in names and external ids.
    pub q: Option<String>,
    /// Include deactivated rows (default false).
    pub include_inactive: Option<bool>,
}

impl From<UnitListQuery> for ListQuery {
    fn from(q: UnitListQuery) -> ListQuery {
        ListQuery {
            page: q.page,
            per_page: q.per_page,
            q: q.q,
            include_inactive: q.include_inactive,
        }
    }
}

/// The three languages of the product.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, Default)]
#[cfg_attr(
    feature = "server",
    derive(
        utoipa::ToSchema,
        diesel::expression::AsExpression,
        diesel::deserialize::FromSqlRow
    )
)]
#[cfg_attr(feature = "server", diesel(sql_type = diesel::sql_types::Text))]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Nb,
    Nn,
    En,
}

impl Language {
    pub fn code(self) -> &'static str {
        match self {
            Language::Nb => "nb",
            Language::Nn => "nn",
            Language::En => "en",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "nb" | "no" | "nob" => Some(Language::Nb),
            "nn" | "nno" => Some(Language::Nn),
            "en" | "eng" => Some(Language::En),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        self.code()
    }
    pub const ALL: [Language; 3] = [Language::Nb, Language::Nn, Language::En];
}

#[cfg(feature = "server")]
crate::text_sql!(Language, Language::parse);
