package com.stateset.sandbox.spi.events;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How one delivery attempt went.
 *
 * @param outcome delivered, retry later, or give up
 * @param statusCode the receiver's status code, if it has one (HTTP), else null
 * @param detail what went wrong, for the delivery log (never a secret), or null
 * @param retryAfter the earliest retry the receiver asked for, or null
 */
public record DeliveryResult(Outcome outcome, Integer statusCode, String detail, Duration retryAfter) {

    public enum Outcome {
        DELIVERED,
        RETRY,
        /** Retrying cannot help (the destination is gone or refuses the event for good). */
        FAILED
    }

    public DeliveryResult {
        requireNonNull(outcome, "outcome is null");
    }

    public static DeliveryResult delivered(Integer statusCode) {
        return new DeliveryResult(Outcome.DELIVERED, statusCode, null, null);
    }

    public static DeliveryResult retry(Integer statusCode, String detail, Duration retryAfter) {
        return new DeliveryResult(Outcome.RETRY, statusCode, detail, retryAfter);
    }

    public static DeliveryResult failed(Integer statusCode, String detail) {
        return new DeliveryResult(Outcome.FAILED, statusCode, detail, null);
    }
}
