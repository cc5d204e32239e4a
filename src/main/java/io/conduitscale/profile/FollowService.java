package io.conduitscale.profile;

import io.conduitscale.platform.events.DomainEvents;
import io.conduitscale.platform.web.ApiException;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Following and unfollowing: idempotent, so a retried request changes nothing twice. */
@Service
class FollowService {

    private final JdbcClient jdbc;
    private final Profiles profiles;
    private final DomainEvents events;

    FollowService(JdbcClient jdbc, Profiles profiles, DomainEvents events) {
        this.jdbc = jdbc;
        this.profiles = profiles;
        this.events = events;
    }

    @Transactional
    Profile follow(long followerId, String username) {
        long followeeId = idOf(username, followerId);
        if (followeeId == followerId) {
            throw ApiException.invalid("profile", "cannot follow yourself");
        }
        int added = jdbc.sql("INSERT INTO follows (follower_id, followee_id) VALUES (:follower, :followee) ON CONFLICT DO NOTHING")
                .param("follower", followerId).param("followee", followeeId).update();
        if (added == 1) {
            // the followee is the aggregate: a user's followers change in the order they happened
            events.append("profile.followed", "user", followeeId, Map.of("followerId", followerId, "followeeId", followeeId));
        }
        return profiles.of(followeeId, followerId);
    }

    @Transactional
    Profile unfollow(long followerId, String username) {
        long followeeId = idOf(username, followerId);
        int removed = jdbc.sql("DELETE FROM follows WHERE follower_id = :follower AND followee_id = :followee")
                .param("follower", followerId).param("followee", followeeId).update();
        if (removed == 1) {
            events.append("profile.unfollowed", "user", followeeId, Map.of("followerId", followerId, "followeeId", followeeId));
        }
        return profiles.of(followeeId, followerId);
    }

    private long idOf(String username, long viewerId) {
        return profiles.byUsername(username, viewerId)
                .orElseThrow(() -> ApiException.notFound("profile"))
                .userId();
    }
}
