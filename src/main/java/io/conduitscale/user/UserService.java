package io.conduitscale.user;

import io.conduitscale.platform.ratelimit.RateLimiter;
import io.conduitscale.platform.events.DomainEvents;
import io.conduitscale.platform.security.PasswordHasher;
import io.conduitscale.platform.security.TokenIssuer;
import io.conduitscale.platform.security.TokenVersions;
import io.conduitscale.platform.web.ApiException;
import io.conduitscale.platform.web.JsonInput;
import io.conduitscale.platform.web.JsonInput.Field;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Registration, login and account updates. Password hashing is deliberately done outside any
 * transaction: it is slow by design and must not hold a database connection.
 */
@Service
class UserService {

    static final int MAX_USERNAME = 64;
    static final int MAX_EMAIL = 254;
    static final int MAX_BIO = 10_000;
    static final int MAX_IMAGE = 2_048;
    /** Usernames appear in URLs (/api/profiles/{username}): letters, digits and a few separators. */
    private static final Pattern USERNAME = Pattern.compile("[\\p{L}\\p{N}_.\\-]+");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private final UserRepository users;
    private final PasswordHasher passwords;
    private final TokenIssuer tokens;
    private final TokenVersions tokenVersions;
    private final DomainEvents events;
    private final ApplicationEventPublisher localEvents;
    private final RateLimiter limits;
    /** A short transaction for the write and its event only, after the slow hash is done. */
    private final TransactionTemplate transaction;

    UserService(UserRepository users, PasswordHasher passwords, TokenIssuer tokens, TokenVersions tokenVersions,
                DomainEvents events, ApplicationEventPublisher localEvents, RateLimiter limits,
                TransactionTemplate transaction) {
        this.users = users;
        this.passwords = passwords;
        this.tokens = tokens;
        this.tokenVersions = tokenVersions;
        this.events = events;
        this.localEvents = localEvents;
        this.limits = limits;
        this.transaction = transaction;
    }

    UserView register(JsonNode body) {
        JsonNode input = JsonInput.wrapped(body, "user");
        ApiException.Validation validation = new ApiException.Validation();
        String username = JsonInput.requiredText(input, "username", validation);
        String email = JsonInput.requiredText(input, "email", validation);
        String password = JsonInput.requiredText(input, "password", validation);
        checkUsername(username, validation);
        checkEmail(email, validation);
        checkPassword(password, validation);
        validation.throwIfInvalid();

        rejectTaken(username, email, -1);
        String hash = passwords.hash(password);
        try {
            User user = transaction.execute(status -> {
                User inserted = users.insert(username.trim(), email.trim(), hash);
                events.append("user.registered", "user", inserted.id(), Map.of("userId", inserted.id()));
                return inserted;
            });
            return UserView.of(user, tokens.issue(user.id(), user.username(), user.tokenVersion()));
        } catch (DuplicateKeyException race) {
            // a concurrent registration won between our check and our insert
            throw conflict(race);
        }
    }

    UserView login(JsonNode body, String clientAddress) {
        JsonNode input = JsonInput.wrapped(body, "user");
        ApiException.Validation validation = new ApiException.Validation();
        String email = JsonInput.requiredText(input, "email", validation);
        String password = JsonInput.requiredText(input, "password", validation);
        validation.throwIfInvalid();
        // before any hashing: throttled guesses cost the attacker a 429, not us a hash
        limits.check(RateLimiter.Kind.LOGIN_CLIENT, clientAddress);
        limits.check(RateLimiter.Kind.LOGIN_ACCOUNT, email.trim().toLowerCase(Locale.ROOT));

        User user = email.length() > MAX_EMAIL ? null : users.findByEmail(email.trim()).orElse(null);
        // an out-of-range password cannot be right; skip hashing it but answer the same way
        boolean plausible = password.length() >= PasswordHasher.MIN_LENGTH && password.length() <= PasswordHasher.MAX_LENGTH;
        // no account, or one without a password (provisioned for an external identity): the decoy hash,
        // so the answer and its timing are the same as for a wrong password
        boolean matches = plausible && passwords.matches(password, user == null || !user.hasPassword() ? null : user.passwordHash());
        if (!matches) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "credentials", "invalid");
        }
        return UserView.of(user, tokens.issue(user.id(), user.username(), user.tokenVersion()));
    }

    @Transactional(readOnly = true)
    UserView current(long userId, String token) {
        return UserView.of(find(userId), token);
    }

    /** @param tokenId the {@code jti} of the caller's token: after a password change, the one earlier token kept valid */
    UserView update(long userId, String token, String tokenId, JsonNode body) {
        JsonNode input = JsonInput.wrapped(body, "user");
        User current = find(userId);
        ApiException.Validation validation = new ApiException.Validation();

        Field<String> usernameField = JsonInput.text(input, "username");
        Field<String> emailField = JsonInput.text(input, "email");
        Field<String> passwordField = JsonInput.text(input, "password");
        String username = required(usernameField, "username", current.username(), validation);
        String email = required(emailField, "email", current.email(), validation);
        String password = passwordField.isAbsent() ? null : required(passwordField, "password", null, validation);
        if (!usernameField.isAbsent()) {
            checkUsername(username, validation);
        }
        if (!emailField.isAbsent()) {
            checkEmail(email, validation);
        }
        if (password != null) {
            checkPassword(password, validation);
        }
        String bio = optionalText(JsonInput.text(input, "bio"), current.bio(), "bio", MAX_BIO, validation);
        String image = optionalText(JsonInput.text(input, "image"), current.image(), "image", MAX_IMAGE, validation);
        validation.throwIfInvalid();

        rejectTaken(username, email, userId);
        String hash = password == null ? current.passwordHash() : passwords.hash(password);
        boolean passwordChanged = password != null;
        User updated;
        try {
            // a new password revokes every token issued so far except the one this request came with
            // (the session that made the change); the response carries a fresh token of the new version
            updated = transaction.execute(status -> {
                User changed = users.update(new User(userId, username.trim(), email.trim(), hash, bio, image,
                        current.tokenVersion()), passwordChanged, tokenId);
                // the profile (username, bio, image) is public data; the event still carries only the id
                events.append("user.updated", "user", userId, Map.of("userId", userId));
                return changed;
            });
        } catch (DuplicateKeyException race) {
            throw conflict(race);
        }
        localEvents.publishEvent(new ProfileChanged(userId, current.username(), updated.username()));
        if (!passwordChanged) {
            return UserView.of(updated, token);
        }
        tokenVersions.evict(userId);
        return UserView.of(updated, tokens.issue(updated.id(), updated.username(), updated.tokenVersion()));
    }

    /** "Log out everywhere": every token issued for this user so far stops working. */
    void revokeAllTokens(long userId) {
        if (users.bumpTokenVersion(userId).isEmpty()) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "token", "is invalid");
        }
        tokenVersions.evict(userId);
    }

    private User find(long userId) {
        // the token is valid but its user is gone: the token no longer names anyone
        return users.findById(userId)
                .orElseThrow(() -> new ApiException(HttpStatus.UNAUTHORIZED, "token", "is invalid"));
    }

    private void rejectTaken(String username, String email, long exceptUserId) {
        UserRepository.Taken taken = users.taken(username.trim(), email.trim(), exceptUserId);
        Map<String, List<String>> conflicts = new LinkedHashMap<>();
        if (taken.username()) {
            conflicts.put("username", List.of("has already been taken"));
        }
        if (taken.email()) {
            conflicts.put("email", List.of("has already been taken"));
        }
        if (!conflicts.isEmpty()) {
            throw new ApiException(HttpStatus.CONFLICT, conflicts);
        }
    }

    private static ApiException conflict(DuplicateKeyException e) {
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return ApiException.taken(message.contains("users_email_key") ? "email" : "username");
    }

    /** A field that may be left out, but not set to null or blank. */
    private static String required(Field<String> field, String name, String fallback, ApiException.Validation validation) {
        if (field.isAbsent()) {
            return fallback;
        }
        String value = field.value().orElse(null);
        if (value == null || value.isBlank()) {
            validation.reject(name, "can't be blank");
            return fallback;
        }
        return value;
    }

    /** bio and image: absent keeps the value, null or "" clears it. */
    private static String optionalText(Field<String> field, String current, String name, int max,
                                       ApiException.Validation validation) {
        if (field.isAbsent()) {
            return current;
        }
        String value = field.value().map(String::trim).orElse("");
        if (value.length() > max) {
            validation.reject(name, "is too long (maximum is " + max + " characters)");
        }
        return value.isEmpty() ? null : value;
    }

    private static void checkUsername(String username, ApiException.Validation validation) {
        if (username == null) {
            return;
        }
        String trimmed = username.trim();
        if (trimmed.length() > MAX_USERNAME) {
            validation.reject("username", "is too long (maximum is " + MAX_USERNAME + " characters)");
        } else if (!USERNAME.matcher(trimmed).matches()) {
            validation.reject("username", "may contain only letters, digits, '_', '.' and '-'");
        }
    }

    private static void checkEmail(String email, ApiException.Validation validation) {
        if (email == null) {
            return;
        }
        String trimmed = email.trim();
        if (trimmed.length() > MAX_EMAIL || !EMAIL.matcher(trimmed).matches()) {
            validation.reject("email", "is invalid");
        }
    }

    /** NIST SP 800-63B: at least 8 characters, at most 64 accepted, no composition rules. Checked before hashing. */
    private static void checkPassword(String password, ApiException.Validation validation) {
        if (password == null) {
            return;
        }
        if (password.length() < PasswordHasher.MIN_LENGTH) {
            validation.reject("password", "is too short (minimum is " + PasswordHasher.MIN_LENGTH + " characters)");
        } else if (password.length() > PasswordHasher.MAX_LENGTH) {
            validation.reject("password", "is too long (maximum is " + PasswordHasher.MAX_LENGTH + " characters)");
        }
    }
}
