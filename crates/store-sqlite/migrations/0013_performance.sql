-- Indexes for the dashboard and the workload report (`store::performance`): each kind of fact is read for the
-- LAs in scope and a window of days, so each is found by (LA, date) rather than by reading the whole table.
CREATE INDEX assessment_authorised ON assessment (la, authorised_on) WHERE authorised_on IS NOT NULL;
CREATE INDEX section47_started ON section47 (la, start_date);
CREATE INDEX conference_held ON conference (la, kind, held_on) WHERE held_on IS NOT NULL;
CREATE INDEX plan_started ON plan (kind, start_date);
CREATE INDEX plan_ended ON plan (kind, end_date) WHERE end_date IS NOT NULL;
CREATE INDEX strategy_discussion_held ON strategy_discussion (la, held_at);
CREATE INDEX visit_made ON visit (la, visited_on);
CREATE INDEX case_action_due ON case_action (la, due_on);
CREATE INDEX supervision_held ON supervision (la, held_on);
CREATE INDEX allocation_ended ON allocation (la, to_date);
