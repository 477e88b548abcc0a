-- A total order of committed events, for the events stream: each event gets the next number only
-- after its transaction committed, by one sequencer at a time, so a reader that has seen number N
-- has seen every event numbered below it, and resumes after N without loss or repetition.
-- events_seq finds the events still to number in order (seq IS NULL, by time) as well as a range.

ALTER TABLE events ADD COLUMN seq BIGINT;
CREATE INDEX events_seq ON events (seq, created_at, id);
CREATE INDEX events_org_seq ON events (org_id, seq);
