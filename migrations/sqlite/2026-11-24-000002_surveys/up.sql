-- Questionnaire versions (Q-*), surveys (SURV-1) and invitations (ANON-2).

CREATE TABLE questionnaire_versions (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL UNIQUE,
    title TEXT NOT NULL,
    status TEXT NOT NULL,
    -- The whole questionnaire as a JSON document (see questionnaire/default.json).
    content TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    published_at TIMESTAMP
);

CREATE TABLE surveys (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    questionnaire_version_id TEXT NOT NULL REFERENCES questionnaire_versions(id),
    title TEXT NOT NULL,
    modules TEXT NOT NULL,
    languages TEXT NOT NULL,
    opens_at TIMESTAMP NOT NULL,
    closes_at TIMESTAMP NOT NULL,
    reminder_days TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    launched_at TIMESTAMP,
    closed_at TIMESTAMP
);
CREATE INDEX surveys_agency ON surveys(agency_id);

-- ANON-2: an invitation records whether it was answered, and nothing of when.
CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    survey_id TEXT NOT NULL REFERENCES surveys(id),
    employee_id TEXT REFERENCES employees(id),
    unit_id TEXT NOT NULL REFERENCES units(id),
    language TEXT NOT NULL,
    answered BOOLEAN NOT NULL DEFAULT 0,
    opted_out BOOLEAN NOT NULL DEFAULT 0
);
CREATE INDEX invitations_survey_unit ON invitations(survey_id, unit_id);
