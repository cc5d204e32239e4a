package io.conduitscale.user;

import io.conduitscale.platform.security.ExternalIdentity;
import io.conduitscale.platform.security.ExternalIdentityLinker;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Links external identities to local users, by (issuer, subject) only, and provisions the user on the
 * identity's first request (docs/security.md, "Identity linking").
 * <ul>
 *   <li><b>Never by email.</b> A token whose email matches an existing account gets a new account of its
 *       own; the existing one is untouched. Otherwise anyone able to assert an address at any trusted
 *       issuer would take over the local account that uses it.</li>
 *   <li><b>Username</b> from the issuer's configured claim, reduced to the characters usernames allow;
 *       if taken, a random suffix is added ({@code alice-k3x9q2}). No claim: {@code user-<suffix>}.</li>
 *   <li><b>Email</b> from the token only if the token says {@code email_verified: true} and no other
 *       account uses it. Otherwise a unique, undeliverable placeholder {@code <uuid>@external.invalid}
 *       (RFC 2606 reserves {@code .invalid}); the user can set a real one with PUT /api/user.</li>
 *   <li><b>No password</b> ({@link User#NO_PASSWORD}): such accounts cannot log in with a password until
 *       they set one.</li>
 *   <li><b>Race-safe.</b> Concurrent first requests of one identity serialize on a transaction-scoped
 *       advisory lock keyed by the identity, re-check the link under it, and so create one user.</li>
 * </ul>
 */
@Component
class ExternalIdentityProvisioning implements ExternalIdentityLinker {

    private static final Logger log = LoggerFactory.getLogger(ExternalIdentityProvisioning.class);
    static final String PLACEHOLDER_EMAIL_DOMAIN = "external.invalid";
    private static final int SUFFIX_LENGTH = 6;
    private static final int ATTEMPTS = 8;
    private static final Pattern NOT_USERNAME = Pattern.compile("[^\\p{L}\\p{N}_.\\-]+");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;

    ExternalIdentityProvisioning(JdbcClient jdbc, TransactionTemplate transaction) {
        this.jdbc = jdbc;
        this.transaction = transaction;
    }

    /** A link row: {@code userId} is null once the linked account has been deleted. */
    private record Link(Long userId) {}

    @Override
    public OptionalLong localUserId(ExternalIdentity identity) {
        Optional<Link> existing = find(identity);
        if (existing.isPresent()) {
            return toId(existing.get());
        }
        return transaction.execute(status -> {
            // one provisioning per identity at a time; others wait here, then find the link
            jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")
                    .param("key", "external-identity\n" + identity.issuer() + "\n" + identity.subject())
                    .query((rs, row) -> 1).list();
            Optional<Link> linked = find(identity);
            if (linked.isPresent()) {
                return toId(linked.get());
            }
            long userId = insertUser(identity);
            jdbc.sql("INSERT INTO external_identities (issuer, subject, user_id) VALUES (:issuer, :subject, :user)")
                    .param("issuer", identity.issuer()).param("subject", identity.subject()).param("user", userId)
                    .update();
            log.info("Provisioned local user {} for a new identity of issuer {}", userId, identity.issuer());
            return OptionalLong.of(userId);
        });
    }

    private Optional<Link> find(ExternalIdentity identity) {
        return jdbc.sql("SELECT user_id FROM external_identities WHERE issuer = :issuer AND subject = :subject")
                .param("issuer", identity.issuer()).param("subject", identity.subject())
                .query((rs, row) -> new Link((Long) rs.getObject("user_id", Long.class))).optional();
    }

    private static OptionalLong toId(Link link) {
        return link.userId() == null ? OptionalLong.empty() : OptionalLong.of(link.userId());
    }

    private long insertUser(ExternalIdentity identity) {
        String base = usernameBase(identity.username());
        String email = usableEmail(identity.verifiedEmail());
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            String username = attempt == 0 && !base.equals("user") ? base : base + "-" + suffix();
            String address = attempt < 2 && email != null ? email : placeholderEmail();
            // ON CONFLICT DO NOTHING: a taken username (or an email taken meanwhile) yields no row, not an
            // error that would abort the transaction
            Optional<Long> id = jdbc.sql("""
                            INSERT INTO users (username, email, password_hash) VALUES (:username, :email, :hash)
                            ON CONFLICT DO NOTHING
                            RETURNING id
                            """)
                    .param("username", username).param("email", address).param("hash", User.NO_PASSWORD)
                    .query(Long.class).optional();
            if (id.isPresent()) {
                return id.get();
            }
        }
        throw new IllegalStateException("no free username found for base " + base);
    }

    /** The verified address, if it is a plausible address no account uses yet. */
    private String usableEmail(String verifiedEmail) {
        if (verifiedEmail == null) {
            return null;
        }
        String email = verifiedEmail.trim();
        if (email.length() > UserService.MAX_EMAIL || !EMAIL.matcher(email).matches() || email.indexOf('\0') >= 0) {
            return null;
        }
        boolean taken = jdbc.sql("SELECT EXISTS (SELECT 1 FROM users WHERE lower(email) = lower(:email))")
                .param("email", email).query(Boolean.class).single();
        return taken ? null : email;
    }

    static String placeholderEmail() {
        return UUID.randomUUID() + "@" + PLACEHOLDER_EMAIL_DOMAIN;
    }

    /**
     * A username from a claim value: NFKC-normalized, runs of characters usernames may not contain
     * replaced by '-', trimmed of '-', cut (by code point) so a suffix still fits. "user" if nothing is left.
     */
    static String usernameBase(String claim) {
        if (claim == null) {
            return "user";
        }
        String normalized = Normalizer.normalize(claim, Normalizer.Form.NFKC);
        String cleaned = NOT_USERNAME.matcher(normalized).replaceAll("-").replaceAll("^[-.]+|[-.]+$", "");
        int maxLength = UserService.MAX_USERNAME - SUFFIX_LENGTH - 1;
        if (cleaned.codePointCount(0, cleaned.length()) > maxLength) {
            cleaned = cleaned.substring(0, cleaned.offsetByCodePoints(0, maxLength)).replaceAll("[-.]+$", "");
        }
        if (cleaned.length() > maxLength) {
            cleaned = cleaned.substring(0, maxLength); // only reachable with supplementary characters; keep pairs whole
            if (Character.isHighSurrogate(cleaned.charAt(cleaned.length() - 1))) {
                cleaned = cleaned.substring(0, cleaned.length() - 1);
            }
        }
        return cleaned.isEmpty() ? "user" : cleaned;
    }

    private static String suffix() {
        StringBuilder suffix = new StringBuilder(SUFFIX_LENGTH);
        for (int i = 0; i < SUFFIX_LENGTH; i++) {
            suffix.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return suffix.toString();
    }
}
