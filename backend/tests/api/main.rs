//! The server's integration tests: one binary (linking the server once),
//! one module per area. Each test spawns the real app on port 0 with its
//! own fresh database (see `common`).

mod answering;
mod audit;
mod common;
mod follow_up;
mod foundation;
mod import;
mod invitations;
mod mail;
mod openapi;
mod passwords;
mod reports;
mod rules;
mod security;
mod server;
mod sessions;
mod surveys;
mod throttle;
