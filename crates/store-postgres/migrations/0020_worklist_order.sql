-- The MASH worklists sort by time and then by id (so that equal times keep one order between pages): with the
-- id in the index the database reads the first rows in order instead of sorting every contact of the same
-- minute (thousands, on a busy day or under a load test).
DROP INDEX contact_open;
CREATE INDEX contact_open ON contact (la, received_at, id) WHERE decision_outcome IS NULL;
DROP INDEX contact_feedback_due;
CREATE INDEX contact_feedback_due ON contact (la, decided_at, id)
    WHERE decision_outcome IS NOT NULL AND feedback_method IS NULL;
DROP INDEX contact_awaiting_oversight;
CREATE INDEX contact_awaiting_oversight ON contact (la, decided_at, id)
    WHERE decision_outcome IS NOT NULL AND manager_oversight_at IS NULL;
