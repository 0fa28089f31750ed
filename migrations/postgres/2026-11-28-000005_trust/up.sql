-- Trust: sessions checked on every request, mail-only invitation links,
-- password resets, opt-out tokens apart from answer tokens, answering
-- counted per period instead of per submit, no day on a response.

-- A login's session. Access tokens name it; ending it refuses them at once.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Refresh tokens now belong to a session; earlier ones are dropped (their
-- holders log in again once).
DROP TABLE refresh_tokens;
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    expires_at TIMESTAMP NOT NULL,
    rotated_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX refresh_tokens_session ON refresh_tokens(session_id);

-- The language of a person's mails.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'nb';

-- Links that set a password: invitations and resets. Made when the mail is
-- sent, stored as hashes, used once.
DROP TABLE user_invitations;
CREATE TABLE password_links (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    -- invitation | reset
    purpose TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX password_links_user ON password_links(user_id);

-- Mail to people who log in (invitations, password resets), through an
-- outbox like the survey mail: sent at most once, retried when it can be.
CREATE TABLE account_mail (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX account_mail_due ON account_mail(status, next_attempt_at);
CREATE INDEX account_mail_user ON account_mail(user_id);

-- DSR-4: the opt-out link's own token; it can opt out and nothing else.
CREATE TABLE opt_out_tokens (
    token_hash TEXT PRIMARY KEY,
    invitation_id TEXT NOT NULL REFERENCES invitations(id)
);
CREATE INDEX opt_out_tokens_invitation ON opt_out_tokens(invitation_id);

-- ANON-1: a response keeps no time at all, not even the day.
ALTER TABLE responses DROP COLUMN submitted_on;

-- GDPR-1 without a clock on answering: session starts wait here (no
-- survey-wide row to lock) until the ticker records them as one count.
CREATE TABLE respondent_sessions (
    id TEXT PRIMARY KEY,
    survey_id TEXT NOT NULL REFERENCES surveys(id)
);
CREATE INDEX respondent_sessions_survey ON respondent_sessions(survey_id);

-- What the audit trail has counted of each survey's answering so far.
CREATE TABLE answering_tally (
    survey_id TEXT PRIMARY KEY REFERENCES surveys(id),
    responses BIGINT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);

-- An audit entry may stand for several like actions (answering counts).
ALTER TABLE audit_log ADD COLUMN quantity BIGINT;

-- Terms in Nynorsk too.
ALTER TABLE terms_versions ADD COLUMN body_nn TEXT NOT NULL DEFAULT '';
