package io.conduitscale.platform.security;

import io.conduitscale.platform.web.ApiException;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Who is calling: the LOCAL user id of the verified token, if a token was presented. For built-in
 * tokens that is the {@code sub}; for external ones, the user linked to (iss, sub). TokenAuthentication
 * puts it in the authentication's name either way.
 * Endpoints that require a user are listed in {@link SecurityConfig}, so there {@link #requireId()}
 * always finds one.
 */
public final class CurrentUser {

    private CurrentUser() {}

    public static Optional<Long> id() {
        return token().map(jwt -> Long.parseLong(jwt.getName()));
    }

    public static long requireId() {
        return id().orElseThrow(CurrentUser::missing);
    }

    /** The token the request was made with, echoed back by {@code GET /api/user}. */
    public static String requireToken() {
        return token().orElseThrow(CurrentUser::missing).getToken().getTokenValue();
    }

    /** The {@code jti} of the caller's token, if it has one (built-in tokens do). */
    public static Optional<String> tokenId() {
        return token().map(jwt -> jwt.getToken().getId());
    }

    /** Only reachable if an endpoint needing a user is missing from SecurityConfig: still a 401, not a 500. */
    private static ApiException missing() {
        return new ApiException(HttpStatus.UNAUTHORIZED, "token", "is missing");
    }

    private static Optional<JwtAuthenticationToken> token() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication instanceof JwtAuthenticationToken jwt ? Optional.of(jwt) : Optional.empty();
    }
}
