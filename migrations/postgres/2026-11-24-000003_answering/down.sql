DROP TABLE responses;
DROP TABLE invitation_tokens;
