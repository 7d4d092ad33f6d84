-- Documents on a child's record or a contact (issue 13): police notifications, partner reports, signed consent,
-- conference minutes, letters. What is known of each file is one row of `document` (read with the case file);
-- its bytes are in `document_content`, read only when someone downloads it. `shared_with`: the partner agencies
-- that may see it, space-separated codes (none: children's services only).
CREATE TABLE document (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id UUID NOT NULL REFERENCES person (id),
    contact_id UUID REFERENCES contact (id),
    title TEXT NOT NULL CHECK (length(trim(title)) > 0),
    kind TEXT,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL CHECK (size > 0),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    shared_with TEXT,
    uploaded_by UUID REFERENCES app_user (id),
    uploaded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX document_child ON document (child_id);
CREATE INDEX document_contact ON document (contact_id) WHERE contact_id IS NOT NULL;

-- The bytes are compressed already (PDF, zip-based Office files, images): keep PostgreSQL from trying again.
CREATE TABLE document_content (
    document_id UUID PRIMARY KEY REFERENCES document (id),
    bytes BYTEA NOT NULL
);
ALTER TABLE document_content ALTER COLUMN bytes SET STORAGE EXTERNAL;
