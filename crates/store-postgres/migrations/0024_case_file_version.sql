-- Each child's case-file version (store/src/case_files.rs; docs/architecture.md, "The case-file cache"): bumped
-- by every audited change naming the child, in the transaction that makes the change, under this row's lock, so
-- the versions of one child follow the order in which its changes commit. App servers keep the part of a child's
-- file that only the child's own changes touch in memory, and use it while this number is the one they read it at.
CREATE TABLE case_file_version (
    child_id UUID PRIMARY KEY,
    version BIGINT NOT NULL
);
