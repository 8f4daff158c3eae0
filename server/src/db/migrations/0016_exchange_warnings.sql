-- Exchange warnings (R-EXC-5): a silent node, a failing task, high lag, an abnormal change in the
-- volume of data, batches about to expire. One open warning per kind and subject; the watch job
-- raises, refreshes and resolves them.
CREATE TABLE exchange.warning (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind         text NOT NULL CHECK (kind IN ('node_silent', 'task_failing', 'lag_high', 'row_count_abnormal', 'expiry_pending', 'expired')),
  -- What the warning is about (a node id, a task id, a snapshot id): open warnings are unique by it.
  subject      text NOT NULL,
  node_id      uuid REFERENCES exchange.node (id),
  task_id      uuid REFERENCES exchange.task (id),
  department_id uuid NOT NULL REFERENCES identity.department (id),
  message      text NOT NULL,
  message_zh   text NOT NULL,
  detail       jsonb,
  raised_at    timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  resolved_at  timestamptz
);
CREATE UNIQUE INDEX warning_open_idx ON exchange.warning (kind, subject) WHERE resolved_at IS NULL;
CREATE INDEX warning_raised_idx ON exchange.warning (raised_at DESC);
