package io.conduitscale.user;

import io.conduitscale.platform.security.TokenState;
import java.util.Optional;
import java.util.OptionalInt;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class UserRepository {

    private static final RowMapper<User> USER = (rs, row) -> new User(rs.getLong("id"), rs.getString("username"),
            rs.getString("email"), rs.getString("password_hash"), rs.getString("bio"), rs.getString("image"),
            rs.getInt("token_version"));

    private final JdbcClient jdbc;

    UserRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<User> findById(long id) {
        return jdbc.sql("SELECT * FROM users WHERE id = :id").param("id", id).query(USER).optional();
    }

    Optional<User> findByEmail(String email) {
        return jdbc.sql("SELECT * FROM users WHERE lower(email) = lower(:email)").param("email", email).query(USER).optional();
    }

    /** Which of the two are taken by someone other than {@code exceptUserId}. */
    Taken taken(String username, String email, long exceptUserId) {
        return jdbc.sql("""
                        SELECT coalesce(bool_or(lower(username) = lower(:username)), false) AS username_taken,
                               coalesce(bool_or(lower(email) = lower(:email)), false)       AS email_taken
                        FROM users
                        WHERE (lower(username) = lower(:username) OR lower(email) = lower(:email)) AND id <> :except
                        """)
                .param("username", username == null ? "" : username)
                .param("email", email == null ? "" : email)
                .param("except", exceptUserId)
                .query((rs, row) -> new Taken(rs.getBoolean("username_taken"), rs.getBoolean("email_taken")))
                .single();
    }

    record Taken(boolean username, boolean email) {}

    User insert(String username, String email, String passwordHash) {
        return jdbc.sql("""
                        INSERT INTO users (username, email, password_hash) VALUES (:username, :email, :hash)
                        RETURNING *
                        """)
                .param("username", username).param("email", email).param("hash", passwordHash)
                .query(USER).single();
    }

    /**
     * Saves the account; {@code revokeTokens} also bumps its token version (a password change), keeping
     * only the token {@code keptTokenId} (the one that made the change) valid among the earlier ones.
     */
    User update(User user, boolean revokeTokens, String keptTokenId) {
        return jdbc.sql("""
                        UPDATE users SET username = :username, email = :email, password_hash = :hash,
                                         bio = :bio, image = :image, updated_at = now(),
                                         token_version = token_version + :bump,
                                         token_kept_id = CASE WHEN :bump = 1 THEN :kept ELSE token_kept_id END
                        WHERE id = :id
                        RETURNING *
                        """)
                .param("id", user.id()).param("username", user.username()).param("email", user.email())
                .param("hash", user.passwordHash()).param("bio", user.bio()).param("image", user.image())
                .param("bump", revokeTokens ? 1 : 0).param("kept", keptTokenId)
                .query(USER).single();
    }

    /** The current token state, or empty if the user does not exist. */
    Optional<TokenState> tokenState(long id) {
        return jdbc.sql("SELECT token_version, token_kept_id FROM users WHERE id = :id").param("id", id)
                .query((rs, row) -> new TokenState(rs.getInt("token_version"), rs.getString("token_kept_id")))
                .optional();
    }

    /** Revokes every token issued so far (none kept); returns the new version, or empty if the user does not exist. */
    OptionalInt bumpTokenVersion(long id) {
        return jdbc.sql("""
                        UPDATE users SET token_version = token_version + 1, token_kept_id = NULL WHERE id = :id
                        RETURNING token_version
                        """)
                .param("id", id).query(Integer.class).optional().map(OptionalInt::of).orElse(OptionalInt.empty());
    }
}
