package dev.balancer.strategy;

/**
 * Uniform indices from random bits by a multiply and a shift instead of a division (Lemire), so a pick can take
 * several from one 64-bit draw and none costs a {@code nextInt(n)}.
 */
final class RandomIndex {
    private RandomIndex() {}

    /** An index in {@code [0, n)} from the low 32 bits of {@code bits}; the bias is below {@code n / 2^32}. */
    static int below(long bits, int n) {
        return (int) (((bits & 0xFFFF_FFFFL) * n) >>> 32);
    }
}
