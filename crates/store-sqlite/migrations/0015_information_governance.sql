-- Information governance (issue 15): why a child's record is restricted, by whom and since when (the users named
-- on it are in restricted_access); and each break-glass access to a restricted record, with its reason, for
-- information governance to review.

CREATE TABLE restriction (
    person_id BLOB PRIMARY KEY REFERENCES person (id),
    reason TEXT NOT NULL,
    restricted_by BLOB REFERENCES app_user (id),
    restricted_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE break_glass (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES person (id),
    la TEXT NOT NULL REFERENCES local_authority (code),
    user_id BLOB NOT NULL REFERENCES app_user (id),
    reason TEXT NOT NULL,
    at TEXT NOT NULL
) STRICT;

CREATE INDEX break_glass_la ON break_glass (la, at);
