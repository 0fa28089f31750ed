-- Keys checked on every append and every seal that protected nothing:
-- audit entries are never deleted (an append-only trigger), so a seal or a
-- work-list row can't lose its entry, and a seal pointing nowhere would
-- break verification anyway (its position would be missing from the
-- chain). Each check also locked the entry's row, a write to the entries'
-- pages per append and per seal. The work list's index by chain goes too:
-- the sealer reads the whole list, which holds about a second of entries.
ALTER TABLE audit_unsealed DROP CONSTRAINT audit_unsealed_entry_id_fkey;
ALTER TABLE audit_seals DROP CONSTRAINT audit_seals_entry_id_fkey;
DROP INDEX audit_unsealed_chain;
