package io.conduitscale.article;

import io.conduitscale.platform.cache.CacheRegion;
import io.conduitscale.platform.cache.Caches;
import io.conduitscale.platform.events.EventEnvelope;
import io.conduitscale.platform.events.EventHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Adds each batch of views to the article's total; the dispatcher makes sure a batch counts once. */
@Component
class ArticleViewsConsumer implements EventHandler {

    private final JdbcClient jdbc;
    private final CacheRegion<ArticleCounts> counts;

    ArticleViewsConsumer(JdbcClient jdbc, Caches caches) {
        this.jdbc = jdbc;
        this.counts = caches.region(ArticleCounts.REGION, ArticleCounts.class);
    }

    @Override
    public String consumer() {
        return "article-views";
    }

    @Override
    public boolean accepts(String type) {
        return type.equals("article.viewed");
    }

    @Override
    public void handle(EventEnvelope event) {
        // an article deleted since it was read has no total to add to
        jdbc.sql("""
                        INSERT INTO article_view_counts (article_id, views)
                        SELECT a.id, :views FROM articles a WHERE a.id = :id
                        ON CONFLICT (article_id) DO UPDATE SET views = article_view_counts.views + EXCLUDED.views
                        """)
                .param("id", event.dataLong("articleId")).param("views", event.dataLong("views"))
                .update();
        counts.evictAfterCommit(Long.toString(event.dataLong("articleId")));
    }
}
