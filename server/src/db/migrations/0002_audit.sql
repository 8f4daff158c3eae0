-- Audit: append-only entries, sealed in batches into an SM3 Merkle chain signed with SM2.
CREATE SCHEMA IF NOT EXISTS audit;

CREATE TABLE audit.entry (
  id            bigserial PRIMARY KEY,
  occurred_at   timestamptz NOT NULL,
  actor_kind    text NOT NULL CHECK (actor_kind IN ('user', 'client', 'anonymous', 'system')),
  actor_id      text,
  actor_name    text,
  department_id uuid,
  action        text NOT NULL,
  target_type   text,
  target_id     text,
  target_label  text,
  summary       jsonb,
  ip            text,
  request_id    text,
  outcome       text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
  error_code    text,
  -- Set once by the sealer; not part of the entry's hash.
  batch_no      bigint
);
CREATE INDEX entry_occurred_idx ON audit.entry (occurred_at);
CREATE INDEX entry_action_idx ON audit.entry (action);
CREATE INDEX entry_actor_idx ON audit.entry (actor_id);
CREATE INDEX entry_department_idx ON audit.entry (department_id);
CREATE INDEX entry_target_idx ON audit.entry (target_id);
CREATE INDEX entry_unsealed_idx ON audit.entry (id) WHERE batch_no IS NULL;
CREATE INDEX entry_batch_idx ON audit.entry (batch_no);

CREATE TABLE audit.batch (
  batch_no        bigint PRIMARY KEY,
  sealed_at       timestamptz NOT NULL,
  entry_count     integer NOT NULL,
  -- The entry ids in leaf order, and their leaf hashes (32 bytes each, concatenated), so that
  -- verify can name the entry that was altered, deleted, inserted or moved.
  entry_ids       bigint[] NOT NULL,
  leaves          bytea NOT NULL,
  merkle_root     bytea NOT NULL,
  prev_chain_hash bytea NOT NULL,
  chain_hash      bytea NOT NULL,
  signature       bytea NOT NULL,
  key_fingerprint text NOT NULL
);
