-- GDPR-1 without a shared lock: an action appends its entry and nothing
-- else; a sealer links entries into each chain's hash chain in batches, as
-- transparency logs integrate queued entries. Both tables only ever grow.
CREATE TABLE audit_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chain TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    actor_id TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT,
    quantity BIGINT
);
CREATE INDEX audit_entries_chain ON audit_entries(chain, id);

-- The chain: entry by entry, each hash over the previous hash, the chain,
-- the position and the entry.
CREATE TABLE audit_seals (
    chain TEXT NOT NULL,
    seq BIGINT NOT NULL,
    entry_id BIGINT NOT NULL UNIQUE REFERENCES audit_entries(id),
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (chain, seq)
);

-- Entries waiting for their seal (a work list: rows leave it when sealed).
CREATE TABLE audit_unsealed (
    entry_id BIGINT PRIMARY KEY REFERENCES audit_entries(id),
    chain TEXT NOT NULL
);
CREATE INDEX audit_unsealed_chain ON audit_unsealed(chain, entry_id);

-- The entries so far, already chained: the same hashes, now as seals.
INSERT INTO audit_entries (id, chain, at, actor_id, actor_role, action, object_type, object_id, quantity)
    SELECT row_number() OVER (ORDER BY chain, seq), chain, at, actor_id, actor_role, action,
           object_type, object_id, quantity
    FROM audit_log;
INSERT INTO audit_seals (chain, seq, entry_id, prev_hash, hash)
    SELECT chain, seq, row_number() OVER (ORDER BY chain, seq), prev_hash, hash FROM audit_log;
DROP TRIGGER audit_log_no_update;
DROP TRIGGER audit_log_no_delete;
DROP TABLE audit_log;

CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit_entries is append-only');
END;
CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit_entries is append-only');
END;
CREATE TRIGGER audit_seals_no_update BEFORE UPDATE ON audit_seals
BEGIN
    SELECT RAISE(ABORT, 'audit_seals is append-only');
END;
CREATE TRIGGER audit_seals_no_delete BEFORE DELETE ON audit_seals
BEGIN
    SELECT RAISE(ABORT, 'audit_seals is append-only');
END;
