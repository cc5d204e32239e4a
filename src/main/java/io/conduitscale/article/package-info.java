/**
 * Articles, their tags (the {@code article_tags} table) and favorites. Owns {@code articles},
 * {@code article_tags} and {@code favorites}; reads {@code users} and {@code follows} to filter lists.
 * Other modules find articles through {@link io.conduitscale.article.ArticleDirectory}.
 */
package io.conduitscale.article;
