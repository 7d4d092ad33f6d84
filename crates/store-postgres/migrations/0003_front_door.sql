-- Front-door worklists: decisions still waiting for a manager's oversight; a contact's partner requests.
CREATE INDEX contact_awaiting_oversight ON contact (la, decided_at)
    WHERE decision_outcome IS NOT NULL AND manager_oversight_at IS NULL;
CREATE INDEX information_request_contact ON information_request (contact_id);
