-- Data disputes (疑义校核, R-SHR-5) and the sharing duty list (共享责任清单, R-EXC-7).
-- Dates are CST calendar dates kept as 'YYYY-MM-DD' text, as in 0008_sharing.sql.

-- A consumer department flags a record of a resource it holds a grant for; the provider answers
-- within a number of working days (DISPUTE_ANSWER_WORKING_DAYS, default 5). The flag blocks nothing.
CREATE TABLE sharing.dispute (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resource_id            uuid NOT NULL,
  resource_code          text NOT NULL,
  resource_name          text NOT NULL,
  provider_department_id uuid NOT NULL,
  consumer_department_id uuid NOT NULL,
  record_key             text NOT NULL,
  -- The field's English name, and its Chinese name when raised.
  field                  text NOT NULL,
  field_name             text NOT NULL,
  issue                  text NOT NULL,
  evidence               text NOT NULL,
  status                 text NOT NULL CHECK (status IN ('open', 'corrected', 'rejected')),
  raised_by              text NOT NULL,
  raised_at              timestamptz NOT NULL,
  answer_working_days    integer NOT NULL CHECK (answer_working_days > 0),
  -- End of due_date, CST.
  deadline               timestamptz NOT NULL,
  due_date               text NOT NULL CHECK (due_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
  answered_at            timestamptz,
  answered_by            text,
  answer_reasons         text,
  CHECK ((status = 'open') = (answered_at IS NULL)),
  CHECK (status <> 'rejected' OR answer_reasons IS NOT NULL)
);
CREATE INDEX dispute_consumer_idx ON sharing.dispute (consumer_department_id, raised_at);
CREATE INDEX dispute_provider_idx ON sharing.dispute (provider_department_id, raised_at);
CREATE INDEX dispute_open_deadline_idx ON sharing.dispute (deadline) WHERE status = 'open';

-- The sharing authority records which provider must share which resource with which consumer, by
-- when. Fulfilled / pending / overdue are computed when read (from the grants), never stored.
CREATE TABLE sharing.duty (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  provider_department_id uuid NOT NULL,
  resource_id            uuid NOT NULL,
  resource_code          text NOT NULL,
  resource_name          text NOT NULL,
  consumer_department_id uuid NOT NULL,
  description            text NOT NULL,
  due_date               text NOT NULL CHECK (due_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
  recorded_by            text NOT NULL,
  recorded_at            timestamptz NOT NULL,
  closed_at              timestamptz,
  closed_by              text,
  close_reasons          text,
  CHECK (provider_department_id <> consumer_department_id)
);
CREATE INDEX duty_provider_idx ON sharing.duty (provider_department_id, due_date);
CREATE INDEX duty_consumer_idx ON sharing.duty (consumer_department_id, due_date);
