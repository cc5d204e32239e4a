package io.conduitscale.platform.security;

import java.util.OptionalInt;

/**
 * Where a user's current token version is stored. Implemented by the module that owns the users
 * table ({@code user}), so that {@code platform} never depends on a feature module.
 */
public interface TokenVersionSource {

    /** The user's current token version, or empty if no such user exists (any more). */
    OptionalInt currentVersion(long userId);
}
