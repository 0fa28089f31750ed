//! Invitations and reminders by email (SURV-2, RESP-3, DSR-4).
//!
//! Launch queues one outbox row per invitation (round 0); the ticker queues
//! reminder rounds for those who have neither answered nor opted out. A
//! sender claims due rows (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so any
//! number of instances can run it), marks them `sending` before it talks to
//! SMTP and `sent` after. A row found still `sending` after its lease ran
//! out may or may not have gone out: it becomes `uncertain` and is never
//! sent again, so nobody gets the same mail twice. A sender that dies loses
//! at most the mails it had in flight (one per worker); the rest of its
//! batch is leased again. Outcomes are written in groups (`RECORD_EVERY`),
//! so a death can also leave mails that did go out marked `uncertain`:
//! imprecise bookkeeping, never a second mail.
//!
//! SMTP goes through `smtp`, not lettre's transport: see there for why.

pub mod account;
pub mod compose;
pub mod outbox;
pub mod sender;
pub mod smtp;
