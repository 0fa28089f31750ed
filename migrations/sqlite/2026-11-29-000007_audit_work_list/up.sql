-- Audited reads append their entries to a file of their own (the read
-- inbox, `<database>-reads`); the sealer moves them into audit_entries.
-- This row says how far it has moved, in the same transaction as the
-- entries it moved, so a crash between moving and forgetting moves nothing
-- twice. The key names this database to its inbox: an inbox left from
-- another database (this file deleted and made anew) is emptied, not moved
-- in. (PostgreSQL appends reads to the trail itself; its migration of this
-- name drops keys from the trail that only cost.)
CREATE TABLE audit_inbox_done (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_id BIGINT NOT NULL,
    inbox_key TEXT NOT NULL
);
