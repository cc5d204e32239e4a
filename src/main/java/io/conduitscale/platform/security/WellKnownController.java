package io.conduitscale.platform.security;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Publishes the built-in issuer's verification keys and OpenID Provider metadata, so other services
 * (and the API's own instances) can verify its tokens without sharing a secret.
 */
@RestController
class WellKnownController {

    private final SigningKeys keys;
    private final JwtProperties properties;

    WellKnownController(SigningKeys keys, JwtProperties properties) {
        this.keys = keys;
        this.properties = properties;
    }

    @GetMapping(value = "/.well-known/jwks.json", produces = "application/jwk-set+json")
    ResponseEntity<Map<String, Object>> jwks() {
        // short enough that a rotation propagates quickly, long enough to spare the endpoint
        return ResponseEntity.ok().cacheControl(CacheControl.maxAge(java.time.Duration.ofMinutes(5)).cachePublic())
                .body(keys.publicKeys().toJSONObject(true));
    }

    @GetMapping("/.well-known/openid-configuration")
    Map<String, Object> discovery() {
        String issuer = properties.issuer();
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("issuer", issuer);
        metadata.put("jwks_uri", stripSlash(issuer) + "/.well-known/jwks.json");
        metadata.put("token_endpoint", stripSlash(issuer) + "/api/users/login");
        metadata.put("response_types_supported", List.of("token"));
        metadata.put("subject_types_supported", List.of("public"));
        metadata.put("id_token_signing_alg_values_supported", List.of("ES256"));
        metadata.put("token_endpoint_auth_methods_supported", List.of("none"));
        metadata.put("claims_supported", List.of("iss", "sub", "iat", "exp", "preferred_username"));
        return metadata;
    }

    private static String stripSlash(String issuer) {
        return issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    }
}
