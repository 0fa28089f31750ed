//! HR system clients (ORG-2): the credentials an agency's HR system uses
//! to push units and employees.

mod routes;
mod store;

pub use routes::configure;
