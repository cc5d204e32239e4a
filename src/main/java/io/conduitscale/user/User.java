package io.conduitscale.user;

/**
 * An account as stored; {@code passwordHash} never leaves this module. {@code tokenVersion} is carried by
 * every token issued for the account; bumping it revokes them all.
 */
record User(long id, String username, String email, String passwordHash, String bio, String image, int tokenVersion) {

    /**
     * The password hash of an account provisioned for an external identity: not an Argon2 string, so no
     * password can match it. Such a user signs in through their identity provider, or sets a password.
     */
    static final String NO_PASSWORD = "!external";

    boolean hasPassword() {
        return passwordHash != null && passwordHash.startsWith("$");
    }
}
