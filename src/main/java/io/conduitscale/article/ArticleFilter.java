package io.conduitscale.article;

/**
 * Which articles a list shows. All parts are optional and combine with AND; {@code feedOf} restricts
 * to authors that user follows.
 */
record ArticleFilter(String tag, String author, String favoritedBy, Long feedOf) {

    static ArticleFilter feed(long viewerId) {
        return new ArticleFilter(null, null, null, viewerId);
    }
}
