package io.conduitscale.platform.web;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;

/**
 * Keyset (cursor) pagination of a list ordered by {@code created_at DESC, id DESC}, an extension for deep
 * pages (docs/api.md): the page holds up to {@code limit} rows after {@code after}, or the first rows when
 * {@code after} is null. A page ends where its last row is, so rows created or deleted elsewhere in the list
 * while a client walks it never shift the next page, and the database reads only the page, not what an
 * offset would skip.
 * <p>
 * The cursor is opaque to clients: base64url (no padding) of a version byte, the row's {@code created_at}
 * in epoch milliseconds, its id, and the first 8 bytes of a SHA-256 over the list's {@code scope} and those
 * fields. The check catches cursors that were cut, edited or issued for another list (another filter,
 * another article's comments). It is not a secret: a client that forges a cursor only reaches a position in
 * the list it could reach by walking, with the filters the request names.
 * <p>
 * {@code limit} follows {@link Pagination}: default 20, capped at 100. A cursor combined with an offset, or
 * one that fails to decode, is a 422 on {@code cursor}.
 */
public record Keyset(int limit, Position after, String scope) {

    /** A list position: the last row of the previous page. */
    public record Position(Instant createdAt, long id) {

        /** For SQL parameters: a {@code timestamptz} with an explicit offset. */
        public OffsetDateTime createdAtUtc() {
            return createdAt.atOffset(ZoneOffset.UTC);
        }
    }

    /** A cursor's text is 34 characters; longer input is refused before it is decoded. */
    static final int MAX_CURSOR_LENGTH = 64;
    private static final byte VERSION = 1;
    private static final int CHECK_BYTES = 8;
    private static final int PAYLOAD_BYTES = 1 + Long.BYTES + Long.BYTES;
    /** What PostgreSQL and the API's timestamps represent: years 1 to 9999. */
    private static final long MIN_MILLIS = Instant.parse("0001-01-01T00:00:00Z").toEpochMilli();
    private static final long MAX_MILLIS = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();

    /**
     * The page a request asks for. {@code cursor} empty (or blank) means the first page; {@code scope} names the list
     * (its filters), so that a cursor only works for the list that issued it.
     */
    public static Keyset of(String limit, String offset, String cursor, String scope) {
        ApiException.Validation validation = new ApiException.Validation();
        int parsedLimit = Pagination.limit(limit, validation);
        Position after = null;
        if (offset != null && !offset.isBlank()) {
            validation.reject("cursor", "can't be combined with offset");
        } else if (cursor != null && !cursor.isBlank()) {
            after = decode(cursor, scope);
            if (after == null) {
                validation.reject("cursor", "is invalid");
            }
        }
        validation.throwIfInvalid();
        return new Keyset(parsedLimit, after, scope);
    }

    /** How many rows to read: one more than the page, to know whether a next page exists. */
    public int fetch() {
        return limit + 1;
    }

    /** The cursor of the page that follows a row of this list. */
    public String cursorAfter(Instant createdAt, long id) {
        return encode(new Position(createdAt, id), scope);
    }

    /** The part of a cache key that tells this page from other pages of the same list. */
    public String cacheKey() {
        return after == null ? "k" : "k" + after.createdAt().toEpochMilli() + "." + after.id();
    }

    static String encode(Position position, String scope) {
        ByteBuffer payload = ByteBuffer.allocate(PAYLOAD_BYTES + CHECK_BYTES);
        payload.put(VERSION).putLong(position.createdAt().toEpochMilli()).putLong(position.id());
        payload.put(check(payload.array(), scope));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(payload.array());
    }

    /** The position, or null when the text is not a cursor this list issued. */
    static Position decode(String cursor, String scope) {
        if (cursor.length() > MAX_CURSOR_LENGTH) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(cursor);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (bytes.length != PAYLOAD_BYTES + CHECK_BYTES || bytes[0] != VERSION
                || !MessageDigest.isEqual(check(bytes, scope), Arrays.copyOfRange(bytes, PAYLOAD_BYTES, bytes.length))) {
            return null;
        }
        ByteBuffer payload = ByteBuffer.wrap(bytes, 1, Long.BYTES * 2);
        long millis = payload.getLong();
        long id = payload.getLong();
        if (millis < MIN_MILLIS || millis > MAX_MILLIS || id < 1) {
            return null;
        }
        Position position = new Position(Instant.ofEpochMilli(millis), id);
        // only the text this class issues: no padding, no other spelling of the same bytes
        return encode(position, scope).equals(cursor) ? position : null;
    }

    private static byte[] check(byte[] payload, String scope) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(scope.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(payload, 0, PAYLOAD_BYTES);
            return Arrays.copyOf(digest.digest(), CHECK_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
