-- Publish/subscribe (issue #4 item 5): a provider publishes events on a topic bound to a catalog
-- resource; consumers holding a grant subscribe through their node and receive the events in
-- order (one sequence per topic, so also in order per key), durably (a cursor per subscription),
-- and may replay from the retention window.
CREATE TABLE exchange.topic (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code                   text NOT NULL UNIQUE CHECK (code ~ '^[a-z][a-z0-9._-]{1,62}$'),
  name                   text NOT NULL,
  resource_id            uuid NOT NULL REFERENCES catalog.resource (id),
  resource_code          text NOT NULL,
  resource_name          text NOT NULL,
  provider_department_id uuid NOT NULL REFERENCES identity.department (id),
  -- The catalog field whose value is an event's key (events of one key keep their order).
  key_field              text NOT NULL,
  -- The catalog fields an event may carry; each subscriber receives those its grant covers.
  fields                 text[] NOT NULL,
  event_types            text[] NOT NULL,
  retention_hours        integer NOT NULL CHECK (retention_hours BETWEEN 1 AND 8760),
  next_seq               bigint NOT NULL DEFAULT 1,
  created_by             text NOT NULL,
  created_at             timestamptz NOT NULL
);

CREATE TABLE exchange.topic_event (
  topic_id          uuid NOT NULL REFERENCES exchange.topic (id),
  seq               bigint NOT NULL,
  id                uuid NOT NULL UNIQUE,
  key               text NOT NULL,
  type              text NOT NULL,
  payload           jsonb NOT NULL,
  occurred_at       timestamptz NOT NULL,
  published_at      timestamptz NOT NULL,
  publisher_node_id uuid NOT NULL REFERENCES exchange.node (id),
  PRIMARY KEY (topic_id, seq)
);
CREATE INDEX topic_event_published_idx ON exchange.topic_event (topic_id, published_at);

CREATE TABLE exchange.subscription (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  topic_id               uuid NOT NULL REFERENCES exchange.topic (id),
  node_id                uuid NOT NULL REFERENCES exchange.node (id),
  consumer_department_id uuid NOT NULL REFERENCES identity.department (id),
  grant_id               uuid NOT NULL REFERENCES sharing.grant (id),
  purpose                text NOT NULL,
  -- The topic's fields this subscriber's grant covers: the only ones it receives.
  fields                 text[] NOT NULL,
  -- Where the agent writes the events: upsert by key (latest state) or append (an event log).
  connection             text NOT NULL,
  table_name             text NOT NULL,
  mode                   text NOT NULL CHECK (mode IN ('upsert', 'append')),
  column_map             jsonb NOT NULL,
  -- The last sequence number the subscriber acknowledged.
  cursor                 bigint NOT NULL DEFAULT 0,
  status                 text NOT NULL CHECK (status IN ('active', 'stopped')),
  status_code            text,
  status_reason          text,
  created_by             text NOT NULL,
  created_at             timestamptz NOT NULL,
  last_ack_at            timestamptz,
  UNIQUE (topic_id, node_id, connection, table_name)
);
CREATE INDEX subscription_node_idx ON exchange.subscription (node_id);
