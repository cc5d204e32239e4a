package io.conduitscale.article;

import java.util.concurrent.ThreadLocalRandom;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The exact number of articles a list holds, read from counters instead of counted (V13,
 * docs/database.md): the global count is 16 slot rows summed, per tag {@code tags.article_count}, per
 * author and per favoriting user a row of {@code user_article_counts}, the feed the sum of the followed
 * authors' rows. Lists that combine filters, and searches, are rare and counted through their indexes.
 * <p>
 * Writers change the counters in the article's own transaction, after the tags ({@code Tags.change})
 * and in ascending user id, so every writer takes its locks in one order: tags, user counters, one
 * slot. That is what keeps concurrent creates, deletes and favorites free of deadlocks.
 */
@Repository
class ArticleTotals {

    static final int SLOTS = 16;

    private final JdbcClient jdbc;

    ArticleTotals(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The count for a single-filter list from its counter, or null when the filter has no counter of its own. */
    Long fromCounters(ArticleFilter filter) {
        boolean tag = filter.tag() != null, author = filter.author() != null, favorited = filter.favoritedBy() != null,
                feed = filter.feedOf() != null, query = filter.query() != null;
        int parts = (tag ? 1 : 0) + (author ? 1 : 0) + (favorited ? 1 : 0) + (feed ? 1 : 0) + (query ? 1 : 0);
        if (parts == 0) {
            return jdbc.sql("SELECT sum(articles)::bigint FROM article_count_slots").query(Long.class).single();
        }
        if (parts > 1 || query) {
            return null;
        }
        if (tag) {
            return jdbc.sql("SELECT coalesce((SELECT article_count FROM tags WHERE name = :tag), 0)::bigint")
                    .param("tag", filter.tag()).query(Long.class).single();
        }
        if (author || favorited) {
            return jdbc.sql("""
                            SELECT coalesce((SELECT %s FROM user_article_counts c JOIN users u ON u.id = c.user_id
                                             WHERE lower(u.username) = lower(:username)), 0)
                            """.formatted(author ? "c.authored" : "c.favorited"))
                    .param("username", author ? filter.author() : filter.favoritedBy()).query(Long.class).single();
        }
        // the followed authors as an array, as the feed itself (ArticleRepository): one primary-key probe per
        // author, where a join let the planner hash a sequential scan of every user's counters
        return jdbc.sql("""
                        SELECT coalesce(sum(c.authored), 0)::bigint
                        FROM user_article_counts c
                        WHERE c.user_id = ANY(ARRAY(SELECT f.followee_id FROM follows f WHERE f.follower_id = :viewer))
                        """)
                .param("viewer", filter.feedOf()).query(Long.class).single();
    }

    /** After an article was inserted (and its tags counted). */
    void created(long authorId) {
        jdbc.sql("""
                        INSERT INTO user_article_counts (user_id, authored) VALUES (:author, 1)
                        ON CONFLICT (user_id) DO UPDATE SET authored = user_article_counts.authored + 1
                        """)
                .param("author", authorId).update();
        addToGlobal(1);
    }

    /**
     * Before an article is deleted (its row locked, its tags already uncounted): its author has one
     * article less and everyone who favorited it one favorite less, since the delete cascades to their
     * favorites. The favorites rows are locked first, so a concurrent unfavorite either completed before
     * (and is not counted twice) or waits and then finds nothing to remove.
     */
    void deleting(long articleId, long authorId) {
        jdbc.sql("""
                        WITH fans AS (SELECT user_id FROM favorites WHERE article_id = :article FOR UPDATE),
                             deltas AS (SELECT user_id, sum(favorited) AS favorited, sum(authored) AS authored
                                        FROM (SELECT user_id, 1 AS favorited, 0 AS authored FROM fans
                                              UNION ALL SELECT CAST(:author AS bigint), 0, 1) d
                                        GROUP BY user_id),
                             locked AS (SELECT c.user_id, d.favorited, d.authored
                                        FROM user_article_counts c JOIN deltas d ON d.user_id = c.user_id
                                        ORDER BY c.user_id FOR UPDATE OF c)
                        UPDATE user_article_counts c
                        SET favorited = c.favorited - l.favorited, authored = c.authored - l.authored
                        FROM locked l WHERE c.user_id = l.user_id
                        """)
                .param("article", articleId).param("author", authorId).update();
        addToGlobal(-1);
    }

    /** After a favorite was added (+1) or removed (-1). */
    void favorited(long userId, int delta) {
        if (delta < 0) {
            // a removed favorite had a row counting it; an insert of a negative count would fail its CHECK
            jdbc.sql("UPDATE user_article_counts SET favorited = favorited + :delta WHERE user_id = :user")
                    .param("user", userId).param("delta", delta).update();
            return;
        }
        jdbc.sql("""
                        INSERT INTO user_article_counts (user_id, favorited) VALUES (:user, :delta)
                        ON CONFLICT (user_id) DO UPDATE SET favorited = user_article_counts.favorited + :delta
                        """)
                .param("user", userId).param("delta", delta).update();
    }

    /** One random slot of sixteen: concurrent writers rarely meet on the same row. */
    private void addToGlobal(int delta) {
        jdbc.sql("UPDATE article_count_slots SET articles = articles + :delta WHERE slot = :slot")
                .param("delta", delta).param("slot", ThreadLocalRandom.current().nextInt(SLOTS)).update();
    }
}
