package dev.balancer.servlet;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;

/** An {@link AsyncListener} for the one event Balancer needs: a request's asynchronous cycle is over. */
@FunctionalInterface
interface AsyncCompletion extends AsyncListener {

    @Override
    default void onTimeout(AsyncEvent event) {
        // the proxy answers its own timeouts; onComplete follows
    }

    @Override
    default void onError(AsyncEvent event) {
        // onComplete follows
    }

    @Override
    default void onStartAsync(AsyncEvent event) {
        // not re-registered: once per request
    }
}
