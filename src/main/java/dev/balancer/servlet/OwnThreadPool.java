package dev.balancer.servlet;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The backend client's thread pool where the container lends none (Tomcat). Its stop returns only once its threads
 * have ended: Jetty's pool lets go of a thread just before the thread ends, and Tomcat, checking right after the
 * undeploy, reports a thread still ending as one the application leaked.
 */
final class OwnThreadPool extends QueuedThreadPool {
    private final Set<Thread> started = ConcurrentHashMap.newKeySet();

    OwnThreadPool() {
        super(200, 8);
    }

    @Override
    public Thread newThread(Runnable runnable) {
        started.removeIf(thread -> !thread.isAlive());
        Thread thread = super.newThread(runnable);
        started.add(thread);
        return thread;
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(getStopTimeout());
        for (Thread thread : started) {
            if (thread == Thread.currentThread()) {
                continue; // stopped from one of its own threads: that one ends after this returns
            }
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        started.clear();
    }
}
