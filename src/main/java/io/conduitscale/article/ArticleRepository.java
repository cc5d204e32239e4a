package io.conduitscale.article;

import io.conduitscale.platform.db.SqlArrays;
import io.conduitscale.platform.web.Keyset;
import io.conduitscale.platform.web.Pagination;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL for articles, their tags and favorites. Every query here is served by an index of V1 (see
 * the comments there); lists order by {@code created_at DESC, id DESC}, a total order, so pages never
 * overlap or skip.
 */
@Repository
class ArticleRepository {

    /** An article's tags in the order the author gave them, as one array column: no extra query per article. */
    private static final String TAGS = """
            ARRAY(SELECT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id
                  WHERE at.article_id = a.id ORDER BY at.position) AS tag_list,
            coalesce((SELECT v.views FROM article_view_counts v WHERE v.article_id = a.id), 0) AS views_count""";

    private final JdbcClient jdbc;

    ArticleRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<ArticleRow> findBySlug(String slug) {
        return jdbc.sql("SELECT a.*, " + TAGS + " FROM articles a WHERE a.slug = :slug")
                .param("slug", slug)
                .query((rs, row) -> row(rs, true))
                .optional();
    }

    /** Full rows (body included) by id, in no particular order. */
    List<ArticleRow> rowsByIds(Collection<Long> ids) {
        return jdbc.sql("SELECT a.*, " + TAGS + " FROM articles a WHERE a.id = ANY(:ids)")
                .param("ids", SqlArrays.bigints(ids))
                .query((rs, row) -> row(rs, true))
                .list();
    }

    /** Current favorite and view counts by article id: merged into cached articles at read time. */
    Map<Long, ArticleCounts> counts(Collection<Long> ids) {
        Map<Long, ArticleCounts> counts = new LinkedHashMap<>();
        jdbc.sql("""
                        SELECT a.id, a.favorites_count, coalesce(v.views, 0) AS views
                        FROM articles a LEFT JOIN article_view_counts v ON v.article_id = a.id
                        WHERE a.id = ANY(:ids)
                        """)
                .param("ids", SqlArrays.bigints(ids))
                .query((rs, row) -> counts.put(rs.getLong("id"), new ArticleCounts(rs.getInt("favorites_count"), rs.getLong("views"))))
                .list();
        return counts;
    }

    /** What is personal to the viewer on a page: which articles they favorited, which authors they follow. */
    record ViewerState(Set<Long> favorited, Set<Long> followedAuthors) {
        static final ViewerState ANONYMOUS = new ViewerState(Set.of(), Set.of());
    }

    /** One statement for the whole page, whatever its size. */
    ViewerState viewerState(long viewerId, Collection<Long> articleIds, Collection<Long> authorIds) {
        Set<Long> favorited = new HashSet<>();
        Set<Long> followed = new HashSet<>();
        jdbc.sql("""
                        SELECT 'favorited' AS kind, article_id AS id FROM favorites
                        WHERE user_id = :viewer AND article_id = ANY(:articles)
                        UNION ALL
                        SELECT 'following', followee_id FROM follows
                        WHERE follower_id = :viewer AND followee_id = ANY(:authors)
                        """)
                .param("viewer", viewerId)
                .param("articles", SqlArrays.bigints(articleIds))
                .param("authors", SqlArrays.bigints(Set.copyOf(authorIds)))
                .query((rs, row) -> ("favorited".equals(rs.getString("kind")) ? favorited : followed).add(rs.getLong("id")))
                .list();
        return new ViewerState(favorited, followed);
    }

    Optional<Long> idBySlug(String slug) {
        return jdbc.sql("SELECT id FROM articles WHERE slug = :slug").param("slug", slug).query(Long.class).optional();
    }

    /**
     * The id, with the row share-locked until commit, for favorite and unfavorite. Racing the article's
     * deletion (which locks the row first, then its favorites), they either complete first or wait and
     * then find no article (404): a favorite never fails its foreign key, and neither ever holds a
     * favorites row the deletion waits for while waiting for the deletion itself (a deadlock).
     */
    Optional<Long> idBySlugForFavorite(String slug) {
        return jdbc.sql("SELECT id FROM articles WHERE slug = :slug FOR KEY SHARE").param("slug", slug).query(Long.class).optional();
    }

    Optional<ArticleRef> refBySlug(String slug) {
        return jdbc.sql("SELECT id, author_id FROM articles WHERE slug = :slug").param("slug", slug)
                .query((rs, row) -> new ArticleRef(rs.getLong("id"), rs.getLong("author_id"))).optional();
    }

    /** The fields an owner check and an update need, with the row locked against concurrent changes. */
    Optional<ArticleRow> lockBySlug(String slug) {
        return jdbc.sql("SELECT a.*, " + TAGS + " FROM articles a WHERE a.slug = :slug FOR UPDATE OF a")
                .param("slug", slug)
                .query((rs, row) -> row(rs, true))
                .optional();
    }

    /**
     * A page of a list. The inner query finds the page's ids through the list's index alone (index-only
     * scans, no heap row read for the rows an offset skips); only the page's own rows are then read, with
     * their tags. The plan check (.ci/data-plans.sh) holds every list to this on the large dataset.
     */
    List<ArticleRow> page(ArticleFilter filter, Pagination page) {
        return page(filter, page.limit(), page.offset(), null);
    }

    /**
     * A keyset page: the rows after the cursor's position, one more than the page to show whether another
     * follows. The position is a row-value comparison on the list's own index columns, so the index range
     * starts at the cursor (the same indexes as offset pages, docs/database.md "Keyset pagination").
     */
    List<ArticleRow> page(ArticleFilter filter, Keyset page) {
        return page(filter, page.fetch(), 0, page.after());
    }

    private List<ArticleRow> page(ArticleFilter filter, int limit, int offset, Keyset.Position after) {
        Where where = where(filter);
        List<String> conditions = new ArrayList<>(where.conditions());
        if (after != null) {
            conditions.add("(a.created_at, a.id) < (:after_created_at, :after_id)");
        }
        String ids = """
                SELECT a.id FROM articles a
                %s
                ORDER BY a.created_at DESC, a.id DESC
                LIMIT :limit OFFSET :offset""".formatted(whereClause(conditions));
        if (filter.tag() != null && filter.author() == null && filter.favoritedBy() == null
                && filter.feedOf() == null && filter.query() == null) {
            // by tag alone: article_tags_tag_created_idx holds the tag's articles in list order (V14)
            ids = """
                    SELECT at.article_id AS id FROM article_tags at
                    WHERE at.tag_id = (SELECT t.id FROM tags t WHERE t.name = :tag)%s
                    ORDER BY at.article_created_at DESC, at.article_id DESC
                    LIMIT :limit OFFSET :offset""".formatted(after == null ? ""
                    : "\n  AND (at.article_created_at, at.article_id) < (:after_created_at, :after_id)");
        }
        var statement = jdbc.sql("""
                        SELECT a.id, a.slug, a.title, a.description, a.author_id, a.favorites_count,
                               a.created_at, a.updated_at, %s
                        FROM (%s) page
                        JOIN articles a ON a.id = page.id
                        ORDER BY a.created_at DESC, a.id DESC
                        """.formatted(TAGS, ids))
                .params(where.params())
                .param("limit", limit)
                .param("offset", offset);
        if (after != null) {
            statement = statement.param("after_created_at", after.createdAtUtc()).param("after_id", after.id());
        }
        return statement.query((rs, row) -> row(rs, false)).list();
    }

    long count(ArticleFilter filter) {
        Where where = where(filter);
        return jdbc.sql("SELECT count(*) FROM articles a " + whereClause(where.conditions()))
                .params(where.params())
                .query(Long.class)
                .single();
    }

    /** Inserts unless the slug is taken; empty means taken. */
    Optional<Long> insert(String slug, String title, String description, String body, long authorId) {
        return jdbc.sql("""
                        INSERT INTO articles (slug, title, description, body, author_id)
                        VALUES (:slug, :title, :description, :body, :author)
                        ON CONFLICT (slug) DO NOTHING
                        RETURNING id
                        """)
                .param("slug", slug).param("title", title).param("description", description)
                .param("body", body).param("author", authorId)
                .query(Long.class)
                .optional();
    }

    /** Updates the fields; false if the new slug is taken (nothing changed then). */
    boolean update(long id, String slug, String title, String description, String body) {
        // updated_at moves forward even when two updates fall in the same millisecond
        return jdbc.sql("""
                        UPDATE articles
                        SET slug = :slug, title = :title, description = :description, body = :body,
                            updated_at = greatest(now(), updated_at + interval '1 millisecond')
                        WHERE id = :id
                          AND NOT EXISTS (SELECT 1 FROM articles other WHERE other.slug = :slug AND other.id <> :id)
                        """)
                .param("id", id).param("slug", slug).param("title", title)
                .param("description", description).param("body", body)
                .update() == 1;
    }

    /** Sets the article's tags, in the given order; the tags must exist (Tags.change creates them). */
    void replaceTags(long articleId, List<String> namesInOrder) {
        jdbc.sql("DELETE FROM article_tags WHERE article_id = :id").param("id", articleId).update();
        if (namesInOrder.isEmpty()) {
            return;
        }
        jdbc.sql("""
                        INSERT INTO article_tags (article_id, tag_id, position)
                        SELECT :id, t.id, given.position
                        FROM unnest(:names::text[]) WITH ORDINALITY AS given(name, position)
                        JOIN tags t ON t.name = given.name
                        """)
                .param("id", articleId)
                .param("names", SqlArrays.texts(namesInOrder))
                .update();
    }

    void delete(long id) {
        jdbc.sql("DELETE FROM articles WHERE id = :id").param("id", id).update();
    }

    /** Adds the favorite; true if it was new (so the count must grow). */
    boolean addFavorite(long userId, long articleId) {
        return jdbc.sql("INSERT INTO favorites (user_id, article_id) VALUES (:user, :article) ON CONFLICT DO NOTHING")
                .param("user", userId).param("article", articleId).update() == 1;
    }

    /** Removes the favorite; true if it existed (so the count must shrink). */
    boolean removeFavorite(long userId, long articleId) {
        return jdbc.sql("DELETE FROM favorites WHERE user_id = :user AND article_id = :article")
                .param("user", userId).param("article", articleId).update() == 1;
    }

    long authorOf(long articleId) {
        return jdbc.sql("SELECT author_id FROM articles WHERE id = :id").param("id", articleId).query(Long.class).single();
    }

    void addToFavoritesCount(long articleId, int delta) {
        jdbc.sql("UPDATE articles SET favorites_count = favorites_count + :delta WHERE id = :id")
                .param("delta", delta).param("id", articleId).update();
    }

    private record Where(List<String> conditions, Map<String, Object> params) {}

    private static String whereClause(List<String> conditions) {
        return conditions.isEmpty() ? "" : "WHERE " + String.join(" AND ", conditions);
    }

    private static Where where(ArticleFilter filter) {
        List<String> conditions = new ArrayList<>();
        Map<String, Object> params = new LinkedHashMap<>();
        if (filter.tag() != null) {
            conditions.add("a.id IN (SELECT at.article_id FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE t.name = :tag)");
            params.put("tag", filter.tag());
        }
        if (filter.author() != null) {
            conditions.add("a.author_id = (SELECT u.id FROM users u WHERE lower(u.username) = lower(:author))");
            params.put("author", filter.author());
        }
        if (filter.favoritedBy() != null) {
            conditions.add("""
                    a.id IN (SELECT f.article_id FROM favorites f
                             WHERE f.user_id = (SELECT u.id FROM users u WHERE lower(u.username) = lower(:favorited)))""");
            params.put("favorited", filter.favoritedBy());
        }
        if (filter.query() != null) {
            // websearch_to_tsquery accepts any text (quotes, OR, -word) without syntax errors
            conditions.add("a.id IN (SELECT s.article_id FROM article_search s WHERE s.document @@ websearch_to_tsquery('english', :query))");
            params.put("query", filter.query());
        }
        if (filter.feedOf() != null) {
            // an array of the followed authors, not a semi-join: the planner then reads each author's range of
            // articles_author_created_idx (index-only) and sorts the top rows, instead of walking the global
            // list and probing follows for every article (57k buffers for a user following 1,000 authors)
            conditions.add("a.author_id = ANY(ARRAY(SELECT fo.followee_id FROM follows fo WHERE fo.follower_id = :feed_of))");
            params.put("feed_of", filter.feedOf());
        }
        return new Where(conditions, params);
    }

    private static ArticleRow row(ResultSet rs, boolean withBody) throws SQLException {
        Array tags = rs.getArray("tag_list");
        List<String> tagList = tags == null ? List.of() : Arrays.asList((String[]) tags.getArray());
        return new ArticleRow(rs.getLong("id"), rs.getString("slug"), rs.getString("title"),
                rs.getString("description"), withBody ? rs.getString("body") : null, rs.getLong("author_id"),
                tagList, rs.getInt("favorites_count"), rs.getLong("views_count"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
