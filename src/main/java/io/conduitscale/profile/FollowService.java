package io.conduitscale.profile;

import io.conduitscale.platform.web.ApiException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Following and unfollowing: idempotent, so a retried request changes nothing twice. */
@Service
class FollowService {

    private final JdbcClient jdbc;
    private final Profiles profiles;

    FollowService(JdbcClient jdbc, Profiles profiles) {
        this.jdbc = jdbc;
        this.profiles = profiles;
    }

    @Transactional
    Profile follow(long followerId, String username) {
        long followeeId = idOf(username, followerId);
        if (followeeId == followerId) {
            throw ApiException.invalid("profile", "cannot follow yourself");
        }
        jdbc.sql("INSERT INTO follows (follower_id, followee_id) VALUES (:follower, :followee) ON CONFLICT DO NOTHING")
                .param("follower", followerId).param("followee", followeeId).update();
        return profiles.of(followeeId, followerId);
    }

    @Transactional
    Profile unfollow(long followerId, String username) {
        long followeeId = idOf(username, followerId);
        jdbc.sql("DELETE FROM follows WHERE follower_id = :follower AND followee_id = :followee")
                .param("follower", followerId).param("followee", followeeId).update();
        return profiles.of(followeeId, followerId);
    }

    private long idOf(String username, long viewerId) {
        return profiles.byUsername(username, viewerId)
                .orElseThrow(() -> ApiException.notFound("profile"))
                .userId();
    }
}
