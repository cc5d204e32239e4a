package io.conduitscale.article;

/**
 * The fast-changing numbers of an article. They are cached apart from the article (region
 * {@code counts}) and merged in at read time, so a favorite or a batch of views evicts this small
 * entry instead of the whole article.
 */
record ArticleCounts(int favorites, long views) {

    /** The cache region both the read path and the writers of counts use. */
    static final String REGION = "counts";
}
