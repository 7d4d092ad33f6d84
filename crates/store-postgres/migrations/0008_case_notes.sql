-- Case notes in full (issue 13): who was involved, one entry about several children of a household (a note on
-- each child's record, sharing the entry's id), a link to the plan, assessment, section 47 enquiry or strategy
-- discussion it is about, and corrections as new revisions that supersede the last (nothing is overwritten).
-- The kinds follow the API: `phone` is now `telephone`, and the old catch-all `note` is `other`.
ALTER TABLE case_note ADD COLUMN involved TEXT;
ALTER TABLE case_note ADD COLUMN entry_id UUID;
ALTER TABLE case_note ADD COLUMN also_about TEXT;
ALTER TABLE case_note ADD COLUMN about_kind TEXT;
ALTER TABLE case_note ADD COLUMN about_id UUID;
ALTER TABLE case_note ADD COLUMN revision BIGINT NOT NULL DEFAULT 1;
ALTER TABLE case_note ADD COLUMN supersedes UUID REFERENCES case_note (id);
ALTER TABLE case_note ADD COLUMN correction_reason TEXT;
ALTER TABLE case_note ADD COLUMN recorded_at TIMESTAMPTZ;
UPDATE case_note SET entry_id = id, recorded_at = at;
ALTER TABLE case_note ALTER COLUMN entry_id SET NOT NULL;
ALTER TABLE case_note ALTER COLUMN recorded_at SET NOT NULL;
UPDATE case_note SET kind = 'telephone' WHERE kind = 'phone';
UPDATE case_note SET kind = 'other' WHERE kind = 'note';
-- The corrections of a note (a current note is one no other supersedes).
CREATE INDEX case_note_supersedes ON case_note (supersedes) WHERE supersedes IS NOT NULL;
