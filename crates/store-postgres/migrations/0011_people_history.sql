-- People and households over time (issue 13, part 3).

-- A relationship can end (a step-parent who left); it stays on the record.
ALTER TABLE relationship ADD COLUMN ended_on DATE;

-- Each change to a person's details, address, relationships or professionals: which fields, what they said
-- before, who, when and why. The person's row holds the details as they are now.
CREATE TABLE person_revision (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    person_id UUID NOT NULL REFERENCES person (id),
    changed TEXT NOT NULL,
    previous TEXT,
    reason TEXT,
    by_user_id UUID REFERENCES app_user (id),
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX person_revision_person ON person_revision (person_id);

-- The professionals involved with a child: GP, school, health visitor, others, with contact details.
CREATE TABLE professional (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id UUID NOT NULL REFERENCES person (id),
    role TEXT NOT NULL,
    name TEXT,
    organisation TEXT,
    phone TEXT,
    email TEXT,
    address TEXT,
    from_date DATE NOT NULL,
    to_date DATE,
    recorded_by UUID REFERENCES app_user (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX professional_child ON professional (child_id);

-- Two records of one person merged into one: every record of `merged_id` moved to `kept_id` (`moved` lists
-- them, table by table, so that an undo puts back exactly those), until an administrator undoes it.
CREATE TABLE person_merge (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    kept_id UUID NOT NULL REFERENCES person (id),
    merged_id UUID NOT NULL REFERENCES person (id),
    reason TEXT NOT NULL,
    by_user_id UUID REFERENCES app_user (id),
    at TIMESTAMPTZ NOT NULL,
    moved TEXT NOT NULL,
    undone_by UUID REFERENCES app_user (id),
    undone_at TIMESTAMPTZ,
    undo_reason TEXT
);
CREATE INDEX person_merge_merged ON person_merge (merged_id);
CREATE INDEX person_merge_kept ON person_merge (kept_id);
