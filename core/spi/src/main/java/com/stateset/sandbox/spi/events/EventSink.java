package com.stateset.sandbox.spi.events;

/**
 * Receives every event of the installation, once each at least: the server records events in an
 * outbox in the same transaction as the change they report, and calls {@link #deliver} until it
 * succeeds, fails for good, or its retries run out. Calls may repeat after a crash, so a sink should
 * be idempotent on {@link Event#id()}. Implementations must be thread-safe.
 */
public interface EventSink extends AutoCloseable {

    /** Delivers one event; never throws for a delivery that failed, but says so. */
    DeliveryResult deliver(Event event);

    @Override
    void close();
}
