package io.conduitscale.profile;

import io.conduitscale.platform.cache.CacheRegion;
import io.conduitscale.platform.cache.Caches;
import io.conduitscale.platform.db.SqlArrays;
import io.conduitscale.user.ProfileChanged;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Profiles as a viewer sees them. The viewer-independent part ({@link ProfileBase}) is cached per
 * user; {@code following} is never cached per viewer but looked up for a whole page at once. Batch
 * lookups cost one statement whatever the number of users: no N+1.
 */
@Component
public class Profiles {

    private final JdbcClient jdbc;
    private final CacheRegion<ProfileBase> bases;
    private final CacheRegion<Long> idsByUsername;

    Profiles(JdbcClient jdbc, Caches caches) {
        this.jdbc = jdbc;
        this.bases = caches.region("profile", ProfileBase.class);
        this.idsByUsername = caches.region("username", Long.class);
    }

    /** The viewer-independent part of a profile. */
    public record ProfileBase(String username, String bio, String image) {

        public Profile seenWith(boolean following) {
            return new Profile(username, bio, image, following);
        }
    }

    public record ProfileWithId(long userId, Profile profile) {}

    /** Viewer-independent profiles of these users, keyed by user id. */
    public Map<Long, ProfileBase> bases(Collection<Long> userIds) {
        if (userIds.isEmpty()) {
            return Map.of();
        }
        Set<String> ids = userIds.stream().map(String::valueOf).collect(Collectors.toSet());
        Map<String, ProfileBase> found = bases.getAll(ids, missing -> {
            Map<String, ProfileBase> loaded = new HashMap<>();
            jdbc.sql("SELECT id, username, bio, image FROM users WHERE id = ANY(:ids)")
                    .param("ids", SqlArrays.bigints(missing.stream().map(Long::valueOf).toList()))
                    .query((rs, row) -> loaded.put(Long.toString(rs.getLong("id")),
                            new ProfileBase(rs.getString("username"), rs.getString("bio"), rs.getString("image"))))
                    .list();
            return loaded;
        });
        Map<Long, ProfileBase> byId = new HashMap<>();
        found.forEach((id, base) -> byId.put(Long.valueOf(id), base));
        return byId;
    }

    /** Which of these users the viewer follows: one statement. */
    @Transactional(readOnly = true)
    public Set<Long> followedAmong(long viewerId, Collection<Long> userIds) {
        if (userIds.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(jdbc.sql("SELECT followee_id FROM follows WHERE follower_id = :viewer AND followee_id = ANY(:ids)")
                .param("viewer", viewerId)
                .param("ids", SqlArrays.bigints(Set.copyOf(userIds)))
                .query(Long.class)
                .list());
    }

    /** Profiles of these users as the viewer (null: anonymous) sees them, keyed by user id. */
    @Transactional(readOnly = true)
    public Map<Long, Profile> of(Collection<Long> userIds, Long viewerId) {
        Map<Long, ProfileBase> found = bases(userIds);
        Set<Long> followed = viewerId == null ? Set.of() : followedAmong(viewerId, found.keySet());
        Map<Long, Profile> profiles = new HashMap<>();
        found.forEach((id, base) -> profiles.put(id, base.seenWith(followed.contains(id))));
        return profiles;
    }

    @Transactional(readOnly = true)
    public Profile of(long userId, Long viewerId) {
        return of(Set.of(userId), viewerId).get(userId);
    }

    /** Usernames are unique case-insensitively, and found the same way. */
    public Optional<Long> idOf(String username) {
        String key = username.toLowerCase(Locale.ROOT);
        return Optional.ofNullable(idsByUsername.get(key, () ->
                jdbc.sql("SELECT id FROM users WHERE lower(username) = lower(:username)")
                        .param("username", key)
                        .query(Long.class)
                        .optional()
                        .orElse(null)));
    }

    @Transactional(readOnly = true)
    public Optional<ProfileWithId> byUsername(String username, Long viewerId) {
        return idOf(username).flatMap(id -> Optional.ofNullable(of(id, viewerId)).map(profile -> new ProfileWithId(id, profile)));
    }

    /** A renamed or edited account: its cached profile and both usernames' lookups are stale. */
    @TransactionalEventListener(fallbackExecution = true)
    void on(ProfileChanged change) {
        bases.evictAfterCommit(Long.toString(change.userId()));
        idsByUsername.evictAfterCommit(change.previousUsername().toLowerCase(Locale.ROOT),
                change.username().toLowerCase(Locale.ROOT));
    }
}
