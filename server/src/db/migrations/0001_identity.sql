-- Identity: divisions, departments, users, roles, sessions and API clients.
CREATE SCHEMA IF NOT EXISTS identity;

CREATE TABLE identity.division (
  code        text PRIMARY KEY,
  name        text NOT NULL,
  level       text NOT NULL CHECK (level IN ('province', 'city', 'county', 'township', 'village')),
  parent_code text REFERENCES identity.division (code),
  -- '/360000/360100/360102/': the ancestors and itself, so "division and below" is one prefix match.
  path        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX division_parent_idx ON identity.division (parent_code);
CREATE INDEX division_path_idx ON identity.division (path text_pattern_ops);

CREATE TABLE identity.department (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name          text NOT NULL,
  short_name    text,
  uscc          text NOT NULL,
  legacy_code   boolean NOT NULL DEFAULT false,
  division_code text NOT NULL REFERENCES identity.division (code),
  parent_id     uuid REFERENCES identity.department (id),
  kind          text NOT NULL,
  enabled       boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT department_uscc_key UNIQUE (uscc)
);
CREATE INDEX department_division_idx ON identity.department (division_code);
CREATE INDEX department_parent_idx ON identity.department (parent_id);

CREATE TABLE identity."user" (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username             text NOT NULL,
  display_name         text NOT NULL,
  department_id        uuid NOT NULL REFERENCES identity.department (id),
  email                text,
  phone                text,
  enabled              boolean NOT NULL DEFAULT true,
  password_hash        text NOT NULL,
  must_change_password boolean NOT NULL DEFAULT true,
  password_changed_at  timestamptz,
  failed_logins        integer NOT NULL DEFAULT 0,
  locked_until         timestamptz,
  last_login_at        timestamptz,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX user_username_key ON identity."user" (lower(username));
CREATE INDEX user_department_idx ON identity."user" (department_id);

CREATE TABLE identity.user_role (
  user_id    uuid NOT NULL REFERENCES identity."user" (id) ON DELETE CASCADE,
  role       text NOT NULL,
  scope      text NOT NULL CHECK (scope IN ('department', 'division', 'platform')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, role)
);

CREATE TABLE identity.session (
  -- SM3 of the cookie token: a stolen table does not yield usable cookies.
  id           text PRIMARY KEY,
  user_id      uuid NOT NULL REFERENCES identity."user" (id) ON DELETE CASCADE,
  csrf_token   text NOT NULL,
  created_at   timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  ip           text,
  user_agent   text,
  revoked_at   timestamptz
);
CREATE INDEX session_user_idx ON identity.session (user_id);

CREATE TABLE identity.client (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  client_id       text NOT NULL,
  name            text NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('system', 'agent')),
  department_id   uuid NOT NULL REFERENCES identity.department (id),
  public_key      text NOT NULL,
  key_fingerprint text NOT NULL,
  revoked_at      timestamptz,
  last_used_at    timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT client_client_id_key UNIQUE (client_id)
);

CREATE TABLE identity.client_role (
  client_id  uuid NOT NULL REFERENCES identity.client (id) ON DELETE CASCADE,
  role       text NOT NULL,
  scope      text NOT NULL CHECK (scope IN ('department', 'division', 'platform')),
  PRIMARY KEY (client_id, role)
);

-- Seen nonces of signed requests; rows older than the freshness window are purged.
CREATE TABLE identity.client_nonce (
  client_id uuid NOT NULL REFERENCES identity.client (id) ON DELETE CASCADE,
  nonce     text NOT NULL,
  seen_at   timestamptz NOT NULL,
  PRIMARY KEY (client_id, nonce)
);
CREATE INDEX client_nonce_seen_idx ON identity.client_nonce (seen_at);
