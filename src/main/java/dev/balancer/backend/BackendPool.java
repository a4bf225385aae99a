package dev.balancer.backend;

import dev.balancer.config.BackendSpec;
import dev.balancer.strategy.Strategy;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backends of one balancer and their states. Writers (health checks, discovery, operators) serialise on this
 * object and publish a new {@link PoolSnapshot}; the request path only ever reads {@link #snapshot()}.
 */
public final class BackendPool {
    private static final Logger LOG = LoggerFactory.getLogger(BackendPool.class);

    private final String name;
    private final Strategy strategy;
    private final Clock clock;
    private final int panicThreshold;
    private final Map<Backend, BackendState> states = new LinkedHashMap<>();
    private final List<Consumer<PoolSnapshot>> listeners = new CopyOnWriteArrayList<>();
    private final List<AttemptObserver> observers = new CopyOnWriteArrayList<>();
    private final List<Consumer<Transition>> transitionListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Backend>> joinListeners = new CopyOnWriteArrayList<>();
    private final List<ProbeObserver> probeObservers = new CopyOnWriteArrayList<>();
    private volatile PoolSnapshot snapshot;

    /**
     * @param strategy this pool's own instance: it may keep state across the pickers it builds here, and it hears
     *                 every attempt ({@link Strategy#attemptEnded})
     * @param panicThreshold percent of the primaries that must be healthy, else traffic goes to all (see
     *                 {@link Selection}); 0 turns panic off
     */
    public BackendPool(String name, Strategy strategy, List<BackendSpec> specs, int panicThreshold, Clock clock) {
        this.name = name;
        this.strategy = strategy;
        this.clock = clock;
        this.panicThreshold = panicThreshold;
        for (BackendSpec spec : specs) {
            states.put(new Backend(spec), initialState(spec));
        }
        publish();
    }

    public String name() {
        return name;
    }

    public PoolSnapshot snapshot() {
        return snapshot;
    }

    public Clock clock() {
        return clock;
    }

    /** Called with each new snapshot, on the thread that made the change. */
    public void onChange(Consumer<PoolSnapshot> listener) {
        listeners.add(listener);
    }

    /** Called with every state change, after the new snapshot is published, on the thread that made it. */
    public void onTransition(Consumer<Transition> listener) {
        transitionListeners.add(listener);
    }

    /**
     * Called with every backend that joins after the pool was built (discovery), after the snapshot that has it is
     * published, on the thread that added it. Backends of the initial list never join: they were there from the start.
     */
    public void onJoin(Consumer<Backend> listener) {
        joinListeners.add(listener);
    }

    /** Called after every attempt at a backend; see {@link AttemptObserver}. */
    public void observe(AttemptObserver observer) {
        observers.add(observer);
    }

    /** The request path reports an attempt as started: the backend's in-flight count goes up. */
    public void attemptStarted(Backend backend) {
        backend.requestStarted();
    }

    /**
     * The request path reports an attempt as ended: in-flight goes down, the strategy learns the outcome (least-latency
     * measures every attempt; the others ignore it), then every observer.
     */
    public void attemptEnded(Backend backend, int status, long durationNanos, Throwable failure) {
        backend.requestEnded();
        strategy.attemptEnded(backend, status, durationNanos, failure);
        for (AttemptObserver observer : observers) {
            observer.attemptEnded(backend, status, durationNanos, failure);
        }
    }

    /** Called after every active health probe; see {@link ProbeObserver}. */
    public void observeProbes(ProbeObserver observer) {
        probeObservers.add(observer);
    }

    /** The health checker reports a finished probe: it becomes the backend's last probe and every probe observer learns it. */
    public void probeEnded(Backend backend, ProbeResult result) {
        backend.lastProbe(result);
        for (ProbeObserver observer : probeObservers) {
            observer.probeEnded(backend, result);
        }
    }

    public Optional<Backend> find(String id) {
        return snapshot.members().stream().filter(b -> b.id().equals(id)).findFirst();
    }

    /**
     * Moves a backend to a new status, logging one line with the reason. Returns false when it already had it
     * (or is no longer a member), so callers can report transitions only.
     */
    public boolean transition(Backend backend, BackendStatus status, String reason) {
        return transition(backend, EnumSet.allOf(BackendStatus.class), status, reason);
    }

    /**
     * Like {@link #transition(Backend, BackendStatus, String)}, but only from one of the given statuses: health
     * checks must not, say, bring back a backend an operator drained.
     */
    public boolean transition(Backend backend, Set<BackendStatus> from, BackendStatus status, String reason) {
        return transition(backend, from, status, reason, snapshot -> true);
    }

    /**
     * Like {@link #transition(Backend, Set, BackendStatus, String)}, and only if {@code allowed} accepts the current
     * snapshot, tested under the pool's lock: a cap on ejections holds even when several are decided at once.
     */
    public boolean transition(Backend backend, Set<BackendStatus> from, BackendStatus status, String reason,
                              Predicate<PoolSnapshot> allowed) {
        Transition transition;
        synchronized (this) {
            BackendState old = states.get(backend);
            if (old == null || old.status() == status || !from.contains(old.status()) || !allowed.test(snapshot)) {
                return false;
            }
            BackendState next = new BackendState(status, reason, clock.instant());
            states.put(backend, next);
            LOG.info("[{}] backend {}: {} -> {} ({})", name, backend, old.status().label(), status.label(), reason);
            publish();
            transition = new Transition(backend, old, next);
        }
        transitionListeners.forEach(listener -> listener.accept(transition));
        return true;
    }

    /** Sets effective weights (slow start) and publishes them in one new snapshot. */
    public synchronized void effectiveWeights(Map<Backend, Integer> weights) {
        weights.forEach(Backend::effectiveWeight);
        publish();
    }

    /**
     * Replaces the member set (discovery, a configuration reload) in one new snapshot. A backend is the same one when
     * its URL is: survivors keep their state and counters, and take a new weight or backup flag in place (a newly
     * {@code down} one goes down, one no longer down comes back healthy); new backends start healthy (and
     * {@linkplain #onJoin join}, so slow start can ramp them); vanished ones are dropped from the snapshot, so they
     * get no new requests while in-flight ones finish.
     */
    public void updateMembers(List<BackendSpec> specs) {
        List<Backend> joined = new ArrayList<>();
        synchronized (this) {
            Map<URI, Backend> current = new LinkedHashMap<>();
            states.keySet().forEach(b -> current.put(b.url(), b));
            Map<Backend, BackendState> next = new LinkedHashMap<>();
            for (BackendSpec spec : specs) {
                Backend existing = current.get(spec.url());
                if (existing != null) {
                    next.put(existing, respec(existing, spec));
                } else {
                    Backend added = new Backend(spec);
                    next.put(added, initialState(spec));
                    joined.add(added);
                    LOG.info("[{}] backend {} added", name, added);
                }
            }
            current.values().stream().filter(b -> !next.containsKey(b))
                    .forEach(b -> LOG.info("[{}] backend {} removed ({} requests in flight finish)", name, b, b.inFlight()));
            states.clear();
            states.putAll(next);
            publish();
        }
        joined.forEach(backend -> joinListeners.forEach(listener -> listener.accept(backend)));
    }

    /** A member's state once it takes {@code spec}; only a change of {@code down} changes the state. */
    private BackendState respec(Backend backend, BackendSpec spec) {
        BackendSpec before = backend.spec();
        BackendState state = states.get(backend);
        if (before.equals(spec)) {
            return state;
        }
        backend.spec(spec);
        LOG.info("[{}] backend {} reconfigured: weight {} -> {}, backup {} -> {}, down {} -> {}", name, backend,
                before.weight(), spec.weight(), before.backup(), spec.backup(), before.down(), spec.down());
        if (spec.down() && !before.down()) {
            return initialState(spec);
        }
        return !spec.down() && before.down() && state.status() == BackendStatus.DOWN
                ? new BackendState(BackendStatus.HEALTHY, "no longer configured down", clock.instant()) : state;
    }

    /**
     * Adds one backend (an operator's request), healthy unless its spec says down, in one new snapshot.
     *
     * @throws IllegalArgumentException when a member has the same URL or the same id
     */
    public synchronized Backend add(BackendSpec spec) {
        Backend added = new Backend(spec);
        for (Backend member : states.keySet()) {
            if (member.url().equals(spec.url()) || member.id().equals(added.id())) {
                throw new IllegalArgumentException("backend " + member.id() + " (" + member + ") is already in the pool");
            }
        }
        states.put(added, initialState(spec));
        LOG.info("[{}] backend {} added", name, spec);
        publish();
        return added;
    }

    /**
     * Gives a member a new weight and backup flag, in one new snapshot. The backend stays the same object, so its
     * state, counters and latency estimates stay too. Returns false when it is no longer a member.
     */
    public synchronized boolean reconfigure(Backend backend, int weight, boolean backup) {
        if (!states.containsKey(backend)) {
            return false;
        }
        BackendSpec before = backend.spec();
        backend.spec(new BackendSpec(before.url(), weight, backup, before.down()));
        LOG.info("[{}] backend {} reconfigured: weight {} -> {}, backup {} -> {}", name, backend, before.weight(), weight,
                before.backup(), backup);
        publish();
        return true;
    }

    /**
     * Forgets a member (an operator removed it): it leaves the snapshot; requests still in flight to it finish.
     * Returns false when it was no longer a member.
     */
    public synchronized boolean remove(Backend backend) {
        if (states.remove(backend) == null) {
            return false;
        }
        LOG.info("[{}] backend {} removed ({} requests in flight finish)", name, backend, backend.inFlight());
        publish();
        return true;
    }

    private BackendState initialState(BackendSpec spec) {
        return spec.down()
                ? new BackendState(BackendStatus.DOWN, "configured down", clock.instant())
                : new BackendState(BackendStatus.HEALTHY, "started", clock.instant());
    }

    private void publish() {
        List<Backend> members = List.copyOf(states.keySet());
        Selection selection = Selection.of(states, panicThreshold);
        List<Backend> available = selection.available();
        boolean wasPanic = snapshot != null && snapshot.panic();
        if (selection.panic() != wasPanic) {
            if (selection.panic()) {
                LOG.warn("[{}] panic: {}, below panicThreshold={}%: traffic goes to all {} backends not drained or down",
                        name, Selection.describe(states), panicThreshold, available.size());
            } else {
                LOG.info("[{}] panic over: {}", name, Selection.describe(states));
            }
        }
        PoolSnapshot next = new PoolSnapshot(members, Map.copyOf(states), available,
                available.isEmpty() ? request -> null : strategy.newPicker(available), selection.panic());
        snapshot = next;
        listeners.forEach(listener -> listener.accept(next));
    }
}
