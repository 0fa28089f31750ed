//! Throttling of every route that checks a secret, in a way an attacker
//! cannot turn against the real user.
//!
//! Failures are counted in the database (every instance sees the same
//! counts) under keys that pair what was tried with where it came from:
//!
//! - a person's password: per account *and* address, with a wait that
//!   doubles after five failures. Guessing alice's password from one place
//!   slows that place down; alice logging in from anywhere else is not
//!   touched, and no account is ever locked.
//! - many accounts from one address (credential stuffing): a ceiling per
//!   address. A browser that has logged in to the account before carries a
//!   signed cookie ([`super::device`]) and is exempt from it, so colleagues
//!   behind the same office address keep logging in.
//! - HR clients' secrets: their own budget, apart from people's logins.
//! - one-time links and codes (invitations, resets, survey links, receipts,
//!   opt-outs, refresh cookies): a ceiling of failures per address.
//!
//! The address is the client's, not a proxy's: see [`crate::net`].

use chrono::Duration;
use diesel::dsl::{count_star, max};
use diesel::prelude::*;

use crate::db::db_run;
use crate::db::schema::login_failures;
use crate::db::DbConn;
use crate::error::AppError;
use crate::util::{new_id, now, sha256_hex};

pub const WINDOW_SECS: i64 = 15 * 60;
/// The first wait after the free failures; it doubles with each failure.
pub const FIRST_WAIT_SECS: i64 = 30;
pub const FREE_PER_PAIR: i64 = 5;
pub const MAX_PER_ADDRESS: i64 = 100;
pub const MAX_LINK_FAILURES_PER_ADDRESS: i64 = 20;
/// Password-reset mails per account and per address in the window.
pub const RESETS_PER_ACCOUNT: i64 = 3;
pub const RESETS_PER_ADDRESS: i64 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// `free` failures, then a wait since the last one that doubles each time.
    Backoff { free: i64 },
    /// At most `max` in the window.
    Window { max: i64 },
}

#[derive(Debug, Clone)]
pub struct Budget {
    pub key: String,
    pub limit: Limit,
}

fn hashed(s: &str) -> String {
    sha256_hex(s.as_bytes())[..32].to_string()
}

impl Budget {
    /// A person's password tried for `account` from `addr`.
    pub fn login_pair(account: &str, addr: &str) -> Budget {
        Budget {
            key: format!("login:pair:{}:{addr}", hashed(account)),
            limit: Limit::Backoff {
                free: FREE_PER_PAIR,
            },
        }
    }
    /// Every failed login from `addr`, whatever the account.
    pub fn login_address(addr: &str) -> Budget {
        Budget {
            key: format!("login:addr:{addr}"),
            limit: Limit::Window {
                max: MAX_PER_ADDRESS,
            },
        }
    }
    /// A recognised browser's own budget (it skips the address ceiling).
    pub fn login_device(device: &str) -> Budget {
        Budget {
            key: format!("login:device:{}", hashed(device)),
            limit: Limit::Backoff {
                free: FREE_PER_PAIR,
            },
        }
    }
    /// A person's current password, given to change it.
    pub fn password_change(user_id: &str) -> Budget {
        Budget {
            key: format!("password:user:{user_id}"),
            limit: Limit::Backoff {
                free: FREE_PER_PAIR,
            },
        }
    }
    /// An HR client's secret from `addr`: machine clients' own budget.
    pub fn client_pair(client_id: &str, addr: &str) -> Budget {
        Budget {
            key: format!("client:pair:{}:{addr}", hashed(client_id)),
            limit: Limit::Backoff {
                free: FREE_PER_PAIR,
            },
        }
    }
    pub fn client_address(addr: &str) -> Budget {
        Budget {
            key: format!("client:addr:{addr}"),
            limit: Limit::Window {
                max: MAX_PER_ADDRESS,
            },
        }
    }
    /// Unknown one-time links or codes presented to `route` from `addr`.
    pub fn link(route: &str, addr: &str) -> Budget {
        Budget {
            key: format!("link:{route}:{addr}"),
            limit: Limit::Window {
                max: MAX_LINK_FAILURES_PER_ADDRESS,
            },
        }
    }
    /// Password-reset mails asked for one account, and from one address.
    pub fn reset_account(account: &str) -> Budget {
        Budget {
            key: format!("reset:acct:{}", hashed(account)),
            limit: Limit::Window {
                max: RESETS_PER_ACCOUNT,
            },
        }
    }
    pub fn reset_address(addr: &str) -> Budget {
        Budget {
            key: format!("reset:addr:{addr}"),
            limit: Limit::Window {
                max: RESETS_PER_ADDRESS,
            },
        }
    }
}

/// The wait still owed, if `failures` were counted and the last was at `last`.
fn wait_secs(limit: Limit, failures: i64, last: chrono::NaiveDateTime) -> Option<i64> {
    let t = now();
    let free_at = match limit {
        Limit::Window { max } if failures >= max => last + Duration::seconds(WINDOW_SECS),
        Limit::Backoff { free } if failures >= free => {
            let doublings = (failures - free).min(10) as u32;
            let wait = (FIRST_WAIT_SECS << doublings).min(WINDOW_SECS);
            last + Duration::seconds(wait)
        }
        _ => return None,
    };
    let left = (free_at - t).num_seconds();
    (left > 0).then_some(left)
}

/// Refuses with 429 and Retry-After while any budget is spent.
pub fn check(conn: &mut DbConn, budgets: &[Budget]) -> Result<(), AppError> {
    let since = now() - Duration::seconds(WINDOW_SECS);
    let mut longest = 0;
    for b in budgets {
        let (n, last): (i64, Option<chrono::NaiveDateTime>) =
            db_run!(conn, |c| login_failures::table
                .filter(login_failures::key.eq(&b.key))
                .filter(login_failures::at.gt(since))
                .select((count_star(), max(login_failures::at)))
                .first(c))?;
        if let Some(w) = last.and_then(|l| wait_secs(b.limit, n, l)) {
            longest = longest.max(w);
        }
    }
    if longest > 0 {
        return Err(AppError::TooManyRequests {
            retry_after_secs: longest as u64,
        });
    }
    Ok(())
}

/// Counts one failure (or, for mail budgets, one request) against each budget.
pub fn fail(conn: &mut DbConn, budgets: &[Budget]) -> Result<(), AppError> {
    let at = now();
    db_run!(conn, |c| {
        for b in budgets {
            diesel::insert_into(login_failures::table)
                .values((
                    login_failures::id.eq(new_id()),
                    login_failures::key.eq(&b.key),
                    login_failures::at.eq(at),
                ))
                .execute(c)?;
        }
        // Old failures tell nothing; keep the table small.
        diesel::delete(login_failures::table.filter(login_failures::at.lt(at - Duration::days(1))))
            .execute(c)?;
        Ok::<(), AppError>(())
    })
}

/// Forgets a budget's failures (after the right password).
pub fn clear(conn: &mut DbConn, budget: &Budget) -> Result<(), AppError> {
    db_run!(conn, |c| diesel::delete(
        login_failures::table.filter(login_failures::key.eq(&budget.key))
    )
    .execute(c))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_after_the_free_failures_and_stops_at_the_window() {
        let limit = Limit::Backoff { free: 5 };
        let t = now();
        assert_eq!(wait_secs(limit, 4, t), None);
        let w = |n| wait_secs(limit, n, t).unwrap_or(0);
        assert!((29..=30).contains(&w(5)));
        assert!((59..=60).contains(&w(6)));
        assert!((WINDOW_SECS - 1..=WINDOW_SECS).contains(&w(40)));
        // Long enough ago: no wait.
        assert_eq!(wait_secs(limit, 5, t - Duration::seconds(31)), None);
    }

    #[test]
    fn a_window_holds_until_its_oldest_counted_failure_ages_out() {
        let limit = Limit::Window { max: 3 };
        let t = now();
        assert_eq!(wait_secs(limit, 2, t), None);
        assert!(wait_secs(limit, 3, t).is_some());
    }
}
