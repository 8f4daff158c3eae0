-- Sharing (共享管理, 国发〔2016〕51号): requests for conditional resources, grants, escalations.
-- Validity and deadline dates are CST calendar dates kept as 'YYYY-MM-DD' text: they compare as
-- strings and no driver turns them into a local-time Date.
CREATE SCHEMA IF NOT EXISTS sharing;

-- A consumer department's application for a conditional resource (whole or chosen fields).
CREATE TABLE sharing.request (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resource_id            uuid NOT NULL,
  resource_code          text NOT NULL,
  resource_name          text NOT NULL,
  resource_version       integer NOT NULL,
  provider_department_id uuid NOT NULL,
  consumer_department_id uuid NOT NULL,
  -- The English names of the fields applied for (resolved from "whole resource" when none were chosen).
  fields                 text[] NOT NULL,
  whole_resource         boolean NOT NULL,
  purpose                text NOT NULL,
  duty_basis             text NOT NULL,
  scope_of_use           text NOT NULL,
  valid_from             text NOT NULL CHECK (valid_from ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
  valid_to               text NOT NULL CHECK (valid_to ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
  status                 text NOT NULL CHECK (status IN ('pending', 'approved', 'refused', 'escalated', 'arbitration_approved', 'arbitration_refused')),
  requested_by           text NOT NULL,
  received_at            timestamptz NOT NULL,
  -- 10 working days (R-SHR-2): end of deadline_date, CST; reminders on the 5th and 8th working day.
  deadline               timestamptz NOT NULL,
  deadline_date          text NOT NULL,
  remind_at_5            text NOT NULL,
  remind_at_8            text NOT NULL,
  answered_at            timestamptz,
  answered_by            text,
  answer_reasons         text,
  approved_fields        text[],
  approved_valid_to      text,
  escalated_at           timestamptz,
  escalated_by           text,
  escalation_reasons     text,
  arbitrated_at          timestamptz,
  arbitrated_by          text,
  arbitration_reasons    text,
  grant_id               uuid,
  created_at             timestamptz NOT NULL,
  updated_at             timestamptz NOT NULL,
  CHECK (valid_from <= valid_to)
);
CREATE INDEX request_consumer_idx ON sharing.request (consumer_department_id, created_at);
CREATE INDEX request_provider_idx ON sharing.request (provider_department_id, created_at);
CREATE INDEX request_pending_deadline_idx ON sharing.request (deadline) WHERE status = 'pending';

-- What a consumer may use: unconditional grants at once, conditional ones from an approved request.
CREATE TABLE sharing.grant (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resource_id            uuid NOT NULL,
  resource_code          text NOT NULL,
  resource_name          text NOT NULL,
  provider_department_id uuid NOT NULL,
  consumer_department_id uuid NOT NULL,
  kind                   text NOT NULL CHECK (kind IN ('unconditional', 'conditional')),
  request_id             uuid REFERENCES sharing.request (id),
  fields                 text[] NOT NULL,
  whole_resource         boolean NOT NULL,
  purpose                text NOT NULL,
  valid_from             text NOT NULL CHECK (valid_from ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
  -- NULL: no end (an unconditional grant without a period).
  valid_to               text CHECK (valid_to ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
  granted_by             text NOT NULL,
  granted_at             timestamptz NOT NULL,
  status                 text NOT NULL CHECK (status IN ('active', 'revoked')),
  revoked_at             timestamptz,
  revoked_by             text,
  revoke_reasons         text,
  CHECK (valid_to IS NULL OR valid_from <= valid_to)
);
CREATE INDEX grant_lookup_idx ON sharing.grant (consumer_department_id, resource_id) WHERE status = 'active';
CREATE INDEX grant_provider_idx ON sharing.grant (provider_department_id);

-- A consumer's objection to a not-shared resource, for the sharing authority (no request is possible).
CREATE TABLE sharing.escalation (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resource_id            uuid NOT NULL,
  resource_code          text NOT NULL,
  resource_name          text NOT NULL,
  provider_department_id uuid NOT NULL,
  consumer_department_id uuid NOT NULL,
  reasons                text NOT NULL,
  created_by             text NOT NULL,
  created_at             timestamptz NOT NULL
);
CREATE INDEX escalation_provider_idx ON sharing.escalation (provider_department_id, created_at);
