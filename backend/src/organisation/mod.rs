//! The agency's organisation (ORG-*): units, employees, the people who log
//! in, HR system clients, and the bulk HR import.
//!
//! Every store function takes the caller's agency id and filters by it, so
//! an id from another agency finds nothing (ROLE-1).

pub mod clients;
pub mod employees;
pub mod import;
pub mod units;
pub mod users;
