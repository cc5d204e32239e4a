package io.conduitscale.profile;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import io.conduitscale.platform.db.SqlArrays;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Profiles as a viewer sees them. Batch lookups cost one statement whatever the number of users,
 * which is what keeps a page of articles or comments free of N+1 queries.
 */
@Component
public class Profiles {

    private final JdbcClient jdbc;

    Profiles(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Profiles of the given users, keyed by user id; {@code viewerId} may be null (anonymous). */
    @Transactional(readOnly = true)
    public Map<Long, Profile> of(Collection<Long> userIds, Long viewerId) {
        if (userIds.isEmpty()) {
            return Map.of();
        }
        Map<Long, Profile> profiles = new HashMap<>();
        jdbc.sql("""
                        SELECT u.id, u.username, u.bio, u.image,
                               (:viewer::bigint IS NOT NULL AND EXISTS (
                                   SELECT 1 FROM follows f WHERE f.follower_id = :viewer::bigint AND f.followee_id = u.id
                               )) AS following
                        FROM users u
                        WHERE u.id = ANY(:ids)
                        """)
                .param("viewer", viewerId, java.sql.Types.BIGINT)
                .param("ids", SqlArrays.bigints(Set.copyOf(userIds)))
                .query((rs, row) -> {
                    profiles.put(rs.getLong("id"), PROFILE.mapRow(rs, row));
                    return null;
                })
                .list();
        return profiles;
    }

    @Transactional(readOnly = true)
    public Profile of(long userId, Long viewerId) {
        return of(Set.of(userId), viewerId).get(userId);
    }

    @Transactional(readOnly = true)
    public Optional<ProfileWithId> byUsername(String username, Long viewerId) {
        return jdbc.sql("""
                        SELECT u.id, u.username, u.bio, u.image,
                               (:viewer::bigint IS NOT NULL AND EXISTS (
                                   SELECT 1 FROM follows f WHERE f.follower_id = :viewer::bigint AND f.followee_id = u.id
                               )) AS following
                        FROM users u
                        WHERE lower(u.username) = lower(:username)
                        """)
                .param("viewer", viewerId, java.sql.Types.BIGINT)
                .param("username", username)
                .query((rs, row) -> new ProfileWithId(rs.getLong("id"), PROFILE.mapRow(rs, row)))
                .optional();
    }

    public record ProfileWithId(long userId, Profile profile) {}

    private static final RowMapper<Profile> PROFILE = (rs, row) ->
            new Profile(rs.getString("username"), rs.getString("bio"), rs.getString("image"), rs.getBoolean("following"));
}
