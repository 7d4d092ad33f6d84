-- Retention (issue 15): legal holds that keep a child's file past its retention period, and the stub each
-- deletion under the schedule leaves behind (no name or case text: the id, the LA, the class, the dates the
-- decision rested on and its source, who ran it and when, how many rows went).

CREATE TABLE legal_hold (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    person_id BLOB NOT NULL REFERENCES person (id),
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    placed_by BLOB REFERENCES app_user (id),
    placed_at TEXT NOT NULL,
    lifted_by BLOB REFERENCES app_user (id),
    lifted_at TEXT,
    lift_reason TEXT,
    version INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE INDEX legal_hold_person ON legal_hold (person_id);
CREATE INDEX legal_hold_la ON legal_hold (la, placed_at);

CREATE TABLE retention_deletion (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    person_id BLOB NOT NULL,
    class TEXT NOT NULL,
    last_activity TEXT NOT NULL,
    kept_until TEXT NOT NULL,
    source TEXT NOT NULL,
    report TEXT NOT NULL,
    rows_deleted INTEGER NOT NULL,
    deleted_by BLOB REFERENCES app_user (id),
    deleted_at TEXT NOT NULL
) STRICT;

CREATE INDEX retention_deletion_la ON retention_deletion (la, deleted_at);
