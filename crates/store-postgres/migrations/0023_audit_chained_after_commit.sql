-- Audited requests no longer take turns on the chain head (issue 17; store/src/audit_log.rs and
-- docs/architecture.md, "The audit chain on PostgreSQL"). A transaction writes its audit entries unchained, each
-- with a seq from this sequence and no lock; just after it commits, the chainer links the committed entries not
-- yet chained after the head in one short transaction of its own, giving each its place in the chain, chain_pos.
-- The chain is in commit order, which need not be seq order; verification reads it by chain_pos.
CREATE SEQUENCE audit_log_seq OWNED BY audit_log.seq;
SELECT setval('audit_log_seq', COALESCE((SELECT MAX(seq) FROM audit_log), 0) + 1, false);
ALTER TABLE audit_log ALTER COLUMN seq SET DEFAULT nextval('audit_log_seq');
ALTER TABLE audit_log ADD COLUMN chain_pos BIGINT;
-- Entries written until now were chained in seq order, their place their seq (the head already says so).
ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;
UPDATE audit_log SET chain_pos = seq;
ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;
CREATE UNIQUE INDEX audit_log_chain ON audit_log (chain_pos);
-- What the chainer reads: the entries still to be chained, in seq order.
CREATE INDEX audit_log_unchained ON audit_log (seq) WHERE chain_pos IS NULL;
-- The log stays append-only for the application, with one exception: the chainer's update, which gives an
-- unchained entry its place and hashes, once, and changes nothing else.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND OLD.chain_pos IS NULL AND OLD.prev_hash IS NULL AND OLD.hash IS NULL
        AND NEW.chain_pos IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL
        AND (NEW.seq, NEW.at, NEW.actor_id, NEW.actor_label, NEW.action, NEW.record_kind, NEW.record_id,
             NEW.child_id, NEW.la, NEW.outcome, NEW.request_id)
            IS NOT DISTINCT FROM
            (OLD.seq, OLD.at, OLD.actor_id, OLD.actor_label, OLD.action, OLD.record_kind, OLD.record_id,
             OLD.child_id, OLD.la, OLD.outcome, OLD.request_id)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
