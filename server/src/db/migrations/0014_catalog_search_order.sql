-- Catalog search pages in code order without sorting every match (docs/adr/0010-catalog-search-paging.md).
-- Every prefix of a resource code ('2', '20', '207', … '207000000/000143') is kept in a generated
-- array and indexed together with the search tokens in one GIN index, so that "matches whose code
-- is at most H" is answered inside the index: the codes below H are exactly those having one of
-- H's prefixes followed by a smaller character (catalog.search.ts, codesUpTo). The service makes
-- the codes, always nine digits, a slash and six digits; the check states what the search relies on.
ALTER TABLE catalog.resource ADD CONSTRAINT resource_code_format CHECK (code ~ '^[0-9]{9}/[0-9]{6}$');

CREATE FUNCTION catalog.code_prefixes(code text) RETURNS text[]
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT array(SELECT left(code, i) FROM generate_series(1, length(code)) AS i) $$;

ALTER TABLE catalog.resource ADD COLUMN code_prefixes text[] GENERATED ALWAYS AS (catalog.code_prefixes(code)) STORED;

DROP INDEX catalog.resource_search_idx;
CREATE INDEX resource_search_idx ON catalog.resource USING gin (search_tokens, code_prefixes);
