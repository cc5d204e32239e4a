package io.conduitscale.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.springframework.http.HttpStatus;

/**
 * Input validation of {@code limit} and {@code offset}, whatever a client sends: either a page within
 * the documented bounds or a 422 naming the parameter, never any other failure.
 */
class PaginationProperties {

    @Property(tries = 3000)
    void anyInputIsAPageWithinBoundsOrA422(@ForAll("parameters") String limit, @ForAll("parameters") String offset) {
        Throwable failure = catchThrowable(() -> {
            Pagination page = Pagination.of(limit, offset);
            assertThat(page.limit()).isBetween(1, Pagination.MAX_LIMIT);
            assertThat(page.offset()).isBetween(0, Pagination.MAX_OFFSET);
        });
        assertNoneOrA422On(failure, "limit", "offset");
    }

    /** A failure, if any, is a 422 naming only these parameters: bad input never fails any other way. */
    static void assertNoneOrA422On(Throwable failure, String... parameters) {
        if (failure != null) {
            assertThat(failure).isInstanceOf(ApiException.class);
            ApiException rejected = (ApiException) failure;
            assertThat(rejected.status()).isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT);
            assertThat(rejected.errors().keySet()).isNotEmpty().isSubsetOf(parameters);
        }
    }

    @Property(tries = 1000)
    void aValidLimitIsKeptUpToTheMaximumAndCappedAbove(@ForAll("validLimits") long limit) {
        assertThat(Pagination.of(Long.toString(limit), null).limit()).isEqualTo((int) Math.min(limit, Pagination.MAX_LIMIT));
    }

    @Provide
    Arbitrary<String> parameters() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(30),
                Arbitraries.longs().map(Object::toString),
                Arbitraries.integers().between(-5, 2_000_000).map(Object::toString),
                Arbitraries.of("", " ", "1e3", "0x10", "+5", "99999999999999999999", "NaN", "\u0000", "٣"),
                Arbitraries.just(null));
    }

    @Provide
    Arbitrary<Long> validLimits() {
        return Arbitraries.longs().between(1, 1_000_000);
    }
}
