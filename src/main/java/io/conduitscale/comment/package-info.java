/** Comments on articles. Owns the {@code comments} table. */
package io.conduitscale.comment;
