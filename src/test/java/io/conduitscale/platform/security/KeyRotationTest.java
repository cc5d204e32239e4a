package io.conduitscale.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.conduitscale.support.ApiClient;
import java.nio.file.Path;
import java.util.Date;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The middle step of a key rotation: the new key signs, the previous key still verifies the tokens
 * it signed, a key that was never configured verifies nothing, and both public keys are published.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class KeyRotationTest {

    static final ECKey PREVIOUS = SigningKeyGenerator.newPrivateJwk();
    static final ECKey CURRENT = SigningKeyGenerator.newPrivateJwk();
    static final String ISSUER = "https://conduit.example";

    @DynamicPropertySource
    static void keys(DynamicPropertyRegistry registry) {
        registry.add("conduit.data-dir", () -> Path.of("target", "test-data", "rotation-" + UUID.randomUUID()).toAbsolutePath().toString());
        registry.add("conduit.jwt.issuer", () -> ISSUER);
        registry.add("conduit.jwt.signing-key", CURRENT::toJSONString);
        registry.add("conduit.jwt.verification-keys", () -> "{\"keys\":[" + PREVIOUS.toPublicJWK().toJSONString() + "]}");
    }

    @LocalServerPort
    int port;

    @Test
    void newKeySignsAndPreviousKeyStillVerifies() throws Exception {
        ApiClient api = ApiClient.forPort(port);
        String fresh = api.register(ApiClient.unique("rotating"));
        SignedJWT parsed = SignedJWT.parse(fresh);
        String subject = parsed.getJWTClaimsSet().getSubject();

        assertThat(parsed.getHeader().getKeyID()).isEqualTo(CURRENT.getKeyID());
        assertThat(api.get("/api/user", fresh).status()).isEqualTo(200);
        assertThat(api.get("/api/user", sign(PREVIOUS, subject)).status()).isEqualTo(200);
        assertThat(api.get("/api/user", sign(SigningKeyGenerator.newPrivateJwk(), subject)).status()).isEqualTo(401);

        JsonNode jwks = api.get("/.well-known/jwks.json").json();
        assertThat(jwks.get("keys").valueStream().map(k -> k.get("kid").asString()))
                .containsExactlyInAnyOrder(CURRENT.getKeyID(), PREVIOUS.getKeyID());
    }

    private static String sign(ECKey key, String subject) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().subject(subject).issuer(ISSUER)
                        .expirationTime(new Date(System.currentTimeMillis() + 60_000)).build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }
}
