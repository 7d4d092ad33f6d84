-- Accounts (issue 12): case-insensitive usernames, API token expiry, sign-in throttling by client and by known
-- browser as well as by username.

-- Usernames are case-insensitive: kept in lower case, and unique whatever the case. (Two users whose names
-- differ only in case make this migration fail: rename one of them first.)
UPDATE app_user SET username = lower(username);
CREATE UNIQUE INDEX app_user_username_lower ON app_user (lower(username));

-- API tokens expire. A token made before this gets 90 days from when it was made.
ALTER TABLE api_token ADD COLUMN expires_at TIMESTAMPTZ;
UPDATE api_token SET expires_at = created_at + INTERVAL '90 days';
CREATE INDEX api_token_user ON api_token (user_id);

-- Sign-in attempts: the client address (or 'unknown'), the browser's known-device token hash, and whether the
-- attempt was judged as that known browser's rather than the account's (see service::sessions).
ALTER TABLE sign_in_attempt ADD COLUMN client TEXT NOT NULL DEFAULT 'unknown';
ALTER TABLE sign_in_attempt ADD COLUMN device_hash TEXT;
ALTER TABLE sign_in_attempt ADD COLUMN via_device BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE sign_in_attempt SET username = lower(username);
CREATE INDEX sign_in_attempt_client ON sign_in_attempt (client, at);
