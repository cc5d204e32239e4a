package io.conduitscale.platform.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;

/**
 * Accepts {@code Authorization: Token <jwt>} (the RealWorld scheme) and {@code Authorization: Bearer <jwt>}
 * (OAuth 2.0), case-insensitively. Any other scheme counts as no token.
 */
final class RealWorldTokenResolver implements BearerTokenResolver {

    private static final String[] SCHEMES = {"Token ", "Bearer "};

    @Override
    public String resolve(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            return null;
        }
        for (String scheme : SCHEMES) {
            if (header.regionMatches(true, 0, scheme, 0, scheme.length())) {
                String token = header.substring(scheme.length()).trim();
                return token.isEmpty() ? null : token;
            }
        }
        return null;
    }
}
