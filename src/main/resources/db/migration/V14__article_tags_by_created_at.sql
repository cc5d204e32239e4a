-- A list filtered by a popular tag (10k articles at the generated scale) sorted by the article's creation time:
-- with only (tag_id, article_id) every page read all of the tag's articles to sort them (40k buffers, found by
-- the plan check, .ci/data-plans.sh). article_tags carries its article's creation time, so a page is a
-- short range of one index read in order, index-only, whatever the offset's depth within reason.
ALTER TABLE article_tags ADD COLUMN article_created_at timestamptz;
UPDATE article_tags at SET article_created_at = a.created_at FROM articles a WHERE a.id = at.article_id;
ALTER TABLE article_tags ALTER COLUMN article_created_at SET NOT NULL;

-- set from the article on every insert (an article's created_at never changes), so no writer has to know
CREATE FUNCTION article_tags_set_created_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.article_created_at := (SELECT a.created_at FROM articles a WHERE a.id = NEW.article_id);
    RETURN NEW;
END
$$;
CREATE TRIGGER article_tags_created_at BEFORE INSERT ON article_tags
    FOR EACH ROW EXECUTE FUNCTION article_tags_set_created_at();

CREATE INDEX article_tags_tag_created_idx ON article_tags (tag_id, article_created_at DESC, article_id DESC);
