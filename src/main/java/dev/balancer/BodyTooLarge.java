package dev.balancer;

import java.io.IOException;

/** The client's request body went over {@code maxRequestBodySize}: the client's fault, answered 413. */
public final class BodyTooLarge extends IOException {
    BodyTooLarge(long limit) {
        super("request body larger than maxRequestBodySize (" + limit + " bytes)");
    }
}
