DROP INDEX account_mail_once;
ALTER TABLE account_mail DROP COLUMN subject_id;
