package dev.balancer.strategy;

import dev.balancer.backend.Backend;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Consistent hashing on a ring of virtual nodes (Karger et al.). Each backend owns {@value #POINTS_PER_WEIGHT}
 * points per unit of weight, placed by hashing its URL, so the ring depends only on the set of backends, never on
 * start order or list order: replicas agree. The ring is built over the available backends, which is the same as
 * walking past unavailable owners to the next point: when a backend leaves, only the keys it owned move.
 */
final class HashRingPicker implements Picker {
    static final int POINTS_PER_WEIGHT = 1000;
    /** Bounds memory and build time for very large pools; beyond it every backend gets proportionally fewer points. */
    static final int MAX_POINTS = 1 << 19;

    private final Backend[] backends;
    private final long[] points;
    private final Backend[] owners;
    private final HashKey key;

    HashRingPicker(List<Backend> list, HashKey key) {
        this.key = key;
        this.backends = list.toArray(Backend[]::new);
        long totalWeight = list.stream().mapToLong(Backend::effectiveWeight).sum();
        double scale = Math.min(POINTS_PER_WEIGHT, (double) MAX_POINTS / totalWeight);
        int size = 0;
        int[] counts = new int[backends.length];
        for (int i = 0; i < backends.length; i++) {
            counts[i] = Math.max(1, (int) Math.round(backends[i].effectiveWeight() * scale));
            size += counts[i];
        }
        long[] entries = new long[size];
        Backend[] byEntry = new Backend[size];
        int n = 0;
        for (int i = 0; i < backends.length; i++) {
            String name = backends[i].baseUrl();
            for (int v = 0; v < counts[i]; v++) {
                entries[n] = hash(name + '#' + v);
                byEntry[n] = backends[i];
                n++;
            }
        }
        Integer[] order = new Integer[size];
        Arrays.setAll(order, i -> i);
        // Sort by point; equal points (astronomically rare) go to the smaller URL, so every replica agrees.
        Arrays.sort(order, (a, b) -> entries[a] != entries[b]
                ? Long.compare(entries[a], entries[b])
                : byEntry[a].baseUrl().compareTo(byEntry[b].baseUrl()));
        this.points = new long[size];
        this.owners = new Backend[size];
        for (int i = 0; i < size; i++) {
            points[i] = entries[order[i]];
            owners[i] = byEntry[order[i]];
        }
    }

    @Override
    public Backend pick(HttpServletRequest request) {
        String value = key.of(request);
        if (value == null) {
            return backends[ThreadLocalRandom.current().nextInt(backends.length)];
        }
        return owner(hash(value));
    }

    /** The backend owning the first ring point at or after {@code h}, wrapping around. */
    Backend owner(long h) {
        int index = Arrays.binarySearch(points, h);
        if (index < 0) {
            index = -index - 1;
            if (index == points.length) {
                index = 0;
            }
        }
        return owners[index];
    }

    /** 64-bit FNV-1a over the UTF-16 chars, finished with MurmurHash3's fmix64 for avalanche. No allocation. */
    static long hash(CharSequence s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
