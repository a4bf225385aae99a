package dev.balancer.strategy;

import java.util.List;

/** The array a picker indexes on every pick. */
final class Endpoints {
    private Endpoints() {}

    /**
     * The endpoints as an {@code E[]} whose runtime type is {@code Endpoint[]}: safe because pickers only read it
     * and return single elements, which are {@code E}; the array itself never leaves the picker.
     */
    @SuppressWarnings("unchecked")
    static <E extends Endpoint> E[] array(List<E> list) {
        return (E[]) list.toArray(new Endpoint[0]);
    }
}
