-- A mail about something (a leader's report of a survey): once per person
-- and thing, however often the freeze runs.
ALTER TABLE account_mail ADD COLUMN subject_id TEXT;
CREATE UNIQUE INDEX account_mail_once ON account_mail(user_id, kind, subject_id);
