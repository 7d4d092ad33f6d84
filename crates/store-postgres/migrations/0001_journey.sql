-- Frontdoor schema, PostgreSQL. The SQLite migration creates the same tables and columns (store-tests
-- checks). Ids are UUID; dates DATE; instants TIMESTAMPTZ; codes are TEXT as the DfE writes them.

CREATE TABLE local_authority (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    settings TEXT NOT NULL
);

CREATE TABLE team (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    name TEXT NOT NULL,
    kind TEXT NOT NULL
);

CREATE TABLE app_user (
    id UUID PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    agency TEXT,
    team_id UUID REFERENCES team (id),
    password_hash TEXT,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE user_la (
    user_id UUID NOT NULL REFERENCES app_user (id),
    la TEXT NOT NULL REFERENCES local_authority (code),
    PRIMARY KEY (user_id, la)
);

CREATE TABLE api_token (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES app_user (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ
);

CREATE TABLE idempotency_key (
    actor TEXT NOT NULL,
    key TEXT NOT NULL,
    record_kind TEXT NOT NULL,
    record_id UUID NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (actor, key, record_kind)
);

CREATE TABLE person (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    is_child BOOLEAN NOT NULL,
    la_child_id TEXT,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    other_names TEXT,
    date_of_birth DATE,
    expected_date_of_birth DATE,
    date_of_death DATE,
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
    restricted BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX person_la_child_id ON person (la, la_child_id) WHERE la_child_id IS NOT NULL;
CREATE INDEX person_name ON person (la, last_name, first_name);
CREATE INDEX person_date_of_birth ON person (date_of_birth);
CREATE INDEX person_nhs_number ON person (nhs_number) WHERE nhs_number IS NOT NULL;
CREATE INDEX person_upn ON person (upn) WHERE upn IS NOT NULL;

CREATE TABLE household (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    address_line1 TEXT NOT NULL,
    address_line2 TEXT,
    town TEXT NOT NULL,
    postcode TEXT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX household_postcode ON household (postcode);

CREATE TABLE household_member (
    household_id UUID NOT NULL REFERENCES household (id),
    person_id UUID NOT NULL REFERENCES person (id),
    from_date DATE NOT NULL,
    to_date DATE,
    PRIMARY KEY (household_id, person_id, from_date)
);
CREATE INDEX household_member_person ON household_member (person_id);

CREATE TABLE relationship (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    person_id UUID NOT NULL REFERENCES person (id),
    related_person_id UUID NOT NULL REFERENCES person (id),
    kind TEXT NOT NULL,
    parental_responsibility BOOLEAN NOT NULL
);
CREATE INDEX relationship_person ON relationship (person_id);
CREATE INDEX relationship_related ON relationship (related_person_id);

CREATE TABLE contact (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id UUID NOT NULL REFERENCES person (id),
    sibling_group UUID REFERENCES contact (id),
    received_at TIMESTAMPTZ NOT NULL,
    out_of_hours BOOLEAN NOT NULL,
    source TEXT NOT NULL,
    referrer_name TEXT NOT NULL,
    referrer_role TEXT,
    referrer_agency TEXT,
    referrer_organisation TEXT,
    referrer_contact_details TEXT,
    concerns TEXT NOT NULL,
    immediate_risk BOOLEAN NOT NULL,
    recorded_by UUID REFERENCES app_user (id),
    recorded_at TIMESTAMPTZ NOT NULL,
    assigned_to UUID REFERENCES app_user (id),
    threshold TEXT,
    rag TEXT,
    rag_rationale TEXT,
    consent TEXT,
    consent_rationale TEXT,
    consent_approved_by UUID REFERENCES app_user (id),
    consent_approved_at TIMESTAMPTZ,
    decision_outcome TEXT,
    decision_rationale TEXT,
    decided_by UUID REFERENCES app_user (id),
    decided_at TIMESTAMPTZ,
    decision_out_of_hours BOOLEAN,
    decision_next_steps TEXT,
    decision_receiving_service TEXT,
    manager_oversight_by UUID REFERENCES app_user (id),
    manager_oversight_at TIMESTAMPTZ,
    feedback_method TEXT,
    feedback_given_at TIMESTAMPTZ,
    feedback_given_by UUID REFERENCES app_user (id),
    feedback_summary TEXT,
    CHECK ((decision_outcome IS NULL) = (decision_rationale IS NULL)),
    CHECK ((decision_outcome IS NULL) = (decided_at IS NULL))
);
CREATE INDEX contact_child ON contact (child_id);
CREATE INDEX contact_open ON contact (la, received_at) WHERE decision_outcome IS NULL;
CREATE INDEX contact_received ON contact (la, received_at);
CREATE INDEX contact_feedback_due ON contact (la, decided_at) WHERE decision_outcome IS NOT NULL AND feedback_method IS NULL;

CREATE TABLE rag_change (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    contact_id UUID NOT NULL REFERENCES contact (id),
    child_id UUID NOT NULL REFERENCES person (id),
    rag TEXT NOT NULL,
    rationale TEXT NOT NULL,
    changed_by UUID REFERENCES app_user (id),
    changed_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX rag_change_child ON rag_change (child_id);
CREATE INDEX rag_change_contact ON rag_change (contact_id);

CREATE TABLE mash_enquiry (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    contact_id UUID NOT NULL REFERENCES contact (id),
    child_id UUID NOT NULL REFERENCES person (id),
    started_at TIMESTAMPTZ NOT NULL,
    started_by UUID REFERENCES app_user (id),
    history_summary TEXT,
    completed_at TIMESTAMPTZ
);
CREATE INDEX mash_enquiry_child ON mash_enquiry (child_id);
CREATE INDEX mash_enquiry_contact ON mash_enquiry (contact_id);

CREATE TABLE information_request (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    mash_enquiry_id UUID NOT NULL REFERENCES mash_enquiry (id),
    contact_id UUID NOT NULL REFERENCES contact (id),
    child_id UUID NOT NULL REFERENCES person (id),
    agency TEXT NOT NULL,
    question TEXT NOT NULL,
    requested_by UUID REFERENCES app_user (id),
    requested_at TIMESTAMPTZ NOT NULL,
    due_at TIMESTAMPTZ NOT NULL,
    response TEXT,
    responded_by UUID REFERENCES app_user (id),
    responded_at TIMESTAMPTZ
);
CREATE INDEX information_request_child ON information_request (child_id);
CREATE INDEX information_request_open ON information_request (agency, la, due_at) WHERE responded_at IS NULL;

CREATE TABLE referral (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id UUID NOT NULL REFERENCES person (id),
    contact_id UUID REFERENCES contact (id),
    referral_date DATE NOT NULL,
    source TEXT NOT NULL,
    primary_need TEXT,
    nfa BOOLEAN NOT NULL,
    closure_date DATE,
    closure_reason TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    CHECK ((closure_date IS NULL) = (closure_reason IS NULL))
);
CREATE INDEX referral_child ON referral (child_id);
CREATE INDEX referral_la_date ON referral (la, referral_date);

CREATE TABLE early_help_episode (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id UUID NOT NULL REFERENCES person (id),
    contact_id UUID REFERENCES contact (id),
    stepped_down_from UUID REFERENCES referral (id),
    lead_practitioner TEXT NOT NULL,
    lead_agency TEXT NOT NULL,
    reason TEXT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE,
    end_reason TEXT,
    next_steps TEXT,
    oversight_by UUID REFERENCES app_user (id),
    oversight_at TIMESTAMPTZ,
    stepped_up_to UUID REFERENCES referral (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX early_help_episode_child ON early_help_episode (child_id);

CREATE TABLE strategy_discussion (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id UUID NOT NULL REFERENCES person (id),
    referral_id UUID REFERENCES referral (id),
    contact_id UUID REFERENCES contact (id),
    held_at TIMESTAMPTZ NOT NULL,
    out_of_hours BOOLEAN NOT NULL,
    information_shared TEXT NOT NULL,
    decision TEXT NOT NULL,
    alternative TEXT,
    review_of UUID REFERENCES strategy_discussion (id),
    recorded_by UUID REFERENCES app_user (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX strategy_discussion_child ON strategy_discussion (child_id);

CREATE TABLE strategy_participant (
    strategy_discussion_id UUID NOT NULL REFERENCES strategy_discussion (id),
    child_id UUID NOT NULL REFERENCES person (id),
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    agency TEXT NOT NULL,
    role TEXT NOT NULL,
    PRIMARY KEY (strategy_discussion_id, position)
);
CREATE INDEX strategy_participant_child ON strategy_participant (child_id);

CREATE TABLE strategy_absent_agency (
    strategy_discussion_id UUID NOT NULL REFERENCES strategy_discussion (id),
    child_id UUID NOT NULL REFERENCES person (id),
    agency TEXT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (strategy_discussion_id, agency)
);
CREATE INDEX strategy_absent_agency_child ON strategy_absent_agency (child_id);

CREATE TABLE section47 (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id UUID NOT NULL REFERENCES person (id),
    referral_id UUID NOT NULL REFERENCES referral (id),
    strategy_discussion_id UUID NOT NULL REFERENCES strategy_discussion (id),
    start_date DATE NOT NULL,
    icpc_due_on DATE NOT NULL,
    outcome_date DATE,
    outcome TEXT,
    icpc_required BOOLEAN,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX section47_child ON section47 (child_id);

CREATE TABLE assessment (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id UUID NOT NULL REFERENCES person (id),
    referral_id UUID NOT NULL REFERENCES referral (id),
    start_date DATE NOT NULL,
    due_on DATE NOT NULL,
    child_seen BOOLEAN NOT NULL,
    child_seen_alone BOOLEAN NOT NULL,
    wishes_and_feelings TEXT NOT NULL,
    identity_and_culture TEXT,
    sources_of_information TEXT,
    history_considered TEXT,
    risk_factors TEXT,
    protective_factors TEXT,
    safety_goals TEXT,
    scaling BIGINT CHECK (scaling BETWEEN 0 AND 10),
    factors TEXT,
    outcome TEXT,
    authorised_by UUID REFERENCES app_user (id),
    authorised_on DATE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX assessment_child ON assessment (child_id);
CREATE INDEX assessment_open ON assessment (la, due_on) WHERE authorised_on IS NULL;

CREATE TABLE plan (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id UUID NOT NULL REFERENCES person (id),
    referral_id UUID NOT NULL REFERENCES referral (id),
    kind TEXT NOT NULL CHECK (kind IN ('cin', 'cp')),
    start_date DATE NOT NULL,
    end_date DATE,
    end_reason TEXT,
    needs TEXT NOT NULL,
    desired_outcomes TEXT NOT NULL,
    initial_category TEXT,
    latest_category TEXT,
    next_review_on DATE,
    created_at TIMESTAMPTZ NOT NULL,
    CHECK (kind = 'cin' OR (initial_category IS NOT NULL AND latest_category IS NOT NULL))
);
CREATE INDEX plan_child ON plan (child_id);
CREATE INDEX plan_open ON plan (la, kind) WHERE end_date IS NULL;

CREATE TABLE conference (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id UUID NOT NULL REFERENCES person (id),
    kind TEXT NOT NULL,
    section47_id UUID REFERENCES section47 (id),
    plan_id UUID REFERENCES plan (id),
    due_on DATE NOT NULL,
    held_on DATE,
    outcome TEXT,
    category TEXT,
    chair_id UUID REFERENCES app_user (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX conference_child ON conference (child_id);
CREATE INDEX conference_due ON conference (la, due_on) WHERE held_on IS NULL;

CREATE TABLE plan_review (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id UUID NOT NULL REFERENCES person (id),
    plan_id UUID NOT NULL REFERENCES plan (id),
    held_on DATE NOT NULL,
    summary TEXT NOT NULL
);
CREATE INDEX plan_review_child ON plan_review (child_id);

CREATE TABLE core_group (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id UUID NOT NULL REFERENCES person (id),
    plan_id UUID NOT NULL REFERENCES plan (id),
    due_on DATE NOT NULL,
    held_on DATE,
    attendees TEXT,
    notes TEXT
);
CREATE INDEX core_group_child ON core_group (child_id);

CREATE TABLE visit (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id UUID NOT NULL REFERENCES person (id),
    plan_id UUID REFERENCES plan (id),
    kind TEXT NOT NULL,
    visited_on DATE NOT NULL,
    worker_id UUID REFERENCES app_user (id),
    child_seen BOOLEAN NOT NULL,
    seen_alone BOOLEAN NOT NULL,
    bedroom_seen BOOLEAN NOT NULL,
    wishes_and_feelings TEXT,
    observations TEXT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX visit_child ON visit (child_id, visited_on);

CREATE TABLE supervision (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    supervisor_id UUID NOT NULL REFERENCES app_user (id),
    supervisee_id UUID NOT NULL REFERENCES app_user (id),
    held_on DATE NOT NULL,
    reflection TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX supervision_supervisee ON supervision (supervisee_id, held_on);

CREATE TABLE supervision_case (
    supervision_id UUID NOT NULL REFERENCES supervision (id),
    child_id UUID NOT NULL REFERENCES person (id),
    discussion TEXT NOT NULL,
    direction TEXT NOT NULL,
    PRIMARY KEY (supervision_id, child_id)
);
CREATE INDEX supervision_case_child ON supervision_case (child_id);

CREATE TABLE practice_week (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    title TEXT NOT NULL,
    theme TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    report TEXT,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE case_file_audit (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id UUID NOT NULL REFERENCES person (id),
    auditor_id UUID REFERENCES app_user (id),
    practice_week_id UUID REFERENCES practice_week (id),
    audited_on DATE NOT NULL,
    grade TEXT NOT NULL,
    lived_experience TEXT NOT NULL CHECK (length(trim(lived_experience)) > 0),
    impact_of_practice TEXT NOT NULL CHECK (length(trim(impact_of_practice)) > 0),
    strengths TEXT,
    areas_for_development TEXT,
    moderated_by UUID REFERENCES app_user (id),
    moderated_grade TEXT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_file_audit_child ON case_file_audit (child_id);

CREATE TABLE case_action (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id UUID REFERENCES person (id),
    strategy_discussion_id UUID REFERENCES strategy_discussion (id),
    plan_id UUID REFERENCES plan (id),
    supervision_id UUID REFERENCES supervision (id),
    case_file_audit_id UUID REFERENCES case_file_audit (id),
    description TEXT NOT NULL,
    owner TEXT NOT NULL CHECK (length(trim(owner)) > 0),
    owner_user_id UUID REFERENCES app_user (id),
    due_on DATE NOT NULL,
    status TEXT NOT NULL,
    completed_on DATE,
    created_at TIMESTAMPTZ NOT NULL,
    CHECK (num_nonnulls(strategy_discussion_id, plan_id, supervision_id, case_file_audit_id) = 1)
);
CREATE INDEX case_action_child ON case_action (child_id);
CREATE INDEX case_action_open ON case_action (la, due_on) WHERE status = 'open';

CREATE TABLE plan_review_action (
    plan_review_id UUID NOT NULL REFERENCES plan_review (id),
    child_id UUID NOT NULL REFERENCES person (id),
    action_id UUID NOT NULL REFERENCES case_action (id),
    progress TEXT NOT NULL,
    status TEXT NOT NULL,
    PRIMARY KEY (plan_review_id, action_id)
);
CREATE INDEX plan_review_action_child ON plan_review_action (child_id);

CREATE TABLE case_note (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id UUID NOT NULL REFERENCES person (id),
    kind TEXT NOT NULL,
    written_by UUID REFERENCES app_user (id),
    at TIMESTAMPTZ NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX case_note_child ON case_note (child_id, at);

CREATE TABLE allocation (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id UUID NOT NULL REFERENCES person (id),
    worker_id UUID NOT NULL REFERENCES app_user (id),
    team_id UUID REFERENCES team (id),
    from_date DATE NOT NULL,
    to_date DATE
);
CREATE INDEX allocation_child ON allocation (child_id);
CREATE INDEX allocation_worker_current ON allocation (worker_id) WHERE to_date IS NULL;

CREATE TABLE child_flag (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id UUID NOT NULL REFERENCES person (id),
    kind TEXT NOT NULL,
    from_date DATE NOT NULL,
    to_date DATE,
    notes TEXT
);
CREATE INDEX child_flag_child ON child_flag (child_id);

CREATE TABLE specialist_involvement (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id UUID NOT NULL REFERENCES person (id),
    unit TEXT NOT NULL,
    worker_name TEXT NOT NULL,
    worker_id UUID REFERENCES app_user (id),
    from_date DATE NOT NULL,
    to_date DATE
);
CREATE INDEX specialist_involvement_child ON specialist_involvement (child_id);

CREATE TABLE emergency_protection (
    id UUID PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    child_id UUID NOT NULL REFERENCES person (id),
    kind TEXT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE
);
CREATE INDEX emergency_protection_child ON emergency_protection (child_id);

-- The audit trail: append-only. prev_hash/hash hold the tamper-evidence chain.
CREATE TABLE audit_log (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    actor_id UUID,
    actor_label TEXT NOT NULL,
    action TEXT NOT NULL,
    record_kind TEXT NOT NULL,
    record_id UUID,
    child_id UUID,
    la TEXT,
    outcome TEXT NOT NULL,
    request_id TEXT,
    prev_hash BYTEA,
    hash BYTEA
);
CREATE INDEX audit_log_record ON audit_log (record_id);
CREATE INDEX audit_log_child ON audit_log (child_id, seq);
CREATE INDEX audit_log_actor ON audit_log (actor_id, seq);
