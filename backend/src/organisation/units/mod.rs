//! Units (ORG-1): the agency's tree of departments and sections.

mod routes;
pub mod store;

pub use routes::configure;
pub use store::{all, creates_cycle, get, unknown_unit, UnitRow};
