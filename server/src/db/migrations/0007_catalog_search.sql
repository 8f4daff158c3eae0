-- Chinese full-text search over catalog entries: jieba tokens of the name, summary, provider unit and
-- field names, matched with a GIN index on the array (docs/adr/0006-catalog-search.md).
ALTER TABLE catalog.resource ADD COLUMN search_tokens text[] NOT NULL DEFAULT '{}';
CREATE INDEX resource_search_idx ON catalog.resource USING gin (search_tokens);
