-- Links in invitation emails (SURV-2): one random token per mail, stored only as a hash.
CREATE TABLE invitation_tokens (
    token_hash TEXT PRIMARY KEY,
    invitation_id TEXT NOT NULL REFERENCES invitations(id)
);
CREATE INDEX invitation_tokens_invitation ON invitation_tokens(invitation_id);

-- ANON-1: a response holds the survey, the unit, the answers and the day;
-- nothing that names an invitation, an employee or a token.
CREATE TABLE responses (
    id TEXT PRIMARY KEY,
    survey_id TEXT NOT NULL REFERENCES surveys(id),
    unit_id TEXT NOT NULL,
    answers TEXT NOT NULL,
    submitted_on DATE NOT NULL,
    research_consent BOOLEAN NOT NULL,
    -- RES-3: the hash of the receipt code only its respondent holds.
    receipt_hash TEXT NOT NULL UNIQUE
);
CREATE INDEX responses_survey_unit ON responses(survey_id, unit_id);
