-- Sign-in, sessions, restricted records, person search keys, and the audit hash chain.

CREATE TABLE session (
    id_hash TEXT PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES app_user (id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    ended_at TIMESTAMPTZ,
    end_reason TEXT
);
CREATE INDEX session_user_open ON session (user_id) WHERE ended_at IS NULL;

CREATE TABLE sign_in_attempt (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    succeeded BOOLEAN NOT NULL
);
CREATE INDEX sign_in_attempt_username ON sign_in_attempt (username, at);

CREATE TABLE restricted_access (
    person_id UUID NOT NULL REFERENCES person (id),
    user_id UUID NOT NULL REFERENCES app_user (id),
    granted_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (person_id, user_id)
);

ALTER TABLE app_user ADD COLUMN valid_until DATE;

ALTER TABLE person ADD COLUMN search_first TEXT;
ALTER TABLE person ADD COLUMN search_last TEXT;
ALTER TABLE person ADD COLUMN search_first_key TEXT;
ALTER TABLE person ADD COLUMN search_last_key TEXT;
CREATE INDEX person_search_first ON person (search_first text_pattern_ops);
CREATE INDEX person_search_last ON person (search_last text_pattern_ops);
CREATE INDEX person_search_first_key ON person (search_first_key);
CREATE INDEX person_search_last_key ON person (search_last_key);

-- Sequence numbers are given by the application from audit_head, so that the chain order is the seq order.
ALTER TABLE audit_log ALTER COLUMN seq DROP IDENTITY;
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash BYTEA NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
-- The audit log is append-only for the application (a second barrier besides the application's own code):
-- UPDATE and DELETE raise an error. (An owner can still drop the trigger; the hash chain shows any change.)
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
