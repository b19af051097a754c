-- How many items wait in each case, per kind, kept by triggers as items
-- are filed and handled: the work queue's totals add up one row per case
-- and kind instead of counting every waiting item on each call (README.md,
-- "The work queue"). The page and the overdue count still read the items.
CREATE TABLE queue_totals (
    case_id UUID NOT NULL REFERENCES cases (id),
    source  TEXT NOT NULL CHECK (source IN ('message', 'request', 'visit')),
    waiting BIGINT NOT NULL,
    PRIMARY KEY (case_id, source)
);

-- Arguments: the kind, then the statuses in which an item waits.
CREATE FUNCTION queue_totals_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    item_kind TEXT := TG_ARGV[0];
    waiting_in TEXT[] := TG_ARGV[1]::TEXT[];
    was BOOLEAN := TG_OP <> 'INSERT' AND OLD.status = ANY (waiting_in);
    is_now BOOLEAN := TG_OP <> 'DELETE' AND NEW.status = ANY (waiting_in);
BEGIN
    IF was AND NOT (is_now AND NEW.case_id = OLD.case_id) THEN
        UPDATE queue_totals SET waiting = waiting - 1
            WHERE queue_totals.case_id = OLD.case_id AND queue_totals.source = item_kind;
    END IF;
    IF is_now AND NOT (was AND NEW.case_id = OLD.case_id) THEN
        INSERT INTO queue_totals AS t (case_id, source, waiting)
            VALUES (NEW.case_id, item_kind, 1)
            ON CONFLICT (case_id, source) DO UPDATE SET waiting = t.waiting + 1;
    END IF;
    RETURN NULL;
END;
$$;

INSERT INTO queue_totals (case_id, source, waiting)
    SELECT case_id, 'message', count(*) FROM messages WHERE status = 'pending_relay' GROUP BY case_id;
CREATE TRIGGER messages_wait AFTER INSERT OR DELETE OR UPDATE OF status, case_id ON messages
    FOR EACH ROW EXECUTE FUNCTION queue_totals_follow('message', '{pending_relay}');

INSERT INTO queue_totals (case_id, source, waiting)
    SELECT case_id, 'request', count(*) FROM practical_requests WHERE status = 'submitted' GROUP BY case_id;
CREATE TRIGGER practical_requests_wait AFTER INSERT OR DELETE OR UPDATE OF status, case_id ON practical_requests
    FOR EACH ROW EXECUTE FUNCTION queue_totals_follow('request', '{submitted}');

INSERT INTO queue_totals (case_id, source, waiting)
    SELECT case_id, 'visit', count(*) FROM visits WHERE status IN ('submitted', 'under_review') GROUP BY case_id;
CREATE TRIGGER visits_wait AFTER INSERT OR DELETE OR UPDATE OF status, case_id ON visits
    FOR EACH ROW EXECUTE FUNCTION queue_totals_follow('visit', '{submitted,under_review}');
