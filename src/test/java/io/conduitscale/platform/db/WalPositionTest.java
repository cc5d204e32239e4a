package io.conduitscale.platform.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WalPositionTest {

    @Test
    void parsesAndFormatsPostgresPositions() {
        assertThat(WalPosition.parse("0/3015E88")).isEqualTo(0x3015E88L);
        assertThat(WalPosition.parse("16/B374D848")).isEqualTo((0x16L << 32) | 0xB374D848L);
        assertThat(WalPosition.format(WalPosition.parse("16/B374D848"))).isEqualTo("16/B374D848");
        assertThat(WalPosition.parse(null)).isEqualTo(WalPosition.NONE);
        assertThatThrownBy(() -> WalPosition.parse("16B374D848")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WalPosition.parse("1/123456789")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void comparesUnsignedAndSortsAsTextInTheSameOrder() {
        long low = WalPosition.parse("0/FFFFFFFF");
        long high = WalPosition.parse("1/0");
        long top = WalPosition.parse("FFFFFFFF/0"); // negative as a signed long
        assertThat(WalPosition.reached(high, low)).isTrue();
        assertThat(WalPosition.reached(low, high)).isFalse();
        assertThat(WalPosition.reached(top, high)).isTrue();
        assertThat(WalPosition.sortable(low).compareTo(WalPosition.sortable(high))).isNegative();
        assertThat(WalPosition.sortable(high).compareTo(WalPosition.sortable(top))).isNegative();
        assertThat(WalPosition.fromSortable(WalPosition.sortable(top))).isEqualTo(top);
    }

    @Test
    void onlyPlainSelectsAreReads() {
        assertThat(PositionPublishingTransactionManager.WriteDetector.isPlainSelect("  SELECT * FROM articles")).isTrue();
        assertThat(PositionPublishingTransactionManager.WriteDetector.isPlainSelect("select a.* from articles a for update of a")).isFalse();
        assertThat(PositionPublishingTransactionManager.WriteDetector.isPlainSelect("INSERT INTO follows VALUES (1, 2)")).isFalse();
        assertThat(PositionPublishingTransactionManager.WriteDetector.isPlainSelect("WITH x AS (DELETE FROM t RETURNING 1) SELECT 1")).isFalse();
        assertThat(PositionPublishingTransactionManager.WriteDetector.isPlainSelect("SELECT nextval('s')")).isFalse();
    }
}
