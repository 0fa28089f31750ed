-- REP-1: a survey's report is computed once when it closes and kept here.
-- Reports read only these tables. A hidden figure is stored as its reason,
-- never as its value: what is not stored cannot leak. Rows are never
-- changed (triggers below); a whole release may be deleted with its
-- agency's data (GDPR return and deletion).
CREATE TABLE releases (
    id TEXT PRIMARY KEY,
    -- One release per survey: two instances freezing at once make one.
    survey_id TEXT NOT NULL UNIQUE REFERENCES surveys(id),
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    questionnaire_version_id TEXT NOT NULL REFERENCES questionnaire_versions(id),
    frozen_at TIMESTAMP NOT NULL,
    -- Which method made it: a later method never touches an old release.
    engine_version INTEGER NOT NULL,
    -- The agency's previous released survey, for comparisons.
    previous_survey_id TEXT REFERENCES surveys(id),
    -- Agencies in the benchmark; NULL when fewer than 3 could be used.
    benchmark_agencies INTEGER,
    -- SHA-256 over every figure's shown/hidden decision (REP-8).
    pattern_sha256 TEXT NOT NULL,
    stats TEXT NOT NULL
);
CREATE INDEX releases_agency ON releases(agency_id, frozen_at);
CREATE INDEX releases_version ON releases(questionnaire_version_id);

-- Every group a viewer can see, with the unit tree as it stood.
CREATE TABLE release_groups (
    release_id TEXT NOT NULL REFERENCES releases(id),
    group_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    unit_id TEXT,
    parent_key TEXT,
    name TEXT NOT NULL,
    depth INTEGER NOT NULL,
    position INTEGER NOT NULL,
    responses BIGINT,
    hidden TEXT,
    invited BIGINT,
    answered BIGINT,
    rate_hidden TEXT,
    PRIMARY KEY (release_id, group_key)
);

-- Which units each group covers: a leader sees a group inside what they lead.
CREATE TABLE release_group_units (
    release_id TEXT NOT NULL,
    group_key TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    PRIMARY KEY (release_id, group_key, unit_id),
    FOREIGN KEY (release_id, group_key) REFERENCES release_groups(release_id, group_key)
);

-- One figure of one group: a question (q:), topic (t:), index (i:) or a
-- health association (h:). Means are sum_milli / n.
CREATE TABLE release_cells (
    release_id TEXT NOT NULL,
    group_key TEXT NOT NULL,
    measure TEXT NOT NULL,
    n BIGINT,
    sum_milli BIGINT,
    dist TEXT,
    mean_hidden TEXT,
    dist_hidden TEXT,
    vs_agency BIGINT,
    vs_benchmark BIGINT,
    vs_previous BIGINT,
    PRIMARY KEY (release_id, group_key, measure),
    FOREIGN KEY (release_id, group_key) REFERENCES release_groups(release_id, group_key)
);

CREATE TRIGGER releases_frozen BEFORE UPDATE ON releases
BEGIN SELECT RAISE(ABORT, 'releases are frozen'); END;
CREATE TRIGGER release_groups_frozen BEFORE UPDATE ON release_groups
BEGIN SELECT RAISE(ABORT, 'release_groups are frozen'); END;
CREATE TRIGGER release_group_units_frozen BEFORE UPDATE ON release_group_units
BEGIN SELECT RAISE(ABORT, 'release_group_units are frozen'); END;
CREATE TRIGGER release_cells_frozen BEFORE UPDATE ON release_cells
BEGIN SELECT RAISE(ABORT, 'release_cells are frozen'); END;
