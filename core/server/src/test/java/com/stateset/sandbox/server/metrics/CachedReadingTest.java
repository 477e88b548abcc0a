package com.stateset.sandbox.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CachedReadingTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final AtomicInteger reads = new AtomicInteger();

    @Test
    void readsAtMostOncePerInterval() {
        CachedReading<Integer> reading = new CachedReading<>("reads", Duration.ofNanos(100), reads::incrementAndGet,
                now::get);
        assertThat(reading.get()).contains(1);
        now.addAndGet(99);
        assertThat(reading.get()).as("a burst shares the first read").contains(1);
        assertThat(reading.get()).contains(1);
        now.addAndGet(1);
        assertThat(reading.get()).contains(2);
        assertThat(reads).hasValue(2);
    }

    @Test
    void aFailedReadLeavesNoValueAndIsNotRetriedBeforeTheInterval() {
        CachedReading<Integer> reading = new CachedReading<>("reads", Duration.ofNanos(100), () -> {
            if (reads.incrementAndGet() == 1) {
                throw new IllegalStateException("database down");
            }
            return reads.get();
        }, now::get);
        assertThat(reading.get()).isEmpty();
        assertThat(reading.get()).isEmpty();
        assertThat(reads).hasValue(1);
        now.addAndGet(100);
        assertThat(reading.get()).contains(2);
    }
}
