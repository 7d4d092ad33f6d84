-- Administration (issue 15): a version on each LA's settings, each user and each team, so that an administrator's
-- change based on what they saw is refused when someone changed it meanwhile; a team's manager and the day it
-- closed; and team membership over time (who was in which team, from when to when).

ALTER TABLE local_authority ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE app_user ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE team ADD COLUMN manager_id BLOB REFERENCES app_user (id);
ALTER TABLE team ADD COLUMN closed_on TEXT;
ALTER TABLE team ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

-- One row per spell of a user in a team. A user's current team is also `app_user.team_id`; a spell whose
-- `left_on` is empty is the current one. Users put in a team when their account was made have no row until their
-- team first changes: their spell runs from the account's creation.
CREATE TABLE team_membership (
    user_id BLOB NOT NULL REFERENCES app_user (id),
    team_id BLOB NOT NULL REFERENCES team (id),
    joined_on TEXT NOT NULL,
    left_on TEXT,
    PRIMARY KEY (user_id, team_id, joined_on)
) STRICT;

CREATE INDEX team_membership_team ON team_membership (team_id, joined_on);
