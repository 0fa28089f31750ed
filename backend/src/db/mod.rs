//! One diesel code base over SQLite (the embedded default) and PostgreSQL.
//!
//! Queries are written once and expanded per backend by [`db_run!`], so
//! each backend gets fully typed diesel (batch inserts, `ON CONFLICT`,
//! `RETURNING`, ...) rather than the common subset `MultiConnection` allows.

pub mod schema;
pub mod types;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use tillit_api::FieldCode;

use crate::error::AppError;

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

pub type DbPool = Pool<ConnectionManager<DbConn>>;
pub type PooledConn = PooledConnection<ConnectionManager<DbConn>>;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

/// Runs `$body` with `$c` bound to the concrete connection of either backend.
/// Use it as `db::db_run!` (exported at the crate root only because
/// `macro_rules!` must be; the root name is hidden).
#[doc(hidden)]
#[macro_export]
macro_rules! __db_run {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConn::Sqlite($c) => $body,
            $crate::db::DbConn::Postgresql($c) => $body,
        }
    };
}
pub use crate::__db_run as db_run;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<DbConn, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut DbConn) -> Result<(), diesel::r2d2::Error> {
        if let DbConn::Sqlite(c) = conn {
            // WAL lets readers run beside the one writer; NORMAL sync is
            // durable across process crashes, which is what a server needs.
            // secure_delete zeroes what is deleted: erased personal data and
            // the old order of rewritten responses do not linger in free pages.
            // The write-ahead log is copied back into the database by the
            // sealer's round each second (`checkpoint`), not by whichever
            // request's commit crosses 1,000 pages while holding the write
            // lock; 10,000 pages (40 MB) is the fallback if no sealer runs.
            c.batch_execute(
                "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                 PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
                 PRAGMA secure_delete = ON; PRAGMA wal_autocheckpoint = 10000;",
            )
            .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// Opens the pool and brings the schema up to date.
pub fn connect(url: &str, max_size: u32) -> Result<DbPool, AppError> {
    let backend = Backend::of_url(url);
    let conn_url = match backend {
        Backend::Sqlite => url.strip_prefix("sqlite://").unwrap_or(url).to_string(),
        Backend::Postgres => url.to_string(),
    };
    let manager = ConnectionManager::<DbConn>::new(conn_url);
    let pool = Pool::builder()
        .max_size(max_size)
        .connection_timeout(std::time::Duration::from_secs(10))
        .connection_customizer(Box::new(SqlitePragmas))
        .build(manager)
        .map_err(|e| AppError::internal(format!("database connection failed: {e}")))?;
    let mut conn = pool
        .get()
        .map_err(|e| AppError::internal(format!("database connection failed: {e}")))?;
    migrate(&mut conn)?;
    Ok(pool)
}

fn migrate(conn: &mut DbConn) -> Result<(), AppError> {
    let fail = |e: Box<dyn std::error::Error + Send + Sync>| {
        AppError::internal(format!("migration failed: {e}"))
    };
    match conn {
        DbConn::Sqlite(c) => {
            c.run_pending_migrations(SQLITE_MIGRATIONS).map_err(fail)?;
        }
        DbConn::Postgresql(c) => {
            // Several instances may start at once against one database.
            c.batch_execute("SELECT pg_advisory_lock(7270331)")?;
            let result = c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ());
            c.batch_execute("SELECT pg_advisory_unlock(7270331)")?;
            result.map_err(fail)?;
        }
    }
    Ok(())
}

/// Whether any migration compiled into this binary is not applied yet.
pub fn pending_migrations(conn: &mut DbConn) -> Result<bool, AppError> {
    let fail = |e: Box<dyn std::error::Error + Send + Sync>| {
        AppError::Unavailable(format!("cannot read the migration state: {e}"))
    };
    Ok(match conn {
        DbConn::Sqlite(c) => c.has_pending_migration(SQLITE_MIGRATIONS).map_err(fail)?,
        DbConn::Postgresql(c) => c.has_pending_migration(POSTGRES_MIGRATIONS).map_err(fail)?,
    })
}

/// Rows per multi-row INSERT: SQLite allows at most 32,766 bound values.
pub const INSERT_CHUNK: usize = 2000;

/// SQLite has one writer. This process's writers queue here and are woken
/// the moment the writer before them is done, instead of each polling
/// SQLite's lock through the busy handler, which sleeps 1 ms and more
/// between tries (under load most of a write's time went to those sleeps).
/// `BEGIN IMMEDIATE` still guards against writers in other processes.
static SQLITE_WRITER: parking_lot::Mutex<()> = parking_lot::const_mutex(());
/// As long as SQLite's own busy timeout.
const WRITER_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Runs `f` in one write transaction: all of it happens, or none. SQLite
/// takes its write lock at the start (`BEGIN IMMEDIATE`): a transaction that
/// read first and wrote later could otherwise fail with SQLITE_BUSY instead
/// of waiting its turn.
pub fn write_tx<T, F>(conn: &mut DbConn, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut DbConn) -> Result<T, AppError>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    use diesel::Connection;
    let nested = match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::transaction_manager_status_mut(c)
            .transaction_depth()
            .map_err(AppError::from)?
            .is_some(),
        DbConn::Postgresql(_) => true,
    };
    if nested {
        // PostgreSQL needs nothing special; a nested SQLite call already
        // holds the lock: an ordinary (savepoint) transaction does.
        return conn.transaction(f);
    }
    let DbConn::Sqlite(c) = conn else {
        return conn.transaction(f);
    };
    // Held until the commit or rollback below.
    let Some(_turn) = SQLITE_WRITER.try_lock_for(WRITER_WAIT) else {
        return Err(AppError::Unavailable("the database is busy".into()));
    };
    AnsiTransactionManager::begin_transaction_sql(&mut *c, "BEGIN IMMEDIATE")?;
    match f(conn) {
        Ok(v) => {
            let DbConn::Sqlite(c) = conn else {
                return Err(AppError::internal("the connection changed kind"));
            };
            AnsiTransactionManager::commit_transaction(&mut *c)?;
            Ok(v)
        }
        Err(e) => {
            if let DbConn::Sqlite(c) = conn {
                AnsiTransactionManager::rollback_transaction(&mut *c)?;
            }
            Err(e)
        }
    }
}

/// Copies SQLite's write-ahead log back into the database file as far as
/// no reader still needs it, without blocking readers or the writer
/// (PASSIVE). Nothing to do on PostgreSQL.
pub fn checkpoint(conn: &mut DbConn) -> Result<(), AppError> {
    if let DbConn::Sqlite(c) = conn {
        c.batch_execute("PRAGMA wal_checkpoint(PASSIVE)")?;
    }
    Ok(())
}

diesel::define_sql_function! {
    /// `lower(text)`, the same on both databases.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// `%term%` for a case-insensitive LIKE, with LIKE's wildcards escaped away.
pub fn like_pattern(q: Option<&str>) -> Option<String> {
    let q = q?.trim();
    if q.is_empty() {
        return None;
    }
    let cleaned: String = q
        .to_lowercase()
        .chars()
        .filter(|c| *c != '%' && *c != '_')
        .collect();
    Some(format!("%{cleaned}%"))
}

/// The highest page number a list accepts: far past any real list, and
/// low enough that the row offset cannot overflow.
pub const MAX_PAGE: i64 = 1_000_000;

/// A page asked for, within bounds (see [`paging`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
}

impl Paging {
    pub fn offset(self) -> i64 {
        (self.page - 1) * self.per_page
    }

    pub fn of<T>(self, items: Vec<T>, total: i64) -> tillit_api::Page<T> {
        tillit_api::Page {
            items,
            total,
            page: self.page,
            per_page: self.per_page,
        }
    }
}

/// One page of a list and the count over all its pages, from one filtered
/// query written once: it is expanded for the count and again for the
/// rows, so the total can't count rows the page would not show.
///
/// ```ignore
/// paged!(tx.conn(), paging, {
///     let mut q = units::table.filter(units::agency_id.eq(&agency)).into_boxed();
///     if !inactive { q = q.filter(units::active.eq(true)); }
///     q
/// }, order = (units::name.asc(), units::id.asc()), select = UnitRow::as_select())
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __paged {
    ($conn:expr, $paging:expr, $query:block, order = $order:expr, select = $select:expr $(,)?) => {{
        let paging: $crate::db::Paging = $paging;
        $crate::db::db_run!($conn, |c| {
            let total: i64 = $query.count().get_result(c)?;
            let rows = $query
                .order($order)
                .limit(paging.per_page)
                .offset(paging.offset())
                .select($select)
                .load(c)?;
            Ok::<_, diesel::result::Error>(paging.of(rows, total))
        })
    }};
}
pub use crate::__paged as paged;

/// Page number and size from a list query, within bounds.
pub fn paging(q: &tillit_api::ListQuery, max_per_page: i64) -> Result<Paging, AppError> {
    let page = q.page.unwrap_or(1);
    let per_page = q.per_page.unwrap_or(50);
    let mut errors = Vec::new();
    if !(1..=MAX_PAGE).contains(&page) {
        errors.push(
            tillit_api::FieldError::new(
                "page",
                FieldCode::OutOfRange,
                format!("must be between 1 and {MAX_PAGE}"),
            )
            .with("min", 1)
            .with("max", MAX_PAGE),
        );
    }
    if !(1..=max_per_page).contains(&per_page) {
        errors.push(
            tillit_api::FieldError::new(
                "per_page",
                FieldCode::OutOfRange,
                format!("must be between 1 and {max_per_page}"),
            )
            .with("min", 1)
            .with("max", max_per_page),
        );
    }
    if errors.is_empty() {
        Ok(Paging { page, per_page })
    } else {
        Err(AppError::Invalid(errors))
    }
}
