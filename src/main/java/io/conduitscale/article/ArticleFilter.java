package io.conduitscale.article;

import java.util.Locale;

/**
 * Which articles a list shows. {@code query} is full-text search (an extension, {@code ?q=}) over the
 * worker-maintained index, eventually consistent. All parts are optional and combine with AND; {@code feedOf} restricts
 * to authors that user follows.
 */
record ArticleFilter(String tag, String author, String favoritedBy, Long feedOf, String query) {

    static ArticleFilter feed(long viewerId) {
        return new ArticleFilter(null, null, null, viewerId, null);
    }

    /**
     * The family of cached list pages this list belongs to, or null when its pages are not cached:
     * the feed and favorites lists are per user, searches and combined filters are rare.
     */
    String cacheFamily() {
        if (feedOf != null || favoritedBy != null || query != null) {
            return null;
        }
        if (tag == null && author == null) {
            return ArticleLists.ALL;
        }
        if (author == null) {
            return ArticleLists.tag(tag);
        }
        if (tag == null) {
            return ArticleLists.author(author.toLowerCase(Locale.ROOT));
        }
        return null;
    }

    /**
     * What a keyset cursor is bound to (platform/web/Keyset): the list's filters as the request matches them
     * (usernames case-insensitively), so a cursor issued for one list is refused by another.
     */
    String cursorScope() {
        return "articles|tag=" + tag + "|author=" + lower(author) + "|favorited=" + lower(favoritedBy)
                + "|feed=" + feedOf + "|q=" + query;
    }

    private static String lower(String username) {
        return username == null ? null : username.toLowerCase(Locale.ROOT);
    }
}
