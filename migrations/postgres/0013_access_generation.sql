-- One counter that every change to the facts the access policy reads
-- moves: cases, their parties, consent records, restrictions and device
-- keys. Triggers move it in the same transaction as the change, whichever
-- instance or code path makes it, so a server that read the counter with a
-- session may keep those facts in memory for as long as the counter it
-- reads stays the same.
CREATE TABLE access_generation (
    id smallint PRIMARY KEY CHECK (id = 1),
    value bigint NOT NULL
);
INSERT INTO access_generation (id, value) VALUES (1, 0);

CREATE FUNCTION bump_access_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE access_generation SET value = value + 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER cases_access AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON cases
    FOR EACH STATEMENT EXECUTE FUNCTION bump_access_generation();
CREATE TRIGGER case_parties_access AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON case_parties
    FOR EACH STATEMENT EXECUTE FUNCTION bump_access_generation();
CREATE TRIGGER consent_records_access AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON consent_records
    FOR EACH STATEMENT EXECUTE FUNCTION bump_access_generation();
CREATE TRIGGER restrictions_access AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON restrictions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_access_generation();
CREATE TRIGGER device_keys_access AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON device_keys
    FOR EACH STATEMENT EXECUTE FUNCTION bump_access_generation();
