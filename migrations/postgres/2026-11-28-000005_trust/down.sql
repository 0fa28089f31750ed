ALTER TABLE terms_versions DROP COLUMN body_nn;
ALTER TABLE audit_log DROP COLUMN quantity;
DROP TABLE answering_tally;
DROP TABLE respondent_sessions;
ALTER TABLE responses ADD COLUMN submitted_on DATE NOT NULL DEFAULT '1970-01-01';
DROP TABLE opt_out_tokens;
DROP TABLE account_mail;
DROP TABLE password_links;
CREATE TABLE user_invitations (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
ALTER TABLE users DROP COLUMN language;
DROP TABLE refresh_tokens;
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    family TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX refresh_tokens_family ON refresh_tokens(family);
DROP TABLE sessions;
