package io.conduitscale.platform.db;

import java.util.OptionalLong;

/**
 * Where every instance publishes the WAL position of the writes it acknowledged, and where reads look
 * up the position a replica must have replayed before it may serve them (docs/database.md, "Read
 * replicas"). Shared through Redis when it is configured; in-process otherwise, which makes the
 * guarantee hold per instance only.
 */
public interface CommitPositions {

    /**
     * Records a commit at {@code position}, made for {@code userId} (null for work not done for a user).
     * Called after the commit and before the response is sent. Never throws: a failure is counted and
     * logged (the write itself has committed).
     */
    void published(long position, Long userId);

    /**
     * The highest commit position acknowledged by any instance; empty if it cannot be known (Redis is
     * unavailable, or lost the marker), in which case the read router takes the primary's current position
     * instead ({@link PrimaryPositionSampler}).
     */
    OptionalLong latest();

    /** The highest position of {@code userId}'s own writes (session consistency); empty if unknown. */
    OptionalLong latestOf(long userId);

    /**
     * Seeds the shared marker after it was lost (a Redis restart): any position at or past the primary's
     * current one covers every write acknowledged before. Does nothing if a marker exists.
     */
    void seedIfAbsent(long primaryPosition);

    /** Where positions are shared: {@code redis} or {@code in-process}. */
    String scope();
}
