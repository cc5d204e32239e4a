package io.conduitscale.article;

/** An article's identity and author, for other modules (e.g. comments, to say whose article it is). */
public record ArticleRef(long id, long authorId) {}
