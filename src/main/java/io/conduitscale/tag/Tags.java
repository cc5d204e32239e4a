package io.conduitscale.tag;

import io.conduitscale.platform.cache.CacheRegion;
import io.conduitscale.platform.cache.Caches;
import io.conduitscale.platform.db.SqlArrays;
import tools.jackson.core.type.TypeReference;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Usage counts of tags, maintained in the transaction of the article change that causes them,
 * so {@code GET /api/tags} and tag filters never disagree with the articles.
 */
@Component
public class Tags {

    private final JdbcClient jdbc;
    private final CacheRegion<List<String>> popular;

    Tags(JdbcClient jdbc, Caches caches) {
        this.jdbc = jdbc;
        this.popular = caches.region("tags", new TypeReference<List<String>>() {}.getType());
    }

    /**
     * Records that an article gained {@code added} and lost {@code removed}, creating new tags.
     * <p>
     * Every existing row involved is locked first, in one statement and in name order, so two
     * transactions touching overlapping tags queue behind each other instead of deadlocking.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void change(Collection<String> added, Collection<String> removed) {
        if (added.isEmpty() && removed.isEmpty()) {
            return;
        }
        popular.evictAfterCommit("all");
        Set<String> involved = new TreeSet<>(added);
        involved.addAll(removed);
        jdbc.sql("SELECT id FROM tags WHERE name = ANY(:names) ORDER BY name FOR UPDATE")
                .param("names", SqlArrays.texts(involved))
                .query(Long.class)
                .list();
        if (!removed.isEmpty()) {
            jdbc.sql("UPDATE tags SET article_count = article_count - 1 WHERE name = ANY(:names)")
                    .param("names", SqlArrays.texts(removed))
                    .update();
        }
        if (!added.isEmpty()) {
            jdbc.sql("""
                            INSERT INTO tags (name, article_count)
                            SELECT name, 1 FROM unnest(:names::text[]) AS t(name) ORDER BY name
                            ON CONFLICT (name) DO UPDATE SET article_count = tags.article_count + 1
                            """)
                    .param("names", SqlArrays.texts(new TreeSet<>(added)))
                    .update();
        }
    }

    /** Every tag in use, most used first (cached; evicted whenever a count changes). */
    @Transactional(readOnly = true)
    public List<String> popular() {
        return popular.get("all", () -> jdbc.sql("SELECT name FROM tags WHERE article_count > 0 ORDER BY article_count DESC, name")
                .query(String.class)
                .list());
    }
}
