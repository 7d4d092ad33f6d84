-- A record's version is the audit sequence number of the latest change to it (front_door::case_version and
-- record_version): MAX(seq) over the child's (or record's) entries that are not reads. With only the indexes on
-- (child_id, seq) and (record_id), that read every entry of the child, views included, and looked up each row to
-- test its action; a child whose file is opened every day gathers thousands of view entries over the years, and
-- every view of the record paid for all of them (issue 16, found by profiling a child's record at 32
-- connections). These partial indexes hold the changes alone, so the latest is one index seek. The predicate is
-- the one the queries use, word for word, so that the planner can see the index covers them.
CREATE INDEX audit_log_child_change ON audit_log (child_id, seq)
    WHERE action NOT IN ('view', 'search', 'export', 'sign-in', 'sign-out');
CREATE INDEX audit_log_record_change ON audit_log (record_id, seq)
    WHERE action NOT IN ('view', 'search', 'export', 'sign-in', 'sign-out');
-- Statistics for the new indexes beside the old ones' (a planner with figures for audit_log_child alone keeps
-- choosing it).
ANALYZE audit_log;
