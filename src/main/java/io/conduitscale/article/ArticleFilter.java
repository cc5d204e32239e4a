package io.conduitscale.article;

/**
 * Which articles a list shows. {@code query} is full-text search (an extension, {@code ?q=}) over the
 * worker-maintained index, eventually consistent. All parts are optional and combine with AND; {@code feedOf} restricts
 * to authors that user follows.
 */
record ArticleFilter(String tag, String author, String favoritedBy, Long feedOf, String query) {

    static ArticleFilter feed(long viewerId) {
        return new ArticleFilter(null, null, null, viewerId, null);
    }
}
