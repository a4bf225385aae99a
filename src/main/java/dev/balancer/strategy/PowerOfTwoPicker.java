package dev.balancer.strategy;

import dev.balancer.backend.Backend;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Power of two choices (Mitzenmacher): two distinct backends at random, keep the one with less load for its weight.
 * Nearly as good as least-connections, O(1) at any pool size, and without herding on one "best" backend.
 */
final class PowerOfTwoPicker implements Picker {
    private final Backend[] backends;

    PowerOfTwoPicker(List<Backend> list) {
        this.backends = list.toArray(Backend[]::new);
    }

    @Override
    public Backend pick(HttpServletRequest request) {
        int n = backends.length;
        if (n == 1) {
            return backends[0];
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int first = random.nextInt(n);
        int second = random.nextInt(n - 1);
        if (second >= first) {
            second++;
        }
        Backend a = backends[first];
        Backend b = backends[second];
        return Load.lighter(b, a) ? b : a;
    }
}
