-- Documents on a child's record or a contact (issue 13): police notifications, partner reports, signed consent,
-- conference minutes, letters. What is known of each file is one row of `document` (read with the case file);
-- its bytes are in `document_content`, read only when someone downloads it. `shared_with`: the partner agencies
-- that may see it, space-separated codes (none: children's services only).
CREATE TABLE document (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id BLOB NOT NULL REFERENCES person (id),
    contact_id BLOB REFERENCES contact (id),
    title TEXT NOT NULL CHECK (length(trim(title)) > 0),
    kind TEXT,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL CHECK (size > 0),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    shared_with TEXT,
    uploaded_by BLOB REFERENCES app_user (id),
    uploaded_at TEXT NOT NULL
) STRICT;
CREATE INDEX document_child ON document (child_id);
CREATE INDEX document_contact ON document (contact_id) WHERE contact_id IS NOT NULL;

CREATE TABLE document_content (
    document_id BLOB PRIMARY KEY REFERENCES document (id),
    bytes BLOB NOT NULL
) STRICT;
