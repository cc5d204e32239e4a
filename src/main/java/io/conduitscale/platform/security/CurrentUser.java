package io.conduitscale.platform.security;

import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Who is calling: the user id from the verified token's {@code sub}, if a token was presented.
 * Endpoints that require a user are protected in {@link SecurityConfig}; there, {@link #requireId()}
 * cannot fail.
 */
public final class CurrentUser {

    private CurrentUser() {}

    public static Optional<Long> id() {
        return token().map(jwt -> Long.parseLong(jwt.getToken().getSubject()));
    }

    public static long requireId() {
        return id().orElseThrow(() -> new IllegalStateException("endpoint is not protected by SecurityConfig"));
    }

    /** The token the request was made with, echoed back by {@code GET /api/user}. */
    public static String requireToken() {
        return token().orElseThrow(() -> new IllegalStateException("endpoint is not protected by SecurityConfig"))
                .getToken().getTokenValue();
    }

    private static Optional<JwtAuthenticationToken> token() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication instanceof JwtAuthenticationToken jwt ? Optional.of(jwt) : Optional.empty();
    }
}
