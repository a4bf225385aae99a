package dev.balancer;

/**
 * Why a front end aborts a backend response it leaves for a retry ({@link Balancer#responseBegan}): the failure that
 * abort reports back belongs to an attempt the exchange has moved on from, and is ignored.
 */
public final class AbandonedAttempt extends Exception {
    public static final AbandonedAttempt INSTANCE = new AbandonedAttempt();

    private AbandonedAttempt() {
        super("attempt abandoned for a retry", null, false, false);
    }
}
