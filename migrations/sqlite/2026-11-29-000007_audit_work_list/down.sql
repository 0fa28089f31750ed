DROP TABLE audit_inbox_done;
