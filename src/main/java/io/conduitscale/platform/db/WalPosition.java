package io.conduitscale.platform.db;

/**
 * A position in PostgreSQL's write-ahead log (a {@code pg_lsn}, written {@code 16/B374D848}) as an
 * unsigned 64-bit number. Commit positions only grow, on the primary and on every replica of it, so
 * "has this replica replayed that commit?" is a comparison of two of these.
 */
public final class WalPosition {

    /** No position: nothing required, or nothing known. */
    public static final long NONE = 0;

    private WalPosition() {}

    /** Parses {@code X/Y} (two hexadecimal halves); null or blank gives {@link #NONE}. */
    public static long parse(String lsn) {
        if (lsn == null || lsn.isBlank()) {
            return NONE;
        }
        int slash = lsn.indexOf('/');
        if (slash <= 0 || slash == lsn.length() - 1 || slash > 8 || lsn.length() - slash - 1 > 8) {
            throw new IllegalArgumentException("not a WAL position: " + lsn);
        }
        long high = Long.parseLong(lsn.substring(0, slash).trim(), 16);
        long low = Long.parseLong(lsn.substring(slash + 1).trim(), 16);
        return (high << 32) | low;
    }

    /** Formats as PostgreSQL does: {@code X/Y} in upper-case hexadecimal. */
    public static String format(long position) {
        return Long.toHexString(position >>> 32).toUpperCase() + "/" + Long.toHexString(position & 0xFFFFFFFFL).toUpperCase();
    }

    /** Sixteen zero-padded hex digits: compares as text in the same order as the numbers (for Redis). */
    static String sortable(long position) {
        return String.format("%016x", position);
    }

    static long fromSortable(String text) {
        return text == null ? NONE : Long.parseUnsignedLong(text, 16);
    }

    /** True if {@code replayed} is at or past {@code required} (unsigned: positions use all 64 bits). */
    public static boolean reached(long replayed, long required) {
        return Long.compareUnsigned(replayed, required) >= 0;
    }
}
