package dev.balancer.servlet;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * The backend client's timer thread (timeouts, retry back-off). Jetty's own scheduler lets go of its thread without
 * waiting for it to end, and Tomcat, checking right after an undeploy, reported that thread as leaked by the
 * application (once in Tomcat10IT); this one's stop returns once its thread has ended, as {@link OwnThreadPool}'s does.
 */
final class OwnScheduler extends ScheduledExecutorScheduler {
    private static final long STOP_MILLIS = 5_000;
    private final ScheduledThreadPoolExecutor executor;

    OwnScheduler(String name) {
        this(newExecutor(name));
    }

    private OwnScheduler(ScheduledThreadPoolExecutor executor) {
        super(executor);
        this.executor = executor;
    }

    private static ScheduledThreadPoolExecutor newExecutor(String name) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true); // cancelled timeouts (most of them) leave the queue at once
        return executor;
    }

    @Override
    protected void doStop() throws Exception {
        executor.shutdownNow();
        executor.awaitTermination(STOP_MILLIS, TimeUnit.MILLISECONDS);
        super.doStop();
    }
}
