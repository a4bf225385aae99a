package dev.balancer.backend;

/** One backend state change. */
public record Transition(Backend backend, BackendState from, BackendState to) {}
