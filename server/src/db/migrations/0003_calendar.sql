-- Calendar years added or corrected by platform admins; they override the built-in data.
CREATE SCHEMA IF NOT EXISTS calendar;

CREATE TABLE calendar.year (
  year       integer PRIMARY KEY CHECK (year BETWEEN 1990 AND 2100),
  data       jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by text
);
