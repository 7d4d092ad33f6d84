-- Partner organisations (issue 15): each LA's directory of the schools, GP practices, police teams and other
-- agencies' services that refer children and answer information requests, kept by its administrators. An
-- organisation that stops working with the LA is made inactive, never deleted (records may name it).

CREATE TABLE partner_organisation (
    id BLOB PRIMARY KEY,
    la TEXT NOT NULL REFERENCES local_authority (code),
    name TEXT NOT NULL,
    agency TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    version INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX partner_organisation_la ON partner_organisation (la, name);
