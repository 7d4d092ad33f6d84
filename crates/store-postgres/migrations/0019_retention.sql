-- Retention (issue 15): legal holds that keep a child's file past its retention period, and the stub each
-- deletion under the schedule leaves behind (no name or case text: the id, the LA, the class, the dates the
-- decision rested on and its source, who ran it and when, how many rows went).

CREATE TABLE legal_hold (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    person_id UUID NOT NULL REFERENCES person (id),
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    placed_by UUID REFERENCES app_user (id),
    placed_at TIMESTAMPTZ NOT NULL,
    lifted_by UUID REFERENCES app_user (id),
    lifted_at TIMESTAMPTZ,
    lift_reason TEXT,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE INDEX legal_hold_person ON legal_hold (person_id);
CREATE INDEX legal_hold_la ON legal_hold (la, placed_at);

CREATE TABLE retention_deletion (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    person_id UUID NOT NULL,
    class TEXT NOT NULL,
    last_activity DATE NOT NULL,
    kept_until DATE NOT NULL,
    source TEXT NOT NULL,
    report TEXT NOT NULL,
    rows_deleted BIGINT NOT NULL,
    deleted_by UUID REFERENCES app_user (id),
    deleted_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX retention_deletion_la ON retention_deletion (la, deleted_at);
