-- A second factor for local accounts (issue 15): each user's TOTP secret once they have set one up, the step of
-- the last code they used (a code works once), and their wrong codes since their last right one (which a right
-- password does not reset: guessing is slowed across sign-ins); their recovery codes (hashes), each used once; and
-- sign-ins that have passed the password and wait for the second factor, each kept by the hash of the browser's
-- token.

ALTER TABLE app_user ADD COLUMN totp_secret TEXT;
ALTER TABLE app_user ADD COLUMN totp_last_step BIGINT;
ALTER TABLE app_user ADD COLUMN second_factor_failures BIGINT NOT NULL DEFAULT 0;
ALTER TABLE app_user ADD COLUMN second_factor_failed_at TIMESTAMPTZ;

CREATE TABLE recovery_code (
    user_id UUID NOT NULL REFERENCES app_user (id),
    code_hash TEXT NOT NULL,
    used_at TIMESTAMPTZ,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE second_factor_pending (
    token_hash TEXT PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES app_user (id),
    failures BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX second_factor_pending_created ON second_factor_pending (created_at);
