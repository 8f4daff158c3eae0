-- Data exchange (R-EXC, issue #4; ADR 0008, docs/exchange-protocol.md): front-end processor nodes,
-- tasks bound to a published catalog resource and, per target, an active grant; batches stored by
-- the center (body in the file store, keyed by SM3), one delivery per batch and target, and one
-- provenance row per batch per hop.
CREATE SCHEMA exchange;

CREATE TABLE exchange.node (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code                   text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name                   text NOT NULL,
  department_id          uuid NOT NULL REFERENCES identity.department (id),
  -- pending: registered, waiting for the agent to enrol; active: enrolled; revoked.
  status                 text NOT NULL CHECK (status IN ('pending', 'active', 'revoked')),
  -- The node's API client (kind 'agent'), created at enrolment.
  client_id              uuid UNIQUE REFERENCES identity.client (id),
  -- SM3 of the one-time enrolment token; cleared once used.
  enrol_token_hash       text UNIQUE,
  enrol_token_expires_at timestamptz,
  agent_version          text,
  hostname               text,
  last_heartbeat_at      timestamptz,
  queue_depth            integer,
  lag_seconds            integer,
  -- Per-task state the agent last reported (checkpoint, last error), for the console.
  reported               jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_by             text NOT NULL,
  created_at             timestamptz NOT NULL,
  enrolled_at            timestamptz,
  revoked_at             timestamptz,
  revoked_by             text
);
CREATE INDEX node_department_idx ON exchange.node (department_id);

CREATE TABLE exchange.task (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name                   text NOT NULL,
  resource_id            uuid NOT NULL REFERENCES catalog.resource (id),
  resource_code          text NOT NULL,
  resource_name          text NOT NULL,
  provider_department_id uuid NOT NULL REFERENCES identity.department (id),
  source_node_id         uuid NOT NULL REFERENCES exchange.node (id),
  -- {connection, table, query, keyColumns, incremental: {column, kind} | null}
  source                 jsonb NOT NULL,
  -- [{field, column, dataType, mask}] — the projection that travels (catalog field names).
  fields                 jsonb NOT NULL,
  schedule               jsonb NOT NULL,
  strategy               jsonb NOT NULL,
  status                 text NOT NULL CHECK (status IN ('active', 'paused', 'stopped')),
  status_code            text,
  status_reason          text,
  next_seq               bigint NOT NULL DEFAULT 1,
  created_by             text NOT NULL,
  created_at             timestamptz NOT NULL,
  updated_at             timestamptz NOT NULL
);
CREATE INDEX task_source_idx ON exchange.task (source_node_id);
CREATE INDEX task_provider_idx ON exchange.task (provider_department_id);

CREATE TABLE exchange.target (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  task_id                uuid NOT NULL REFERENCES exchange.task (id) ON DELETE CASCADE,
  node_id                uuid NOT NULL REFERENCES exchange.node (id),
  consumer_department_id uuid NOT NULL REFERENCES identity.department (id),
  grant_id               uuid NOT NULL REFERENCES sharing.grant (id),
  purpose                text NOT NULL,
  connection             text NOT NULL,
  table_name             text NOT NULL,
  key_columns            text[] NOT NULL,
  mode                   text NOT NULL CHECK (mode IN ('upsert', 'append')),
  column_map             jsonb NOT NULL,
  status                 text NOT NULL CHECK (status IN ('active', 'stopped')),
  status_code            text,
  status_reason          text,
  UNIQUE (task_id, node_id, connection, table_name)
);
CREATE INDEX target_node_idx ON exchange.target (node_id);
CREATE INDEX target_grant_idx ON exchange.target (grant_id);

CREATE TABLE exchange.batch (
  id                 uuid PRIMARY KEY,
  task_id            uuid NOT NULL REFERENCES exchange.task (id),
  source_node_id     uuid NOT NULL REFERENCES exchange.node (id),
  seq                bigint NOT NULL,
  kind               text NOT NULL CHECK (kind IN ('rows', 'file')),
  manifest           jsonb NOT NULL,
  manifest_signature text NOT NULL,
  sm3                text NOT NULL CHECK (sm3 ~ '^[0-9a-f]{64}$'),
  bytes              bigint NOT NULL,
  row_count          integer NOT NULL,
  received_at        timestamptz NOT NULL,
  -- Set when every delivery is settled and the body may leave the file store.
  settled_at         timestamptz,
  UNIQUE (task_id, seq)
);
CREATE INDEX batch_sm3_idx ON exchange.batch (sm3);
CREATE INDEX batch_task_received_idx ON exchange.batch (task_id, received_at);

CREATE TABLE exchange.delivery (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  batch_id        uuid NOT NULL REFERENCES exchange.batch (id),
  task_id         uuid NOT NULL REFERENCES exchange.task (id),
  target_id       uuid NOT NULL REFERENCES exchange.target (id),
  node_id         uuid NOT NULL REFERENCES exchange.node (id),
  seq             bigint NOT NULL,
  priority        integer NOT NULL,
  bytes           bigint NOT NULL,
  -- queued → delivering (leased) → applied; failed holds the target until retried; expired.
  status          text NOT NULL CHECK (status IN ('queued', 'delivering', 'applied', 'failed', 'expired')),
  attempts        integer NOT NULL DEFAULT 0,
  lease_until     timestamptz,
  available_at    timestamptz NOT NULL,
  error_code      text,
  error_message   text,
  retryable       boolean,
  applied_rows    integer,
  created_at      timestamptz NOT NULL,
  delivered_at    timestamptz,
  settled_at      timestamptz,
  UNIQUE (batch_id, target_id)
);
-- The next delivery per target, and a node's open deliveries.
CREATE INDEX delivery_open_idx ON exchange.delivery (target_id, seq) WHERE status IN ('queued', 'delivering', 'failed');
CREATE INDEX delivery_node_idx ON exchange.delivery (node_id, priority DESC, created_at) WHERE status IN ('queued', 'delivering');
CREATE INDEX delivery_task_idx ON exchange.delivery (task_id, status);

CREATE TABLE exchange.provenance (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  batch_id    uuid NOT NULL,
  task_id     uuid NOT NULL,
  target_id   uuid,
  node_id     uuid,
  hop         text NOT NULL CHECK (hop IN ('extracted', 'uploaded', 'routed', 'delivered', 'applied', 'failed', 'expired')),
  at          timestamptz NOT NULL,
  bytes       bigint,
  row_count   integer,
  detail      jsonb
);
CREATE INDEX provenance_batch_idx ON exchange.provenance (batch_id, id);
CREATE INDEX provenance_task_at_idx ON exchange.provenance (task_id, at);
