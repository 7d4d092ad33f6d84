-- Quality assurance (issue 14): a case-file audit's ratings of assessment, planning, management oversight and
-- supervision, its themes, the worker's reflection and its moderation; a practice week's scope and author; the
-- practice observations of a practice week.
ALTER TABLE case_file_audit ADD COLUMN assessment_grade TEXT;
ALTER TABLE case_file_audit ADD COLUMN assessment_comment TEXT;
ALTER TABLE case_file_audit ADD COLUMN planning_grade TEXT;
ALTER TABLE case_file_audit ADD COLUMN planning_comment TEXT;
ALTER TABLE case_file_audit ADD COLUMN oversight_grade TEXT;
ALTER TABLE case_file_audit ADD COLUMN oversight_comment TEXT;
ALTER TABLE case_file_audit ADD COLUMN supervision_grade TEXT;
ALTER TABLE case_file_audit ADD COLUMN supervision_comment TEXT;
ALTER TABLE case_file_audit ADD COLUMN themes TEXT;
ALTER TABLE case_file_audit ADD COLUMN lived_experience_evidenced INTEGER;
ALTER TABLE case_file_audit ADD COLUMN impact_evidenced INTEGER;
ALTER TABLE case_file_audit ADD COLUMN worker_reflection TEXT;
ALTER TABLE case_file_audit ADD COLUMN moderation_agreed INTEGER;
ALTER TABLE case_file_audit ADD COLUMN moderation_reason TEXT;
ALTER TABLE case_file_audit ADD COLUMN moderated_at TEXT;
CREATE INDEX case_file_audit_la ON case_file_audit (la, audited_on);
CREATE INDEX case_file_audit_week ON case_file_audit (practice_week_id);

ALTER TABLE practice_week ADD COLUMN scope_las TEXT;
ALTER TABLE practice_week ADD COLUMN scope_teams TEXT;
ALTER TABLE practice_week ADD COLUMN created_by BLOB REFERENCES app_user (id);

CREATE TABLE practice_observation (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    practice_week_id BLOB NOT NULL REFERENCES practice_week (id),
    observer_id BLOB REFERENCES app_user (id),
    observed_id BLOB NOT NULL REFERENCES app_user (id),
    observed_on TEXT NOT NULL,
    observed TEXT NOT NULL CHECK (length(trim(observed)) > 0),
    grade TEXT NOT NULL,
    strengths TEXT,
    development TEXT,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX practice_observation_week ON practice_observation (practice_week_id);
