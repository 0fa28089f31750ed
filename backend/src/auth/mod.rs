//! Authentication: passwords, sessions, access tokens, refresh cookies,
//! machine clients, throttling, and the role extractor every handler uses.

pub mod device;
pub mod identity;
pub mod jwt;
pub mod password;
pub mod routes;
pub mod sessions;
pub mod store;
pub mod throttle;

pub use identity::{Auth, Identity};
