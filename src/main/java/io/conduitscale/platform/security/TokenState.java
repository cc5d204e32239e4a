package io.conduitscale.platform.security;

/**
 * What decides whether a built-in token of a user is still valid.
 *
 * @param version     the user's current token version; tokens carrying another version are revoked...
 * @param keptTokenId ...except the token with this {@code jti}: the session that made the latest password
 *                    change keeps working (as users expect), while every other session is signed out.
 *                    Null after "log out everywhere".
 */
public record TokenState(int version, String keptTokenId) {

    boolean accepts(int tokenVersion, String tokenId) {
        return tokenVersion == version || (keptTokenId != null && keptTokenId.equals(tokenId));
    }
}
