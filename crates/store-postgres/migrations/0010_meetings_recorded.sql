-- Section 47 enquiries and meetings recorded in full (issue 13, parts 2 and 6). An enquiry records what it found,
-- whether the child was seen (when, and whether alone; if not, why) and the analysis; enquiries recorded before
-- have none. Conferences, core groups and plan reviews record who was invited and whether they came, and the
-- reports partner agencies sent: JSON lists (NULL when there are none), since a held conference or core group is
-- an update of its scheduled row. A review strategy meeting records progress against each action of the
-- discussion it reviews, as a plan review does.
ALTER TABLE section47 ADD COLUMN findings TEXT;
ALTER TABLE section47 ADD COLUMN child_seen BOOLEAN;
ALTER TABLE section47 ADD COLUMN child_seen_alone BOOLEAN;
ALTER TABLE section47 ADD COLUMN seen_on DATE;
ALTER TABLE section47 ADD COLUMN not_seen_reason TEXT;
ALTER TABLE section47 ADD COLUMN analysis TEXT;

ALTER TABLE conference ADD COLUMN attendance TEXT;
ALTER TABLE conference ADD COLUMN partner_reports TEXT;
ALTER TABLE core_group ADD COLUMN attendance TEXT;
ALTER TABLE core_group ADD COLUMN partner_reports TEXT;
ALTER TABLE plan_review ADD COLUMN attendance TEXT;
ALTER TABLE plan_review ADD COLUMN partner_reports TEXT;

CREATE TABLE strategy_action_progress (
    strategy_discussion_id UUID NOT NULL REFERENCES strategy_discussion (id),
    child_id UUID NOT NULL REFERENCES person (id),
    action_id UUID NOT NULL REFERENCES case_action (id),
    progress TEXT NOT NULL,
    status TEXT NOT NULL,
    PRIMARY KEY (strategy_discussion_id, action_id)
);
CREATE INDEX strategy_action_progress_child ON strategy_action_progress (child_id);
