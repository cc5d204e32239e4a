package io.conduitscale;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.conduitscale.platform.security.JwtProperties;
import io.conduitscale.platform.security.SigningKeys;
import io.conduitscale.platform.security.TokenVersions;
import io.conduitscale.support.ApiClient;
import io.conduitscale.support.IntegrationTest;
import java.util.Date;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Revocation by token version (password change, log out everywhere) and tokens of deleted users. */
@IntegrationTest
class RevocationTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TokenVersions versions;
    @Autowired
    SigningKeys keys;
    @Autowired
    JwtProperties properties;

    @Test
    void aPasswordChangeRevokesEveryOtherSessionAndReturnsAFreshToken() {
        ApiClient api = ApiClient.forPort(port);
        String username = ApiClient.unique("rotator");
        String old = api.register(username);
        String otherDevice = login(api, username, "password123");
        assertThat(api.get("/api/user", old).status()).isEqualTo(200);

        ApiClient.Response changed = api.put("/api/user", """
                {"user":{"password":"a-new-password"}}""", old);
        assertThat(changed.status()).isEqualTo(200);
        String fresh = changed.json().get("user").get("token").asString();
        assertThat(fresh).isNotEqualTo(old);

        // every other session is signed out; the one that made the change keeps working (the official
        // RealWorld suite relies on that), and the response's fresh token carries the new version
        assertThat(api.get("/api/user", otherDevice).status()).isEqualTo(401);
        assertThat(api.get("/api/user", old).status()).isEqualTo(200);
        assertThat(api.get("/api/user", fresh).status()).isEqualTo(200);
        // a second change from the other, revoked device is impossible
        assertThat(api.put("/api/user", "{\"user\":{\"password\":\"attacker-choice\"}}", otherDevice).status()).isEqualTo(401);
        // log out everywhere ends the kept session too
        assertThat(api.post("/api/user/logout-all", null, fresh).status()).isEqualTo(204);
        assertThat(api.get("/api/user", old).status()).isEqualTo(401);
        assertThat(api.get("/api/user", fresh).status()).isEqualTo(401);
        assertThat(api.post("/api/users/login", """
                {"user":{"email":"%s@example.com","password":"password123"}}""".formatted(username), null).status()).isEqualTo(401);
        assertThat(login(api, username, "a-new-password")).isNotNull();
    }

    @Test
    void anUpdateWithoutAPasswordKeepsTheToken() {
        ApiClient api = ApiClient.forPort(port);
        String token = api.register(ApiClient.unique("keeper"));
        ApiClient.Response updated = api.put("/api/user", "{\"user\":{\"bio\":\"hello\"}}", token);
        assertThat(updated.json().get("user").get("token").asString()).isEqualTo(token);
        assertThat(api.get("/api/user", token).status()).isEqualTo(200);
    }

    @Test
    void logOutEverywhereRevokesEveryTokenOfThatUserOnly() {
        ApiClient api = ApiClient.forPort(port);
        String username = ApiClient.unique("leaver");
        String first = api.register(username);
        String second = login(api, username, "password123");
        String bystander = api.register(ApiClient.unique("bystander"));

        assertThat(api.post("/api/user/logout-all", null, null).status()).isEqualTo(401);
        assertThat(api.post("/api/user/logout-all", null, first).status()).isEqualTo(204);
        assertThat(api.get("/api/user", first).status()).isEqualTo(401);
        assertThat(api.get("/api/user", second).status()).isEqualTo(401);
        assertThat(api.post("/api/articles/anything/favorite", null, second).status()).isEqualTo(401);
        assertThat(api.get("/api/user", bystander).status()).isEqualTo(200);
        // a new login works again
        assertThat(api.get("/api/user", login(api, username, "password123")).status()).isEqualTo(200);
    }

    @Test
    void versionlessAndForgedVersionTokensFollowTheRules() throws Exception {
        ApiClient api = ApiClient.forPort(port);
        String token = api.register(ApiClient.unique("legacy"));
        String subject = SignedJWT.parse(token).getJWTClaimsSet().getSubject();
        // tokens issued before revocation existed carry no version: they count as version 0
        String legacy = sign(subject, null);
        assertThat(api.get("/api/user", legacy).status()).isEqualTo(200);
        assertThat(api.get("/api/user", sign(subject, 7)).status()).as("a version from the future").isEqualTo(401);
        assertThat(api.get("/api/user", sign(subject, "0")).status()).as("a version that is not a number").isEqualTo(401);

        api.post("/api/user/logout-all", null, token);
        assertThat(api.get("/api/user", legacy).status()).isEqualTo(401);
        assertThat(api.get("/api/user", sign(subject, 1)).status()).isEqualTo(200);
    }

    @Test
    void aTokenWhoseUserNoLongerExistsIsRefusedEverywhere() throws Exception {
        ApiClient api = ApiClient.forPort(port);
        String username = ApiClient.unique("deleted");
        String token = api.register(username);
        long userId = Long.parseLong(SignedJWT.parse(token).getJWTClaimsSet().getSubject());
        assertThat(api.get("/api/user", token).status()).isEqualTo(200); // now cached

        jdbc.sql("DELETE FROM users WHERE id = :id").param("id", userId).update();
        versions.evict(userId); // what an account deletion does; otherwise effective within the cache TTL
        for (ApiClient.Response response : new ApiClient.Response[] {
                api.get("/api/user", token), api.get("/api/articles", token), api.get("/api/articles/feed", token),
                api.post("/api/articles", "{\"article\":{\"title\":\"t\",\"description\":\"d\",\"body\":\"b\"}}", token),
                api.post("/api/user/logout-all", null, token)}) {
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.json().get("errors").get("token").get(0).asString()).isEqualTo("is invalid");
        }
        assertThat(jdbc.sql("SELECT count(*) FROM articles a JOIN users u ON u.id = a.author_id WHERE u.username = :u")
                .param("u", username).query(Integer.class).single()).isZero();
    }

    private static String login(ApiClient api, String username, String password) {
        ApiClient.Response response = api.post("/api/users/login", """
                {"user":{"email":"%s@example.com","password":"%s"}}""".formatted(username, password), null);
        assertThat(response.status()).isEqualTo(200);
        return response.json().get("user").get("token").asString();
    }

    private String sign(String subject, Object version) throws Exception {
        long now = System.currentTimeMillis();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(subject).issuer(properties.issuer())
                .issueTime(new Date(now)).expirationTime(new Date(now + 60_000));
        if (version != null) {
            claims.claim("token_version", version);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(keys.signingKey().getKeyID())
                .type(JOSEObjectType.JWT).build(), claims.build());
        jwt.sign(new ECDSASigner(keys.signingKey()));
        return jwt.serialize();
    }
}
