package io.conduitscale.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.conduitscale.support.ApiClient;
import io.conduitscale.support.IntegrationTest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Date;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Tokens are accepted only when signed ES256 by a published key, unexpired, and from our issuer. */
@IntegrationTest
class TokenVerificationTest {

    @LocalServerPort
    int port;
    @Autowired
    SigningKeys keys;
    @Autowired
    JwtProperties properties;

    @Test
    void issuedTokensNameTheUserByIdAndTheKeyByKid() throws Exception {
        ApiClient api = ApiClient.forPort(port);
        String token = api.register(ApiClient.unique("claims"));
        SignedJWT jwt = SignedJWT.parse(token);

        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(jwt.getJWTClaimsSet().getSubject()).matches("[0-9]+");
        assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo(properties.issuer());
        assertThat(jwt.getJWTClaimsSet().getExpirationTime()).isAfter(new Date());
        JsonNode jwks = api.get("/.well-known/jwks.json").json();
        assertThat(jwks.get("keys").valueStream().map(k -> k.get("kid").asString()))
                .contains(jwt.getHeader().getKeyID());
        assertThat(jwks.toString()).doesNotContain("\"d\"");
    }

    @Test
    void discoveryNamesTheConfiguredIssuerWhateverTheHostHeader() {
        ApiClient api = ApiClient.forPort(port);
        JsonNode discovery = api.send(api.request("/.well-known/openid-configuration", null)
                .header("X-Forwarded-Host", "evil.example").GET()).json();

        assertThat(discovery.get("issuer").asString()).isEqualTo(properties.issuer());
        assertThat(discovery.get("jwks_uri").asString()).isEqualTo(properties.issuer() + "/.well-known/jwks.json");
    }

    @Test
    void aWellFormedTokenIsAcceptedAndEveryForgeryIsRefused() throws Exception {
        ApiClient api = ApiClient.forPort(port);
        String username = ApiClient.unique("forged");
        String genuine = api.register(username);
        String subject = SignedJWT.parse(genuine).getJWTClaimsSet().getSubject();
        long now = System.currentTimeMillis();

        // positive control: a token we sign ourselves with the right key and claims works
        assertThat(api.get("/api/user", sign(keys.signingKey(), claims(subject, properties.issuer(), now + 60_000))).status())
                .isEqualTo(200);

        assertInvalid(api, sign(keys.signingKey(), claims(subject, properties.issuer(), now - 120_000)), "expired");
        assertInvalid(api, sign(keys.signingKey(), claims(subject, "https://other-issuer.example", now + 60_000)), "wrong issuer");
        assertInvalid(api, sign(keys.signingKey(), new JWTClaimsSet.Builder(claims(subject, properties.issuer(), now + 60_000))
                .notBeforeTime(new Date(now + 600_000)).build()), "not yet valid");
        assertInvalid(api, sign(SigningKeyGenerator.newPrivateJwk(), claims(subject, properties.issuer(), now + 60_000)), "unknown key");
        assertInvalid(api, new PlainJWT(claims(subject, properties.issuer(), now + 60_000)).serialize(), "alg none");
        assertInvalid(api, hs256WithPublicKey(claims(subject, properties.issuer(), now + 60_000)), "algorithm confusion");
        assertInvalid(api, tamperedSubject(genuine), "tampered payload");
        assertInvalid(api, sign(keys.signingKey(), claims("not-a-number", properties.issuer(), now + 60_000)), "non-numeric sub");
    }

    private void assertInvalid(ApiClient api, String token, String what) {
        ApiClient.Response response = api.get("/api/user", token);
        assertThat(response.status()).as(what).isEqualTo(401);
        assertThat(response.json().get("errors").get("token").get(0).asString()).as(what).isEqualTo("is invalid");
    }

    private static JWTClaimsSet claims(String subject, String issuer, long expiresAt) {
        return new JWTClaimsSet.Builder().subject(subject).issuer(issuer)
                .issueTime(new Date(expiresAt - 3_600_000)).expirationTime(new Date(expiresAt)).build();
    }

    private static String sign(ECKey key, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    private String hs256WithPublicKey(JWTClaimsSet claims) throws Exception {
        byte[] secret = keys.signingKey().toPublicJWK().toJSONString().repeat(2).getBytes(StandardCharsets.UTF_8);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(keys.signingKey().getKeyID()).build(), claims);
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
    }

    private static String tamperedSubject(String token) {
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replaceFirst("\"sub\":\"[0-9]+\"", "\"sub\":\"1\"");
        return parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
    }
}
