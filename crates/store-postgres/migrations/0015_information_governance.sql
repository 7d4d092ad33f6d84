-- Information governance (issue 15): why a child's record is restricted, by whom and since when (the users named
-- on it are in restricted_access); and each break-glass access to a restricted record, with its reason, for
-- information governance to review.

CREATE TABLE restriction (
    person_id UUID PRIMARY KEY REFERENCES person (id),
    reason TEXT NOT NULL,
    restricted_by UUID REFERENCES app_user (id),
    restricted_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE break_glass (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES person (id),
    la TEXT NOT NULL REFERENCES local_authority (code),
    user_id UUID NOT NULL REFERENCES app_user (id),
    reason TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL
);

CREATE INDEX break_glass_la ON break_glass (la, at);
