// The local state database. Additive statements only: an agent upgraded in place keeps its outbox.
export const STATE_SCHEMA = `
CREATE TABLE IF NOT EXISTS task_state (
  task_id         text PRIMARY KEY,
  checkpoint      text,
  snapshot_id     text,
  snapshot_part   integer NOT NULL DEFAULT 0,
  next_seq        bigint  NOT NULL DEFAULT 1,
  status          text,
  status_reason   text,
  last_error      text,
  last_error_at   timestamptz,
  last_run_at     timestamptz,
  rows_sent       bigint  NOT NULL DEFAULT 0,
  last_sent_at    timestamptz
);
CREATE TABLE IF NOT EXISTS outbox (
  batch_id    text PRIMARY KEY,
  task_id     text    NOT NULL,
  seq         bigint  NOT NULL,
  manifest    text    NOT NULL,
  signature   text    NOT NULL,
  file_path   text    NOT NULL,
  sm3         text    NOT NULL,
  bytes       bigint  NOT NULL,
  rows        integer NOT NULL,
  attempts    integer NOT NULL DEFAULT 0,
  last_error  text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (task_id, seq)
);
CREATE TABLE IF NOT EXISTS target_state (
  target_id     text PRIMARY KEY,
  task_id       text NOT NULL,
  last_seq      bigint,
  last_batch_id text,
  applied_rows  bigint NOT NULL DEFAULT 0,
  last_error    text,
  last_error_at timestamptz,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS kv (
  key   text PRIMARY KEY,
  value text NOT NULL
);
`;
