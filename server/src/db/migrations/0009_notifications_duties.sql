-- Console notices addressed to departments, catalog subscriptions, and the 15-working-day update
-- duty of R-CAT-4 (a change of law or duties obliges a department to update its entries).
CREATE SCHEMA IF NOT EXISTS notifications;

-- A notice is addressed to a department: whoever of it reads it marks it read for all of it.
CREATE TABLE notifications.notice (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  department_id uuid NOT NULL,
  kind          text NOT NULL,
  title         text NOT NULL,
  body          text NOT NULL,
  -- Where the console opens it, e.g. /catalog/resources/{id}.
  link          text NOT NULL,
  resource_id   uuid,
  created_at    timestamptz NOT NULL,
  read_at       timestamptz,
  read_by       text
);
CREATE INDEX notice_department_idx ON notifications.notice (department_id, created_at DESC);
CREATE INDEX notice_unread_idx ON notifications.notice (department_id) WHERE read_at IS NULL;

-- A department follows a published entry: new versions and withdrawal are announced to it.
CREATE TABLE catalog.subscription (
  resource_id   uuid NOT NULL REFERENCES catalog.resource (id),
  department_id uuid NOT NULL,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL,
  PRIMARY KEY (resource_id, department_id)
);
CREATE INDEX subscription_department_idx ON catalog.subscription (department_id, created_at DESC);

-- R-CAT-4: entries must be updated within 15 working days after a law or the department's duties change.
CREATE TABLE catalog.update_duty (
  id                         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  department_id              uuid NOT NULL,
  reason                     text NOT NULL CHECK (reason IN ('law', 'duty')),
  basis                      text NOT NULL,
  recorded_by                text NOT NULL,
  recorded_by_department_id  uuid NOT NULL,
  recorded_at                timestamptz NOT NULL,
  -- The 15th working day after the recording day (CST), from the working calendar.
  due_date                   date NOT NULL,
  status                     text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'fulfilled')),
  fulfilled_at               timestamptz,
  fulfilled_by               text,
  note                       text,
  CHECK ((status = 'open') = (fulfilled_at IS NULL))
);
CREATE INDEX update_duty_department_idx ON catalog.update_duty (department_id, status, due_date);
CREATE INDEX update_duty_open_due_idx ON catalog.update_duty (due_date) WHERE status = 'open';
