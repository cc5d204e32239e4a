/**
 * Tags and how often each is used. Owns the {@code tags} table; the article module tells it which
 * tags an article gains and loses, inside the article's own transaction, so counts are always exact.
 */
package io.conduitscale.tag;
