-- Sign-in, sessions, restricted records, person search keys, and the audit hash chain.

-- Server-side sessions. The cookie holds a random token; only its SHA-256 is stored.
CREATE TABLE session (
    id_hash TEXT PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES app_user (id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    ended_at TEXT,
    end_reason TEXT
) STRICT;
CREATE INDEX session_user_open ON session (user_id) WHERE ended_at IS NULL;

-- Sign-in attempts, for throttling after repeated failures.
CREATE TABLE sign_in_attempt (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    at TEXT NOT NULL,
    succeeded INTEGER NOT NULL
) STRICT;
CREATE INDEX sign_in_attempt_username ON sign_in_attempt (username, at);

-- Users named on a restricted record: nobody else sees it.
CREATE TABLE restricted_access (
    person_id BLOB NOT NULL REFERENCES person (id),
    user_id BLOB NOT NULL REFERENCES app_user (id),
    granted_at TEXT NOT NULL,
    PRIMARY KEY (person_id, user_id)
) STRICT;

-- A user's access can end on a date (an inspector's time-limited access).
ALTER TABLE app_user ADD COLUMN valid_until TEXT;

-- Person search: normalised names and their phonetic keys.
-- NOCASE, so that SQLite's LIKE 'ab%' can use the indexes (the values are lower case already).
ALTER TABLE person ADD COLUMN search_first TEXT COLLATE NOCASE;
ALTER TABLE person ADD COLUMN search_last TEXT COLLATE NOCASE;
ALTER TABLE person ADD COLUMN search_first_key TEXT;
ALTER TABLE person ADD COLUMN search_last_key TEXT;
CREATE INDEX person_search_first ON person (search_first);
CREATE INDEX person_search_last ON person (search_last);
CREATE INDEX person_search_first_key ON person (search_first_key);
CREATE INDEX person_search_last_key ON person (search_last_key);

-- The head of the audit hash chain: the last entry's seq and hash. Appends read and move it.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash BLOB NOT NULL
) STRICT;
CREATE INDEX audit_log_at ON audit_log (at);
-- The audit log is append-only for the application: UPDATE and DELETE raise an error. (Someone with the file
-- can still drop the trigger; the hash chain shows any change.)
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
