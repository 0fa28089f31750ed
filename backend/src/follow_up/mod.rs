//! Follow-up actions (tiltak) after a report: a leader records what a unit
//! does about a topic's result; the agency's admins follow progress across
//! units; the next survey shows whether the topic moved.

pub mod export;
pub mod routes;
pub mod store;
