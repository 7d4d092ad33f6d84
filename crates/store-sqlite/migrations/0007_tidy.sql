-- Indexes no query uses. Person search runs on an in-memory index (store::search_index), which reads every
-- child once and then only people by id, so the indexes on date of birth, NHS number, UPN and the search keys
-- of first names (and of last names' phonetic keys) are never read; nothing searches households by postcode.
-- `person_search_last` stays: the start-up backfill finds rows with `search_last IS NULL` through it.
DROP INDEX IF EXISTS person_date_of_birth;
DROP INDEX IF EXISTS person_nhs_number;
DROP INDEX IF EXISTS person_upn;
DROP INDEX IF EXISTS household_postcode;
DROP INDEX IF EXISTS person_search_first;
DROP INDEX IF EXISTS person_search_first_key;
DROP INDEX IF EXISTS person_search_last_key;
