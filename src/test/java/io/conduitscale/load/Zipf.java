package io.conduitscale.load;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Ranks 1..n drawn with probability proportional to 1 / rank^s: a few hot keys and a long tail, the shape of
 * real read traffic (and what decides a cache's hit ratio). Inverse CDF over a precomputed table.
 */
final class Zipf {

    private final double[] cumulative;

    Zipf(int n, double exponent) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1");
        }
        cumulative = new double[n];
        double sum = 0;
        for (int rank = 1; rank <= n; rank++) {
            sum += 1 / Math.pow(rank, exponent);
            cumulative[rank - 1] = sum;
        }
        for (int i = 0; i < n; i++) {
            cumulative[i] /= sum;
        }
    }

    /** A rank in 1..n. */
    int next(SplittableRandom random) {
        int i = Arrays.binarySearch(cumulative, random.nextDouble());
        return Math.min(cumulative.length, (i >= 0 ? i : -i - 1) + 1);
    }
}
