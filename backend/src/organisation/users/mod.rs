//! The agency's people who log in: controller admins and leaders (ROLE-*).

mod routes;
pub mod store;

pub use routes::configure;
pub use store::{invite, reinvite, to_api};
