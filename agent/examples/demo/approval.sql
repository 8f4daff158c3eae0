-- The demo target: 南昌市行政审批局's copy of the penalty records (the demo task upserts by
-- decision number) and its log of the topic's events (the demo subscription appends).
CREATE TABLE IF NOT EXISTS penalty_copy (
  decision_no    text PRIMARY KEY,
  party_name     text,
  uscc           char(18),
  violation_type text,
  legal_basis    text,
  penalty        text,
  amount         numeric(14, 4),
  decision_date  date
);
CREATE TABLE IF NOT EXISTS penalty_events (
  event_seq     bigint PRIMARY KEY,
  event_id      uuid NOT NULL,
  event_type    text NOT NULL,
  event_key     text NOT NULL,
  occurred_at   timestamptz NOT NULL,
  decision_no   text,
  party_name    text,
  uscc          char(18),
  penalty       text,
  decision_date date
);
