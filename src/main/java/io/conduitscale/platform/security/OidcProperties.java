package io.conduitscale.platform.security;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Trusted external OpenID Connect issuers ({@code CONDUIT_OIDC_*}, docs/configuration.md).
 *
 * @param issuers               a JSON array, one object per issuer: {@code issuer} (the exact {@code iss}),
 *                              exactly one of {@code audience} (must be in {@code aud}) or {@code clientId}
 *                              (Cognito access tokens: must equal {@code client_id}), and optionally
 *                              {@code usernameClaim} (default {@code preferred_username})
 * @param jwksCacheTtl          how long a fetched JWK set is used before it must be fetched again
 * @param jwksRefreshAhead      how long before that expiry a background refresh starts, so requests never wait
 * @param jwksRefetchMinInterval a token naming an unknown {@code kid} forces a refetch, at most twice per interval
 * @param httpTimeout           connect and read timeout for discovery and JWKS requests
 */
@ConfigurationProperties("conduit.oidc")
public record OidcProperties(
        String issuers,
        @DefaultValue("5m") Duration jwksCacheTtl,
        @DefaultValue("1m") Duration jwksRefreshAhead,
        @DefaultValue("30s") Duration jwksRefetchMinInterval,
        @DefaultValue("2s") Duration httpTimeout) {

    public static final String DEFAULT_USERNAME_CLAIM = "preferred_username";

    /** One trusted issuer, as configured. */
    public record TrustedIssuer(String issuer, String audience, String clientId, String usernameClaim) {

        /** Cognito-style: access tokens name the app client in {@code client_id} and say {@code token_use: access}. */
        public boolean checksClientId() {
            return clientId != null;
        }
    }

    /** The configured issuers, validated; an invalid configuration stops the start with a message naming the problem. */
    public List<TrustedIssuer> trustedIssuers(String builtInIssuer) {
        if (issuers == null || issuers.isBlank()) {
            return List.of();
        }
        List<TrustedIssuer> parsed;
        try {
            parsed = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build()
                    .readValue(issuers, new TypeReference<List<TrustedIssuer>>() {});
        } catch (JacksonException e) {
            throw new IllegalArgumentException("CONDUIT_OIDC_ISSUERS must be a JSON array of "
                    + "{\"issuer\",\"audience\"|\"clientId\",\"usernameClaim\"} objects: " + e.getOriginalMessage());
        }
        List<TrustedIssuer> result = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (TrustedIssuer entry : parsed) {
            if (entry == null || entry.issuer() == null || entry.issuer().isBlank()) {
                throw new IllegalArgumentException("CONDUIT_OIDC_ISSUERS: every entry needs an \"issuer\"");
            }
            String issuer = entry.issuer().trim();
            requireSafeUri(issuer);
            if (issuer.equals(builtInIssuer)) {
                throw new IllegalArgumentException("CONDUIT_OIDC_ISSUERS: " + issuer + " is the built-in issuer");
            }
            if (!seen.add(issuer)) {
                throw new IllegalArgumentException("CONDUIT_OIDC_ISSUERS: " + issuer + " is listed twice");
            }
            boolean hasAudience = entry.audience() != null && !entry.audience().isBlank();
            boolean hasClientId = entry.clientId() != null && !entry.clientId().isBlank();
            if (hasAudience == hasClientId) {
                throw new IllegalArgumentException("CONDUIT_OIDC_ISSUERS: " + issuer
                        + " needs exactly one of \"audience\" or \"clientId\"");
            }
            String usernameClaim = entry.usernameClaim() == null || entry.usernameClaim().isBlank()
                    ? DEFAULT_USERNAME_CLAIM : entry.usernameClaim().trim();
            result.add(new TrustedIssuer(issuer, hasAudience ? entry.audience().trim() : null,
                    hasClientId ? entry.clientId().trim() : null, usernameClaim));
        }
        return List.copyOf(result);
    }

    /** Keys must come over TLS; plain http is allowed only on the loopback interface (development, tests). */
    private static void requireSafeUri(String issuer) {
        URI uri;
        try {
            uri = URI.create(issuer);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("CONDUIT_OIDC_ISSUERS: " + issuer + " is not a URI");
        }
        String host = uri.getHost();
        boolean loopback = "localhost".equals(host) || "127.0.0.1".equals(host) || "[::1]".equals(host);
        if (host == null || !("https".equals(uri.getScheme()) || ("http".equals(uri.getScheme()) && loopback))) {
            throw new IllegalArgumentException("CONDUIT_OIDC_ISSUERS: " + issuer
                    + " must be an https URI (http only for localhost)");
        }
    }
}
