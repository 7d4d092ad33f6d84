-- Single sign-on (issue 15): a user's email (kept in lower case; how a person signed in by the council's identity
-- provider is first matched to their account) and their subject at the provider (recorded at that first sign-in,
-- and how they are matched from then on); and sign-ins sent to the provider and not yet back, each kept by the
-- hash of its state and taken once.

ALTER TABLE app_user ADD COLUMN email TEXT;
ALTER TABLE app_user ADD COLUMN sso_subject TEXT;
CREATE UNIQUE INDEX app_user_email ON app_user (email);
CREATE UNIQUE INDEX app_user_sso_subject ON app_user (sso_subject);

CREATE TABLE sso_sign_in (
    state_hash TEXT PRIMARY KEY,
    browser_hash TEXT NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    next TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

CREATE INDEX sso_sign_in_created ON sso_sign_in (created_at);
