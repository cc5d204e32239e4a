/**
 * Public profiles and the follow graph. Owns the {@code follows} table; reads {@code users}.
 * {@link io.conduitscale.profile.Profiles} gives other modules authors' profiles as seen by a viewer,
 * for a whole page in one query.
 */
package io.conduitscale.profile;
