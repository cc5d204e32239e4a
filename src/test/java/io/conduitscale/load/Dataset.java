package io.conduitscale.load;

import java.util.List;

/**
 * The names the mix reads: articles, users and tags, each by popularity rank (1 = most popular).
 */
interface Dataset {

    int articles();

    int users();

    int tags();

    /** Slug of the article of this rank (1..articles()). */
    String article(int rank);

    /** Username of this rank (1..users()). */
    String user(int rank);

    /** Tag of this rank (1..tags()). */
    String tag(int rank);

    /**
     * The dataset of scripts/data/generate.sh, by its naming rule: loaduser1..N, load-article-1..A (the newest
     * last, so rank 1 is the newest article), load-tag-0..T-1 (0..49 popular).
     */
    static Dataset generated(int users, int articles, int tags) {
        return new Dataset() {
            public int articles() { return articles; }
            public int users() { return users; }
            public int tags() { return tags; }
            public String article(int rank) { return "load-article-" + (articles - rank + 1); }
            public String user(int rank) { return "loaduser" + rank; }
            public String tag(int rank) { return "load-tag-" + (rank - 1); }
        };
    }

    /** Names found through the API (newest articles first), for a database the generator did not fill. */
    static Dataset listed(List<String> slugs, List<String> usernames, List<String> tagNames) {
        if (slugs.isEmpty() || usernames.isEmpty() || tagNames.isEmpty()) {
            throw new IllegalStateException("the target holds no articles, users or tags to read");
        }
        return new Dataset() {
            public int articles() { return slugs.size(); }
            public int users() { return usernames.size(); }
            public int tags() { return tagNames.size(); }
            public String article(int rank) { return slugs.get(rank - 1); }
            public String user(int rank) { return usernames.get(rank - 1); }
            public String tag(int rank) { return tagNames.get(rank - 1); }
        };
    }
}
