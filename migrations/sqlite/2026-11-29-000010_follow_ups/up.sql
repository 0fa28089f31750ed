-- Follow-up actions (tiltak) after a report: what a unit does about one
-- topic's result. The owner is a name as written (personal data: reads
-- are audited).
CREATE TABLE follow_ups (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    survey_id TEXT NOT NULL REFERENCES surveys(id),
    unit_id TEXT NOT NULL REFERENCES units(id),
    topic_key TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    owner TEXT NOT NULL,
    due_on DATE NOT NULL,
    status TEXT NOT NULL,
    with_safety_rep BOOLEAN NOT NULL,
    with_union_reps BOOLEAN NOT NULL,
    with_employees BOOLEAN NOT NULL,
    visible_to_employees BOOLEAN NOT NULL,
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX follow_ups_agency ON follow_ups(agency_id, due_on);
CREATE INDEX follow_ups_unit ON follow_ups(unit_id);
