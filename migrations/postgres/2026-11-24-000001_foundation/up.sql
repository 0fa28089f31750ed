-- The foundation: agencies, people who log in, terms, organisation, imports, audit.
-- Ids are random UUIDs as text, so no id reveals how many rows another agency has.

CREATE TABLE agencies (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    org_number TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    agency_id TEXT REFERENCES agencies(id),
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX users_agency ON users(agency_id);

CREATE TABLE user_invitations (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    family TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX refresh_tokens_family ON refresh_tokens(family);

CREATE TABLE login_failures (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures(key, at);

CREATE TABLE integration_clients (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    name TEXT NOT NULL,
    client_id TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE terms_versions (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL UNIQUE,
    title TEXT NOT NULL,
    body_nb TEXT NOT NULL,
    body_en TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    published_by TEXT NOT NULL
);

-- TERMS-1: kept for good; never updated or deleted.
CREATE TABLE terms_acceptances (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    terms_version_id TEXT NOT NULL REFERENCES terms_versions(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    accepted_at TIMESTAMP NOT NULL,
    confirm_responsible BOOLEAN NOT NULL,
    confirm_authority BOOLEAN NOT NULL
);
CREATE INDEX terms_acceptances_agency ON terms_acceptances(agency_id);

CREATE TABLE units (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    external_id TEXT NOT NULL,
    name TEXT NOT NULL,
    parent_id TEXT REFERENCES units(id),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (agency_id, external_id)
);
CREATE INDEX units_parent ON units(parent_id);

CREATE TABLE employees (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    external_id TEXT NOT NULL,
    email TEXT NOT NULL,
    unit_id TEXT NOT NULL REFERENCES units(id),
    language TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (agency_id, external_id)
);
CREATE INDEX employees_unit ON employees(unit_id);
CREATE INDEX employees_agency_email ON employees(agency_id, email);

CREATE TABLE leader_units (
    user_id TEXT NOT NULL REFERENCES users(id),
    unit_id TEXT NOT NULL REFERENCES units(id),
    PRIMARY KEY (user_id, unit_id)
);

CREATE TABLE imports (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    kind TEXT NOT NULL,
    mode TEXT NOT NULL,
    source TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    rows_total BIGINT NOT NULL,
    created BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    deactivated BIGINT NOT NULL,
    unchanged BIGINT NOT NULL,
    idempotency_key TEXT,
    request_hash TEXT NOT NULL,
    UNIQUE (agency_id, idempotency_key)
);
CREATE INDEX imports_agency_created ON imports(agency_id, created_at);

-- GDPR-1: one hash chain per agency ('processor' for the processor's own actions).
CREATE TABLE audit_heads (
    chain TEXT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);

CREATE TABLE audit_log (
    chain TEXT NOT NULL,
    seq BIGINT NOT NULL,
    at TIMESTAMP NOT NULL,
    actor_id TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (chain, seq)
);

CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
