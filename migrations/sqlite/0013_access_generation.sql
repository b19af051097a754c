-- One counter that every change to the facts the access policy reads
-- moves: cases, their parties, consent records, restrictions and device
-- keys. Triggers move it in the same transaction as the change, whichever
-- process or code path makes it, so a server that read the counter with a
-- session may keep those facts in memory for as long as the counter it
-- reads stays the same.
CREATE TABLE access_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);
INSERT INTO access_generation (id, value) VALUES (1, 0);

CREATE TRIGGER cases_access_insert AFTER INSERT ON cases
BEGIN UPDATE access_generation SET value = value + 1; END;
CREATE TRIGGER cases_access_update AFTER UPDATE ON cases
BEGIN UPDATE access_generation SET value = value + 1; END;
CREATE TRIGGER cases_access_delete AFTER DELETE ON cases
BEGIN UPDATE access_generation SET value = value + 1; END;

CREATE TRIGGER case_parties_access_insert AFTER INSERT ON case_parties
BEGIN UPDATE access_generation SET value = value + 1; END;
CREATE TRIGGER case_parties_access_update AFTER UPDATE ON case_parties
BEGIN UPDATE access_generation SET value = value + 1; END;
CREATE TRIGGER case_parties_access_delete AFTER DELETE ON case_parties
BEGIN UPDATE access_generation SET value = value + 1; END;

CREATE TRIGGER consent_records_access_insert AFTER INSERT ON consent_records
BEGIN UPDATE access_generation SET value = value + 1; END;
CREATE TRIGGER consent_records_access_update AFTER UPDATE ON consent_records
BEGIN UPDATE access_generation SET value = value + 1; END;
CREATE TRIGGER consent_records_access_delete AFTER DELETE ON consent_records
BEGIN UPDATE access_generation SET value = value + 1; END;

CREATE TRIGGER restrictions_access_insert AFTER INSERT ON restrictions
BEGIN UPDATE access_generation SET value = value + 1; END;
CREATE TRIGGER restrictions_access_update AFTER UPDATE ON restrictions
BEGIN UPDATE access_generation SET value = value + 1; END;
CREATE TRIGGER restrictions_access_delete AFTER DELETE ON restrictions
BEGIN UPDATE access_generation SET value = value + 1; END;

CREATE TRIGGER device_keys_access_insert AFTER INSERT ON device_keys
BEGIN UPDATE access_generation SET value = value + 1; END;
CREATE TRIGGER device_keys_access_update AFTER UPDATE ON device_keys
BEGIN UPDATE access_generation SET value = value + 1; END;
CREATE TRIGGER device_keys_access_delete AFTER DELETE ON device_keys
BEGIN UPDATE access_generation SET value = value + 1; END;
