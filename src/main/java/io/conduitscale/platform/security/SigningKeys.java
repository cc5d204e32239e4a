package io.conduitscale.platform.security;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in issuer's keys: exactly one private key signs, any number of public keys verify.
 * <p>
 * Rotation (docs/auth.md): deploy the new key as a verification key everywhere, then make
 * it the signing key and keep the old one as a verification key, then drop the old one once every
 * token it signed has expired ({@code CONDUIT_JWT_TTL}).
 */
public final class SigningKeys {

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    static final String GENERATED_KEY_FILE = "jwt-signing-key.json";

    private final ECKey signingKey;
    private final JWKSet publicKeys;

    SigningKeys(ECKey signingKey, List<JWK> otherVerificationKeys) {
        if (!signingKey.isPrivate() || signingKey.getKeyID() == null || !Curve.P_256.equals(signingKey.getCurve())) {
            throw new IllegalArgumentException("the signing key must be a private EC P-256 JWK with a kid");
        }
        this.signingKey = signingKey;
        Map<String, JWK> byId = new LinkedHashMap<>();
        byId.put(signingKey.getKeyID(), signingKey.toPublicJWK());
        for (JWK key : otherVerificationKeys) {
            if (key.getKeyID() == null) {
                throw new IllegalArgumentException("every verification key needs a kid");
            }
            byId.putIfAbsent(key.getKeyID(), key.toPublicJWK());
        }
        this.publicKeys = new JWKSet(new ArrayList<>(byId.values()));
    }

    /** From configuration, or, without a configured key, the key kept in (or generated into) the data directory. */
    static SigningKeys load(JwtProperties properties, Path dataDirectory) {
        ECKey signing = properties.signingKey() != null && !properties.signingKey().isBlank()
                ? parseSigningKey(properties.signingKey())
                : generatedKey(dataDirectory);
        return new SigningKeys(signing, parseKeys(properties.verificationKeys()));
    }

    public ECKey signingKey() {
        return signingKey;
    }

    /** Every key a token may be signed with, public parts only: what {@code /.well-known/jwks.json} publishes. */
    public JWKSet publicKeys() {
        return publicKeys;
    }

    private static ECKey parseSigningKey(String json) {
        try {
            JWK jwk = JWK.parse(json.trim());
            if (!(jwk instanceof ECKey ec)) {
                throw new IllegalArgumentException("CONDUIT_JWT_SIGNING_KEY must be an EC (P-256) JWK");
            }
            return ec;
        } catch (ParseException e) {
            throw new IllegalArgumentException("CONDUIT_JWT_SIGNING_KEY is not a valid JWK: " + e.getMessage());
        }
    }

    private static List<JWK> parseKeys(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try {
            String trimmed = json.trim();
            return trimmed.contains("\"keys\"") ? JWKSet.parse(trimmed).getKeys() : List.of(JWK.parse(trimmed));
        } catch (ParseException e) {
            throw new IllegalArgumentException("CONDUIT_JWT_VERIFICATION_KEYS is not a JWK or JWK set: " + e.getMessage());
        }
    }

    private static ECKey generatedKey(Path dataDirectory) {
        Path file = dataDirectory.resolve(GENERATED_KEY_FILE);
        try {
            if (Files.exists(file)) {
                return parseSigningKey(Files.readString(file, StandardCharsets.UTF_8));
            }
            Files.createDirectories(dataDirectory);
            ECKey key = SigningKeyGenerator.newPrivateJwk();
            Files.writeString(file, key.toJSONString(), StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system; the directory's permissions have to do
            }
            log.warn("No CONDUIT_JWT_SIGNING_KEY set: generated a signing key into {}. Tokens stay valid across "
                    + "restarts of this instance only; production requires a configured key.", file);
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read or write the signing key " + file, e);
        }
    }
}
