package io.conduitscale.article;

import java.time.Instant;
import java.util.List;

/** An article as stored, independent of who looks at it. {@code body} is null in list queries. */
record ArticleRow(long id, String slug, String title, String description, String body, long authorId,
                  List<String> tagList, int favoritesCount, long viewsCount, Instant createdAt, Instant updatedAt) {}
