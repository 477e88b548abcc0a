package com.stateset.sandbox.server.metrics;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A value read at most once per {@code maxAge}, for gauges that cost a database query: however
 * often and by however many scrapers the metrics are read, the database sees one query per
 * interval. A failed read is logged and leaves the value absent (its series missing, not stale)
 * until the next interval.
 */
final class CachedReading<T> {

    private static final Logger LOG = LoggerFactory.getLogger(CachedReading.class);

    private final String name;
    private final Supplier<T> read;
    private final long maxAgeNanos;
    private final LongSupplier nanoTime;
    /** A lock, not a monitor: on Java 21 a virtual thread waiting on the database inside a monitor pins its carrier. */
    private final ReentrantLock lock = new ReentrantLock();
    private Optional<T> value = Optional.empty();
    private boolean everRead;
    private long readAt;

    CachedReading(String name, Duration maxAge, Supplier<T> read) {
        this(name, maxAge, read, System::nanoTime);
    }

    /** {@code nanoTime}: the clock, {@link System#nanoTime} but in tests. */
    CachedReading(String name, Duration maxAge, Supplier<T> read, LongSupplier nanoTime) {
        this.name = requireNonNull(name, "name is null");
        this.maxAgeNanos = maxAge.toNanos();
        this.read = requireNonNull(read, "read is null");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
    }

    /** The last value read, read again first if it is older than {@code maxAge}; concurrent callers share one read. */
    Optional<T> get() {
        lock.lock();
        try {
            long now = nanoTime.getAsLong();
            if (!everRead || now - readAt >= maxAgeNanos) {
                everRead = true;
                readAt = now;
                try {
                    value = Optional.of(read.get());
                } catch (RuntimeException e) {
                    LOG.warn("reading {} for the metrics failed: {}", name, e.getMessage());
                    value = Optional.empty();
                }
            }
            return value;
        } finally {
            lock.unlock();
        }
    }
}
