DROP TABLE invitations;
DROP TABLE surveys;
DROP TABLE questionnaire_versions;
