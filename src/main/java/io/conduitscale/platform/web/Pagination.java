package io.conduitscale.platform.web;

/**
 * {@code limit} and {@code offset} of a list request, validated.
 * <p>
 * {@code limit} defaults to 20 and is capped at {@value #MAX_LIMIT}: a larger value is served as
 * {@value #MAX_LIMIT} (the response's length shows it), so a page never grows without bound.
 * {@code offset} defaults to 0 and may not pass {@value #MAX_OFFSET}: deep offsets make the
 * database walk and discard every skipped row. Values that are not whole numbers, negative, a zero
 * limit, or an offset past the maximum are a 422. Deep pages are what {@link Keyset} (cursors) is for.
 */
public record Pagination(int limit, int offset) {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;
    public static final int MAX_OFFSET = 1_000_000;

    public static Pagination of(String limit, String offset) {
        ApiException.Validation validation = new ApiException.Validation();
        int parsedLimit = limit(limit, validation);
        long parsedOffset = parse(offset, 0, "offset", validation);
        if (!validation.hasErrors() && parsedOffset < 0) {
            validation.reject("offset", "must not be negative");
        }
        if (!validation.hasErrors() && parsedOffset > MAX_OFFSET) {
            validation.reject("offset", "must be at most " + MAX_OFFSET);
        }
        validation.throwIfInvalid();
        return new Pagination(parsedLimit, (int) parsedOffset);
    }

    /** A {@code limit}, validated and capped (keyset pages use it alone: {@link Keyset}). */
    static int limit(String limit, ApiException.Validation validation) {
        long parsed = parse(limit, DEFAULT_LIMIT, "limit", validation);
        if (!validation.hasErrors() && parsed < 1) {
            validation.reject("limit", "must be at least 1");
        }
        return (int) Math.clamp(parsed, 1, MAX_LIMIT);
    }

    private static long parse(String value, long fallback, String name, ApiException.Validation validation) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            validation.reject(name, "must be a whole number");
            return fallback;
        }
    }
}
