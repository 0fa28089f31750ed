//! Employees (ORG-1, ORG-3): who is surveyed, and nothing more than the
//! survey needs.

mod routes;
pub mod store;

pub use routes::configure;
pub use store::{all, EmployeeRow};
