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
    quantity BIGINT,
    PRIMARY KEY (chain, seq)
);
INSERT INTO audit_log
    SELECT s.chain, s.seq, e.at, e.actor_id, e.actor_role, e.action, e.object_type, e.object_id,
           s.prev_hash, s.hash, e.quantity
    FROM audit_seals s JOIN audit_entries e ON e.id = s.entry_id;
DROP TABLE audit_unsealed;
DROP TABLE audit_seals;
DROP TABLE audit_entries;
