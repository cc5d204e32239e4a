package io.conduitscale.platform.security;

import io.conduitscale.platform.cache.CacheRegion;
import io.conduitscale.platform.cache.Caches;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The revocation check's cache: user id to current token state.
 * <p>
 * Every authenticated request asks it, so it lives in the two-level cache like any other entity:
 * one database read per user until the state changes. A bump (password change, log out everywhere)
 * calls {@link #evict(long)}, which invalidates the entry on every instance through the cache's
 * invalidation channel before the response is sent (docs/caching.md): a revoked token is refused
 * everywhere from the next request on.
 */
@Component
public class TokenVersions {

    private final TokenVersionSource source;
    private final CacheRegion<TokenState> states;

    TokenVersions(TokenVersionSource source, Caches caches) {
        this.source = source;
        this.states = caches.region("token", TokenState.class);
    }

    /** The user's current token state; empty if the user no longer exists (absence is not cached). */
    public Optional<TokenState> current(long userId) {
        return Optional.ofNullable(states.get(Long.toString(userId), () -> source.currentState(userId).orElse(null)));
    }

    /** Forgets the state everywhere once the current transaction commits: call after bumping it or deleting the user. */
    public void evict(long userId) {
        states.evictAfterCommit(Long.toString(userId));
    }
}
