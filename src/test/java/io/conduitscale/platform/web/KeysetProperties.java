package io.conduitscale.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The keyset cursor, whatever a client sends: a position this list issued, or a 422 naming {@code cursor}
 * (or {@code limit}), never any other failure; a cursor works for the list that issued it and no other, and
 * any change to its text is refused.
 */
class KeysetProperties {

    static final String SCOPE = "articles|tag=java";

    @Property(tries = 3000)
    void anyCursorTextIsAPositionOrA422(@ForAll("cursors") String cursor, @ForAll("limits") String limit) {
        Throwable failure = catchThrowable(() -> {
            Keyset page = Keyset.of(limit, null, cursor, SCOPE);
            assertThat(page.limit()).isBetween(1, Pagination.MAX_LIMIT);
            assertThat(page.fetch()).isEqualTo(page.limit() + 1);
        });
        PaginationProperties.assertNoneOrA422On(failure, "limit", "cursor");
    }

    @Property(tries = 1000)
    void aCursorLeadsBackToItsPositionInItsOwnListOnly(@ForAll("instants") Instant createdAt,
                                                       @ForAll @LongRange(min = 1) long id,
                                                       @ForAll("scopes") String otherScope) {
        String cursor = Keyset.of(null, null, "", SCOPE).cursorAfter(createdAt, id);
        assertThat(cursor).matches("[A-Za-z0-9_-]{34}");
        assertThat(Keyset.of("5", "", cursor, SCOPE).after()).isEqualTo(new Keyset.Position(createdAt, id));
        if (!otherScope.equals(SCOPE)) {
            assertThat(Keyset.decode(cursor, otherScope)).isNull();
        }
    }

    @Property(tries = 1000)
    void anEditedCursorIsRefused(@ForAll("instants") Instant createdAt, @ForAll @LongRange(min = 1) long id,
                                 @ForAll @IntRange(min = 0, max = 33) int at, @ForAll char replacement) {
        String cursor = Keyset.encode(new Keyset.Position(createdAt, id), SCOPE);
        String edited = cursor.substring(0, at) + replacement + cursor.substring(at + 1);
        if (!edited.equals(cursor)) {
            assertThat(Keyset.decode(edited, SCOPE)).isNull();
        }
    }

    @Property(tries = 200)
    void aCursorWithAnOffsetIsA422(@ForAll("cursors") String cursor, @ForAll @IntRange(min = 0) int offset) {
        ApiException rejected = (ApiException) catchThrowable(() -> Keyset.of(null, Integer.toString(offset), cursor, SCOPE));
        assertThat(rejected.errors()).containsKey("cursor");
    }

    @Provide
    Arbitrary<String> cursors() {
        String valid = Keyset.encode(new Keyset.Position(Instant.parse("2026-01-31T09:15:02.120Z"), 42), SCOPE);
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(80),
                Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=")
                        .ofMinLength(30).ofMaxLength(40),
                Arbitraries.of("", " ", valid, valid + "==", valid.substring(1), "%%", "\u0000", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
                Arbitraries.just(null));
    }

    @Provide
    Arbitrary<String> limits() {
        return Arbitraries.oneOf(Arbitraries.integers().between(-5, 500).map(Object::toString),
                Arbitraries.of("", "x", "1e3"), Arbitraries.just(null));
    }

    @Provide
    Arbitrary<Instant> instants() {
        return Arbitraries.longs().between(Instant.parse("0001-01-01T00:00:00Z").toEpochMilli(),
                Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli()).map(Instant::ofEpochMilli);
    }

    @Provide
    Arbitrary<String> scopes() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(40), Arbitraries.of(SCOPE, "articles|tag=Java", "comments|article=1"));
    }
}
