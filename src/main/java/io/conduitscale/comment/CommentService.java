package io.conduitscale.comment;

import io.conduitscale.article.ArticleDirectory;
import io.conduitscale.article.ArticleRef;
import io.conduitscale.platform.events.DomainEvents;
import io.conduitscale.platform.web.ApiException;
import io.conduitscale.platform.web.JsonInput;
import io.conduitscale.platform.web.Keyset;
import io.conduitscale.platform.web.Timestamps;
import io.conduitscale.profile.Profile;
import io.conduitscale.profile.Profiles;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/**
 * Comments: a list costs three statements (article, comments, authors) whatever its length, and a fourth for
 * a signed-in viewer (whom of the authors they follow); a keyset page (extension) costs the same.
 */
@Service
class CommentService {

    static final int MAX_BODY = 10_000;

    private final JdbcClient jdbc;
    private final ArticleDirectory articles;
    private final Profiles profiles;
    private final DomainEvents events;

    CommentService(JdbcClient jdbc, ArticleDirectory articles, Profiles profiles, DomainEvents events) {
        this.jdbc = jdbc;
        this.articles = articles;
        this.profiles = profiles;
        this.events = events;
    }

    private record CommentRow(long id, long authorId, String body, Instant createdAt, Instant updatedAt) {}

    @Transactional(readOnly = true)
    CommentView.Page list(String slug, Long viewerId) {
        long articleId = articleId(slug);
        List<CommentRow> rows = jdbc.sql("""
                        SELECT id, author_id, body, created_at, updated_at FROM comments
                        WHERE article_id = :article ORDER BY created_at DESC, id DESC
                        """)
                .param("article", articleId)
                .query((rs, row) -> row(rs))
                .list();
        return new CommentView.Page(views(rows, viewerId));
    }

    /**
     * A keyset page (extension): the comments after the cursor's position, newest first, through
     * comments_article_created_idx from the position on; one more row than the page shows whether another
     * follows. The cursor is bound to the article (its id: a rename does not break a walk).
     */
    @Transactional(readOnly = true)
    CommentView.KeysetPage list(String slug, String limit, String offset, String cursor, Long viewerId) {
        long articleId = articleId(slug);
        Keyset page = Keyset.of(limit, offset, cursor, "comments|article=" + articleId);
        Keyset.Position after = page.after();
        List<CommentRow> rows = jdbc.sql("""
                        SELECT id, author_id, body, created_at, updated_at FROM comments
                        WHERE article_id = :article%s
                        ORDER BY created_at DESC, id DESC LIMIT :limit
                        """.formatted(after == null ? "" : " AND (created_at, id) < (:after_created_at, :after_id)"))
                .param("article", articleId)
                .param("limit", page.fetch())
                .params(after == null ? Map.of() : Map.of("after_created_at", after.createdAtUtc(), "after_id", after.id()))
                .query((rs, row) -> row(rs))
                .list();
        String next = null;
        if (rows.size() > page.limit()) {
            rows = rows.subList(0, page.limit());
            next = page.cursorAfter(rows.getLast().createdAt(), rows.getLast().id());
        }
        return new CommentView.KeysetPage(views(rows, viewerId), next);
    }

    /** The rows with their authors, fetched in one batch. */
    private List<CommentView> views(List<CommentRow> rows, Long viewerId) {
        Map<Long, Profile> authors = profiles.of(rows.stream().map(CommentRow::authorId).toList(), viewerId);
        return rows.stream().map(row -> view(row, authors.get(row.authorId()))).toList();
    }

    @Transactional
    CommentView add(long userId, String slug, JsonNode body) {
        ArticleRef article = articles.bySlug(slug).orElseThrow(() -> ApiException.notFound("article"));
        long articleId = article.id();
        JsonNode input = JsonInput.wrapped(body, "comment");
        ApiException.Validation validation = new ApiException.Validation();
        String text = JsonInput.requiredText(input, "body", validation);
        if (text != null && text.length() > MAX_BODY) {
            validation.reject("body", "is too long (maximum is " + MAX_BODY + " characters)");
        }
        validation.throwIfInvalid();
        CommentRow row = jdbc.sql("""
                        INSERT INTO comments (article_id, author_id, body) VALUES (:article, :author, :body)
                        RETURNING id, author_id, body, created_at, updated_at
                        """)
                .param("article", articleId).param("author", userId).param("body", text)
                .query((rs, n) -> row(rs))
                .single();
        // comments are part of their article's history: the article is the aggregate
        events.append("comment.added", "article", articleId, Map.of("commentId", row.id(), "articleId", articleId,
                "authorId", userId, "articleAuthorId", article.authorId()));
        return view(row, profiles.of(userId, userId));
    }

    @Transactional
    void delete(long userId, String slug, String commentId) {
        long articleId = articleId(slug);
        long id = parseId(commentId);
        Long authorId = jdbc.sql("SELECT author_id FROM comments WHERE id = :id AND article_id = :article FOR UPDATE")
                .param("id", id).param("article", articleId)
                .query(Long.class)
                .optional()
                .orElseThrow(() -> ApiException.notFound("comment"));
        if (authorId != userId) {
            throw ApiException.forbidden("comment");
        }
        jdbc.sql("DELETE FROM comments WHERE id = :id").param("id", id).update();
        events.append("comment.deleted", "article", articleId, Map.of("commentId", id, "articleId", articleId, "authorId", userId));
    }

    private long articleId(String slug) {
        return articles.idBySlug(slug).orElseThrow(() -> ApiException.notFound("article"));
    }

    /** A comment id that is not a number cannot name a comment. */
    private static long parseId(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ApiException.notFound("comment");
        }
    }

    private static CommentRow row(ResultSet rs) throws SQLException {
        return new CommentRow(rs.getLong("id"), rs.getLong("author_id"), rs.getString("body"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }

    private static CommentView view(CommentRow row, Profile author) {
        return new CommentView(row.id(), Timestamps.format(row.createdAt()), Timestamps.format(row.updatedAt()),
                row.body(), author);
    }
}
