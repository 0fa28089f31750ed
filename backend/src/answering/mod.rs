//! Answering (RESP-*, ANON-*, ROLE-2, RES-3): the link's token becomes a
//! respondent session naming survey and unit; a submission marks the
//! invitation answered and stores the answers with nothing that links them.

pub mod check;
pub mod notice;
pub mod reshuffle;
pub mod routes;
pub mod store;
pub mod tally;
