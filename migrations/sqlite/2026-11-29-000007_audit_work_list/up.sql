-- Audited reads append their entries to a file of their own (the read
-- inbox, `<database>-reads`); the sealer moves them into audit_entries.
-- This row says how far it has moved, in the same transaction as the
-- entries it moved, so a crash between moving and forgetting moves nothing
-- twice. (PostgreSQL appends reads to the trail itself; its migration of
-- this name drops a foreign key from the sealer's work list.)
CREATE TABLE audit_inbox_done (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_id BIGINT NOT NULL
);
