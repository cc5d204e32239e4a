package io.conduitscale.platform.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtIssuerAuthenticationManagerResolver;
import org.springframework.stereotype.Component;

/**
 * Which issuer's rules verify a presented token, and which local user it names.
 * <p>
 * Spring Security's {@link JwtIssuerAuthenticationManagerResolver} reads the (unverified) {@code iss} and
 * hands the token to that issuer's {@link AuthenticationManager}; an issuer that is neither the built-in
 * one nor configured in {@code CONDUIT_OIDC_ISSUERS} gets a 401 without any network call. Each manager
 * verifies the token and then turns it into an authentication whose name is the LOCAL user id, so that
 * {@link CurrentUser#id()} means the same thing whoever issued the token:
 * <ul>
 *   <li>built-in tokens: {@code sub} is the user id; the token's {@value #TOKEN_VERSION_CLAIM} must equal
 *       the user's current version, or the token must be the one that made the latest password change
 *       (revocation, {@link TokenState}), and the user must still exist;</li>
 *   <li>external tokens: (iss, sub) is looked up in, or provisioned into, the identity links
 *       ({@link ExternalIdentityLinker}); the linked user must still exist.</li>
 * </ul>
 * Signatures already verified on this instance are not verified again ({@link VerifiedTokens}); the checks
 * above run on every request.
 */
@Component
public class TokenAuthentication implements Closeable {

    /** Verified tokens kept per instance (a few KB each): about as many as clients active within minutes. */
    private static final int VERIFIED_TOKENS_REMEMBERED = 10_000;

    /** The built-in issuer's claim carrying the user's token version at issue time; absent means 0. */
    public static final String TOKEN_VERSION_CLAIM = "token_version";

    private final TokenVersions versions;
    private final ExternalIdentityLinker linker;
    private final List<ExternalIssuer> externalIssuers;
    private final AuthenticationManagerResolver<HttpServletRequest> resolver;
    /** (issuer, subject) to local user id; links never change (only their user can vanish, which versions catch). */
    private final Cache<Map.Entry<String, String>, Long> links = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofMinutes(10)).maximumSize(100_000).build();

    TokenAuthentication(JwtDecoder jwtDecoder, JwtProperties jwt, OidcProperties oidc, TokenVersions versions,
                        ExternalIdentityLinker linker, MeterRegistry meters, Clock clock) {
        this.versions = versions;
        this.linker = linker;
        VerifiedTokens verified = new VerifiedTokens(VERIFIED_TOKENS_REMEMBERED, clock, meters);
        Map<String, AuthenticationManager> managers = new LinkedHashMap<>();
        managers.put(jwt.issuer(), manager(verified.remembering(jwtDecoder), this::builtIn));
        this.externalIssuers = oidc.trustedIssuers(jwt.issuer()).stream()
                .map(config -> new ExternalIssuer(config, oidc, meters)).toList();
        for (ExternalIssuer issuer : externalIssuers) {
            issuer.warmUp();
            managers.put(issuer.config().issuer(),
                    manager(verified.remembering(token -> issuer.decoder().decode(token)),
                            token -> external(issuer.config(), token)));
        }
        this.resolver = new JwtIssuerAuthenticationManagerResolver(managers::get);
    }

    AuthenticationManagerResolver<HttpServletRequest> resolver() {
        return resolver;
    }

    private static AuthenticationManager manager(JwtDecoder decoder, Converter<Jwt, AbstractAuthenticationToken> converter) {
        JwtAuthenticationProvider provider = new JwtAuthenticationProvider(decoder);
        provider.setJwtAuthenticationConverter(converter);
        return provider::authenticate;
    }

    private AbstractAuthenticationToken builtIn(Jwt jwt) {
        long userId = Long.parseLong(jwt.getSubject()); // the decoder checked it is 1-18 digits
        Optional<TokenState> current = versions.current(userId);
        if (current.isEmpty()) {
            throw new InvalidBearerTokenException("the token's user no longer exists");
        }
        if (!current.get().accepts(tokenVersion(jwt), jwt.getId())) {
            throw new InvalidBearerTokenException("the token has been revoked");
        }
        return new JwtAuthenticationToken(jwt, List.of(), Long.toString(userId));
    }

    private AbstractAuthenticationToken external(OidcProperties.TrustedIssuer issuer, Jwt jwt) {
        Map.Entry<String, String> key = Map.entry(issuer.issuer(), jwt.getSubject());
        Long userId = links.getIfPresent(key);
        if (userId == null) {
            OptionalLong linked = linker.localUserId(new ExternalIdentity(issuer.issuer(), jwt.getSubject(),
                    jwt.getClaimAsString(issuer.usernameClaim()), verifiedEmail(jwt)));
            if (linked.isEmpty()) {
                throw new InvalidBearerTokenException("the account linked to this identity has been deleted");
            }
            userId = linked.getAsLong();
            links.put(key, userId);
        }
        if (versions.current(userId).isEmpty()) {
            throw new InvalidBearerTokenException("the token's user no longer exists");
        }
        return new JwtAuthenticationToken(jwt, List.of(), Long.toString(userId));
    }

    /** The email only if the provider vouches for it (boolean true, or the string "true" some providers send). */
    private static String verifiedEmail(Jwt jwt) {
        Object verified = jwt.getClaims().get("email_verified");
        boolean vouched = Boolean.TRUE.equals(verified) || "true".equals(verified);
        return vouched && jwt.getClaims().get("email") instanceof String email ? email : null;
    }

    private static int tokenVersion(Jwt jwt) {
        Object version = jwt.getClaims().get(TOKEN_VERSION_CLAIM);
        if (version == null) {
            return 0; // issued before revocation existed: valid until the first bump
        }
        if (version instanceof Number number && number.longValue() == number.intValue()) {
            return number.intValue();
        }
        throw new InvalidBearerTokenException("malformed " + TOKEN_VERSION_CLAIM);
    }

    @Override
    public void close() {
        externalIssuers.forEach(ExternalIssuer::close);
    }
}
