package io.conduitscale.platform.security;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.events.Event;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * One trusted external OIDC issuer: discovery, its keys and the checks its tokens must pass.
 * <p>
 * Keys: the JWKS URI comes from the issuer's discovery document (whose {@code issuer} must match).
 * The JWK set is fetched once at start and then cached by Nimbus' {@link JWKSourceBuilder}: a scheduled
 * background refresh runs {@code jwksRefreshAhead} before the cache expires, so in steady state no request
 * waits for a fetch. A token naming a {@code kid} that is not in the cached set forces a refetch (that is
 * how a rotation at the provider is picked up), rate-limited to two per {@code jwksRefetchMinInterval} so
 * that forged kids cannot turn us into a flood against the provider. Every fetch, refresh and rate-limited
 * refetch is counted in {@code conduit_oidc_jwks_events_total}; tokens whose kid is still unknown after
 * that in {@code conduit_oidc_unknown_kid_total}.
 * <p>
 * If the provider is unreachable at start, the instance starts anyway; discovery is retried at most once
 * per {@code jwksRefetchMinInterval}, and until it succeeds that issuer's tokens get 401.
 */
final class ExternalIssuer implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(ExternalIssuer.class);
    /** Asymmetric algorithms only: no HMAC, so a provider's public key can never be used as a shared secret. */
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
            JWSAlgorithm.ES384, JWSAlgorithm.ES512, JWSAlgorithm.Ed25519, JWSAlgorithm.EdDSA);
    private static final int MAX_DOCUMENT_BYTES = 512 * 1024;
    private static final int MAX_SUBJECT_LENGTH = 255;

    private final OidcProperties.TrustedIssuer config;
    private final OidcProperties properties;
    private final MeterRegistry meters;
    private final Counter unknownKid;
    private final Object building = new Object();
    private volatile JwtDecoder decoder;
    private volatile JWKSource<SecurityContext> keys;
    private volatile long nextDiscoveryNanos;

    ExternalIssuer(OidcProperties.TrustedIssuer config, OidcProperties properties, MeterRegistry meters) {
        this.config = config;
        this.properties = properties;
        this.meters = meters;
        this.unknownKid = Counter.builder("conduit.oidc.unknown.kid")
                .description("external tokens refused because their kid is not in the provider's JWK set, even after a refetch")
                .tag("issuer", config.issuer()).register(meters);
    }

    OidcProperties.TrustedIssuer config() {
        return config;
    }

    /** Discovers and fetches the keys now; a failure is logged, not thrown (the start must not depend on the provider). */
    void warmUp() {
        try {
            decoder();
        } catch (JwtException e) {
            log.warn("OIDC issuer {} is not reachable yet; its tokens get 401 until it is: {}", config.issuer(), e.getMessage());
        }
    }

    /** The decoder for this issuer's tokens; only failures of the token itself are thrown, as {@link BadJwtException} (401). */
    JwtDecoder decoder() {
        JwtDecoder current = decoder;
        if (current != null) {
            return current;
        }
        synchronized (building) {
            if (decoder != null) {
                return decoder;
            }
            if (System.nanoTime() - nextDiscoveryNanos < 0) {
                throw new BadJwtException("the issuer's keys are not available yet");
            }
            try {
                decoder = build();
                return decoder;
            } catch (IOException | RuntimeException e) {
                nextDiscoveryNanos = System.nanoTime() + properties.jwksRefetchMinInterval().toNanos();
                throw new BadJwtException("discovery of " + config.issuer() + " failed: " + e.getMessage(), e);
            }
        }
    }

    private JwtDecoder build() throws IOException {
        int timeout = Math.toIntExact(properties.httpTimeout().toMillis());
        DefaultResourceRetriever retriever = new DefaultResourceRetriever(timeout, timeout, MAX_DOCUMENT_BYTES);
        URL jwksUri = discoverJwksUri(retriever);

        JWKSource<SecurityContext> source = JWKSourceBuilder.<SecurityContext>create(jwksUri, retriever)
                .cache(properties.jwksCacheTtl().toMillis(), 2L * timeout + 1_000, this::count)
                .refreshAheadCache(properties.jwksRefreshAhead().toMillis(), true, this::count)
                .rateLimited(properties.jwksRefetchMinInterval().toMillis(), this::count)
                .build();
        // first fetch now, off the request path
        try {
            source.get(new JWKSelector(new JWKMatcher.Builder().build()), null);
        } catch (Exception e) {
            closeQuietly(source);
            throw new IOException("could not fetch the JWK set from " + jwksUri + ": " + e.getMessage(), e);
        }
        JWKSource<SecurityContext> counting = (selector, context) -> {
            List<JWK> found = source.get(selector, context);
            if (found.isEmpty()) {
                unknownKid.increment();
            }
            return found;
        };
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, counting));
        // access tokens: plain JWT (Keycloak, Entra ID, mock-oauth2-server), RFC 9068 at+jwt, or no typ (Cognito)
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
        processor.setJWTClaimsSetVerifier((claims, context) -> {}); // claims are checked by the validators below
        NimbusJwtDecoder nimbus = new NimbusJwtDecoder(processor);
        nimbus.setJwtValidator(validators());
        this.keys = source;
        log.info("OIDC issuer {} trusted; keys from {}", config.issuer(), jwksUri);
        return token -> {
            try {
                return nimbus.decode(token);
            } catch (BadJwtException e) {
                throw e;
            } catch (JwtException e) {
                // the provider's keys could not be fetched: refuse the token rather than fail the request with a 5xx
                throw new BadJwtException("could not verify the token: " + e.getMessage(), e);
            }
        };
    }

    /** OIDC Discovery 1.0: the document's issuer must be exactly the configured one (section 4.3). */
    private URL discoverJwksUri(DefaultResourceRetriever retriever) throws IOException {
        String base = config.issuer().endsWith("/") ? config.issuer().substring(0, config.issuer().length() - 1) : config.issuer();
        URL discovery = URI.create(base + "/.well-known/openid-configuration").toURL();
        Map<String, Object> metadata;
        try {
            metadata = JSONObjectUtils.parse(retriever.retrieveResource(discovery).getContent());
        } catch (java.text.ParseException e) {
            throw new IOException("the discovery document is not JSON");
        }
        if (!config.issuer().equals(metadata.get("issuer"))) {
            throw new IOException("the discovery document names issuer " + metadata.get("issuer"));
        }
        if (!(metadata.get("jwks_uri") instanceof String jwks)) {
            throw new IOException("the discovery document has no jwks_uri");
        }
        URI uri = URI.create(jwks);
        boolean loopback = "localhost".equals(uri.getHost()) || "127.0.0.1".equals(uri.getHost());
        if (!"https".equals(uri.getScheme()) && !("http".equals(uri.getScheme()) && loopback)) {
            throw new IOException("jwks_uri must be https: " + jwks);
        }
        return uri.toURL();
    }

    private OAuth2TokenValidator<Jwt> validators() {
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        // iss exactly, exp/nbf with 60 s of clock skew
        validators.add(JwtValidators.createDefaultWithIssuer(config.issuer()));
        validators.add(check(jwt -> jwt.getClaims().get(JwtClaimNames.EXP) != null, "exp is required"));
        validators.add(check(jwt -> storableSubject(jwt.getSubject()), "sub must be 1-255 characters of well-formed text"));
        if (config.checksClientId()) {
            // Cognito access tokens have no aud; they name the app client in client_id
            validators.add(check(jwt -> config.clientId().equals(jwt.getClaims().get("client_id")), "client_id does not match"));
            validators.add(check(jwt -> "access".equals(jwt.getClaims().get("token_use")), "token_use must be access"));
        } else {
            validators.add(check(jwt -> jwt.getAudience() != null && jwt.getAudience().contains(config.audience()),
                    "aud does not include " + config.audience()));
            // an ID token is not an access token, whichever provider says so
            validators.add(check(jwt -> {
                Object use = jwt.getClaims().get("token_use");
                return use == null || "access".equals(use);
            }, "token_use must be access"));
        }
        return new DelegatingOAuth2TokenValidator<>(validators);
    }

    /** The subject is a database key: no control characters (NUL), no unpaired surrogates, bounded length. */
    static boolean storableSubject(String subject) {
        if (subject == null || subject.isBlank() || subject.length() > MAX_SUBJECT_LENGTH) {
            return false;
        }
        for (int i = 0; i < subject.length(); i++) {
            char c = subject.charAt(i);
            if (Character.isISOControl(c)) {
                return false;
            }
            if (Character.isHighSurrogate(c) && i + 1 < subject.length() && Character.isLowSurrogate(subject.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static OAuth2TokenValidator<Jwt> check(java.util.function.Predicate<Jwt> test, String failure) {
        OAuth2Error error = new OAuth2Error("invalid_token", failure, null);
        return jwt -> test.test(jwt) ? OAuth2TokenValidatorResult.success() : OAuth2TokenValidatorResult.failure(error);
    }

    private <S> void count(Event<S, SecurityContext> event) {
        String name = event.getClass().getSimpleName().replaceAll("Event$", "")
                .replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
        Counter.builder("conduit.oidc.jwks.events")
                .description("JWK set cache events per external issuer: refreshes (scheduled or forced by an unknown kid), rate limiting, failures")
                .tag("issuer", config.issuer()).tag("event", name)
                .register(meters).increment();
        if (name.contains("unable") || name.contains("timed_out") || name.equals("rate_limited")) {
            log.warn("JWKS of {}: {}", config.issuer(), name);
        }
    }

    private static void closeQuietly(JWKSource<SecurityContext> source) {
        if (source instanceof Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException ignored) {
                // shutting down
            }
        }
    }

    @Override
    public void close() {
        JWKSource<SecurityContext> current = keys;
        if (current != null) {
            closeQuietly(current);
        }
    }
}
