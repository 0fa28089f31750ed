-- SURV-2: invitations and reminders go through this outbox. One row per
-- invitation and round, so a mail can never be queued twice.
CREATE TABLE mail_outbox (
    id TEXT PRIMARY KEY,
    invitation_id TEXT NOT NULL REFERENCES invitations(id),
    round INTEGER NOT NULL,
    -- pending → sending → sent | failed | skipped | uncertain
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    last_error TEXT,
    UNIQUE (invitation_id, round)
);
CREATE INDEX mail_outbox_due ON mail_outbox(status, next_attempt_at);
