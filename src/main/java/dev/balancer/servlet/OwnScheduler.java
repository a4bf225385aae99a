package dev.balancer.servlet;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * The backend client's timer thread (timeouts, retry back-off). Jetty's own scheduler lets go of its thread without
 * waiting for it to end, and Tomcat, checking right after an undeploy, reported that thread as leaked by the
 * application (once in Tomcat10IT); this one's stop returns once its thread has ended, as {@link OwnThreadPool}'s does.
 * The executor's termination is not enough: it is reported while its thread is still unwinding (CI saw the thread
 * alive right after {@code awaitTermination} returned), so stop joins the thread itself.
 */
final class OwnScheduler extends ScheduledExecutorScheduler {
    private static final long STOP_MILLIS = 5_000;
    private final ScheduledThreadPoolExecutor executor;
    private final AtomicReference<Thread> thread;

    OwnScheduler(String name) {
        this(new AtomicReference<>(), name);
    }

    private OwnScheduler(AtomicReference<Thread> thread, String name) {
        this(newExecutor(name, thread), thread);
    }

    private OwnScheduler(ScheduledThreadPoolExecutor executor, AtomicReference<Thread> thread) {
        super(executor);
        this.executor = executor;
        this.thread = thread;
    }

    private static ScheduledThreadPoolExecutor newExecutor(String name, AtomicReference<Thread> created) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            created.set(thread); // one core thread: a replacement (after a task threw) takes the dead one's place
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true); // cancelled timeouts (most of them) leave the queue at once
        return executor;
    }

    @Override
    protected void doStop() throws Exception {
        executor.shutdownNow();
        Thread last = thread.get(); // null when nothing was ever scheduled: then no thread was started
        if (last != null && last != Thread.currentThread()) {
            last.join(STOP_MILLIS);
        }
        super.doStop();
    }
}
