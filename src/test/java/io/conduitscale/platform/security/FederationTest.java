package io.conduitscale.platform.security;

import static io.conduitscale.support.TestIdentityProvider.AUDIENCE;
import static io.conduitscale.support.TestIdentityProvider.CLIENT_ID;
import static io.conduitscale.support.TestIdentityProvider.COGNITO;
import static io.conduitscale.support.TestIdentityProvider.KEYCLOAK;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.conduitscale.support.ApiClient;
import io.conduitscale.support.IntegrationTest;
import io.conduitscale.support.TestIdentityProvider;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tokens of external OIDC issuers, against a real provider (mock-oauth2-server: discovery, JWKS and token
 * endpoints over HTTP): linking by (issuer, subject) only, provisioning, Cognito's client_id/token_use,
 * every forgery class, and a key rotation at the provider.
 */
@IntegrationTest
class FederationTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TokenVersions versions;
    @Autowired
    MeterRegistry meters;

    @Test
    void anExternalIdentityGetsALocalAccountOnFirstUseAndKeepsIt() {
        ApiClient api = ApiClient.forPort(port);
        String name = ApiClient.unique("kc");
        String token = TestIdentityProvider.keycloakToken(UUID.randomUUID().toString(), Map.of("preferred_username", name));

        ApiClient.Response first = api.get("/api/user", token);
        assertThat(first.status()).isEqualTo(200);
        JsonNode user = first.json().get("user");
        assertThat(user.get("username").asString()).isEqualTo(name);
        // no verified email in the token: the documented undeliverable placeholder
        assertThat(user.get("email").asString()).endsWith("@external.invalid");
        assertThat(user.get("token").asString()).isEqualTo(token);

        // the external user acts as its local account: CurrentUser gives the local id
        String slug = api.createArticle(token, "Federated " + name);
        assertThat(api.get("/api/articles/" + slug).json().get("article").get("author").get("username").asString())
                .isEqualTo(name);
        assertThat(api.get("/api/user", token).json().get("user").get("username").asString()).isEqualTo(name);
        // and cannot log in with a password: it has none
        assertThat(api.post("/api/users/login", """
                {"user":{"email":"%s","password":"password123"}}""".formatted(user.get("email").asString()), null).status())
                .isEqualTo(401);
    }

    @Test
    void aMatchingEmailNeverTakesOverAnExistingAccount() {
        ApiClient api = ApiClient.forPort(port);
        String victim = ApiClient.unique("victim");
        String victimToken = api.register(victim);
        String victimEmail = victim + "@example.com";

        // a verified email at a trusted issuer, equal to the victim's: still a separate account
        String attacker = TestIdentityProvider.keycloakToken(UUID.randomUUID().toString(),
                Map.of("preferred_username", victim, "email", victimEmail, "email_verified", true));
        JsonNode user = api.get("/api/user", attacker).json().get("user");
        assertThat(user.get("username").asString()).startsWith(victim + "-").isNotEqualTo(victim);
        assertThat(user.get("email").asString()).isNotEqualToIgnoringCase(victimEmail).endsWith("@external.invalid");
        // the victim's account is unchanged and still theirs
        JsonNode own = api.get("/api/user", victimToken).json().get("user");
        assertThat(own.get("email").asString()).isEqualTo(victimEmail);
        assertThat(api.post("/api/users/login", """
                {"user":{"email":"%s","password":"password123"}}""".formatted(victimEmail), null).status()).isEqualTo(200);
    }

    @Test
    void aVerifiedFreeEmailIsUsedAnUnverifiedOneIsNot() {
        ApiClient api = ApiClient.forPort(port);
        String verified = ApiClient.unique("ver") + "@example.org";
        String unverified = ApiClient.unique("unver") + "@example.org";
        assertThat(api.get("/api/user", TestIdentityProvider.keycloakToken(UUID.randomUUID().toString(),
                Map.of("email", verified, "email_verified", true))).json().get("user").get("email").asString()).isEqualTo(verified);
        JsonNode other = api.get("/api/user", TestIdentityProvider.keycloakToken(UUID.randomUUID().toString(),
                Map.of("email", unverified, "email_verified", false))).json().get("user");
        assertThat(other.get("email").asString()).endsWith("@external.invalid");
        // no username claim: user-<suffix>
        assertThat(other.get("username").asString()).matches("user-[a-z0-9]{6}");
    }

    @Test
    void cognitoAccessTokensAreCheckedByClientIdAndTokenUse() {
        ApiClient api = ApiClient.forPort(port);
        String subject = UUID.randomUUID().toString();
        String name = ApiClient.unique("cog");
        ApiClient.Response ok = api.get("/api/user", TestIdentityProvider.cognitoToken(subject, name));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().get("user").get("username").asString()).isEqualTo(name);

        // an ID token (aud = client id, token_use = id) is not an access token
        assertInvalid(api, TestIdentityProvider.token(COGNITO, subject, List.of(CLIENT_ID),
                Map.of("token_use", "id", "client_id", CLIENT_ID)), "cognito id token");
        assertInvalid(api, TestIdentityProvider.token(COGNITO, subject, List.of(),
                Map.of("token_use", "access", "client_id", "some-other-client")), "cognito other client");
        assertInvalid(api, TestIdentityProvider.token(COGNITO, subject, List.of(),
                Map.of("client_id", CLIENT_ID)), "cognito without token_use");
    }

    @Test
    void forgedOrMisdirectedExternalTokensAreRefused() throws Exception {
        ApiClient api = ApiClient.forPort(port);
        String subject = UUID.randomUUID().toString();
        String issuer = TestIdentityProvider.issuer(KEYCLOAK);
        // positive control
        assertThat(api.get("/api/user", TestIdentityProvider.keycloakToken(subject, Map.of())).status()).isEqualTo(200);
        int linksBefore = links();

        assertInvalid(api, TestIdentityProvider.token(KEYCLOAK, subject, List.of("another-api"), Map.of()), "wrong audience");
        assertInvalid(api, TestIdentityProvider.token(KEYCLOAK, subject, List.of(), Map.of()), "no audience");
        assertInvalid(api, TestIdentityProvider.token("untrusted", subject, List.of(AUDIENCE), Map.of()), "untrusted issuer");
        assertInvalid(api, TestIdentityProvider.token(KEYCLOAK, subject, List.of(AUDIENCE), Map.of("token_use", "id")), "id token");
        RSAKey stranger = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
        double unknownKidBefore = unknownKidCount(issuer);
        assertInvalid(api, sign(stranger, stranger.getKeyID(), claims(issuer, subject, AUDIENCE, 60_000)), "unknown kid");
        assertThat(unknownKidCount(issuer)).isGreaterThan(unknownKidBefore);
        assertInvalid(api, sign(stranger, TestIdentityProvider.currentKid(KEYCLOAK), claims(issuer, subject, AUDIENCE, 60_000)),
                "known kid, wrong key");
        assertInvalid(api, new PlainJWT(claims(issuer, subject, AUDIENCE, 60_000)).serialize(), "alg none");
        assertInvalid(api, TestIdentityProvider.server().issueToken(KEYCLOAK, CLIENT_ID,
                new DefaultOAuth2TokenCallback(KEYCLOAK, subject, "JWT", List.of(AUDIENCE), Map.of(), -120)).serialize(), "expired");
        String genuine = TestIdentityProvider.keycloakToken(subject, Map.of());
        String[] parts = genuine.split("\\.");
        String otherPayload = TestIdentityProvider.keycloakToken(UUID.randomUUID().toString(), Map.of()).split("\\.")[1];
        assertInvalid(api, parts[0] + "." + otherPayload + "." + parts[2], "tampered payload");
        // no forgery provisioned anything
        assertThat(links()).isEqualTo(linksBefore);
    }

    @Test
    void concurrentFirstRequestsOfOneIdentityProvisionOneUser() throws Exception {
        ApiClient api = ApiClient.forPort(port);
        String subject = UUID.randomUUID().toString();
        String token = TestIdentityProvider.keycloakToken(subject, Map.of("preferred_username", ApiClient.unique("burst")));
        Set<String> usernames = ConcurrentHashMap.newKeySet();
        List<Integer> statuses = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ApiClient.Response>> futures = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return api.get("/api/user", token);
                }));
            }
            start.countDown();
            for (Future<ApiClient.Response> future : futures) {
                ApiClient.Response response = future.get();
                statuses.add(response.status());
                if (response.status() == 200) {
                    usernames.add(response.json().get("user").get("username").asString());
                }
            }
        }
        assertThat(statuses).containsOnly(200);
        assertThat(usernames).hasSize(1);
        assertThat(jdbc.sql("SELECT count(*) FROM external_identities WHERE subject = :s").param("s", subject)
                .query(Integer.class).single()).isEqualTo(1);
    }

    @Test
    void aRotationAtTheProviderIsPickedUpByRefetchingItsKeys() throws Exception {
        ApiClient api = ApiClient.forPort(port);
        String subject = UUID.randomUUID().toString();
        assertThat(api.get("/api/user", TestIdentityProvider.keycloakToken(subject, Map.of())).status()).isEqualTo(200);
        String issuer = TestIdentityProvider.issuer(KEYCLOAK);
        double refreshesBefore = jwksEvents(issuer, "refresh_completed");

        String newKid = TestIdentityProvider.rotate(KEYCLOAK);
        String rotated = TestIdentityProvider.keycloakToken(subject, Map.of());
        assertThat(SignedJWT.parse(rotated).getHeader().getKeyID()).isEqualTo(newKid);
        // the new kid is unknown to the cached set: a refetch (rate-limited to 2 per second here) picks it up
        int status = 0;
        for (int attempt = 0; attempt < 20 && status != 200; attempt++) {
            status = api.get("/api/user", rotated).status();
            if (status != 200) {
                Thread.sleep(250);
            }
        }
        assertThat(status).isEqualTo(200);
        assertThat(jwksEvents(issuer, "refresh_completed")).isGreaterThan(refreshesBefore);
    }

    @Test
    void aTokenFromTheProvidersTokenEndpointIsAccepted() throws Exception {
        ApiClient api = ApiClient.forPort(port);
        String subject = UUID.randomUUID().toString();
        TestIdentityProvider.server().enqueueCallback(new DefaultOAuth2TokenCallback(KEYCLOAK, subject, "JWT",
                List.of(AUDIENCE), Map.of("preferred_username", "endpoint-user"), 3600));
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(TestIdentityProvider.server().tokenEndpointUrl(KEYCLOAK).toString()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + CLIENT_ID
                        + "&client_secret=not-a-secret&scope=" + AUDIENCE)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        String token = JsonMapper.builder().build().readTree(response.body()).get("access_token").asString();

        ApiClient.Response me = api.get("/api/user", token);
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().get("user").get("username").asString()).startsWith("endpoint-user");
    }

    @Test
    void anIdentityWhoseAccountWasDeletedIsRefusedNotReprovisioned() {
        ApiClient api = ApiClient.forPort(port);
        String subject = UUID.randomUUID().toString();
        String token = TestIdentityProvider.keycloakToken(subject, Map.of("preferred_username", ApiClient.unique("gone")));
        assertThat(api.get("/api/user", token).status()).isEqualTo(200);
        long userId = jdbc.sql("SELECT user_id FROM external_identities WHERE subject = :s").param("s", subject)
                .query(Long.class).single();

        jdbc.sql("DELETE FROM users WHERE id = :id").param("id", userId).update();
        versions.evict(userId); // what an account deletion does; otherwise it takes effect within the cache TTL
        assertInvalid(api, token, "deleted account");
        assertInvalid(api, TestIdentityProvider.keycloakToken(subject, Map.of()), "fresh token, deleted account");
        assertThat(jdbc.sql("SELECT count(*) FROM external_identities WHERE subject = :s AND user_id IS NULL")
                .param("s", subject).query(Integer.class).single()).isEqualTo(1);
    }

    private int links() {
        return jdbc.sql("SELECT count(*) FROM external_identities").query(Integer.class).single();
    }

    private double unknownKidCount(String issuer) {
        var counter = meters.find("conduit.oidc.unknown.kid").tag("issuer", issuer).counter();
        return counter == null ? 0 : counter.count();
    }

    private double jwksEvents(String issuer, String event) {
        return meters.find("conduit.oidc.jwks.events").tag("issuer", issuer).tag("event", event).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    static void assertInvalid(ApiClient api, String token, String what) {
        ApiClient.Response response = api.get("/api/user", token);
        assertThat(response.status()).as(what).isEqualTo(401);
        assertThat(response.json().get("errors").get("token").get(0).asString()).as(what).isEqualTo("is invalid");
    }

    private static JWTClaimsSet claims(String issuer, String subject, String audience, long validFor) {
        long now = System.currentTimeMillis();
        return new JWTClaimsSet.Builder().issuer(issuer).subject(subject).audience(audience)
                .issueTime(new Date(now)).expirationTime(new Date(now + validFor)).build();
    }

    private static String sign(RSAKey key, String kid, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}
