package io.conduitscale.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.KeyProvider;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;

/**
 * A real OIDC provider for the tests: mock-oauth2-server on a random loopback port, serving discovery,
 * JWKS and token endpoints over HTTP, started once per test JVM and stopped when it exits. It plays two
 * issuers: {@link #KEYCLOAK} (access tokens with {@code aud}) and {@link #COGNITO} (access tokens with
 * {@code client_id} and {@code token_use}, no {@code aud}). Its signing keys can be rotated per issuer.
 */
public final class TestIdentityProvider {

    public static final String KEYCLOAK = "keycloak";
    public static final String COGNITO = "cognito";
    public static final String AUDIENCE = "conduit-api";
    public static final String CLIENT_ID = "conduit-web-client";

    private static MockOAuth2Server server;
    private static final RotatingKeys KEYS = new RotatingKeys();

    private TestIdentityProvider() {}

    public static synchronized MockOAuth2Server server() {
        if (server == null) {
            MockOAuth2Server started = new MockOAuth2Server(new OAuth2Config(false, null, null, false,
                    new OAuth2TokenProvider(KEYS)));
            started.start(InetAddress.getLoopbackAddress(), 0);
            Runtime.getRuntime().addShutdownHook(new Thread(started::shutdown));
            server = started;
        }
        return server;
    }

    public static String issuer(String issuerId) {
        return server().issuerUrl(issuerId).toString();
    }

    /** The {@code CONDUIT_OIDC_ISSUERS} value that trusts both issuers. */
    public static String issuersSetting() {
        return """
                [{"issuer":"%s","audience":"%s","usernameClaim":"preferred_username"},
                 {"issuer":"%s","clientId":"%s","usernameClaim":"username"}]"""
                .formatted(issuer(KEYCLOAK), AUDIENCE, issuer(COGNITO), CLIENT_ID);
    }

    /** A Keycloak-style access token: {@code aud} names the API. */
    public static String keycloakToken(String subject, Map<String, Object> claims) {
        return token(KEYCLOAK, subject, List.of(AUDIENCE), claims);
    }

    /** A Cognito-style access token: no {@code aud}, {@code client_id} and {@code token_use: access}. */
    public static String cognitoToken(String subject, String username) {
        return token(COGNITO, subject, List.of(), Map.of("client_id", CLIENT_ID, "token_use", "access", "username", username));
    }

    public static String token(String issuerId, String subject, List<String> audience, Map<String, Object> claims) {
        return server().issueToken(issuerId, CLIENT_ID,
                new DefaultOAuth2TokenCallback(issuerId, subject, "JWT", audience, claims, 3600)).serialize();
    }

    /** The provider starts signing this issuer's tokens with a new key (new kid); its JWKS publishes only that key. */
    public static String rotate(String issuerId) {
        return KEYS.rotate(issuerId);
    }

    public static String currentKid(String issuerId) {
        return KEYS.signingKey(issuerId).getKeyID();
    }

    /** The provider's key source, with per-issuer rotation (mock-oauth2-server keeps one key per issuer forever). */
    static final class RotatingKeys extends KeyProvider {
        private final Map<String, JWK> current = new ConcurrentHashMap<>();

        @Override
        public JWK signingKey(String issuerId) {
            return current.computeIfAbsent(issuerId, id -> newKey());
        }

        String rotate(String issuerId) {
            JWK key = newKey();
            current.put(issuerId, key);
            return key.getKeyID();
        }

        private static JWK newKey() {
            try {
                return new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                        .keyID(UUID.randomUUID().toString()).generate();
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
