-- Sharing statistics and evaluation (R-SHR-7): the failings (五类问题) the sharing authority records by
-- hand. The failings computed from the data (overdue update duties, overdue requests and sharing
-- duties, disputes the provider corrected) are never stored: they are counted when read.
CREATE TABLE sharing.failing (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  department_id uuid NOT NULL,
  -- 未按要求编目或更新 / 未按要求提供 / 数据不一致 / 违规使用 / 其他
  kind          text NOT NULL CHECK (kind IN ('not_catalogued', 'not_provided', 'inconsistent', 'misuse', 'other')),
  description   text NOT NULL,
  evidence      text NOT NULL,
  -- Optional: the catalog entry concerned, with its code and name as recorded.
  resource_id   uuid,
  resource_code text,
  resource_name text,
  recorded_by   text NOT NULL,
  recorded_by_department_id uuid NOT NULL,
  recorded_at   timestamptz NOT NULL,
  CHECK ((resource_id IS NULL) = (resource_code IS NULL))
);
CREATE INDEX failing_department_idx ON sharing.failing (department_id, recorded_at);
CREATE INDEX failing_recorded_idx ON sharing.failing (recorded_at);
