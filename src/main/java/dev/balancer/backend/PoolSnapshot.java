package dev.balancer.backend;

import dev.balancer.strategy.ClientRequest;
import dev.balancer.strategy.Picker;
import java.util.List;
import java.util.Map;

/**
 * Everything the request path needs, frozen: every member with its state, the backends that may get traffic now,
 * and the strategy's picker over exactly those. Replaced as a whole on every change, so a request reads
 * one volatile reference and never locks.
 *
 * @param members   every known backend, configured order
 * @param states    each member's state
 * @param available backends that may be picked: healthy primaries, with healthy backups while too few primaries are
 *                  healthy, or in panic every member not drained or down (see {@link Selection})
 * @param picker    the strategy's picker over {@code available}
 * @param panic     whether too few backends are healthy, so {@code available} includes unhealthy and ejected ones
 */
public record PoolSnapshot(List<Backend> members, Map<Backend, BackendState> states, List<Backend> available, Picker<Backend> picker,
                           boolean panic) {

    /** The chosen backend, or null when none is available. */
    public Backend pick(ClientRequest request) {
        return available.isEmpty() ? null : picker.pick(request);
    }

    public BackendState state(Backend backend) {
        return states.get(backend);
    }
}
