-- Frontdoor schema, SQLite. The PostgreSQL migration creates the same tables and columns
-- (store-tests checks). Ids are UUIDs (16-byte BLOBs); dates are TEXT 'YYYY-MM-DD'; instants are TEXT
-- RFC 3339 UTC with six fractional digits; booleans are INTEGER 0/1; codes are TEXT as the DfE writes them.

CREATE TABLE local_authority (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    settings TEXT NOT NULL
) STRICT;

CREATE TABLE team (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    name TEXT NOT NULL,
    kind TEXT NOT NULL
) STRICT;

CREATE TABLE app_user (
    id BLOB PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    agency TEXT,
    team_id BLOB REFERENCES team (id),
    password_hash TEXT,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE user_la (
    user_id BLOB NOT NULL REFERENCES app_user (id),
    la TEXT NOT NULL REFERENCES local_authority (code),
    PRIMARY KEY (user_id, la)
) STRICT;

CREATE TABLE api_token (
    id BLOB PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES app_user (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT,
    last_used_at TEXT
) STRICT;

CREATE TABLE idempotency_key (
    actor TEXT NOT NULL,
    key TEXT NOT NULL,
    record_kind TEXT NOT NULL,
    record_id BLOB NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (actor, key, record_kind)
) STRICT;

CREATE TABLE person (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    is_child INTEGER NOT NULL,
    la_child_id TEXT,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    other_names TEXT,
    date_of_birth TEXT,
    expected_date_of_birth TEXT,
    date_of_death TEXT,
    sex TEXT NOT NULL,
    gender_identity TEXT,
    ethnicity TEXT,
    disabilities TEXT,
    upn TEXT,
    former_upn TEXT,
    upn_unknown TEXT,
    nhs_number TEXT,
    first_language TEXT,
    religion TEXT,
    restricted INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX person_la_child_id ON person (la, la_child_id) WHERE la_child_id IS NOT NULL;
CREATE INDEX person_name ON person (la, last_name, first_name);
CREATE INDEX person_date_of_birth ON person (date_of_birth);
CREATE INDEX person_nhs_number ON person (nhs_number) WHERE nhs_number IS NOT NULL;
CREATE INDEX person_upn ON person (upn) WHERE upn IS NOT NULL;

CREATE TABLE household (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    address_line1 TEXT NOT NULL,
    address_line2 TEXT,
    town TEXT NOT NULL,
    postcode TEXT,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX household_postcode ON household (postcode);

CREATE TABLE household_member (
    household_id BLOB NOT NULL REFERENCES household (id),
    person_id BLOB NOT NULL REFERENCES person (id),
    from_date TEXT NOT NULL,
    to_date TEXT,
    PRIMARY KEY (household_id, person_id, from_date)
) STRICT;
CREATE INDEX household_member_person ON household_member (person_id);

CREATE TABLE relationship (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    person_id BLOB NOT NULL REFERENCES person (id),
    related_person_id BLOB NOT NULL REFERENCES person (id),
    kind TEXT NOT NULL,
    parental_responsibility INTEGER NOT NULL
) STRICT;
CREATE INDEX relationship_person ON relationship (person_id);
CREATE INDEX relationship_related ON relationship (related_person_id);

CREATE TABLE contact (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id BLOB NOT NULL REFERENCES person (id),
    sibling_group BLOB REFERENCES contact (id),
    received_at TEXT NOT NULL,
    out_of_hours INTEGER NOT NULL,
    source TEXT NOT NULL,
    referrer_name TEXT NOT NULL,
    referrer_role TEXT,
    referrer_agency TEXT,
    referrer_organisation TEXT,
    referrer_contact_details TEXT,
    concerns TEXT NOT NULL,
    immediate_risk INTEGER NOT NULL,
    recorded_by BLOB REFERENCES app_user (id),
    recorded_at TEXT NOT NULL,
    assigned_to BLOB REFERENCES app_user (id),
    threshold TEXT,
    rag TEXT,
    rag_rationale TEXT,
    consent TEXT,
    consent_rationale TEXT,
    consent_approved_by BLOB REFERENCES app_user (id),
    consent_approved_at TEXT,
    decision_outcome TEXT,
    decision_rationale TEXT,
    decided_by BLOB REFERENCES app_user (id),
    decided_at TEXT,
    decision_out_of_hours INTEGER,
    decision_next_steps TEXT,
    decision_receiving_service TEXT,
    manager_oversight_by BLOB REFERENCES app_user (id),
    manager_oversight_at TEXT,
    feedback_method TEXT,
    feedback_given_at TEXT,
    feedback_given_by BLOB REFERENCES app_user (id),
    feedback_summary TEXT,
    CHECK ((decision_outcome IS NULL) = (decision_rationale IS NULL)),
    CHECK ((decision_outcome IS NULL) = (decided_at IS NULL))
) STRICT;
CREATE INDEX contact_child ON contact (child_id);
CREATE INDEX contact_open ON contact (la, received_at) WHERE decision_outcome IS NULL;
CREATE INDEX contact_received ON contact (la, received_at);
CREATE INDEX contact_feedback_due ON contact (la, decided_at) WHERE decision_outcome IS NOT NULL AND feedback_method IS NULL;

CREATE TABLE rag_change (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    contact_id BLOB NOT NULL REFERENCES contact (id),
    child_id BLOB NOT NULL REFERENCES person (id),
    rag TEXT NOT NULL,
    rationale TEXT NOT NULL,
    changed_by BLOB REFERENCES app_user (id),
    changed_at TEXT NOT NULL
) STRICT;
CREATE INDEX rag_change_child ON rag_change (child_id);
CREATE INDEX rag_change_contact ON rag_change (contact_id);

CREATE TABLE mash_enquiry (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    contact_id BLOB NOT NULL REFERENCES contact (id),
    child_id BLOB NOT NULL REFERENCES person (id),
    started_at TEXT NOT NULL,
    started_by BLOB REFERENCES app_user (id),
    history_summary TEXT,
    completed_at TEXT
) STRICT;
CREATE INDEX mash_enquiry_child ON mash_enquiry (child_id);
CREATE INDEX mash_enquiry_contact ON mash_enquiry (contact_id);

CREATE TABLE information_request (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    mash_enquiry_id BLOB NOT NULL REFERENCES mash_enquiry (id),
    contact_id BLOB NOT NULL REFERENCES contact (id),
    child_id BLOB NOT NULL REFERENCES person (id),
    agency TEXT NOT NULL,
    question TEXT NOT NULL,
    requested_by BLOB REFERENCES app_user (id),
    requested_at TEXT NOT NULL,
    due_at TEXT NOT NULL,
    response TEXT,
    responded_by BLOB REFERENCES app_user (id),
    responded_at TEXT
) STRICT;
CREATE INDEX information_request_child ON information_request (child_id);
CREATE INDEX information_request_open ON information_request (agency, la, due_at) WHERE responded_at IS NULL;

CREATE TABLE referral (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id BLOB NOT NULL REFERENCES person (id),
    contact_id BLOB REFERENCES contact (id),
    referral_date TEXT NOT NULL,
    source TEXT NOT NULL,
    primary_need TEXT,
    nfa INTEGER NOT NULL,
    closure_date TEXT,
    closure_reason TEXT,
    created_at TEXT NOT NULL,
    CHECK ((closure_date IS NULL) = (closure_reason IS NULL))
) STRICT;
CREATE INDEX referral_child ON referral (child_id);
CREATE INDEX referral_la_date ON referral (la, referral_date);

CREATE TABLE early_help_episode (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id BLOB NOT NULL REFERENCES person (id),
    contact_id BLOB REFERENCES contact (id),
    stepped_down_from BLOB REFERENCES referral (id),
    lead_practitioner TEXT NOT NULL,
    lead_agency TEXT NOT NULL,
    reason TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT,
    end_reason TEXT,
    next_steps TEXT,
    oversight_by BLOB REFERENCES app_user (id),
    oversight_at TEXT,
    stepped_up_to BLOB REFERENCES referral (id),
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX early_help_episode_child ON early_help_episode (child_id);

CREATE TABLE strategy_discussion (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id BLOB NOT NULL REFERENCES person (id),
    referral_id BLOB REFERENCES referral (id),
    contact_id BLOB REFERENCES contact (id),
    held_at TEXT NOT NULL,
    out_of_hours INTEGER NOT NULL,
    information_shared TEXT NOT NULL,
    decision TEXT NOT NULL,
    alternative TEXT,
    review_of BLOB REFERENCES strategy_discussion (id),
    recorded_by BLOB REFERENCES app_user (id),
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX strategy_discussion_child ON strategy_discussion (child_id);

CREATE TABLE strategy_participant (
    strategy_discussion_id BLOB NOT NULL REFERENCES strategy_discussion (id),
    child_id BLOB NOT NULL REFERENCES person (id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    agency TEXT NOT NULL,
    role TEXT NOT NULL,
    PRIMARY KEY (strategy_discussion_id, position)
) STRICT;
CREATE INDEX strategy_participant_child ON strategy_participant (child_id);

CREATE TABLE strategy_absent_agency (
    strategy_discussion_id BLOB NOT NULL REFERENCES strategy_discussion (id),
    child_id BLOB NOT NULL REFERENCES person (id),
    agency TEXT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (strategy_discussion_id, agency)
) STRICT;
CREATE INDEX strategy_absent_agency_child ON strategy_absent_agency (child_id);

CREATE TABLE section47 (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id BLOB NOT NULL REFERENCES person (id),
    referral_id BLOB NOT NULL REFERENCES referral (id),
    strategy_discussion_id BLOB NOT NULL REFERENCES strategy_discussion (id),
    start_date TEXT NOT NULL,
    icpc_due_on TEXT NOT NULL,
    outcome_date TEXT,
    outcome TEXT,
    icpc_required INTEGER,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX section47_child ON section47 (child_id);

CREATE TABLE assessment (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id BLOB NOT NULL REFERENCES person (id),
    referral_id BLOB NOT NULL REFERENCES referral (id),
    start_date TEXT NOT NULL,
    due_on TEXT NOT NULL,
    child_seen INTEGER NOT NULL,
    child_seen_alone INTEGER NOT NULL,
    wishes_and_feelings TEXT NOT NULL,
    identity_and_culture TEXT,
    sources_of_information TEXT,
    history_considered TEXT,
    risk_factors TEXT,
    protective_factors TEXT,
    safety_goals TEXT,
    scaling INTEGER CHECK (scaling BETWEEN 0 AND 10),
    factors TEXT,
    outcome TEXT,
    authorised_by BLOB REFERENCES app_user (id),
    authorised_on TEXT,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX assessment_child ON assessment (child_id);
CREATE INDEX assessment_open ON assessment (la, due_on) WHERE authorised_on IS NULL;

CREATE TABLE plan (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id BLOB NOT NULL REFERENCES person (id),
    referral_id BLOB NOT NULL REFERENCES referral (id),
    kind TEXT NOT NULL CHECK (kind IN ('cin', 'cp')),
    start_date TEXT NOT NULL,
    end_date TEXT,
    end_reason TEXT,
    needs TEXT NOT NULL,
    desired_outcomes TEXT NOT NULL,
    initial_category TEXT,
    latest_category TEXT,
    next_review_on TEXT,
    created_at TEXT NOT NULL,
    CHECK (kind = 'cin' OR (initial_category IS NOT NULL AND latest_category IS NOT NULL))
) STRICT;
CREATE INDEX plan_child ON plan (child_id);
CREATE INDEX plan_open ON plan (la, kind) WHERE end_date IS NULL;

CREATE TABLE conference (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id BLOB NOT NULL REFERENCES person (id),
    kind TEXT NOT NULL,
    section47_id BLOB REFERENCES section47 (id),
    plan_id BLOB REFERENCES plan (id),
    due_on TEXT NOT NULL,
    held_on TEXT,
    outcome TEXT,
    category TEXT,
    chair_id BLOB REFERENCES app_user (id),
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX conference_child ON conference (child_id);
CREATE INDEX conference_due ON conference (la, due_on) WHERE held_on IS NULL;

CREATE TABLE plan_review (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id BLOB NOT NULL REFERENCES person (id),
    plan_id BLOB NOT NULL REFERENCES plan (id),
    held_on TEXT NOT NULL,
    summary TEXT NOT NULL
) STRICT;
CREATE INDEX plan_review_child ON plan_review (child_id);

CREATE TABLE core_group (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id BLOB NOT NULL REFERENCES person (id),
    plan_id BLOB NOT NULL REFERENCES plan (id),
    due_on TEXT NOT NULL,
    held_on TEXT,
    attendees TEXT,
    notes TEXT
) STRICT;
CREATE INDEX core_group_child ON core_group (child_id);

CREATE TABLE visit (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id BLOB NOT NULL REFERENCES person (id),
    plan_id BLOB REFERENCES plan (id),
    kind TEXT NOT NULL,
    visited_on TEXT NOT NULL,
    worker_id BLOB REFERENCES app_user (id),
    child_seen INTEGER NOT NULL,
    seen_alone INTEGER NOT NULL,
    bedroom_seen INTEGER NOT NULL,
    wishes_and_feelings TEXT,
    observations TEXT,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX visit_child ON visit (child_id, visited_on);

CREATE TABLE supervision (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    supervisor_id BLOB NOT NULL REFERENCES app_user (id),
    supervisee_id BLOB NOT NULL REFERENCES app_user (id),
    held_on TEXT NOT NULL,
    reflection TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX supervision_supervisee ON supervision (supervisee_id, held_on);

CREATE TABLE supervision_case (
    supervision_id BLOB NOT NULL REFERENCES supervision (id),
    child_id BLOB NOT NULL REFERENCES person (id),
    discussion TEXT NOT NULL,
    direction TEXT NOT NULL,
    PRIMARY KEY (supervision_id, child_id)
) STRICT;
CREATE INDEX supervision_case_child ON supervision_case (child_id);

CREATE TABLE practice_week (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    title TEXT NOT NULL,
    theme TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    report TEXT,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE case_file_audit (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id BLOB NOT NULL REFERENCES person (id),
    auditor_id BLOB REFERENCES app_user (id),
    practice_week_id BLOB REFERENCES practice_week (id),
    audited_on TEXT NOT NULL,
    grade TEXT NOT NULL,
    lived_experience TEXT NOT NULL CHECK (length(trim(lived_experience)) > 0),
    impact_of_practice TEXT NOT NULL CHECK (length(trim(impact_of_practice)) > 0),
    strengths TEXT,
    areas_for_development TEXT,
    moderated_by BLOB REFERENCES app_user (id),
    moderated_grade TEXT,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX case_file_audit_child ON case_file_audit (child_id);

CREATE TABLE case_action (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id BLOB REFERENCES person (id),
    strategy_discussion_id BLOB REFERENCES strategy_discussion (id),
    plan_id BLOB REFERENCES plan (id),
    supervision_id BLOB REFERENCES supervision (id),
    case_file_audit_id BLOB REFERENCES case_file_audit (id),
    description TEXT NOT NULL,
    owner TEXT NOT NULL CHECK (length(trim(owner)) > 0),
    owner_user_id BLOB REFERENCES app_user (id),
    due_on TEXT NOT NULL,
    status TEXT NOT NULL,
    completed_on TEXT,
    created_at TEXT NOT NULL,
    CHECK ((strategy_discussion_id IS NOT NULL) + (plan_id IS NOT NULL) + (supervision_id IS NOT NULL)
           + (case_file_audit_id IS NOT NULL) = 1)
) STRICT;
CREATE INDEX case_action_child ON case_action (child_id);
CREATE INDEX case_action_open ON case_action (la, due_on) WHERE status = 'open';

CREATE TABLE plan_review_action (
    plan_review_id BLOB NOT NULL REFERENCES plan_review (id),
    child_id BLOB NOT NULL REFERENCES person (id),
    action_id BLOB NOT NULL REFERENCES case_action (id),
    progress TEXT NOT NULL,
    status TEXT NOT NULL,
    PRIMARY KEY (plan_review_id, action_id)
) STRICT;
CREATE INDEX plan_review_action_child ON plan_review_action (child_id);

CREATE TABLE case_note (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id BLOB NOT NULL REFERENCES person (id),
    kind TEXT NOT NULL,
    written_by BLOB REFERENCES app_user (id),
    at TEXT NOT NULL,
    text TEXT NOT NULL
) STRICT;
CREATE INDEX case_note_child ON case_note (child_id, at);

CREATE TABLE allocation (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id BLOB NOT NULL REFERENCES person (id),
    worker_id BLOB NOT NULL REFERENCES app_user (id),
    team_id BLOB REFERENCES team (id),
    from_date TEXT NOT NULL,
    to_date TEXT
) STRICT;
CREATE INDEX allocation_child ON allocation (child_id);
CREATE INDEX allocation_worker_current ON allocation (worker_id) WHERE to_date IS NULL;

CREATE TABLE child_flag (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id BLOB NOT NULL REFERENCES person (id),
    kind TEXT NOT NULL,
    from_date TEXT NOT NULL,
    to_date TEXT,
    notes TEXT
) STRICT;
CREATE INDEX child_flag_child ON child_flag (child_id);

CREATE TABLE specialist_involvement (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id BLOB NOT NULL REFERENCES person (id),
    unit TEXT NOT NULL,
    worker_name TEXT NOT NULL,
    worker_id BLOB REFERENCES app_user (id),
    from_date TEXT NOT NULL,
    to_date TEXT
) STRICT;
CREATE INDEX specialist_involvement_child ON specialist_involvement (child_id);

CREATE TABLE emergency_protection (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id BLOB NOT NULL REFERENCES person (id),
    kind TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT
) STRICT;
CREATE INDEX emergency_protection_child ON emergency_protection (child_id);

-- The audit trail: append-only. prev_hash/hash hold the tamper-evidence chain.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id BLOB,
    actor_label TEXT NOT NULL,
    action TEXT NOT NULL,
    record_kind TEXT NOT NULL,
    record_id BLOB,
    child_id BLOB,
    la TEXT,
    outcome TEXT NOT NULL,
    request_id TEXT,
    prev_hash BLOB,
    hash BLOB
) STRICT;
CREATE INDEX audit_log_record ON audit_log (record_id);
CREATE INDEX audit_log_child ON audit_log (child_id, seq);
CREATE INDEX audit_log_actor ON audit_log (actor_id, seq);
