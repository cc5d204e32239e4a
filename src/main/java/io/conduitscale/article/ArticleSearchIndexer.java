package io.conduitscale.article;

import io.conduitscale.platform.events.EventEnvelope;
import io.conduitscale.platform.events.EventHandler;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Keeps {@code article_search} (the full-text index behind {@code GET /api/articles?q=}) up to date from
 * article events. It indexes the article as it is now, not as the event describes it, so replays and
 * late deliveries converge on the current text; title weighs most, then description, then body.
 */
@Component
class ArticleSearchIndexer implements EventHandler {

    private static final Set<String> TYPES = Set.of("article.created", "article.updated", "article.deleted");

    private final JdbcClient jdbc;

    ArticleSearchIndexer(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public String consumer() {
        return "article-search";
    }

    @Override
    public boolean accepts(String type) {
        return TYPES.contains(type);
    }

    @Override
    public void handle(EventEnvelope event) {
        long articleId = event.dataLong("articleId");
        if (event.type().equals("article.deleted")) {
            jdbc.sql("DELETE FROM article_search WHERE article_id = :id").param("id", articleId).update();
            return;
        }
        jdbc.sql("""
                        INSERT INTO article_search (article_id, document, indexed_at)
                        SELECT a.id,
                               setweight(to_tsvector('english', a.title), 'A')
                               || setweight(to_tsvector('english', a.description), 'B')
                               || setweight(to_tsvector('english', a.body), 'C'),
                               now()
                        FROM articles a WHERE a.id = :id
                        ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document, indexed_at = now()
                        """)
                .param("id", articleId)
                .update();
    }
}
