CREATE INDEX audit_unsealed_chain ON audit_unsealed(chain, entry_id);
ALTER TABLE audit_seals ADD CONSTRAINT audit_seals_entry_id_fkey
    FOREIGN KEY (entry_id) REFERENCES audit_entries(id);
ALTER TABLE audit_unsealed ADD CONSTRAINT audit_unsealed_entry_id_fkey
    FOREIGN KEY (entry_id) REFERENCES audit_entries(id);
