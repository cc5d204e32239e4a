package io.conduitscale.platform.security;

import java.util.Optional;

/**
 * Where a user's current token version is stored. Implemented by the module that owns the users
 * table ({@code user}), so that {@code platform} never depends on a feature module.
 */
public interface TokenVersionSource {

    /** The user's current token state, or empty if no such user exists (any more). */
    Optional<TokenState> currentState(long userId);
}
