-- Each child's case-file version (store/src/case_files.rs; docs/architecture.md, "The case-file cache"): bumped
-- by every audited change naming the child, in the transaction that makes the change (SQLite's one writer puts
-- them in commit order). The server keeps the part of a child's file that only the child's own changes touch in
-- memory, and uses it while this number is the one it read it at.
CREATE TABLE case_file_version (
    child_id BLOB PRIMARY KEY,
    version INTEGER NOT NULL
) STRICT;
