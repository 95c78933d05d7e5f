-- The trigram indexes move beside their tables, as SQLite's FTS tables already are.
--
-- PostgreSQL cannot update a row in place when an indexed column changes, so every stage move
-- (stage, position, updated_at) wrote a new deal row and inserted all of its search trigrams
-- into the GIN index again; the index's pending list then filled every few seconds under
-- load and the insert that found it full merged it while its transaction waited (50 ms
-- stalls of the stage moves' group commit). Here each record's text lives in `<table>_search`
-- with the GIN index, and a trigger copies it when a write sets `search_text`: writes that
-- leave the text alone never touch the index.

CREATE FUNCTION search_text_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format(
        'INSERT INTO %I (id, search_text) VALUES ($1, $2) '
        'ON CONFLICT (id) DO UPDATE SET search_text = EXCLUDED.search_text',
        TG_TABLE_NAME || '_search')
    USING NEW.id, NEW.search_text;
    RETURN NULL;
END
$$;

DROP INDEX contacts_search_trgm_idx;
CREATE TABLE contacts_search (
    id           BIGINT PRIMARY KEY REFERENCES contacts (id) ON DELETE CASCADE,
    search_text  TEXT NOT NULL
);
INSERT INTO contacts_search (id, search_text) SELECT id, search_text FROM contacts;
CREATE INDEX contacts_search_trgm_idx ON contacts_search USING gin (search_text gin_trgm_ops);
CREATE TRIGGER contacts_search_sync AFTER INSERT OR UPDATE OF search_text ON contacts
    FOR EACH ROW EXECUTE FUNCTION search_text_sync();

DROP INDEX companies_search_trgm_idx;
CREATE TABLE companies_search (
    id           BIGINT PRIMARY KEY REFERENCES companies (id) ON DELETE CASCADE,
    search_text  TEXT NOT NULL
);
INSERT INTO companies_search (id, search_text) SELECT id, search_text FROM companies;
CREATE INDEX companies_search_trgm_idx ON companies_search USING gin (search_text gin_trgm_ops);
CREATE TRIGGER companies_search_sync AFTER INSERT OR UPDATE OF search_text ON companies
    FOR EACH ROW EXECUTE FUNCTION search_text_sync();

DROP INDEX deals_search_trgm_idx;
CREATE TABLE deals_search (
    id           BIGINT PRIMARY KEY REFERENCES deals (id) ON DELETE CASCADE,
    search_text  TEXT NOT NULL
);
INSERT INTO deals_search (id, search_text) SELECT id, search_text FROM deals;
CREATE INDEX deals_search_trgm_idx ON deals_search USING gin (search_text gin_trgm_ops);
CREATE TRIGGER deals_search_sync AFTER INSERT OR UPDATE OF search_text ON deals
    FOR EACH ROW EXECUTE FUNCTION search_text_sync();
