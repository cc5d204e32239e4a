package io.conduitscale.user;

import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** The user module's API for other modules: looking users up by username. */
@Component
public class UserDirectory {

    private final JdbcClient jdbc;

    UserDirectory(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Usernames are unique case-insensitively, and found the same way. */
    @Transactional(readOnly = true)
    public Optional<Long> idOf(String username) {
        return jdbc.sql("SELECT id FROM users WHERE lower(username) = lower(:username)")
                .param("username", username)
                .query(Long.class)
                .optional();
    }
}
