//! For tests and benchmarks (backend and e2e alike): a fresh database of
//! its own for each, on the backend the run is for. `TILLIT_TEST_PG` names
//! a PostgreSQL cluster's admin URL (CI starts a throwaway one); without it,
//! a new SQLite file in `dir`.

use std::path::Path;

use diesel::{Connection, RunQueryDsl};

/// A database URL for a brand-new, empty database.
pub fn fresh_database(dir: &Path) -> String {
    match std::env::var("TILLIT_TEST_PG") {
        Ok(admin) if !admin.is_empty() => {
            let name = format!("t_{}", uuid::Uuid::new_v4().simple());
            let mut c = diesel::PgConnection::establish(&admin)
                .unwrap_or_else(|e| panic!("cannot reach TILLIT_TEST_PG: {e}"));
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut c)
                .unwrap_or_else(|e| panic!("cannot create a test database: {e}"));
            let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
            format!("{base}/{name}")
        }
        _ => format!("sqlite://{}", dir.join("tillit.db").display()),
    }
}

/// Which backend the run is for: `postgres` or `sqlite`.
pub fn backend_name() -> &'static str {
    match std::env::var("TILLIT_TEST_PG") {
        Ok(u) if !u.is_empty() => "postgres",
        _ => "sqlite",
    }
}
