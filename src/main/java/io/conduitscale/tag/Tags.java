package io.conduitscale.tag;

import io.conduitscale.platform.db.SqlArrays;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Usage counts of tags, maintained in the transaction of the article change that causes them.
 * <p>
 * Rows are always touched in name order, so two transactions updating overlapping tags lock them
 * in the same order and cannot deadlock.
 */
@Component
public class Tags {

    private final JdbcClient jdbc;

    Tags(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Records that an article now uses these tags, creating the ones that are new. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void use(Collection<String> names) {
        if (names.isEmpty()) {
            return;
        }
        jdbc.sql("""
                        INSERT INTO tags (name, article_count)
                        SELECT name, 1 FROM unnest(:names::text[]) WITH ORDINALITY AS t(name, n) ORDER BY n
                        ON CONFLICT (name) DO UPDATE SET article_count = tags.article_count + 1
                        """)
                .param("names", SqlArrays.texts(new TreeSet<>(names)))
                .update();
    }

    /** Records that an article no longer uses these tags. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void release(Collection<String> names) {
        if (names.isEmpty()) {
            return;
        }
        jdbc.sql("""
                        UPDATE tags SET article_count = article_count - 1
                        FROM (SELECT id FROM tags WHERE name = ANY(:names::text[]) ORDER BY name FOR UPDATE) locked
                        WHERE tags.id = locked.id
                        """)
                .param("names", SqlArrays.texts(new TreeSet<>(names)))
                .update();
    }

    /** Every tag in use, most used first. */
    @Transactional(readOnly = true)
    public List<String> popular() {
        return jdbc.sql("SELECT name FROM tags WHERE article_count > 0 ORDER BY article_count DESC, name")
                .query(String.class)
                .list();
    }
}
