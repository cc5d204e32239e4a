package io.conduitscale.article;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.conduitscale.platform.web.Timestamps;
import io.conduitscale.profile.Profile;
import java.util.List;

/**
 * The RealWorld {@code article}. Lists leave out {@code body}. {@code viewsCount} is an extension: reads
 * of the single article, counted asynchronously by the worker (docs/events.md), so it trails by seconds.
 */
record ArticleView(String slug, String title, String description,
                   @JsonInclude(JsonInclude.Include.NON_NULL) String body,
                   List<String> tagList, String createdAt, String updatedAt,
                   boolean favorited, int favoritesCount, Profile author, long viewsCount) {

    static ArticleView of(ArticleRow row, Profile author, boolean favorited) {
        return new ArticleView(row.slug(), row.title(), row.description(), row.body(), row.tagList(),
                Timestamps.format(row.createdAt()), Timestamps.format(row.updatedAt()),
                favorited, row.favoritesCount(), author, row.viewsCount());
    }

    record Envelope(ArticleView article) {}

    record Page(List<ArticleView> articles, long articlesCount) {}

    /** A keyset page (extension, docs/api.md): {@code nextCursor} is null on the last page. */
    record KeysetPage(List<ArticleView> articles, long articlesCount, String nextCursor) {}
}
