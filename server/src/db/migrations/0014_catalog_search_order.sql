-- Catalog search pages in code order without sorting every match (docs/adr/0010-catalog-search-paging.md).
-- Every prefix of a resource code ('2', '20', '207', … '207000000/000143') is indexed together with
-- the search tokens in one GIN index, so that "matches whose code is at most H" is answered inside
-- the index: the codes up to H are exactly those having H, or one of H's beginnings followed by a
-- smaller character, among their prefixes (catalog.search.ts, codesUpTo). The service makes the
-- codes, always nine digits, a slash and six digits; the check states what the search relies on.
ALTER TABLE catalog.resource ADD CONSTRAINT resource_code_format CHECK (code ~ '^[0-9]{9}/[0-9]{6}$');

CREATE FUNCTION catalog.code_prefixes(code text) RETURNS text[]
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT array(SELECT left(code, i) FROM generate_series(1, length(code)) AS i) $$;

-- fastupdate off: entries are written a few at a time by people, and searched all day; a pending
-- list of unsorted new keys would be read through by every search until the next vacuum.
DROP INDEX catalog.resource_search_idx;
CREATE INDEX resource_search_idx ON catalog.resource USING gin (search_tokens, catalog.code_prefixes(code)) WITH (fastupdate = off);
