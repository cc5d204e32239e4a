package io.conduitscale.platform.security;

import java.util.OptionalLong;

/**
 * Maps an external identity to a local user id, provisioning the user on first sight. Implemented
 * by the module that owns the users table ({@code user}). Linking is by (issuer, subject) only.
 */
public interface ExternalIdentityLinker {

    /**
     * The local user linked to this identity, created (and linked) if there is none yet. Empty if
     * the identity is linked to an account that has since been deleted: such an identity is refused.
     * Safe under concurrent first requests of the same identity: they all get the same user.
     */
    OptionalLong localUserId(ExternalIdentity identity);
}
