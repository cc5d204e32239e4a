package io.conduitscale.article;

import java.util.Locale;

/**
 * Which articles a list shows. All parts are optional and combine with AND; {@code feedOf} restricts
 * to authors that user follows.
 */
record ArticleFilter(String tag, String author, String favoritedBy, Long feedOf) {

    static ArticleFilter feed(long viewerId) {
        return new ArticleFilter(null, null, null, viewerId);
    }

    /**
     * The family of cached list pages this list belongs to, or null when its pages are not cached:
     * the feed and favorites lists are per user, combined filters are rare.
     */
    String cacheFamily() {
        if (feedOf != null || favoritedBy != null) {
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
}
