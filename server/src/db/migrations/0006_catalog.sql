-- Catalog (政务信息资源目录): classification, resources, every version of each entry, reviews.
CREATE SCHEMA IF NOT EXISTS catalog;

-- 类-项-目-细目 of 《政务信息资源目录编制指南（试行）》: 1 基础 / 2 主题 / 3 部门, then 2, 3 and 3 digits.
CREATE TABLE catalog.classification (
  code          text PRIMARY KEY CHECK (code ~ '^[1-3]([0-9]{2}([0-9]{3}([0-9]{3})?)?)?$'),
  name          text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('base', 'theme', 'department')),
  level         text NOT NULL CHECK (level IN ('class', 'item', 'catalog', 'detail')),
  parent_code   text REFERENCES catalog.classification (code),
  -- Population, legal entity, natural resources & geospatial, e-licence: base items always shared.
  base_resource boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX classification_parent_idx ON catalog.classification (parent_code);

-- The last sequence number given out per classification prefix: codes are never reused.
CREATE TABLE catalog.code_sequence (
  prefix     text PRIMARY KEY,
  last_value integer NOT NULL
);

CREATE TABLE catalog.resource (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code                   text NOT NULL,
  classification_code    text NOT NULL REFERENCES catalog.classification (code),
  provider_department_id uuid NOT NULL,
  -- The workflow state of the newest version; consumers see `published_version`.
  status                 text NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'published', 'withdrawn')),
  latest_version         integer NOT NULL,
  published_version      integer,
  -- Copies of the newest version's searchable elements (kept by the service, one transaction).
  name                   text NOT NULL,
  summary                text NOT NULL,
  share_type             text NOT NULL CHECK (share_type IN ('unconditional', 'conditional', 'none')),
  open_type              text NOT NULL CHECK (open_type IN ('open', 'conditional', 'closed')),
  update_cycle           text NOT NULL,
  format                 text NOT NULL,
  is_base                boolean NOT NULL DEFAULT false,
  created_at             timestamptz NOT NULL,
  updated_at             timestamptz NOT NULL,
  published_at           timestamptz,
  withdrawn_at           timestamptz,
  CONSTRAINT resource_code_key UNIQUE (code)
);
CREATE INDEX resource_provider_idx ON catalog.resource (provider_department_id);
CREATE INDEX resource_status_idx ON catalog.resource (status);
CREATE INDEX resource_classification_idx ON catalog.resource (classification_code);

CREATE TABLE catalog.resource_version (
  resource_id  uuid NOT NULL REFERENCES catalog.resource (id),
  version      integer NOT NULL,
  -- The 13 elements and the fields (信息项), as validated by catalog.schemas.ts.
  content      jsonb NOT NULL,
  state        text NOT NULL CHECK (state IN ('draft', 'submitted', 'returned', 'published', 'superseded', 'withdrawn')),
  created_by   text,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  submitted_at timestamptz,
  reviewed_by  text,
  reviewed_at  timestamptz,
  review_note  text,
  PRIMARY KEY (resource_id, version)
);

-- The national classes and items (国办发〔2016〕51号 第十条; 发改高技〔2017〕1272号). Departments'
-- own items (部门信息资源) are added under class 3 by the sharing authority.
INSERT INTO catalog.classification (code, name, kind, level, parent_code, base_resource) VALUES
  ('1',   '基础信息资源',             'base',       'class', NULL, false),
  ('101', '人口信息',                 'base',       'item',  '1',  true),
  ('102', '法人单位信息',             'base',       'item',  '1',  true),
  ('103', '自然资源和空间地理信息',   'base',       'item',  '1',  true),
  ('104', '电子证照信息',             'base',       'item',  '1',  true),
  ('2',   '主题信息资源',             'theme',      'class', NULL, false),
  ('201', '健康保障',                 'theme',      'item',  '2',  false),
  ('202', '社会保障',                 'theme',      'item',  '2',  false),
  ('203', '食品药品安全',             'theme',      'item',  '2',  false),
  ('204', '安全生产',                 'theme',      'item',  '2',  false),
  ('205', '价格监管',                 'theme',      'item',  '2',  false),
  ('206', '能源安全',                 'theme',      'item',  '2',  false),
  ('207', '信用体系',                 'theme',      'item',  '2',  false),
  ('208', '城乡建设',                 'theme',      'item',  '2',  false),
  ('209', '社区治理',                 'theme',      'item',  '2',  false),
  ('210', '生态环保',                 'theme',      'item',  '2',  false),
  ('211', '应急维稳',                 'theme',      'item',  '2',  false),
  ('3',   '部门信息资源',             'department', 'class', NULL, false);
