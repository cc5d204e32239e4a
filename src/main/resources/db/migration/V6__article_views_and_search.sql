-- Worker-maintained article data (docs/events.md): view totals and the full-text search index. Both are
-- separate tables, so the worker never locks an articles row that authors and favoriters update.
SET lock_timeout = '5s';

CREATE TABLE article_view_counts (
    article_id bigint PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    views      bigint NOT NULL DEFAULT 0 CHECK (views >= 0)
);

CREATE TABLE article_search (
    article_id bigint PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    document   tsvector    NOT NULL,
    indexed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX article_search_document ON article_search USING gin (document);
