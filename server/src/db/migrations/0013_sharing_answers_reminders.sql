-- The sharing authority's answer to a not-shared escalation, and the record of reminder / overdue
-- notices already sent, so that the periodic job sends each stage once (docs/sharing.md).

ALTER TABLE sharing.escalation
  ADD COLUMN status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'upheld', 'share_ordered')),
  ADD COLUMN answered_at    timestamptz,
  ADD COLUMN answered_by    text,
  ADD COLUMN answer_reasons text,
  -- share_ordered: the sharing duty the answer recorded for the provider.
  ADD COLUMN duty_id        uuid REFERENCES sharing.duty (id),
  ADD CONSTRAINT escalation_answered_check CHECK ((status = 'open') = (answered_at IS NULL)),
  ADD CONSTRAINT escalation_duty_check CHECK ((status = 'share_ordered') = (duty_id IS NOT NULL));
CREATE INDEX escalation_consumer_idx ON sharing.escalation (consumer_department_id, created_at);

-- One row per (object, stage) whose notices went out: the primary key makes a second worker, or a
-- restarted one, insert nothing and so send nothing.
CREATE TABLE notifications.sent_stage (
  object_type text NOT NULL,
  object_id   uuid NOT NULL,
  stage       text NOT NULL,
  sent_at     timestamptz NOT NULL,
  PRIMARY KEY (object_type, object_id, stage)
);
