-- Search that scales: trigram GIN indexes over each record's lower-cased `search_text`, so
-- `search_text LIKE '%term%'` uses the index (three or more characters).

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX contacts_search_trgm_idx ON contacts USING gin (search_text gin_trgm_ops);
CREATE INDEX companies_search_trgm_idx ON companies USING gin (search_text gin_trgm_ops);
CREATE INDEX deals_search_trgm_idx ON deals USING gin (search_text gin_trgm_ops);
