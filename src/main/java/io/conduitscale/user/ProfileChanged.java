package io.conduitscale.user;

/**
 * Published when an account's public profile changed (username, bio or image). Modules that cache
 * or list by those fields react to it; {@code previousUsername} equals {@code username} unless renamed.
 */
public record ProfileChanged(long userId, String previousUsername, String username) {}
