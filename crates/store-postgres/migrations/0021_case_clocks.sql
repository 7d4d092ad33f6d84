-- The due dates of every open case's statutory clocks, stored so that the casework worklist's "all cases" scope
-- can page an LA's cases most overdue first in SQL (issue 16) instead of reading a few thousand children and
-- sorting them. Due dates depend only on the records and the LA's clock settings and calendar, never on today;
-- they are worked out in Rust (domain::casework_clocks) by the service, from the children queued in
-- case_clock_stale: every audited write about a child queues the child, and a change of an LA's settings queues
-- all its open cases. A child's generation is the audit sequence number of the change that queued it (it only
-- goes up), so a child changed again while its clocks were being worked out stays queued.
CREATE TABLE case_clock (
    child_id UUID NOT NULL,
    la TEXT NOT NULL,
    kind TEXT NOT NULL,
    due_on DATE NOT NULL
);
CREATE INDEX case_clock_child ON case_clock (child_id);
CREATE INDEX case_clock_kind_due ON case_clock (la, kind, due_on, child_id);

-- Each open case's earliest due date: the order of the "all cases" worklist.
CREATE TABLE case_due (
    child_id UUID PRIMARY KEY,
    la TEXT NOT NULL,
    first_due DATE
);
CREATE INDEX case_due_order ON case_due (la, first_due, child_id) WHERE first_due IS NOT NULL;

CREATE TABLE case_clock_stale (
    child_id UUID PRIMARY KEY,
    generation BIGINT NOT NULL
);

-- The cases open now are worked out once the server starts.
INSERT INTO case_clock_stale (child_id, generation)
    SELECT DISTINCT child_id, 0 FROM referral WHERE closure_date IS NULL;
