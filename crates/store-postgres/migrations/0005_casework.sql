-- The casework worklist and caseloads: children with an open referral by LA, open allocations by team and by
-- LA, a plan's core groups, and strategy discussions by LA and date (the practice counts).
CREATE INDEX referral_open ON referral (la, child_id) WHERE closure_date IS NULL;
CREATE INDEX allocation_team_current ON allocation (team_id) WHERE to_date IS NULL;
CREATE INDEX allocation_la_current ON allocation (la) WHERE to_date IS NULL;
CREATE INDEX core_group_plan ON core_group (plan_id);
CREATE INDEX strategy_discussion_la_held ON strategy_discussion (la, held_at);
