//! Authentication: passwords, access tokens, refresh cookies, machine clients,
//! and the role extractor every handler uses.

pub mod identity;
pub mod jwt;
pub mod password;
pub mod ratelimit;
pub mod routes;
pub mod store;

pub use identity::{Auth, Identity};
